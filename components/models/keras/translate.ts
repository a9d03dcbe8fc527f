/**
 * Translates the Python printed in a chapter's code-practice section into a Program the page can train:
 * Keras Sequential models (list or model.add), compile / fit / evaluate, keras.datasets loads, pandas.read_csv
 * of a chapter table, function definitions with keyword defaults, and NumPy data generation plus a hand-written
 * gradient-descent class. Runs at generation time; pure (no tf, no DOM). Never throws on bad code: everything
 * it cannot follow becomes a diagnostic naming the file line.
 */
import {parseClaims, type TextPiece} from "./claims.js";
import {dotted, parseExpr, show, SyntaxErrorAt, type Expr} from "./expr.js";
import {analyzeGdClass, type GdClass, type PyStmt} from "./gd.js";
import {scanCode, statements} from "./lines.js";
import {evalND, type NDEnv} from "./ndarray.js";
import {evalNP} from "../numpy/eval.js";
import {bindImport, newEnv} from "../numpy/env.js";
import {isND, type NDArray} from "../numpy/ndarray.js";
import {Script, ScriptError} from "../numpy/script.js";
import {isObj, type NPValue} from "../numpy/values.js";
import {TORCH_LAYERS, torchLayer, type Arg, type TorchLayer} from "../pytorch/layers.js";
import {forwardChain, initLayers, type ModuleClass} from "../pytorch/module.js";
import {isTorchLoss, isTorchOptimizer, torchLoss, torchOptimizer, type TorchData, type TorchLoader, type TorchLoss} from "../pytorch/objects.js";
import {readLoop, type TorchLoop} from "../pytorch/loop.js";
import {buildNumpyScript, kerasArrays} from "../pytorch/program.js";
import type {
  Activation, CodeBlock, CompileSpec, DatasetRef, FitSpec, KerasProgram, LayerSpec, LossName, Note,
  NumpyAssignment, NumpyGdProgram, NumpyScriptProgram, OptimizerName, Program, TranslateDiagnostic, Claim
} from "./program.js";
import {findLabelledTables, type LabelledTable} from "./table.js";
import {lowerLayers} from "../pytorch/layers.js";
import {ndOf} from "../pytorch/program.js";
import {tTraining} from "../../i18n/training.js";
import {mulberry32} from "../../math/random.js";

export type {Program, CodeBlock, TranslateDiagnostic} from "./program.js";
export {statements};

export interface TranslateOptions {
  file: string;
  /** Prose around the code (e.g. "准确率为 97.59%"), searched for claimed results. */
  extraText?: string;
  /** File line of extraText's first line. */
  extraLine?: number;
  /** The whole chapter markdown: its labelled tables stand in for CSV files the code reads but nobody ships. */
  chapterText?: string;
}

export interface TranslateResult {
  program?: Program;
  /** A hand-written NumPy training loop, run at generation time (no Program for the training panel). */
  script?: NumpyScriptProgram;
  diagnostics: TranslateDiagnostic[];
}

// ---------------------------------------------------------------------------------------------------------
// Values the interpreter tracks

interface ModelState {
  line: number;
  layers: LayerSpec[];
  inputShape?: number[];
  compile?: CompileSpec;
  fits: {spec: FitSpec; x: Val; y: Val; site: number}[];
  evaluate?: {line: number; x?: Val; y?: Val};
}

type DataSrc =
  | {kind: "mnist" | "cifar10"; line: number}
  | {kind: "table"; table: LabelledTable; line: number; testSize?: number; randomState?: number};

type Val =
  | {k: "mod"; path: string}
  | {k: "layer"; spec: LayerSpec; inputShape?: number[]}
  | {k: "input"; shape: number[]}
  | {k: "model"; m: ModelState}
  | {k: "optimizer"; name: OptimizerName; lr?: number}
  | {k: "num"; v: number}
  | {k: "str"; v: string}
  | {k: "bool"; v: boolean}
  | {k: "none"}
  | {k: "seq"; items: Val[]}
  | {k: "data"; src: DataSrc; part: "x" | "y" | "frame"; split: "train" | "test" | "all"; sampleShape?: number[]; scale?: number; limit?: number}
  | {k: "tensor"; inputShape: number[]; layers: LayerSpec[]; used: {v: boolean}}
  | {k: "torch"; t: TorchVal}
  | {k: "func"; name: string; params: {name: string; def?: Val}[]; body: PyStmt[]; line: number}
  | {k: "class"; name: string; gd: GdClass | null; line: number}
  | {k: "instance"; cls: GdClass; fields: Record<string, number>; line: number}
  | {k: "nd"; name: string}
  | {k: "undef"; name: string}
  | {k: "unknown"; why: string};

export type TorchVal =
  | {kind: "layer"; layer: TorchLayer}
  | {kind: "class"; cls: ModuleClass}
  | {kind: "model"; layers: TorchLayer[]; line: number; name: string}
  | {kind: "loss"; loss: TorchLoss}
  | {kind: "optimizer"; opt: CompileSpec["optimizer"]; line: number}
  | {kind: "params"}
  | {kind: "data"; data: TorchData}
  | {kind: "loader"; loader: TorchLoader}
  | {kind: "transform"; normalize: boolean};

class Return {
  constructor(readonly value: Val) {}
}

const NUM = (v: number): Val => ({k: "num", v});
const UNKNOWN = (why: string): Val => ({k: "unknown", why});

const ACTIVATIONS: Record<string, Activation> = {
  linear: "linear", relu: "relu", relu6: "relu6", sigmoid: "sigmoid", softmax: "softmax", tanh: "tanh", elu: "elu",
  selu: "selu", softplus: "softplus", softsign: "softsign", swish: "swish", silu: "swish", gelu: "gelu",
  hard_sigmoid: "hardSigmoid"
};
const OPTIMIZERS: Record<string, OptimizerName> = {
  adam: "adam", sgd: "sgd", rmsprop: "rmsprop", adagrad: "adagrad", adadelta: "adadelta", adamax: "adamax"
};
/** Keras' default learning rates. */
const DEFAULT_LR: Record<OptimizerName, number> = {adam: 0.001, sgd: 0.01, rmsprop: 0.001, adagrad: 0.001, adadelta: 0.001, adamax: 0.001, adamw: 0.001};
const LOSSES: Record<string, LossName> = {
  sparse_categorical_crossentropy: "sparse_categorical_crossentropy", categorical_crossentropy: "categorical_crossentropy",
  binary_crossentropy: "binary_crossentropy", mse: "mean_squared_error", mean_squared_error: "mean_squared_error",
  mae: "mean_absolute_error", mean_absolute_error: "mean_absolute_error",
  SparseCategoricalCrossentropy: "sparse_categorical_crossentropy", CategoricalCrossentropy: "categorical_crossentropy",
  BinaryCrossentropy: "binary_crossentropy", MeanSquaredError: "mean_squared_error", MeanAbsoluteError: "mean_absolute_error"
};
const LAYERS = ["Dense", "Conv2D", "MaxPooling2D", "MaxPool2D", "Flatten", "Dropout", "InputLayer"];

/** Normalises module paths: tensorflow.keras.x / tf.keras.x / keras.x → keras.x. */
function canon(path: string): string {
  return path.replace(/^tensorflow\.keras\b/, "keras").replace(/^tensorflow\.python\.keras\b/, "keras");
}

// ---------------------------------------------------------------------------------------------------------

class Interpreter {
  readonly diag: TranslateDiagnostic[] = [];
  readonly globals = new Map<string, Val>();
  readonly models: ModelState[] = [];
  readonly gdRuns: {inst: Extract<Val, {k: "instance"}>; x: string; y: string; line: number}[] = [];
  readonly numpyData: NumpyAssignment[] = [];
  readonly notes: Note[] = [];
  readonly nd: NDEnv = {vars: new Map(), numpy: new Set(), rng: mulberry32(0)};
  readonly tables: LabelledTable[];
  /** The NumPy / sklearn / torch-tensor interpreter's state (components/models/numpy). */
  readonly np = newEnv(0);
  readonly script = new Script(this.np);
  /** Top-level statements run by the NumPy interpreter, in order (the page's recipe), and whether a loop trained. */
  readonly npStatements: PyStmt[] = [];
  readonly npLoops: number[] = [];
  readonly torchLoops: TorchLoop[] = [];
  torchEval: {x: string; y?: string; line: number} | null = null;
  readonly unsupported: {line: number; message: string}[] = [];
  /** Lines whose errors make the model untrainable (as opposed to a side statement the page can skip). */
  readonly fatalLines = new Set<number>();
  private scopeNow: Map<string, Val> = this.globals;
  private temp = 0;

  constructor(readonly opts: TranslateOptions) {
    this.tables = opts.chapterText ? findLabelledTables(opts.chapterText) : [];
    this.np.fallback = (name) => {
      const v = this.lookup(name, this.scopeNow);
      return v ? valToNP(v) : undefined;
    };
  }

  error(line: number, message: string): void {
    this.diag.push({line, severity: "error", message});
    if (!this.unsupported.some((u) => u.line === line && u.message === message)) this.unsupported.push({line, message});
  }
  warn(line: number, message: string): void {
    if (!this.diag.some((d) => d.line === line && d.message === message)) this.diag.push({line, severity: "warning", message});
  }

  // ---- statements ----

  /** The statement being executed and how far its physical lines have been attributed to layers. */
  private cur: {stmt: PyStmt; claimed: number} | null = null;

  /** File line of the next `name(` call in the current statement (multi-line Sequential lists). */
  physLine(name: string, fallback: number): number {
    const c = this.cur;
    if (!c?.stmt.phys) return fallback;
    const re = new RegExp(`\\b${name}\\s*\\(`);
    for (let i = c.claimed; i < c.stmt.phys.length; i++) {
      if (re.test(c.stmt.phys[i].text)) {
        c.claimed = i + 1;
        return c.stmt.phys[i].line;
      }
    }
    return fallback;
  }

  run(stmts: PyStmt[], scope: Map<string, Val>): void {
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i];
      const saved = this.cur;
      const savedScope = this.scopeNow;
      this.scopeNow = scope;
      this.cur = {stmt: s, claimed: 0};
      try {
        this.exec(s, scope, stmts, i);
      } catch (e) {
        if (e instanceof Return) throw e;
        const msg = e instanceof SyntaxErrorAt ? `syntax error: ${e.message} in: ${s.text}` : (e as Error).message;
        this.error(s.line, msg);
      } finally {
        this.cur = saved;
        this.scopeNow = savedScope;
      }
    }
  }

  exec(s: PyStmt, scope: Map<string, Val>, siblings: PyStmt[], index: number): void {
    const t = s.text;
    let m: RegExpExecArray | null;
    if (/^(pass|continue|break)$/.test(t) || /^(['"]).*\1$/.test(t)) return;
    if ((m = /^import\s+(.+)$/.exec(t))) {
      for (const part of m[1].split(",")) {
        const [mod, alias] = part.trim().split(/\s+as\s+/);
        const name = alias ?? mod.split(".")[0];
        scope.set(name, {k: "mod", path: alias ? mod : mod.split(".")[0]});
        if (mod === "numpy") this.nd.numpy.add(name);
        bindImport(this.np, mod, null, alias ?? null);
      }
      this.npStatements.push(s);
      return;
    }
    if ((m = /^from\s+([\w.]+)\s+import\s+\(?(.+?)\)?$/.exec(t))) {
      for (const part of m[2].split(",")) {
        const [name, alias] = part.trim().split(/\s+as\s+/);
        if (name === "*") {
          this.warn(s.line, `"from ${m[1]} import *" is not followed; names must be imported explicitly`);
          continue;
        }
        scope.set(alias ?? name, {k: "mod", path: `${m[1]}.${name}`});
        bindImport(this.np, m[1], name, alias ?? null);
      }
      this.npStatements.push(s);
      return;
    }
    if ((m = /^def\s+(\w+)\s*\((.*)\)\s*(->.*)?:$/.exec(t))) {
      const params: {name: string; def?: Val}[] = [];
      for (const p of splitTop(m[2])) {
        if (!p.trim()) continue;
        const [name, def] = p.split(/=(.*)/s).map((x) => x?.trim());
        params.push({name: name.replace(/:.*$/, "").trim(), def: def ? this.evaluate(parseExpr(def), scope, s.line) : undefined});
      }
      scope.set(m[1], {k: "func", name: m[1], params, body: s.body, line: s.line});
      if (scope === this.globals && !/\b(keras|layers|Sequential|compile|fit|nn|torch|optim|model)\b/.test(JSON.stringify(s.body))) {
        try {
          this.script.run([s]); // a NumPy helper (sigmoid, loss): callable from NumPy code
          this.npStatements.push(s);
        } catch {
          /* defaults the NumPy interpreter cannot evaluate */
        }
      }
      return;
    }
    if ((m = /^class\s+(\w+)\s*\(\s*(?:torch\.)?(?:nn\.)?Module\s*\)\s*:$/.exec(t))) {
      scope.set(m[1], {k: "torch", t: {kind: "class", cls: {name: m[1], line: s.line, body: s.body}}});
      return;
    }
    if ((m = /^class\s+(\w+)\s*(\(.*\))?\s*:$/.exec(t))) {
      const gd = analyzeGdClass(m[1], s.line, s.body, this.diag);
      if (!gd) this.error(s.line, `class ${m[1]}: only a NumPy gradient-descent class (fit with θ -= lr * X.T @ (X @ θ - y)) is supported`);
      scope.set(m[1], {k: "class", name: m[1], gd, line: s.line});
      return;
    }
    if ((m = /^if\s+(.+):$/.exec(t))) {
      const cond = parseExpr(m[1]);
      const isMain = sp(m[1]) === `__name__=="__main__"` || sp(m[1]) === `__name__=='__main__'`;
      if (isMain) return this.run(s.body, scope);
      const v = this.evaluate(cond, scope, s.line);
      if (v.k === "bool") {
        if (v.v) this.run(s.body, scope);
        return;
      }
      this.warn(s.line, `condition "${m[1]}" cannot be decided before running; its body is followed`);
      return this.run(s.body, scope);
    }
    if (/^for\s/.test(t)) {
      const loop = readLoop(s, (n) => this.isTorchModel(n, scope), this.unsupported);
      if (loop) {
        this.torchLoops.push(loop);
        for (const u of loop.ignored) this.warn(u.line, u.message);
        return;
      }
      if (this.unsupported.some((u) => u.line === s.line)) {
        this.diag.push({line: s.line, severity: "error", message: this.unsupported.find((u) => u.line === s.line)!.message});
        return;
      }
    }
    if (/^(for|while)\s/.test(t) && this.isNumpyBlock(s, scope)) return this.runNumpy(s, siblings, index, true);
    if (/^with\s+torch\.no_grad\(\)\s*:$/.test(t)) return this.noGrad(s, scope);
    if (/^(elif|else|try|except|finally|with|while)\b/.test(t) || /^for\s/.test(t)) {
      this.error(s.line, `"${t.split(/\s|:/)[0]}" blocks are not supported outside a gradient-descent class: ${t}`);
      return;
    }
    if ((m = /^return\b\s*(.*)$/.exec(t))) {
      throw new Return(m[1] ? this.evaluate(parseExpr(m[1]), scope, s.line) : {k: "none"});
    }
    if ((m = /^print\s*\(/.exec(t))) {
      // What the code prints is kept when the NumPy interpreter can compute it (a hand-written loop's loss).
      if (!this.refsOpaqueText(t, scope)) {
        try {
          this.script.run([s]);
        } catch {
          /* a print of something untracked: nothing to show */
        }
      }
      return;
    }
    if (this.isNumpyStmt(t, scope)) return this.runNumpy(s, siblings, index, false);
    // augmented assignment
    if ((m = /^([\w.[\]]+)\s*(\+|-|\*|\/|@)=\s*(.+)$/.exec(t))) {
      const target = parseExpr(m[1]);
      const value = parseExpr(`${m[1]} ${m[2]} (${m[3]})`);
      this.assign(target, value, scope, s.line);
      return;
    }
    const eq = topLevelAssign(t);
    if (eq >= 0) {
      const target = parseExpr(t.slice(0, eq));
      const value = parseExpr(t.slice(eq + 1));
      this.assign(target, value, scope, s.line);
      return;
    }
    this.evaluate(parseExpr(t), scope, s.line);
    void siblings;
    void index;
  }

  assign(target: Expr, valueExpr: Expr, scope: Map<string, Val>, line: number): void {
    const value = this.evaluate(valueExpr, scope, line);
    this.bind(target, value, scope, line);
  }

  bind(target: Expr, value: Val, scope: Map<string, Val>, line: number): void {
    if (target.type === "name") {
      scope.set(target.id, value);
      if (value.k === "nd" && value.name !== target.id) {
        const v = this.np.vars.get(value.name);
        if (v !== undefined) this.np.vars.set(target.id, v);
        scope.set(target.id, {k: "nd", name: target.id});
      } else if (value.k !== "nd") this.np.vars.delete(target.id);
      return;
    }
    if (target.type === "tuple" || target.type === "list") {
      if (value.k === "seq" && value.items.length === target.items.length) {
        target.items.forEach((t, i) => this.bind(t, value.items[i], scope, line));
      } else {
        if (value.k === "seq") this.error(line, `cannot unpack ${value.items.length} values into ${target.items.length} names`);
        target.items.forEach((t) => this.bind(t, UNKNOWN(`unpacked from ${show(target)}`), scope, line));
      }
      return;
    }
    this.warn(line, `assignment to ${show(target)} is ignored`);
  }

  // ---- expressions ----

  lookup(name: string, scope: Map<string, Val>): Val | undefined {
    return scope.get(name) ?? this.globals.get(name);
  }

  evaluate(e: Expr, scope: Map<string, Val>, line: number): Val {
    switch (e.type) {
      case "num":
        return NUM(e.value);
      case "str":
        return {k: "str", v: e.value};
      case "const":
        return e.value === null ? {k: "none"} : {k: "bool", v: e.value};
      case "tuple":
      case "list":
        return {k: "seq", items: e.items.map((x) => this.evaluate(x, scope, line))};
      case "dict":
        return UNKNOWN("dict");
      case "name": {
        if (e.id === "__name__") return {k: "str", v: "__main__"};
        const v = this.lookup(e.id, scope);
        if (v) return v;
        const npv = this.np.vars.get(e.id);
        if (npv !== undefined && !(isObj(npv) && (npv.obj === "module" || npv.obj === "func"))) return this.ndValue(e, line);
        if (["len", "range", "print", "int", "float", "str", "list"].includes(e.id)) return {k: "mod", path: e.id};
        return {k: "undef", name: e.id};
      }
      case "unary": {
        if (this.npRoute(e, scope)) return this.ndValue(e, line);
        const v = this.evaluate(e.arg, scope, line);
        if (e.op === "-" && v.k === "num") return NUM(-v.v);
        if (e.op === "not" && v.k === "bool") return {k: "bool", v: !v.v};
        return UNKNOWN(show(e));
      }
      case "bin":
        return this.binary(e, scope, line);
      case "attr": {
        if (this.npRoute(e, scope)) return this.ndValue(e, line);
        const obj = this.evaluate(e.obj, scope, line);
        if (obj.k === "mod") return {k: "mod", path: `${obj.path}.${e.name}`};
        if (obj.k === "data" && e.name === "shape") {
          const n = obj.sampleShape ?? this.sampleShape(obj);
          return n ? {k: "seq", items: [NUM(NaN), ...n.map(NUM)]} : UNKNOWN("shape");
        }
        if (obj.k === "undef") return obj;
        return {k: "mod", path: `<${obj.k}>.${e.name}`};
      }
      case "index": {
        if (this.npRoute(e, scope)) return this.ndValue(e, line);
        const obj = this.evaluate(e.obj, scope, line);
        if (obj.k === "data" && e.index.type === "slice" && !e.index.lo && e.index.hi && !e.index.step) {
          return {...obj, limit: this.num(this.evaluate(e.index.hi, scope, line), line, "slice end")};
        }
        if (obj.k === "seq") {
          if (e.index.type === "num") return obj.items[e.index.value] ?? UNKNOWN("index out of range");
          if (e.index.type === "slice") {
            const lo = e.index.lo ? this.num(this.evaluate(e.index.lo, scope, line), line, "slice start") : 0;
            const hi = e.index.hi ? this.num(this.evaluate(e.index.hi, scope, line), line, "slice end") : undefined;
            return {k: "seq", items: obj.items.slice(lo, hi)};
          }
        }
        if (obj.k === "data" && obj.part === "frame" && e.index.type === "str") return {...obj, part: "y"};
        return UNKNOWN(show(e));
      }
      case "call":
        return this.call(e, scope, line);
      default:
        return UNKNOWN(show(e));
    }
  }

  /** True when an expression reads a NumPy/sklearn name or an array the NumPy interpreter holds. */
  mentionsND(e: Expr): boolean {
    const walk = (x: Expr): boolean => {
      switch (x.type) {
        case "name": {
          if (this.scopeNow.has(x.id) && this.scopeNow.get(x.id)!.k !== "nd" && this.scopeNow !== this.globals) return false;
          const v = this.np.vars.get(x.id);
          return v !== undefined && !(isObj(v) && v.obj === "opaque");
        }
        case "attr":
          return walk(x.obj);
        case "call":
          return this.isTorchData(x, this.scopeNow) || walk(x.fn) || x.args.some(walk) || Object.values(x.kwargs).some(walk);
        case "index":
          return walk(x.obj) || walk(x.index);
        case "bin":
          return walk(x.left) || walk(x.right);
        case "unary":
          return walk(x.arg);
        case "tuple":
        case "list":
          return x.items.some(walk);
        case "ifelse":
          return walk(x.cond) || walk(x.then) || walk(x.orelse);
        case "slice":
          return [x.lo, x.hi, x.step].some((y) => y && walk(y));
        default:
          return false;
      }
    };
    return walk(e);
  }

  refsOpaqueText(t: string, scope: Map<string, Val>): boolean {
    try {
      const e = parseExpr(t);
      return this.refsOpaque(e, scope) || (e.type === "call" && e.args.some((a) => a.type === "str" && a.fstring && /\b(model|history|net)\b/.test(a.value)));
    } catch {
      return true;
    }
  }

  /** An expression the NumPy interpreter computes: it reads NumPy values and nothing it cannot hold. */
  npRoute(e: Expr, scope: Map<string, Val>): boolean {
    return this.mentionsND(e) && !this.refsOpaque(e, scope);
  }

  /** A name bound to something the NumPy interpreter cannot hold (a model, a layer, a torch object). */
  refsOpaque(e: Expr, scope: Map<string, Val>): boolean {
    const opaque = new Set(["model", "layer", "torch", "tensor", "input", "optimizer", "data", "class", "instance"]);
    const walk = (x: Expr): boolean => {
      switch (x.type) {
        case "name": {
          if (this.np.vars.has(x.id) && !scope.has(x.id)) return false;
          const v = this.lookup(x.id, scope);
          return !!v && (opaque.has(v.k) || (v.k === "mod" && /^(torch\.(nn|optim|utils)|torchvision|keras|tensorflow|tf\b)/.test(canon(v.path)) && !this.isTorchDataPath(v.path)));
        }
        case "attr":
          return walk(x.obj);
        case "call":
          return walk(x.fn) || x.args.some(walk) || Object.values(x.kwargs).some(walk);
        case "index":
          return walk(x.obj) || walk(x.index);
        case "bin":
          return walk(x.left) || walk(x.right);
        case "unary":
          return walk(x.arg);
        case "tuple":
        case "list":
          return x.items.some(walk);
        case "ifelse":
          return walk(x.cond) || walk(x.then) || walk(x.orelse);
        default:
          return false;
      }
    };
    return walk(e);
  }

  private static TORCH_DATA = /^torch\.(randn|rand|randint|randperm|normal|tensor|as_tensor|from_numpy|Tensor|FloatTensor|LongTensor|zeros|ones|zeros_like|ones_like|arange|linspace|manual_seed|cat|stack|eye|full|where|exp|log|sin|cos|sqrt|abs|float32|float64|long|int64|float)$/;

  isTorchDataPath(path: string): boolean {
    return Interpreter.TORCH_DATA.test(path);
  }

  /** `torch.randn(…)`, `torch.tensor(X, dtype=torch.float32)`: tensors are NumPy arrays to the translator. */
  isTorchData(e: Extract<Expr, {type: "call"}>, scope: Map<string, Val>): boolean {
    const d = dotted(e.fn);
    if (!d) return false;
    const root = this.lookup(d.split(".")[0], scope);
    if (root?.k !== "mod") return false;
    return this.isTorchDataPath([root.path, ...d.split(".").slice(1)].join("."));
  }

  /** A simple statement (assignment, call, print) over NumPy values only. */
  isNumpyStmt(t: string, scope: Map<string, Val>): boolean {
    let exprs: Expr[];
    try {
      const eq = topLevelAssign(t);
      const aug = /^([\w.[\], :]+?)\s*(\+|-|\*|\/|@|\*\*|\/\/)=\s*(.+)$/.exec(t);
      if (aug) exprs = [parseExpr(aug[1]), parseExpr(aug[3])];
      else if (eq >= 0) exprs = [parseExpr(t.slice(0, eq)), parseExpr(t.slice(eq + 1))];
      else exprs = [parseExpr(t)];
    } catch {
      return false;
    }
    const value = exprs[exprs.length - 1];
    const isData = (x: Expr) => this.mentionsND(x) || (x.type === "call" && this.isTorchData(x, scope));
    if (!exprs.some(isData) && !(value.type === "call" && isData(value))) {
      if (!(exprs.length > 1 && exprs[0].type === "index" && this.mentionsND(exprs[0]))) return false;
    }
    return !exprs.some((x) => this.refsOpaque(x, scope));
  }

  /** A for/while block whose statements are all NumPy (a hand-written training loop). */
  isNumpyBlock(s: PyStmt, scope: Map<string, Val>): boolean {
    const all: PyStmt[] = [];
    const walk = (b: PyStmt[]) => b.forEach((x) => (all.push(x), walk(x.body)));
    walk([s]);
    if (all.some((x) => /\.(fit|backward|step|zero_grad)\(/.test(x.text))) return false;
    let touches = false;
    for (const x of all) {
      const head = /^(?:for\s+.+?\s+in|while|if|elif)\s+(.+):$/.exec(x.text)?.[1] ?? (/^(else|try)\s*:$/.test(x.text) ? null : x.text.replace(/^return\s+/, ""));
      if (head === null || /^(pass|break|continue|return)$/.test(head)) continue;
      let e: Expr[];
      try {
        const eq = topLevelAssign(head);
        const aug = /^([\w.[\], :]+?)\s*(\+|-|\*|\/|@|\*\*|\/\/)=\s*(.+)$/.exec(head);
        e = aug ? [parseExpr(aug[3])] : eq >= 0 ? [parseExpr(head.slice(eq + 1))] : [parseExpr(head)];
      } catch {
        return false;
      }
      if (e.some((y) => this.refsOpaque(y, scope))) return false;
      if (e.some((y) => this.mentionsND(y))) touches = true;
    }
    return touches;
  }

  /** Runs a statement (or a loop) in the NumPy interpreter; names it assigns leave the translator's own scope. */
  runNumpy(s: PyStmt, siblings: PyStmt[], index: number, loop: boolean): void {
    const before = new Map(this.np.vars);
    try {
      this.script.run([s]);
    } catch (e) {
      const line = e instanceof ScriptError ? e.line : s.line;
      this.error(line, e instanceof SyntaxErrorAt ? `syntax error: ${e.message}` : (e as Error).message);
    }
    if (this.scopeNow === this.globals) {
      this.npStatements.push(s);
      if (loop) this.npLoops.push(s.line);
      const m = /^(\w+)\s*=\s*(.+)$/.exec(s.text);
      if (m && !/^=/.test(m[2]) && !loop) {
        try {
          this.numpyData.push({name: m[1], expr: parseExpr(m[2]), line: s.line});
        } catch {
          /* recorded only for the 004-style page */
        }
      }
    }
    for (const [k, v] of this.np.vars) {
      if (before.get(k) !== v) {
        this.scopeNow.delete(k);
        if (this.scopeNow !== this.globals) this.scopeNow.set(k, {k: "nd", name: k});
      }
    }
    void siblings;
    void index;
  }

  /** A value computed by the NumPy interpreter, kept under a name the Program can point to. */
  ndValue(e: Expr, line: number): Val {
    try {
      const v = evalNP(e, this.np);
      if (typeof v === "number") return NUM(v);
      if (typeof v === "boolean") return {k: "bool", v};
      if (typeof v === "string") return {k: "str", v};
      if (v === null) return {k: "none"};
      if (Array.isArray(v) && v.every((x) => typeof x === "number")) return {k: "seq", items: v.map((x) => NUM(x as number))};
      const name = e.type === "name" ? e.id : `__nd${this.temp++}`;
      this.np.vars.set(name, v);
      return {k: "nd", name};
    } catch (err) {
      this.error(line, (err as Error).message);
      return UNKNOWN(show(e));
    }
  }

  /** `with torch.no_grad():` after training: which tensors the model is evaluated on. */
  noGrad(s: PyStmt, scope: Map<string, Val>): void {
    const all: PyStmt[] = [];
    const walk = (b: PyStmt[]) => b.forEach((x) => (all.push(x), walk(x.body)));
    walk(s.body);
    for (const x of all) {
      for (const m of x.text.matchAll(/\b(\w+)\(\s*(\w+)\s*\)/g)) {
        if (this.isTorchModel(m[1], scope) && isND(this.np.vars.get(m[2]))) {
          const X = this.np.vars.get(m[2]) as NDArray;
          const names = [...x.text.matchAll(/\b(\w+)\b/g), ...all.flatMap((z) => [...z.text.matchAll(/\b(\w+)\b/g)])].map((n) => n[1]);
          const y = names.find((n) => n !== m[2] && isND(this.np.vars.get(n)) && (this.np.vars.get(n) as NDArray).shape[0] === X.shape[0]);
          this.torchEval = {x: m[2], y, line: x.line};
          return;
        }
      }
    }
  }

  isTorchModel(name: string, scope: Map<string, Val>): boolean {
    const v = this.lookup(name, scope);
    return v?.k === "torch" && (v.t.kind === "model" || (v.t.kind === "layer" && v.t.layer.kind === "sequential"));
  }

  toArg(v: Val): Arg {
    switch (v.k) {
      case "num": return v.v;
      case "str": return v.v;
      case "bool": return v.v;
      case "none": return null;
      case "seq": return v.items.map((x) => this.toArg(x));
      case "torch": return v.t.kind === "layer" ? {layer: v.t.layer} : {other: v.t.kind};
      default: return {other: describe(v)};
    }
  }

  /** torch.nn layers, losses and modules; torch.optim; DataLoader / TensorDataset; torchvision's MNIST. */
  torchCall(fn: Val, e: Extract<Expr, {type: "call"}>, scope: Map<string, Val>, line: number): Val {
    const rawArgs = e.args.map((a) => this.evaluate(a, scope, line));
    const rawKw = Object.fromEntries(Object.entries(e.kwargs).map(([k, v]) => [k, this.evaluate(v, scope, line)]));
    const args = rawArgs.map((a) => this.toArg(a));
    const kw = Object.fromEntries(Object.entries(rawKw).map(([k, v]) => [k, this.toArg(v)]));
    if (fn.k === "torch") {
      const t = fn.t;
      if (t.kind === "class") {
        const host = {evaluate: (x: Expr, locals: Map<string, Arg>, at: number) => {
          const local = new Map(scope);
          for (const [k, v] of locals) if (!k.includes(".")) local.set(k, argToVal(v));
          return this.toArg(this.evaluate(x, local, at));
        }};
        const before = this.unsupported.length;
        const layers = initLayers(t.cls, args, kw, host, this.unsupported);
        const chain = forwardChain(t.cls, layers, this.unsupported);
        for (const u of this.unsupported.slice(before)) this.diag.push({line: u.line, severity: "error", message: u.message});
        return chain ? {k: "torch", t: {kind: "model", layers: chain, line, name: t.cls.name}} : UNKNOWN(`${t.cls.name} instance`);
      }
      if (t.kind === "model" || t.kind === "layer") return UNKNOWN("model output");
      return UNKNOWN(`${t.kind} call`);
    }
    const path = (fn as Extract<Val, {k: "mod"}>).path.replace(/^torch\.nn\.modules\.\w+\./, "torch.nn.");
    const name = path.slice(path.lastIndexOf(".") + 1);
    const recv = e.fn.type === "attr" ? this.evaluate(e.fn.obj, scope, line) : null;
    if (recv?.k === "torch") {
      if (name === "parameters") return {k: "torch", t: {kind: "params"}};
      if (["to", "train", "eval", "cuda", "cpu", "float", "double"].includes(name)) return recv;
      return UNKNOWN(`${recv.t.kind}.${name}()`);
    }
    if (/^torch\.nn\.\w+$/.test(path) && isTorchLoss(name)) return {k: "torch", t: {kind: "loss", loss: torchLoss(name, kw, line)}};
    if (/^torch\.nn\.\w+$/.test(path) && TORCH_LAYERS.includes(name)) {
      const at = this.physLine(name, line);
      try {
        return {k: "torch", t: {kind: "layer", layer: torchLayer(name, args, kw, at)}};
      } catch (err) {
        this.error(at, (err as Error).message);
        this.fatalLines.add(at);
        return UNKNOWN(`${name} layer`);
      }
    }
    if (/^torch\.optim\.\w+$/.test(path)) {
      if (!isTorchOptimizer(name)) throw new Error(`torch.optim.${name} is not supported`);
      return {k: "torch", t: {kind: "optimizer", opt: torchOptimizer(name, [null, ...args.slice(1)], kw), line}};
    }
    if (/\.TensorDataset$/.test(path)) {
      const [x, y] = rawArgs;
      if (x?.k !== "nd" || y?.k !== "nd") throw new Error("TensorDataset(x, y): both must be tensors computed by the code");
      return {k: "torch", t: {kind: "data", data: {kind: "tensors", x: x.name, y: y.name, line}}};
    }
    if (/\.DataLoader$/.test(path)) {
      const ds = rawArgs[0] ?? rawKw.dataset;
      if (ds?.k !== "torch" || ds.t.kind !== "data") throw new Error("DataLoader: the dataset cannot be followed");
      const bs = kw.batch_size ?? 1, sh = kw.shuffle ?? false;
      if (typeof bs !== "number" || !Number.isInteger(bs) || bs < 1) throw new Error("DataLoader: batch_size must be a positive integer");
      return {k: "torch", t: {kind: "loader", loader: {data: ds.t.data, batchSize: bs, shuffle: sh === true, line}}};
    }
    if (/\.Subset$/.test(path)) {
      const ds = rawArgs[0];
      const r = e.args[1];
      const idx = r?.type === "call" && dotted(r.fn) === "range" && r.args.length === 1 ? {k: "seq", items: Array.from({length: Math.min(this.num(this.evaluate(r.args[0], scope, line), line, "range"), 1e6)}, () => NUM(0))} as Val : rawArgs[1];
      if (ds?.k !== "torch" || ds.t.kind !== "data" || ds.t.data.kind !== "mnist") throw new Error("Subset: only a torchvision MNIST dataset can be subset");
      const n = idx?.k === "nd" ? (this.np.vars.get(idx.name) as NDArray)?.shape?.[0] : idx?.k === "seq" ? idx.items.length : NaN;
      if (!Number.isInteger(n)) throw new Error("Subset(dataset, range(N)): N cannot be followed");
      return {k: "torch", t: {kind: "data", data: {...ds.t.data, limit: n}}};
    }
    if (/^torchvision\.datasets\.(MNIST|FashionMNIST)$/.test(path)) {
      if (name === "FashionMNIST") this.warn(line, "Fashion-MNIST has no offline copy; MNIST digits are used instead");
      const train = kw.train === undefined ? true : kw.train === true;
      const tr = rawKw.transform;
      return {k: "torch", t: {kind: "data", data: {kind: "mnist", train, line, normalized: tr?.k === "torch" && tr.t.kind === "transform" && tr.t.normalize}}};
    }
    if (/^torchvision\.datasets\.\w+$/.test(path)) throw new Error(`torchvision.datasets.${name} has no offline copy`);
    if (/^torchvision\.transforms\.(Compose|ToTensor|Normalize)$/.test(path)) {
      const normalize = name === "Normalize" || (name === "Compose" && rawArgs[0]?.k === "seq" && rawArgs[0].items.some((x) => x.k === "torch" && x.t.kind === "transform" && x.t.normalize));
      return {k: "torch", t: {kind: "transform", normalize}};
    }
    if (/^torch\.(device|cuda\.is_available|set_grad_enabled|no_grad)$/.test(path)) return UNKNOWN(path);
    if (/^torch\.(save|load)$/.test(path)) {
      this.warn(line, `${path}() is not replayed in the page`);
      return UNKNOWN(path);
    }
    throw new Error(`${path}() is not supported`);
  }

  /** Keras functional API: `layers.Dense(…)(x)` on a keras.Input or on a previous layer's output. */
  applyLayer(layer: Extract<Val, {k: "layer"}>, input: Val, line: number): Val {
    if (input.k === "input") return {k: "tensor", inputShape: input.shape, layers: [layer.spec], used: {v: false}};
    if (input.k !== "tensor") throw new Error(`a layer is applied to ${describe(input)} (only keras.Input and other layers' outputs are followed)`);
    if (input.used.v) throw new Error("this tensor feeds two layers: functional models with branches are not supported");
    input.used.v = true;
    return {k: "tensor", inputShape: input.inputShape, layers: [...input.layers, layer.spec], used: {v: false}};
    void line;
  }

  binary(e: Extract<Expr, {type: "bin"}>, scope: Map<string, Val>, line: number): Val {
    if (this.npRoute(e, scope)) return this.ndValue(e, line);
    const a = this.evaluate(e.left, scope, line), b = this.evaluate(e.right, scope, line);
    if (a.k === "num" && b.k === "num") {
      const f: Record<string, (x: number, y: number) => number> = {
        "+": (x, y) => x + y, "-": (x, y) => x - y, "*": (x, y) => x * y, "/": (x, y) => x / y, "**": (x, y) => x ** y,
        "//": (x, y) => Math.floor(x / y), "%": (x, y) => x % y
      };
      if (f[e.op]) return NUM(f[e.op](a.v, b.v));
    }
    if (e.op === "==" && (a.k === "str" || a.k === "num") && a.k === b.k) return {k: "bool", v: a.v === b.v};
    if (a.k === "data" && b.k === "num" && (e.op === "/" || e.op === "*")) {
      return {...a, scale: (a.scale ?? 1) * (e.op === "/" ? 1 / b.v : b.v)};
    }
    if (a.k === "data") return a;
    return UNKNOWN(show(e));
  }

  num(v: Val, line: number, what: string): number {
    if (v.k === "num") return v.v;
    if (v.k === "bool") return v.v ? 1 : 0;
    throw new Error(`${what} must be a number, got ${describe(v)}`);
  }

  ints(v: Val, line: number, what: string): number[] {
    if (v.k === "num") return [v.v];
    if (v.k === "seq") return v.items.map((x) => this.num(x, line, what));
    throw new Error(`${what} must be a number or a tuple of numbers, got ${describe(v)}`);
  }

  pair(v: Val, line: number, what: string): [number, number] {
    const xs = this.ints(v, line, what);
    if (xs.length === 1) return [xs[0], xs[0]];
    if (xs.length === 2) return [xs[0], xs[1]];
    throw new Error(`${what} must have 1 or 2 numbers, got ${xs.length}`);
  }

  shape(v: Val, line: number, what: string): number[] {
    const xs = this.ints(v, line, what);
    if (!xs.every((d) => Number.isInteger(d) && d > 0)) throw new Error(`${what} must be positive integers, got (${xs.join(", ")})`);
    return xs;
  }

  str(v: Val, what: string): string {
    if (v.k === "str") return v.v;
    throw new Error(`${what} must be a string, got ${describe(v)}`);
  }

  sampleShape(d: Extract<Val, {k: "data"}>): number[] | undefined {
    if (d.sampleShape) return d.sampleShape;
    if (d.src.kind === "table") return d.part === "y" ? [] : [d.src.table.columns.length];
    if (d.src.kind === "mnist") return d.part === "y" ? [] : [28, 28];
    if (d.src.kind === "cifar10") return d.part === "y" ? [1] : [32, 32, 3];
    return undefined;
  }

  call(e: Extract<Expr, {type: "call"}>, scope: Map<string, Val>, line: number): Val {
    if ((this.mentionsND(e.fn) || this.isTorchData(e, scope)) && !this.refsOpaque(e, scope)) return this.ndValue(e, line);
    const fn = this.evaluate(e.fn, scope, line);
    if (fn.k === "torch" || (fn.k === "mod" && /^(torch(vision)?\.|<torch>\.)/.test(fn.path))) {
      return this.torchCall(fn, e, scope, line);
    }
    if (fn.k === "layer") return this.applyLayer(fn, e.args[0] ? this.evaluate(e.args[0], scope, line) : {k: "none"}, line);
    const args = () => e.args.map((a) => this.evaluate(a, scope, line));
    const kwargs = () => Object.fromEntries(Object.entries(e.kwargs).map(([k, v]) => [k, this.evaluate(v, scope, line)]));

    if (fn.k === "func") return this.callFunc(fn, args(), kwargs(), line);
    if (fn.k === "class") {
      if (!fn.gd) return UNKNOWN(`instance of unsupported class ${fn.name}`);
      const fields = {...fn.gd.defaults};
      const kw = kwargs();
      for (const [k, v] of Object.entries(kw)) {
        const field = fn.gd.paramToField[k];
        if (!field) this.warn(line, `${fn.name}(): unknown argument ${k} ignored`);
        else fields[field] = this.num(v, line, k);
      }
      const pos = args();
      const order = Object.keys(fn.gd.paramToField);
      pos.forEach((v, i) => {
        if (order[i]) fields[fn.gd!.paramToField[order[i]]] = this.num(v, line, order[i]);
      });
      return {k: "instance", cls: fn.gd, fields, line};
    }
    if (fn.k === "undef" && fn.name === "train_test_split") return this.trainTestSplit(fn.name, args(), kwargs(), line);
    if (fn.k === "undef") {
      this.error(line, `${fn.name}() is called but never defined or imported`);
      return UNKNOWN(`${fn.name}()`);
    }
    if (fn.k !== "mod") return UNKNOWN(show(e));
    const path = canon(fn.path);
    const method = path.slice(path.lastIndexOf(".") + 1);
    const recv = e.fn.type === "attr" ? this.evaluate(e.fn.obj, scope, line) : null;

    // methods on tracked objects
    if (recv && recv.k === "model") return this.modelMethod(recv.m, method, args(), kwargs(), line);
    if (recv && recv.k === "instance") return this.instanceMethod(recv, method, e, line);
    if (recv && recv.k === "data") {
      if (method === "reshape") {
        const dims = this.ints(args().length === 1 ? args()[0] : {k: "seq", items: args()}, line, "reshape");
        return {...recv, sampleShape: dims.slice(1)};
      }
      if (method === "astype") return recv;
      return UNKNOWN(`${method}() on data`);
    }
    if (path === "len" || path === "print" || path === "range") return UNKNOWN(path);

    // keras
    if (/^keras\.(models\.)?Model$/.test(path)) {
      const kw = kwargs(), a = args();
      const inp = kw.inputs ?? a[0], out = kw.outputs ?? a[1];
      if (out?.k !== "tensor" || inp?.k !== "input") throw new Error("keras.Model(inputs, outputs): outputs must come from layers applied to a keras.Input");
      const m: ModelState = {line, layers: out.layers, inputShape: out.inputShape, fits: []};
      this.models.push(m);
      return {k: "model", m};
    }
    if (/^keras\.(models\.)?Sequential$/.test(path)) {
      const m: ModelState = {line, layers: [], fits: []};
      this.models.push(m);
      const list = args()[0] ?? kwargs().layers;
      if (list) {
        if (list.k !== "seq") throw new Error(`Sequential() expects a list of layers, got ${describe(list)}`);
        for (const item of list.items) this.addLayer(m, item, line);
      }
      return {k: "model", m};
    }
    if (/^keras\.(Input|layers\.Input)$/.test(path)) {
      return {k: "input", shape: this.shape(kwargs().shape ?? args()[0], line, "shape")};
    }
    const layerName = /^keras\.layers\.(\w+)$/.exec(path)?.[1];
    if (layerName) {
      const at = this.physLine(layerName, line);
      try {
        return this.layer(layerName, args(), kwargs(), at);
      } catch (err) {
        this.error(at, (err as Error).message);
        this.fatalLines.add(at);
        return UNKNOWN(`${layerName} layer`);
      }
    }
    const opt = /^keras\.optimizers\.(?:legacy\.)?(\w+)$/.exec(path)?.[1];
    if (opt) {
      const name = OPTIMIZERS[opt.toLowerCase()];
      if (!name) throw new Error(`optimizer ${opt} is not supported (supported: ${Object.keys(OPTIMIZERS).join(", ")})`);
      const kw = kwargs();
      const lrv = kw.learning_rate ?? kw.lr ?? args()[0];
      if (kw.lr) this.warn(line, `"lr=" is the old Keras spelling of learning_rate`);
      for (const k of Object.keys(kw)) {
        if (!["learning_rate", "lr"].includes(k)) this.warn(line, `optimizer argument ${k}= is ignored; tfjs defaults are used`);
      }
      return {k: "optimizer", name, lr: lrv ? this.num(lrv, line, "learning_rate") : undefined};
    }
    const loss = /^keras\.losses\.(\w+)$/.exec(path)?.[1];
    if (loss) {
      if (!LOSSES[loss]) throw new Error(`loss ${loss} is not supported`);
      return {k: "str", v: LOSSES[loss]};
    }
    const ds = /^keras\.datasets\.(\w+)\.load_data$/.exec(path)?.[1];
    if (ds) {
      if (ds !== "mnist" && ds !== "cifar10" && ds !== "fashion_mnist") throw new Error(`dataset keras.datasets.${ds} has no offline copy`);
      const src: DataSrc = {kind: ds === "cifar10" ? "cifar10" : "mnist", line};
      if (ds === "fashion_mnist") this.warn(line, "Fashion-MNIST has no offline copy; MNIST digits are used instead");
      const d = (part: "x" | "y", split: "train" | "test"): Val => ({k: "data", src, part, split});
      return {k: "seq", items: [{k: "seq", items: [d("x", "train"), d("y", "train")]}, {k: "seq", items: [d("x", "test"), d("y", "test")]}]};
    }
    if (/^(pandas|pd)\.read_csv$/.test(path) || path.endsWith(".read_csv")) return this.readCsv(args(), line);
    if (path.endsWith("train_test_split")) return this.trainTestSplit(path, args(), kwargs(), line);
    if (/^keras\.utils\.to_categorical$/.test(path)) {
      this.warn(line, "to_categorical: labels stay integer class ids in the page (sparse)");
      return args()[0] ?? UNKNOWN("to_categorical");
    }
    if (/^keras\.activations\.\w+$/.test(path) || /^tf\.nn\.\w+$/.test(path) || /^tensorflow\.nn\.\w+$/.test(path)) {
      return UNKNOWN(path);
    }
    this.warn(line, `call to ${path}() is not followed`);
    return UNKNOWN(path);
  }

  /** Lines of the user-function calls being executed (outermost first). */
  readonly callSites: number[] = [];

  callFunc(f: Extract<Val, {k: "func"}>, args: Val[], kwargs: Record<string, Val>, line: number): Val {
    if (this.callSites.length > 20) throw new Error(`${f.name}(): recursion is not supported`);
    const local = new Map(this.globals);
    f.params.forEach((p, i) => {
      const v = i < args.length ? args[i] : kwargs[p.name] ?? p.def;
      if (v === undefined) this.error(line, `${f.name}(): missing argument ${p.name}`);
      local.set(p.name, v ?? UNKNOWN(p.name));
    });
    for (const k of Object.keys(kwargs)) {
      if (!f.params.some((p) => p.name === k)) this.error(line, `${f.name}() got an unexpected keyword argument ${k}`);
    }
    this.callSites.push(line);
    try {
      this.run(f.body, local);
    } catch (r) {
      if (r instanceof Return) {
        if (r.value.k === "undef") {
          this.warn(f.line, `${f.name}() returns ${r.value.name}, which is never defined`);
          return UNKNOWN(`${f.name}() result`);
        }
        return r.value;
      }
      throw r;
    } finally {
      this.callSites.pop();
    }
    return {k: "none"};
  }

  readCsv(args: Val[], line: number): Val {
    const name = args[0]?.k === "str" ? args[0].v : "?";
    const table = this.tables[0];
    if (!table) {
      this.error(line, `read_csv("${name}"): the file is not part of the chapter and the chapter has no labelled table to use instead`);
      return UNKNOWN("csv");
    }
    this.warn(line, `read_csv("${name}"): no such file ships with the chapter; the chapter's own table (line ${table.line}, ${table.rows.length} rows) is used`);
    return {k: "data", src: {kind: "table", table, line}, part: "frame", split: "all"};
  }

  trainTestSplit(path: string, args: Val[], kwargs: Record<string, Val>, line: number): Val {
    if (!/sklearn|model_selection/.test(path) && !this.lookup("train_test_split", this.globals)) {
      this.warn(line, "train_test_split is used but never imported (from sklearn.model_selection import train_test_split)");
    }
    const [x, y] = args;
    const data = [x, y].find((v): v is Extract<Val, {k: "data"}> => v?.k === "data");
    if (!data || data.src.kind !== "table") {
      this.error(line, "train_test_split: the data to split cannot be followed");
      return UNKNOWN("split");
    }
    if (x?.k !== "data") this.warn(line, `train_test_split: x is not defined by the code (${x ? describe(x) : "missing"}); the table's features are used, standardised`);
    const testSize = kwargs.test_size ? this.num(kwargs.test_size, line, "test_size") : 0.25;
    const randomState = kwargs.random_state ? this.num(kwargs.random_state, line, "random_state") : 0;
    const src: DataSrc = {...data.src, testSize, randomState};
    const d = (part: "x" | "y", split: "train" | "test"): Val => ({k: "data", src, part, split});
    return {k: "seq", items: [d("x", "train"), d("x", "test"), d("y", "train"), d("y", "test")]};
  }

  addLayer(m: ModelState, item: Val, line: number): void {
    if (item.k === "input") {
      m.inputShape = item.shape;
      return;
    }
    if (item.k === "unknown" && item.why.endsWith(" layer")) return; // already reported
    if (item.k !== "layer") {
      this.fatalLines.add(line);
      throw new Error(`not a layer: ${describe(item)}`);
    }
    if (item.inputShape) {
      if (m.layers.length > 0) this.warn(item.spec.line, "input_shape on a layer that is not the first is ignored");
      else m.inputShape = item.inputShape;
    }
    m.layers.push(item.spec);
  }

  layer(name: string, args: Val[], kw: Record<string, Val>, line: number): Val {
    if (!LAYERS.includes(name)) throw new Error(`layer ${name} is not supported (supported: ${LAYERS.join(", ")})`);
    const used = new Set<string>();
    const get = (key: string, pos?: number): Val | undefined => {
      used.add(key);
      return kw[key] ?? (pos !== undefined ? args[pos] : undefined);
    };
    const activation = (): Activation => {
      const v = get("activation");
      if (!v || v.k === "none") return "linear";
      const key = v.k === "str" ? v.v : v.k === "unknown" ? v.why.split(".").pop()! : "";
      const a = ACTIVATIONS[key];
      if (!a) throw new Error(`activation ${key || describe(v)} is not supported (supported: ${Object.keys(ACTIVATIONS).join(", ")})`);
      return a;
    };
    let inputShape: number[] | undefined;
    const is = get("input_shape");
    if (is) inputShape = this.shape(is, line, "input_shape");
    const idim = get("input_dim");
    if (idim) inputShape = [this.num(idim, line, "input_dim")];
    const useBias = (() => {
      const v = get("use_bias");
      return v ? v.k === "bool" && v.v : true;
    })();
    let spec: LayerSpec;
    switch (name) {
      case "Dense": {
        const units = get("units", 0);
        if (!units) throw new Error("Dense() needs units");
        const n = this.num(units, line, "units");
        if (!Number.isInteger(n) || n < 1) throw new Error(`Dense units must be a positive integer, got ${n}`);
        spec = {type: "dense", units: n, activation: activation(), useBias, line};
        break;
      }
      case "Conv2D": {
        const filters = get("filters", 0), ks = get("kernel_size", 1);
        if (!filters || !ks) throw new Error("Conv2D() needs filters and kernel_size");
        const strides = get("strides", 2);
        const padding = get("padding", 3);
        const p = padding ? this.str(padding, "padding").toLowerCase() : "valid";
        if (p !== "valid" && p !== "same") throw new Error(`padding must be "valid" or "same", got "${p}"`);
        spec = {
          type: "conv2d", filters: this.num(filters, line, "filters"), kernelSize: this.pair(ks, line, "kernel_size"),
          strides: strides ? this.pair(strides, line, "strides") : [1, 1], padding: p, activation: activation(), useBias, line
        };
        break;
      }
      case "MaxPooling2D":
      case "MaxPool2D": {
        const ps = get("pool_size", 0);
        const pool = ps ? this.pair(ps, line, "pool_size") : ([2, 2] as [number, number]);
        const st = get("strides", 1);
        const padding = get("padding", 2);
        const p = padding ? this.str(padding, "padding").toLowerCase() : "valid";
        if (p !== "valid" && p !== "same") throw new Error(`padding must be "valid" or "same", got "${p}"`);
        spec = {type: "maxPooling2d", poolSize: pool, strides: st && st.k !== "none" ? this.pair(st, line, "strides") : pool, padding: p, line};
        break;
      }
      case "Flatten":
        spec = {type: "flatten", line};
        break;
      case "Dropout": {
        const r = get("rate", 0);
        if (!r) throw new Error("Dropout() needs a rate");
        const rate = this.num(r, line, "rate");
        if (!(rate >= 0 && rate < 1)) throw new Error(`Dropout rate must be in [0, 1), got ${rate}`);
        spec = {type: "dropout", rate, line};
        break;
      }
      case "InputLayer": {
        const s = get("input_shape") ?? get("shape");
        if (!s) throw new Error("InputLayer() needs input_shape");
        return {k: "input", shape: this.shape(s, line, "input_shape")};
      }
      default:
        throw new Error(`layer ${name} is not supported`);
    }
    for (const k of Object.keys(kw)) {
      if (!used.has(k) && k !== "name") this.warn(line, `${name}: argument ${k}= is ignored`);
    }
    return {k: "layer", spec, inputShape};
  }

  modelMethod(m: ModelState, method: string, args: Val[], kw: Record<string, Val>, line: number): Val {
    switch (method) {
      case "add":
        if (!args[0]) throw new Error("model.add() needs a layer");
        this.addLayer(m, args[0], line);
        return {k: "none"};
      case "compile": {
        const o = kw.optimizer ?? args[0];
        let optimizer: CompileSpec["optimizer"];
        if (!o) optimizer = {name: "sgd", learningRate: 0.01, learningRateExplicit: false};
        else if (o.k === "str") {
          const name = OPTIMIZERS[o.v.toLowerCase()];
          if (!name) throw new Error(`optimizer "${o.v}" is not supported (supported: ${Object.keys(OPTIMIZERS).join(", ")})`);
          optimizer = {name, learningRate: DEFAULT_LR[name], learningRateExplicit: false};
        } else if (o.k === "optimizer") {
          optimizer = {name: o.name, learningRate: o.lr ?? DEFAULT_LR[o.name], learningRateExplicit: o.lr !== undefined};
        } else throw new Error(`optimizer ${describe(o)} cannot be followed`);
        const l = kw.loss ?? args[1];
        if (!l) throw new Error("compile() needs a loss");
        const lossName = LOSSES[this.str(l, "loss")];
        if (!lossName) throw new Error(`loss "${this.str(l, "loss")}" is not supported (supported: ${Object.keys(LOSSES).filter((k) => k.includes("_") || k.length <= 3).join(", ")})`);
        const mv = kw.metrics ?? args[2];
        const metrics: string[] = [];
        if (mv) {
          if (mv.k !== "seq") throw new Error("metrics must be a list");
          for (const x of mv.items) {
            const s = this.str(x, "metric");
            if (s === "accuracy" || s === "acc") metrics.push("accuracy");
            else this.warn(line, `metric "${s}" is not computed in the page`);
          }
        }
        for (const k of Object.keys(kw)) {
          if (!["optimizer", "loss", "metrics"].includes(k)) this.warn(line, `compile(): argument ${k}= is ignored`);
        }
        m.compile = {optimizer, loss: lossName, metrics, line};
        return {k: "none"};
      }
      case "fit": {
        const x = kw.x ?? args[0], y = kw.y ?? args[1];
        if (!x || !y) throw new Error("fit() needs x and y");
      if (kw.validation_data) this.warn(line, "fit(): validation_data= is not used in the page (the final evaluation uses evaluate()'s data)");
      const shuffleArg = kw.shuffle;
        const epochs = kw.epochs ?? args[3];
        const bs = kw.batch_size ?? args[2];
        const vs = kw.validation_split;
        const spec: FitSpec = {
          epochs: epochs ? this.num(epochs, line, "epochs") : 1,
          batchSize: bs && bs.k !== "none" ? this.num(bs, line, "batch_size") : 32,
          validationSplit: vs ? this.num(vs, line, "validation_split") : 0,
          line
        };
        if (!Number.isInteger(spec.epochs) || spec.epochs < 1) throw new Error(`epochs must be a positive integer, got ${spec.epochs}`);
        if (!Number.isInteger(spec.batchSize) || spec.batchSize < 1) throw new Error(`batch_size must be a positive integer, got ${spec.batchSize}`);
        if (!(spec.validationSplit >= 0 && spec.validationSplit < 1)) throw new Error(`validation_split must be in [0, 1), got ${spec.validationSplit}`);
        for (const k of Object.keys(kw)) {
          if (!["x", "y", "epochs", "batch_size", "validation_split", "verbose", "validation_data", "shuffle"].includes(k)) this.warn(line, `fit(): argument ${k}= is ignored`);
        }
        if (shuffleArg?.k === "bool" && !shuffleArg.v) spec.shuffle = false;
        m.fits.push({spec, x, y, site: this.callSites[0] ?? line});
        return UNKNOWN("history");
      }
      case "evaluate":
        m.evaluate = {line, x: kw.x ?? args[0], y: kw.y ?? args[1]};
        return {k: "seq", items: [UNKNOWN("test loss"), UNKNOWN("test accuracy")]};
      case "predict":
      case "summary":
        return UNKNOWN(method);
      default:
        this.warn(line, `model.${method}() is not followed`);
        return UNKNOWN(method);
    }
  }

  instanceMethod(inst: Extract<Val, {k: "instance"}>, method: string, e: Extract<Expr, {type: "call"}>, line: number): Val {
    if (method === "fit") {
      const [x, y] = e.args;
      if (x?.type !== "name" || y?.type !== "name" || !isND(this.np.vars.get(x.id)) || !isND(this.np.vars.get(y.id))) {
        throw new Error(`${inst.cls.name}.fit() needs two NumPy arrays defined above, got ${e.args.map(show).join(", ")}`);
      }
      this.gdRuns.push({inst, x: x.id, y: y.id, line});
      return {k: "none"};
    }
    if (method === "predict") {
      if (!inst.cls.hasPredict) this.warn(line, `${inst.cls.name}.predict() is not a recognised X @ θ`);
      return UNKNOWN("predictions");
    }
    throw new Error(`${inst.cls.name}.${method}() is not supported`);
  }
}

// ---------------------------------------------------------------------------------------------------------

const sp = (s: string) => s.replace(/\s+/g, "");

/** Index of a top-level `=` that is an assignment (not ==, <=, keyword argument inside brackets). */
function topLevelAssign(s: string): number {
  return scanCode(s, (c, i, depth) => c === "=" && depth === 0 && s[i + 1] !== "=" && !"=!<>+-*/@%".includes(s[i - 1] ?? ""));
}

/** Splits a parameter list at top-level commas. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0, cur = "";
  for (const c of s) {
    if ("([{".includes(c)) depth++;
    if (")]}".includes(c)) depth--;
    if (c === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** A translator value as the NumPy interpreter sees it (plain numbers, strings, tuples, module names). */
function valToNP(v: Val): NPValue | undefined {
  switch (v.k) {
    case "num": return v.v;
    case "str": return v.v;
    case "bool": return v.v;
    case "none": return null;
    case "mod": return {obj: "module", path: v.path};
    case "seq": {
      const items = v.items.map(valToNP);
      return items.every((x) => x !== undefined) ? (items as NPValue[]) : undefined;
    }
    default: return undefined;
  }
}

function argToVal(a: Arg): Val {
  if (typeof a === "number") return NUM(a);
  if (typeof a === "string") return {k: "str", v: a};
  if (typeof a === "boolean") return {k: "bool", v: a};
  if (a === null) return {k: "none"};
  if (Array.isArray(a)) return {k: "seq", items: a.map(argToVal)};
  if ("layer" in a) return {k: "torch", t: {kind: "layer", layer: a.layer}};
  return UNKNOWN(a.other);
}

function describe(v: Val): string {
  switch (v.k) {
    case "num":
      return String(v.v);
    case "str":
      return JSON.stringify(v.v);
    case "undef":
      return `undefined name ${v.name}`;
    case "unknown":
      return `an untracked value (${v.why})`;
    case "mod":
      return v.path;
    default:
      return `a ${v.k}`;
  }
}

function isPython(b: CodeBlock): boolean {
  return /^(python|py|python3|ipython)$/i.test(b.lang);
}

/** Translates all code blocks of a code-practice section (in order). */
export function translateChapterCode(blocks: CodeBlock[], at: TranslateOptions): TranslateResult {
  const it = new Interpreter(at);
  const pieces: TextPiece[] = [];
  try {
    for (const b of blocks) {
      pieces.push({text: b.code, line: b.line + 1, code: isPython(b)});
      if (!isPython(b)) continue;
      it.run(statements(b.code, b.line), it.globals);
    }
  } catch (e) {
    // `return` at top level or an interpreter bug: report, never throw.
    it.error(blocks[0]?.line ?? 1, `translator failed: ${(e as Error).message ?? String(e)}`);
  }
  if (at.extraText) pieces.push({text: at.extraText, line: at.extraLine ?? 1});
  const claims = parseClaims(pieces);
  const diagnostics = it.diag;
  const failed = () => diagnostics.some((d) => d.severity === "error");
  const file = at.file;

  // NumPy gradient descent (004)
  if (it.gdRuns.length) {
    const run = it.gdRuns[it.gdRuns.length - 1];
    const cls = run.inst.cls;
    const notes: Note[] = [];
    if (cls.loss && !cls.loss.squared) {
      notes.push({level: "warning", line: cls.loss.line,
        text: `代码里的 loss = ${cls.loss.formula} 不是平方损失：它是残差之和的一半，可正可负，不能衡量拟合好坏（只是被计算后没有用到）。页面另外画出均方误差。`});
      diagnostics.push({line: cls.loss.line, severity: "warning", message: `loss = ${cls.loss.formula} is not a squared loss (no **2); the page flags it and plots the mean squared error instead`});
    }
    notes.push({level: "warning",
      text: `模型没有偏置项：X 只有一列、θ 只有一个数，而数据是 y = 2x + 0.5 + 噪声，所以 θ 收敛到 Σxy/Σx²（约 2.7），而不是 2。`});
    notes.push({level: "info", text: "np.random 没有设种子；页面用固定种子的生成器（mulberry32 + Box–Muller）重现同样的分布，结果可复现。"});
    const program: NumpyGdProgram = {
      kind: "numpy-gd", file, line: run.line, className: cls.name, data: it.numpyData, x: run.x, y: run.y,
      learningRate: run.inst.fields[cls.fields.lr], iterations: run.inst.fields[cls.fields.iterations],
      gradient: cls.gradient,
      loss: cls.loss ?? {formula: "", squared: true, line: run.line},
      claims, notes
    };
    if (!Number.isFinite(program.learningRate) || !Number.isFinite(program.iterations)) {
      diagnostics.push({line: run.line, severity: "error", message: `${cls.name}: learning rate or iteration count has no value`});
      return {diagnostics};
    }
    return failed() ? {diagnostics} : {program, diagnostics};
  }

  // PyTorch
  if (it.torchLoops.length) {
    const r = torchProgram(it, it.torchLoops[it.torchLoops.length - 1], claims);
    return r && !failedOutside(diagnostics, it) ? {program: r, diagnostics} : {diagnostics};
  }

  // Keras
  const fitted = it.models.filter((m) => m.fits.length);
  if (!fitted.length && it.npLoops.length) {
    const script = buildNumpyScript({file, statements: it.npStatements, loops: it.npLoops, printed: it.script.printed, claims,
      unsupported: it.unsupported, seed: it.np.defaultSeed});
    return {script, diagnostics};
  }
  if (!fitted.length) {
    if (it.models.length) {
      const m = it.models[it.models.length - 1];
      diagnostics.push({line: m.line, severity: "error", message: "the model is never trained (no model.fit call)"});
    } else if (!diagnostics.some((d) => d.severity === "error")) {
      diagnostics.push({line: blocks[0]?.line ?? 1, severity: "error", message: "no Keras model or gradient-descent class to train was found"});
    }
    return {diagnostics};
  }
  const m = fitted[fitted.length - 1];
  const allFits = fitted.flatMap((f) => f.fits);
  if (allFits.length > 1) {
    diagnostics.push({line: allFits[allFits.length - 1].spec.line, severity: "warning",
      message: `the model is trained ${allFits.length} times (fit called from lines ${allFits.map((f) => f.site).join(", ")}); the page trains once, with the last call's arguments`});
  }
  const fit = m.fits[m.fits.length - 1];
  if (!m.compile) {
    diagnostics.push({line: fit.spec.line, severity: "error", message: "the model is trained without model.compile(...)"});
    return {diagnostics};
  }
  if (!m.layers.length) {
    diagnostics.push({line: m.line, severity: "error", message: "the model has no layers"});
    return {diagnostics};
  }
  const notes: Note[] = [];
  const dataset = fit.x.k === "nd" ? ndDataset(it, fit.x, fit.y, m.evaluate, fit.spec.line, false, notes) : resolveDataset(m, fit.x, fit.y, fit.spec.line, notes, diagnostics);
  if (!dataset) return {diagnostics};
  if (dataset.ref.id === "mnist" && fit.x.k === "data" && fit.x.limit) dataset.ref.trainLimit = fit.x.limit;
  if (dataset.ref.id === "mnist" && m.evaluate?.x?.k === "data" && m.evaluate.x.limit) dataset.ref.testLimit = m.evaluate.x.limit;
  const inputShape = m.inputShape ?? dataset.inputShape;
  if (!m.inputShape) {
    diagnostics.push({line: m.line, severity: "warning", message: `the first layer has no input_shape; the data's shape (${inputShape.join(", ")}) is used`});
  }
  if (dataset.ref.id === "mnist" && m.inputShape?.join() === "28,28" && dataset.inputShape.join() === "28,28,1") {
    // Flatten(input_shape=(28, 28)): the images as they load, without a channel axis
    dataset.ref.inputShape = [28, 28];
    dataset.inputShape = [28, 28];
  }
  if (dataset.ref.id === "mnist" && m.inputShape && m.inputShape.join() !== dataset.inputShape.join()) {
    diagnostics.push({line: m.line, severity: "error", message: `input_shape (${m.inputShape.join(", ")}) does not match the data (${dataset.inputShape.join(", ")})`});
    return {diagnostics};
  }
  if (dataset.ref.id === "table") {
    notes.push(...tableNotes(dataset.ref, claims));
  }
  const program: KerasProgram = {
    kind: "keras", file, line: m.line, inputShape, layers: m.layers, compile: m.compile, fit: fit.spec,
    evaluate: m.evaluate ? {line: m.evaluate.line} : null, dataset: dataset.ref, claims, notes
  };
  if (it.unsupported.length) program.unsupported = [...it.unsupported];
  const last = m.layers[m.layers.length - 1];
  if (m.compile.loss === "sparse_categorical_crossentropy" && last.type === "dense" && dataset.ref.id === "mnist" && last.units !== 10) {
    diagnostics.push({line: last.line, severity: "error", message: `the last layer has ${last.units} units but MNIST has 10 classes`});
    return {diagnostics};
  }
  if (failed() && it.unsupported.length && !failedOutside(diagnostics, it)) {
    // Parts that cannot be followed are named on the page; the rest trains.
    for (const u of it.unsupported) program.notes.push({level: "warning", line: u.line, text: tTraining("unsupportedPart", {line: u.line, message: u.message})});
    return {program, diagnostics};
  }
  return failed() ? {diagnostics} : {program, diagnostics};
}

/** Errors that make the model itself untrainable (its layers, compile, fit, data) rather than a side statement. */
function failedOutside(diagnostics: TranslateDiagnostic[], it: Interpreter): boolean {
  return diagnostics.some((d) => d.severity === "error" && it.fatalLines.has(d.line));
}

/** The "arrays" dataset for fit(x, y) on arrays the code computed; the evaluation set from evaluate(x, y) / no_grad. */
function ndDataset(it: Interpreter, x: Val, y: Val, ev: {x?: Val; y?: Val} | undefined, line: number, channelsFirst: boolean, notes: Note[]):
  {ref: DatasetRef; inputShape: number[]} | null {
  const arr = (v: Val | undefined) => (v?.k === "nd" ? ndOf(it.np.vars.get(v.name)) : null);
  const X = arr(x), Y = arr(y);
  if (!X || !Y) {
    it.error(line, `fit(): the training data (${describe(x)}, ${describe(y)}) must both be arrays the code computes`);
    it.fatalLines.add(line);
    return null;
  }
  const tX = arr(ev?.x), tY = arr(ev?.y);
  const sameAsTrain = tX === X;
  const test = tX && tY && !sameAsTrain ? {x: tX, y: tY} : null;
  if (!test) notes.push({level: "info", text: tTraining("noTestSet")});
  try {
    const names = {x: (x as {name: string}).name, y: (y as {name: string}).name,
      ...(test ? {testX: (ev!.x as {name: string}).name, testY: (ev!.y as {name: string}).name} : {})};
    const r = kerasArrays({x: X, y: Y, test, line, channelsFirst, names, statements: it.npStatements, seed: it.np.defaultSeed}, notes);
    notes.push({level: "info", text: tTraining("arraysData", {line, n: X.shape[0], shape: r.inputShape.join(", ")})});
    notes.push({level: "info", text: tTraining("notBitIdentical")});
    return r;
  } catch (e) {
    it.error(line, (e as Error).message);
    it.fatalLines.add(line);
    return null;
  }
}

/** Where a PyTorch loop's batches come from: a DataLoader (over tensors or torchvision's MNIST) or two full tensors. */
function torchData(it: Interpreter, loop: TorchLoop, notes: Note[], fail: (line: number, message: string) => null):
  {dataset: {ref: DatasetRef; inputShape: number[]}; batchSize: number; shuffle: boolean} | null {
  const g = it.globals;
  let dataset: {ref: DatasetRef; inputShape: number[]} | null = null;
  let batchSize = 0, shuffle = false;
  const mnistShape = [28, 28, 1];
  if (loop.data.kind === "loader") {
    const lv = g.get(loop.data.loader);
    if (lv?.k !== "torch" || lv.t.kind !== "loader") return fail(loop.line, `${loop.data.loader} is not a DataLoader the translator could follow`);
    const ld = lv.t.loader;
    batchSize = ld.batchSize;
    shuffle = ld.shuffle;
    if (ld.data.kind === "mnist") {
      dataset = {ref: {id: "mnist", inputShape: mnistShape, origin: "torchvision.datasets.MNIST", scale: 1 / 255, ...(ld.data.limit ? {trainLimit: ld.data.limit} : {})}, inputShape: mnistShape};
      if (ld.data.normalized) notes.push({level: "info", text: tTraining("torchNormalize")});
    } else {
      const ev = it.torchEval ? {x: {k: "nd", name: it.torchEval.x} as Val, y: it.torchEval.y ? {k: "nd", name: it.torchEval.y} as Val : undefined} : undefined;
      dataset = ndDataset(it, {k: "nd", name: ld.data.x}, {k: "nd", name: ld.data.y}, ev, ld.data.line, true, notes);
    }
    if (!shuffle) notes.push({level: "info", text: tTraining("shuffleOff")});
  } else {
    const xv = it.evaluate(loop.data.x, g, loop.line), yv = it.evaluate(loop.data.y, g, loop.line);
    const ev = it.torchEval ? {x: {k: "nd", name: it.torchEval.x} as Val, y: it.torchEval.y ? {k: "nd", name: it.torchEval.y} as Val : undefined} : undefined;
    dataset = ndDataset(it, xv, yv, ev, loop.line, true, notes);
    batchSize = dataset?.ref.id === "arrays" ? dataset.ref.train.n : 0;
  }
  return dataset ? {dataset, batchSize, shuffle} : null;
}

/** A PyTorch model, loss, optimiser and loop → the same Program the Keras path builds (framework "pytorch"). */
function torchProgram(it: Interpreter, loop: TorchLoop, claims: Claim[]): KerasProgram | null {
  const g = it.globals;
  const fail = (line: number, message: string) => {
    it.error(line, message);
    it.fatalLines.add(line);
    return null;
  };
  const mv = g.get(loop.model), cv = g.get(loop.criterion), ov = g.get(loop.optimizer);
  const modelLayers = mv?.k === "torch" ? (mv.t.kind === "model" ? mv.t.layers : mv.t.kind === "layer" ? [mv.t.layer] : null) : null;
  if (!modelLayers) return fail(loop.line, `${loop.model} is not a model the translator could follow`);
  if (cv?.k !== "torch" || cv.t.kind !== "loss") return fail(loop.line, `${loop.criterion} is not a supported loss (nn.MSELoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss, NLLLoss, L1Loss)`);
  if (ov?.k !== "torch" || ov.t.kind !== "optimizer") return fail(loop.line, `${loop.optimizer} is not a torch.optim optimiser the translator could follow`);
  const epochsV = it.evaluate(loop.epochs, g, loop.line);
  if (epochsV.k !== "num" || !Number.isInteger(epochsV.v) || epochsV.v < 1) return fail(loop.line, `the number of epochs (${show(loop.epochs)}) cannot be followed`);
  const notes: Note[] = [{level: "info", text: tTraining("pytorchInit")}];
  const data = torchData(it, loop, notes, fail);
  if (!data) return null;
  let {dataset} = data;
  const {batchSize, shuffle} = data;
  const imageShape = dataset.inputShape.length === 3 ? dataset.inputShape : null;
  const lowered = lowerLayers(modelLayers, imageShape, it.unsupported);
  if (!lowered) {
    const u = it.unsupported[it.unsupported.length - 1];
    return fail(u?.line ?? loop.line, u?.message ?? "the model cannot be translated");
  }
  if (lowered.inputShape.join() !== dataset.inputShape.join() && !(lowered.inputShape.length === 1 && lowered.inputShape[0] === dataset.inputShape.reduce((a, b) => a * b, 1) && dataset.ref.id === "mnist")) {
    return fail(lowered.layers[0]?.line ?? loop.line, `the model's first layer expects inputs of shape (${lowered.inputShape.join(", ")}) but the data has (${dataset.inputShape.join(", ")}) (PyTorch would fail: mat1 and mat2 shapes cannot be multiplied)`);
  }
  const loss = cv.t.loss;
  if (loss.nll && !lowered.logSoftmax) return fail(loss.line, "NLLLoss needs a model ending in LogSoftmax (log-probabilities)");
  if (lowered.logSoftmax) notes.push({level: "info", text: tTraining("logSoftmax")});
  const last = lowered.layers[lowered.layers.length - 1];
  let fromLogits = loss.fromLogits;
  if (fromLogits && last.type === "dense" && last.activation !== "linear" && !lowered.logSoftmax) {
    it.warn(loss.line, `the model's last layer applies ${last.activation} and the loss expects logits: trained as written`);
  }
  if (loss.loss === "binary_crossentropy" && !fromLogits && !(last.type === "dense" && last.activation === "sigmoid")) {
    it.warn(loss.line, "BCELoss on outputs that are not probabilities (no Sigmoid at the end)");
  }
  if (dataset.ref.id === "mnist" && lowered.inputShape.length === 1) dataset = {ref: {...dataset.ref, inputShape: [784]}, inputShape: [784]};
  for (const u of loop.ignored) notes.push({level: "info", text: tTraining("scheduleIgnored", {line: u.line, message: u.message})});
  const program: KerasProgram = {
    kind: "keras", framework: "pytorch", init: "pytorch", file: it.opts.file, line: mv!.k === "torch" && mv.t.kind === "model" ? mv.t.line : modelLayers[0].line,
    inputShape: dataset.inputShape, layers: lowered.layers,
    compile: {optimizer: ov.t.opt, loss: loss.loss, metrics: ["accuracy"], line: ov.t.line, fromLogits},
    fit: {epochs: epochsV.v, batchSize: Math.max(1, batchSize), validationSplit: 0, line: loop.line, shuffle},
    evaluate: it.torchEval ? {line: it.torchEval.line} : null, dataset: dataset.ref, claims, notes
  };
  if (it.unsupported.length) {
    program.unsupported = [...it.unsupported];
    for (const u of it.unsupported) program.notes.push({level: "warning", line: u.line, text: tTraining("unsupportedPart", {line: u.line, message: u.message})});
  }
  return program;
}

function tableNotes(ref: Extract<DatasetRef, {id: "table"}>, claims: ReturnType<typeof parseClaims>): Note[] {
  const n = ref.rows.length;
  const nTest = Math.ceil(ref.testSize * n);
  const notes: Note[] = [{level: "warning",
    text: `代码读取的 data.csv 并不存在；页面使用本章第 ${ref.line} 行表格里的 ${n} 条样本（特征：${ref.columns.join("、")}），按列标准化（减均值、除以标准差）后训练。preprocess_data 只有注释、返回未定义的 processed_data，因此由标准化代替。`, line: ref.line}];
  notes.push({level: "info",
    text: `train_test_split(test_size=${ref.testSize}) 在 ${n} 条样本上只留下 ${nTest} 条测试样本、${n - nTest} 条训练样本；页面用固定种子打乱（与 sklearn 的 random_state=${ref.randomState} 顺序不同）。`});
  const acc = claims.find((c) => c.metric === "accuracy" && c.split === "test");
  if (acc) {
    const possible = Array.from({length: nTest + 1}, (_, k) => k / nTest);
    if (!possible.some((p) => Math.abs(p - acc.value) < 5e-5)) {
      const frac = bestFraction(acc.value);
      notes.push({level: "warning",
        text: `文中的 Test Accuracy: ${acc.value} 在 ${nTest} 条测试样本上不可能出现（只能是 ${possible.map((p) => p.toFixed(2)).join(" 或 ")}）；${acc.value} ≈ ${frac[0]}/${frac[1]}，至少要有 ${frac[1]} 条测试样本。`});
    }
  }
  return notes;
}

/** Smallest-denominator fraction within 5e-5 of x. */
function bestFraction(x: number): [number, number] {
  for (let d = 1; d <= 10000; d++) {
    const n = Math.round(x * d);
    if (Math.abs(n / d - x) < 5e-5) return [n, d];
  }
  return [Math.round(x * 10000), 10000];
}

function resolveDataset(m: ModelState, x: Val, y: Val, line: number, notes: Note[], diag: TranslateDiagnostic[]):
  {ref: DatasetRef; inputShape: number[]} | null {
  if (x.k === "data" && x.src.kind === "table") {
    const src = x.src;
    const ref: DatasetRef = {id: "table", columns: src.table.columns, rows: src.table.rows, labels: src.table.labels, line: src.table.line,
      standardize: true, testSize: src.testSize ?? 0, randomState: src.randomState ?? 0};
    if (y.k !== "data") diag.push({line, severity: "warning", message: "fit(): y is not traced to the table's labels; the table's label column is used"});
    return {ref, inputShape: [src.table.columns.length]};
  }
  if (x.k === "data" && (x.src.kind === "mnist" || x.src.kind === "cifar10")) {
    const scale = x.scale ?? 1;
    if (scale === 1) {
      notes.push({level: "info", text: "代码没有把像素除以 255；页面仍把像素缩放到 [0, 1]。"});
      diag.push({line, severity: "warning", message: "pixels are not scaled in the code; the page scales them to [0, 1]"});
    }
    if (x.src.kind === "cifar10") {
      notes.push({level: "warning", line: x.src.line,
        text: "CIFAR-10 没有离线副本（npm 上没有带数据的包），页面不能下载它。为了让同一个 32×32×3 的模型照原样训练，页面改用 MNIST 手写数字：每张 28×28 灰度图四周各补 2 像素的 0 变成 32×32，再把灰度复制到 R、G、B 三个通道。所以这里的准确率是 MNIST 上的结果，不能和文中的 CIFAR-10 数字直接比较。"});
      diag.push({line: x.src.line, severity: "warning", message: "CIFAR-10 has no offline source; MNIST padded to 32×32 and replicated to 3 channels is used instead (stated on the page)"});
      return {ref: {id: "mnist", inputShape: [32, 32, 3], origin: "cifar10-substitute", scale: 1 / 255}, inputShape: [32, 32, 3]};
    }
    const shape = x.sampleShape && x.sampleShape.length ? x.sampleShape : m.inputShape ?? [28, 28, 1];
    if (![[784], [28, 28, 1], [28, 28]].some((s) => s.join() === shape.join())) {
      diag.push({line, severity: "error", message: `MNIST images cannot be shaped as (${shape.join(", ")})`});
      return null;
    }
    const s = shape.length === 2 ? [28, 28, 1] : shape;
    return {ref: {id: "mnist", inputShape: s, origin: "keras.datasets.mnist", scale: 1 / 255}, inputShape: s};
  }
  if (x.k === "undef") {
    const shape = m.inputShape;
    if (shape && shape.join() === "784") {
      notes.push({level: "warning",
        text: `代码里的 ${x.name} 从未定义。输入是 784 维（= 28×28），所以页面用 MNIST 手写数字（像素展平成 784 维、缩放到 [0, 1]）来训练它。`});
      diag.push({line, severity: "warning", message: `${x.name} is never defined; input_shape (784,) means flattened 28×28 images, so MNIST is used (stated on the page)`});
      return {ref: {id: "mnist", inputShape: [784], origin: "undefined-x_train", scale: 1 / 255}, inputShape: [784]};
    }
    diag.push({line, severity: "error", message: `${x.name} is never defined and input_shape (${shape?.join(", ") ?? "none"}) matches no offline dataset`});
    return null;
  }
  diag.push({line, severity: "error", message: `fit(): the training data (${describe(x)}) cannot be traced to a dataset`});
  return null;
}

/** One Python snippet (ARCHITECTURE.md's name for the single-block case). */
export function translatePython(code: string, at: {file: string; line: number} & Omit<TranslateOptions, "file">): TranslateResult {
  return translateChapterCode([{code, lang: "python", line: at.line}], at);
}
