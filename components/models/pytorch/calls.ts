/**
 * torch.nn layers, losses and modules, torch.optim, DataLoader / TensorDataset / Subset and torchvision's MNIST as
 * the translator meets them in calls; `with torch.no_grad():` evaluation. Pure.
 */
import {datasetOfInstance} from "./dataset.js";
import {dotted, parseExpr, type Expr} from "../keras/expr.js";
import type {PyStmt} from "../keras/gd.js";
import type {Interpreter} from "../keras/interpreter.js";
import {MODEL_OUTPUT, NUM, UNKNOWN, argToVal, describe, valToNP, type Val} from "../keras/values.js";
import {toND, toNumber} from "../numpy/values.js";
import {pyCallable} from "../keras/compileFit.js";
import {isND, takeRows, type NDArray} from "../numpy/ndarray.js";
import {TORCH_LAYERS, torchLayer, type Arg, type TorchLayer} from "./layers.js";
import {sequentialSchedule, torchScheduler} from "./schedulers.js";
import type {LrSchedule} from "../keras/program.js";
import {forwardChain, initLayers} from "./module.js";
import {isTorchLoss, isTorchOptimizer, torchLoss, torchOptimizer} from "./objects.js";
import {stripShape} from "./loop.js";

/** torch.nn layers, losses and modules; torch.optim; DataLoader / TensorDataset; torchvision's MNIST. */
export function torchCall(it: Interpreter, fn: Val, e: Extract<Expr, {type: "call"}>, scope: Map<string, Val>, line: number): Val {
  const rawArgs = it.evalArgs(e, scope, line);
  const rawKw = Object.fromEntries(Object.entries(e.kwargs).map(([k, v]) => [k, it.evaluate(v, scope, line)]));
  const args = rawArgs.map((a) => toArg(it, a));
  const kw = Object.fromEntries(Object.entries(rawKw).map(([k, v]) => [k, toArg(it, v)]));
  if (fn.k === "torch") {
    const t = fn.t;
    if (t.kind === "class") {
      const host = {evaluate: (x: Expr, locals: Map<string, Arg>, at: number) => {
        const local = new Map(scope);
        for (const [k, v] of locals) if (!k.includes(".")) local.set(k, argToVal(v));
        return toArg(it, it.evaluate(x, local, at));
      }};
      const before = it.unsupported.length;
      const layers = initLayers(t.cls, args, kw, host, it.unsupported);
      const chain = forwardChain(t.cls, layers, it.unsupported);
      for (const u of it.unsupported.slice(before)) it.diag.push({line: u.line, severity: "error", message: u.message});
      return chain ? {k: "torch", t: {kind: "model", layers: chain, line, name: t.cls.name}} : UNKNOWN(`${t.cls.name} instance`);
    }
    if (t.kind === "model" || t.kind === "layer") return UNKNOWN(MODEL_OUTPUT);
    return UNKNOWN(`${t.kind} call`);
  }
  const path = (fn as Extract<Val, {k: "mod"}>).path.replace(/^torch\.nn\.modules\.\w+\./, "torch.nn.");
  const name = path.slice(path.lastIndexOf(".") + 1);
  const recv = e.fn.type === "attr" ? it.evaluate(e.fn.obj, scope, line) : null;
  if (recv?.k === "torch") {
    if (name === "parameters") return {k: "torch", t: {kind: "params"}};
    // net = nn.Sequential(); net.add_module("fc1", nn.Linear(4, 64)) (or net.append(layer)): the layer joins in order
    if ((name === "add_module" || name === "append") && recv.t.kind === "layer" && recv.t.layer.kind === "sequential") {
      const layer = args[name === "add_module" ? 1 : 0];
      if (!layer || typeof layer !== "object" || !("layer" in layer)) throw new Error(`nn.Sequential.${name}(): the argument is not a layer the translator follows`);
      recv.t.layer.layers.push(layer.layer);
      return {k: "none"};
    }
    if (["to", "train", "eval", "cuda", "cpu", "float", "double"].includes(name)) return recv;
    if (name === "load_state_dict" && e.fn.type === "attr" && e.fn.obj.type === "name" && e.args[0]?.type === "name") {
      it.stateLoads.push({model: e.fn.obj.id, arg: e.args[0].id, line});
      return {k: "none"};
    }
    return UNKNOWN(`${recv.t.kind}.${name}()`);
  }
  if (/^torch\.nn\.\w+$/.test(path) && isTorchLoss(name)) return {k: "torch", t: {kind: "loss", loss: torchLoss(name, kw, line, (key) => numbersOf(it, rawKw[key]))}};
  if (/^torch\.nn\.\w+$/.test(path) && TORCH_LAYERS.includes(name)) {
    const at = it.physLine(name, line);
    try {
      return {k: "torch", t: {kind: "layer", layer: torchLayer(name, args, kw, at)}};
    } catch (err) {
      it.error(at, (err as Error).message);
      it.fatalLines.add(at);
      return UNKNOWN(`${name} layer`);
    }
  }
  if (/^torch\.optim\.lr_scheduler\.\w+$/.test(path)) {
    const opt = rawArgs[0] ?? rawKw.optimizer;
    if (opt?.k !== "torch" || opt.t.kind !== "optimizer") throw new Error(`${name}: its first argument must be the torch.optim optimiser`);
    if (name === "SequentialLR") {
      const list = rawKw.schedulers ?? rawArgs[1];
      const parts = list?.k === "seq" ? list.items.map((x) => (x.k === "torch" && x.t.kind === "scheduler" ? x.t.schedule : null)) : [];
      if (!parts.length || parts.some((p) => !p)) throw new Error("SequentialLR: schedulers must be a list of schedulers the translator follows");
      return {k: "torch", t: {kind: "scheduler", schedule: sequentialSchedule(parts as LrSchedule[], kw.milestones ?? args[2], line)}};
    }
    const fn = rawArgs[1] ?? rawKw.lr_lambda;
    const call = name === "LambdaLR" ? pyCallable(it, fn, "LambdaLR") : null;
    const factor = call ? (k: number) => toNumber(call([k]), `LambdaLR's factor at step ${k}`) : undefined;
    if (name === "OneCycleLR" && kw.cycle_momentum !== false) {
      it.warn(line, "OneCycleLR: its momentum cycle (cycle_momentum) is not replayed; the optimiser's momentum / β1 stays as set");
    }
    return {k: "torch", t: {kind: "scheduler", schedule: torchScheduler(name, args, kw, line, factor, fn?.k === "lambda" ? "lambda" : fn?.k === "func" ? fn.name : ""), factor}};
  }
  if (path === "torch.nn.ModuleList") {
    const list = rawArgs[0] ?? {k: "seq", items: []};
    const items = list.k === "seq" ? list.items : null;
    if (!items || !items.every((x) => x.k === "torch" && x.t.kind === "layer")) throw new Error("nn.ModuleList: the argument must be a list of layers");
    return {k: "torch", t: {kind: "modulelist", layers: items.map((x) => (x as {t: {layer: TorchLayer}}).t.layer)}};
  }
  if (/^torch\.optim\.\w+$/.test(path)) {
    if (!isTorchOptimizer(name)) throw new Error(`torch.optim.${name} is not supported`);
    return {k: "torch", t: {kind: "optimizer", opt: torchOptimizer(name, [null, ...args.slice(1)], kw), line}};
  }
  const data = torchDataCall(it, path, name, rawArgs, rawKw, e, scope, line);
  if (data) return data;
  if (/^torch\.(device|cuda\.is_available|set_grad_enabled|no_grad|inference_mode|Generator)$/.test(path)) return UNKNOWN(path);
  if (/^torch\.nn\.init\.\w+$/.test(path)) {
    it.warn(line, `${path.replace(/^torch\./, "")}() is not replayed: the page initialises the weights as PyTorch does by default`);
    return UNKNOWN(path);
  }
  if (/^torch\.(save|load)$/.test(path)) {
    it.warn(line, `${path}() is not replayed in the page`);
    return UNKNOWN(path);
  }
  throw new Error(`${path}() is not supported`);
}

/** An instance of the code's own Dataset subclass (held by the NumPy interpreter) as the dataset of its tensors. */
function ownDataset(it: Interpreter, v: Val | undefined, line: number): Val | undefined {
  if (v?.k !== "nd") return v;
  const data = datasetOfInstance(it, v.name, line);
  return data ? {k: "torch", t: {kind: "data", data}} : v;
}

/** TensorDataset, DataLoader, Subset(…, range(N)), torchvision's MNIST and transforms; null: none of them. */
function torchDataCall(it: Interpreter, path: string, name: string, rawArgs: Val[], rawKw: Record<string, Val>, e: Extract<Expr, {type: "call"}>,
  scope: Map<string, Val>, line: number): Val | null {
  const kw = Object.fromEntries(Object.entries(rawKw).map(([k, v]) => [k, toArg(it, v)]));
  if (/\.TensorDataset$/.test(path)) {
    const [x, y] = rawArgs;
    if (x?.k !== "nd" || y?.k !== "nd") throw new Error("TensorDataset(x, y) : both must be tensors computed by the code");
    return {k: "torch", t: {kind: "data", data: {kind: "tensors", x: x.name, y: y.name, line}}};
  }
  if (/\.DataLoader$/.test(path)) {
    const ds = ownDataset(it, rawArgs[0] ?? rawKw.dataset, line);
    if (ds?.k !== "torch" || ds.t.kind !== "data") throw new Error("DataLoader: the dataset cannot be followed");
    const bs = kw.batch_size ?? 1, sh = kw.shuffle ?? false;
    if (typeof bs !== "number" || !Number.isInteger(bs) || bs < 1) throw new Error("DataLoader: batch_size must be a positive integer");
    return {k: "torch", t: {kind: "loader", loader: {data: ds.t.data, batchSize: bs, shuffle: sh === true, line}}};
  }
  if (/\.random_split$/.test(path)) return randomSplit(it, ownDataset(it, rawArgs[0] ?? rawKw.dataset, line), rawArgs[1] ?? rawKw.lengths, line);
  if (/\.Subset$/.test(path)) {
    const ds = rawArgs[0];
    const r = e.args[1];
    const idx = r?.type === "call" && dotted(r.fn) === "range" && r.args.length === 1 ? {k: "seq", items: Array.from({length: Math.min(it.num(it.evaluate(r.args[0], scope, line), line, "range"), 1e6)}, () => NUM(0))} as Val : rawArgs[1];
    if (ds?.k !== "torch" || ds.t.kind !== "data" || ds.t.data.kind !== "mnist") throw new Error("Subset: only a torchvision MNIST dataset can be subset");
    const n = idx?.k === "nd" ? (it.np.vars.get(idx.name) as NDArray)?.shape?.[0] : idx?.k === "seq" ? idx.items.length : NaN;
    if (!Number.isInteger(n)) throw new Error("Subset(dataset, range(N)): N cannot be followed");
    return {k: "torch", t: {kind: "data", data: {...ds.t.data, limit: n}}};
  }
  if (/^torchvision\.datasets\.(MNIST|FashionMNIST)$/.test(path)) {
    if (name === "FashionMNIST") it.warn(line, "Fashion-MNIST has no offline copy; MNIST digits are used instead");
    const train = kw.train === undefined ? true : kw.train === true;
    const tr = rawKw.transform;
    return {k: "torch", t: {kind: "data", data: {kind: "mnist", train, line, normalized: tr?.k === "torch" && tr.t.kind === "transform" && tr.t.normalize}}};
  }
  if (/^torchvision\.datasets\.\w+$/.test(path)) throw new Error(`torchvision.datasets.${name} has no offline copy`);
  if (/^torchvision\.transforms\.(Compose|ToTensor|Normalize)$/.test(path)) {
    const normalize = name === "Normalize" || (name === "Compose" && rawArgs[0]?.k === "seq" && rawArgs[0].items.some((x) => x.k === "torch" && x.t.kind === "transform" && x.t.normalize));
    return {k: "torch", t: {kind: "transform", normalize}};
  }
  return null;
}

/**
 * `random_split(TensorDataset(X, y), [800, 200])` (or fractions, `[0.8, 0.2]`, as PyTorch ≥ 1.13 rounds them: floor,
 * then one more to the first parts until the sizes add up): disjoint parts of one seeded permutation, each a
 * dataset of its own rows (same distribution as PyTorch's split, not its numbers).
 */
function randomSplit(it: Interpreter, ds: Val | undefined, lengths: Val | undefined, line: number): Val {
  if (ds?.k !== "torch" || ds.t.kind !== "data" || ds.t.data.kind !== "tensors") throw new Error("random_split: only a TensorDataset of tensors the code computes can be split");
  const {x: xName, y: yName} = ds.t.data;
  const x = it.np.vars.get(xName), y = it.np.vars.get(yName);
  if (!isND(x) || !isND(y)) throw new Error("random_split: the dataset's tensors cannot be followed");
  const n = x.shape[0];
  const parts = lengths?.k === "seq" ? lengths.items.map((v) => it.num(v, line, "random_split length")) : null;
  if (!parts || !parts.length) throw new Error("random_split: lengths must be a list of sizes or fractions");
  let sizes = parts;
  if (parts.every((f) => f >= 0 && f <= 1) && Math.abs(parts.reduce((a, b) => a + b, 0) - 1) < 1e-6 && !parts.every(Number.isInteger)) {
    sizes = parts.map((f) => Math.floor(n * f));
    const left = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < left; i++) sizes[i % sizes.length]++;
  }
  if (!sizes.every((k) => Number.isInteger(k) && k >= 0) || sizes.reduce((a, b) => a + b, 0) !== n) {
    throw new Error(`random_split: the lengths (${parts.join(", ")}) do not add up to the dataset's ${n} samples`);
  }
  const perm = it.np.rng.permutation(n, it.np.budget);
  let start = 0;
  return {k: "seq", items: sizes.map((k) => {
    const idx = perm.slice(start, (start += k));
    const names = [xName, yName].map((nm, j) => {
      const name = `${nm}__split${it.temp++}`;
      it.np.vars.set(name, takeRows(j === 0 ? x : y, idx, it.np.budget));
      return name;
    });
    return {k: "torch", t: {kind: "data", data: {kind: "tensors", x: names[0], y: names[1], line}}} as Val;
  })};
}

/** The numbers of a tensor, list or number argument (torch.tensor([4.0]), [1, 3], 2.5), or null. */
function numbersOf(it: Interpreter, v: Val | undefined): number[] | null {
  const np = !v ? undefined : v.k === "nd" ? it.np.vars.get(v.name) : valToNP(v);
  if (np === undefined || np === null || typeof np === "string" || typeof np === "boolean") return null;
  try {
    const a = toND(np, "a loss weight");
    return a.shape.length <= 1 ? Array.from(a.data) : null;
  } catch {
    return null;
  }
}

export function toArg(it: Interpreter, v: Val): Arg {
  switch (v.k) {
    case "num": return v.v;
    case "str": return v.v;
    case "bool": return v.v;
    case "none": return null;
    case "seq": return v.items.map((x) => toArg(it, x));
    case "torch": return v.t.kind === "layer" ? {layer: v.t.layer} : v.t.kind === "modulelist" ? {layers: v.t.layers} : {other: v.t.kind};
    default: return {other: describe(v)};
  }
}

export function isTorchModel(it: Interpreter, name: string, scope: Map<string, Val>): boolean {
  const v = it.lookup(name, scope);
  // a model is a Module, a Sequential, or one layer with weights used on its own (model = nn.Linear(1, 1))
  return v?.k === "torch" && (v.t.kind === "model" || (v.t.kind === "layer" && ["sequential", "linear", "conv2d"].includes(v.t.layer.kind)));
}

/**
 * An evaluation loop over a DataLoader of tensors (`for xb, yb in test_loader:` with `model(xb)` in its body, no
 * backward()): the model is evaluated on that loader's tensors. True when `s` is one (or holds one).
 */
export function loaderEval(it: Interpreter, s: PyStmt, scope: Map<string, Val>): boolean {
  const all: PyStmt[] = [];
  const walk = (b: PyStmt[]) => b.forEach((x) => (all.push(x), walk(x.body)));
  walk([s]);
  if (all.some((x) => /\.(backward|step)\(/.test(x.text))) return false;
  for (const f of all) {
    const m = /^for\s+\(?\s*(\w+)\s*,\s*(\w+)\s*\)?\s+in\s+(\w+)\s*:$/.exec(f.text);
    const lv = m ? it.lookup(m[3], scope) : undefined;
    if (!m || lv?.k !== "torch" || lv.t.kind !== "loader" || lv.t.loader.data.kind !== "tensors") continue;
    const inner: PyStmt[] = [];
    const walkInner = (b: PyStmt[]) => b.forEach((x) => (inner.push(x), walkInner(x.body)));
    walkInner(f.body);
    const call = inner.find((x) => [...x.text.matchAll(/\b(\w+)\(\s*(\w+)\s*\)/g)].some((c) => c[2] === m[1] && isTorchModel(it, c[1], scope)));
    if (!call) continue;
    it.torchEval = {x: lv.t.loader.data.x, y: lv.t.loader.data.y, line: call.line};
    return true;
  }
  return false;
}

/** `with torch.no_grad():` after training: which tensors the model is evaluated on. */
export function noGrad(it: Interpreter, s: PyStmt, scope: Map<string, Val>): void {
  if (loaderEval(it, s, scope)) return;
  const all: PyStmt[] = [];
  const walk = (b: PyStmt[]) => b.forEach((x) => (all.push(x), walk(x.body)));
  walk(s.body);
  // pred = model(X_test).argmax(dim=1): the block is not run, its results are the model's output for what follows
  for (const x of all) {
    const m = /^(\w+)\s*=(?!=)/.exec(x.text);
    if (m && !it.np.vars.has(m[1]) && /\b\w+\(/.test(x.text)) scope.set(m[1], UNKNOWN(MODEL_OUTPUT));
  }
  // X_t = torch.from_numpy(X_test).float() inside the block: model(X_t) is evaluated on X_test
  const alias = new Map<string, string>();
  for (const x of all) {
    const m = /^(\w+)\s*=\s*(.+)$/.exec(x.text);
    const of = m ? tensorOf(m[2]) : null;
    if (m && of && isND(it.np.vars.get(of))) alias.set(m[1], of);
  }
  // inside the code's own evaluate(model, X, y): a parameter stands for the array the call passed
  const param = (n: string) => {
    const v = scope === it.globals ? undefined : scope.get(n);
    return v?.k === "nd" ? v.name : n;
  };
  const arrayOf = (n: string) => alias.get(n) ?? param(n);
  for (const x of all) {
    for (const m of x.text.matchAll(/\b(\w+)\(\s*(\w+)\s*\)/g)) {
      const xName = arrayOf(m[2]);
      if (isTorchModel(it, m[1], scope) && isND(it.np.vars.get(xName))) {
        const X = it.np.vars.get(xName) as NDArray;
        const names = [...x.text.matchAll(/\b(\w+)\b/g), ...all.flatMap((z) => [...z.text.matchAll(/\b(\w+)\b/g)])].map((n) => arrayOf(n[1]));
        const sameRows = (n: string) => n !== xName && isND(it.np.vars.get(n)) && (it.np.vars.get(n) as NDArray).shape[0] === X.shape[0];
        // evaluate(model, X, y) compares with y after the with block: the call's other array argument
        const locals = scope === it.globals ? [] : [...scope.values()].flatMap((v) => (v.k === "nd" ? [v.name] : []));
        const y = names.find(sameRows) ?? locals.find(sameRows);
        it.torchEval = {x: xName, y, line: x.line};
        return;
      }
    }
  }
}

/** The array a tensor expression wraps: torch.from_numpy(X).float(), torch.tensor(X, dtype=…), X.float().view(-1, 1). */
function tensorOf(text: string): string | null {
  let e: Expr;
  try {
    e = stripShape(parseExpr(text));
  } catch {
    return null;
  }
  if (e.type === "call" && e.args.length >= 1 && /^torch\.(?:from_numpy|tensor|as_tensor|Tensor|FloatTensor)$/.test(dotted(e.fn) ?? "")) e = stripShape(e.args[0]);
  return e.type === "name" ? e.id : null;
}
