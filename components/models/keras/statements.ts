/**
 * One Python statement at a time: imports, def, classes, if, loops, prints, assignments; each routed to the NumPy
 * interpreter, the PyTorch loop reader or the translator's own evaluation. Pure.
 */
import {parseExpr} from "./expr.js";
import type {PyStmt} from "./gd.js";
import type {Interpreter} from "./interpreter.js";
import {Return, canon, defSignature, sp, topLevelAssign, type Val} from "./values.js";
import {analyzeGdClass} from "./gd.js";
import {isNumpyBlock, isNumpyStmt, refsOpaqueText} from "./routing.js";
import {bindImport} from "../numpy/env.js";
import {inlineTrainingCalls, inlinedCall, readLoop} from "../pytorch/loop.js";
import {isTorchModel, loaderEval, noGrad} from "../pytorch/calls.js";
import {isKerasModelBase} from "./subclass.js";
import {tapesIn} from "./tapeLoop.js";
import {tapeTraining} from "./tapeFit.js";

type Handler = (it: Interpreter, s: PyStmt, scope: Map<string, Val>) => boolean;

/** Runs one statement: the first handler that recognises it does the work. */
export function execStatement(it: Interpreter, s: PyStmt, scope: Map<string, Val>, siblings: PyStmt[], index: number): void {
  if (/^(pass|continue|break)$/.test(s.text) || /^(['"]).*\1$/.test(s.text)) return;
  for (const h of HANDLERS) if (h(it, s, scope)) return;
  if (isNumpyStmt(it, s.text, scope)) return it.runNumpy(s, siblings, index, false);
  assignOrCall(it, s, scope);
}

/** `import a.b as c`, `from a import b as c`: bound in the translator's scope and in the NumPy interpreter. */
const importStmt: Handler = (it, s, scope) => {
  let m: RegExpExecArray | null;
  if ((m = /^import\s+(.+)$/.exec(s.text))) {
    for (const part of m[1].split(",")) {
      const [mod, alias] = part.trim().split(/\s+as\s+/);
      scope.set(alias ?? mod.split(".")[0], {k: "mod", path: alias ? mod : mod.split(".")[0]});
      bindImport(it.np, mod, null, alias ?? null);
    }
  } else if ((m = /^from\s+([\w.]+)\s+import\s+\(?(.+?)\)?$/.exec(s.text))) {
    for (const part of m[2].split(",")) {
      const [name, alias] = part.trim().split(/\s+as\s+/);
      if (name === "*") {
        it.warn(s.line, `"from ${m[1]} import *" is not followed; names must be imported explicitly`);
        continue;
      }
      scope.set(alias ?? name, {k: "mod", path: `${m[1]}.${name}`});
      bindImport(it.np, m[1], name, alias ?? null);
    }
  } else return false;
  it.npStatements.push(s);
  return true;
};

/**
 * Model code in a function body (layers, models, optimisers, losses, data loaders, training calls). A body without
 * any is a NumPy helper, including one that makes its data with torch's tensor functions (torch.linspace,
 * torch.randn, torch.stack, torch.cat: arrays to the NumPy interpreter).
 */
const MODEL_CODE = /\b(keras|layers|Sequential|compile|fit|nn|optim|model|utils|DataLoader|TensorDataset|backward|zero_grad|no_grad|F)\b/;

/** `def f(a, b=1):` — a translator function; also a NumPy helper when its body holds no model code. */
const defStmt: Handler = (it, s, scope) => {
  const sig = defSignature(s.text);
  if (!sig) return false;
  const params = sig.params.map((p) => ({...p, def: p.defText ? it.evaluate(parseExpr(p.defText), scope, s.line) : undefined}));
  scope.set(sig.name, {k: "func", name: sig.name, params, body: s.body, line: s.line});
  if (scope === it.globals && !MODEL_CODE.test(JSON.stringify(s.body))) {
    try {
      it.script.run([s]); // a NumPy helper (sigmoid, loss, a learning-rate function): callable from NumPy code
      it.npStatements.push(s);
    } catch {
      /* defaults the NumPy interpreter cannot evaluate */
    }
  }
  return true;
};

/** `class Net(nn.Module):` (read when instantiated) or a NumPy gradient-descent class. */
const classStmt: Handler = (it, s, scope) => {
  let m: RegExpExecArray | null;
  if ((m = /^class\s+(\w+)\s*\(\s*(?:torch\.)?(?:nn\.)?Module\s*\)\s*:$/.exec(s.text))) {
    scope.set(m[1], {k: "torch", t: {kind: "class", cls: {name: m[1], line: s.line, body: s.body}}});
    return true;
  }
  if (!(m = /^class\s+(\w+)\s*(\(.*\))?\s*:$/.exec(s.text))) return false;
  if (m[2] && isKerasModelBase(it, m[2].slice(1, -1).trim(), scope)) {
    scope.set(m[1], {k: "kclass", name: m[1], body: s.body, line: s.line});
    return true;
  }
  if (m[2] && isTorchDatasetBase(it, m[2].slice(1, -1).trim(), scope) && scope === it.globals) return datasetClass(it, s, m[1]);
  const notes: typeof it.diag = [];
  const gd = analyzeGdClass(m[1], s.line, s.body, notes);
  // a class of plain Python over NumPy (forward/backward/step methods, no torch or keras): the NumPy interpreter's
  if (!gd && !/\b(nn|torch|keras|layers|optim|tf)\./.test(JSON.stringify(s.body)) && scope === it.globals && !m[2]?.replace(/\(\s*(object)?\s*\)/, "")) {
    try {
      it.script.run([s]);
      it.npStatements.push(s);
      scope.delete(m[1]);
      return true;
    } catch (e) {
      it.error((e as {line?: number}).line ?? s.line, `class ${m[1]}: ${(e as Error).message}`);
      return true;
    }
  }
  it.diag.push(...notes);
  if (!gd) it.error(s.line, `class ${m[1]}: only a NumPy gradient-descent class (fit with θ -= lr * X.T @ (X @ θ - y)) or a class of plain NumPy methods is supported`);
  scope.set(m[1], {k: "class", name: m[1], gd, line: s.line});
  return true;
};

/** `(Dataset)` / `(torch.utils.data.Dataset)`: the base of a dataset class of the code's own. */
function isTorchDatasetBase(it: Interpreter, base: string, scope: Map<string, Val>): boolean {
  const root = it.lookup(base.split(".")[0], scope);
  return root?.k === "mod" && canon([root.path, ...base.split(".").slice(1)].join(".")) === "torch.utils.data.Dataset";
}

/**
 * `class Points(Dataset):` whose methods build and index tensors: a plain class of the NumPy interpreter (a DataLoader
 * over an instance reads its samples, pytorch/dataset.ts). Model code inside it is not followed.
 */
function datasetClass(it: Interpreter, s: PyStmt, name: string): boolean {
  if (/\b(nn|optim|keras|layers)\.|\.(backward|step)\(/.test(JSON.stringify(s.body))) {
    it.error(s.line, `class ${name}(Dataset): only data code (tensors, NumPy) is followed in a Dataset's methods`);
    return true;
  }
  const plain = {...s, text: `class ${name}:`};
  try {
    it.script.run([plain]);
    it.npStatements.push(plain);
  } catch (e) {
    it.error((e as {line?: number}).line ?? s.line, `class ${name}: ${(e as Error).message}`);
  }
  return true;
}

/** `if cond:` — decided when the translator can, else its body is followed. */
const ifStmt: Handler = (it, s, scope) => {
  const m = /^if\s+(.+):$/.exec(s.text);
  if (!m) return false;
  const isMain = sp(m[1]) === `__name__=="__main__"` || sp(m[1]) === `__name__=='__main__'`;
  const v = isMain ? {k: "bool", v: true} as Val : it.evaluate(parseExpr(m[1]), scope, s.line);
  if (v.k !== "bool") it.warn(s.line, `condition "${m[1]}" cannot be decided before running; its body is followed`);
  if (v.k !== "bool" || v.v) it.run(s.body, scope);
  return true;
};

/** The code's own functions, for the training-loop reader (their parameters, defaults as written, bodies). */
const codeFunctionOf = (it: Interpreter, scope: Map<string, Val>) => (n: string) => {
  const v = it.lookup(n, scope);
  return v?.k === "func" ? {params: v.params.map((p) => p.name), defaults: v.params.map((p) => p.defText), body: v.body} : undefined;
};

/** train(model, loader, optimizer, criterion, epochs=60): a function of the code's own that trains, run in place. */
const trainingCallStmt: Handler = (it, s, scope) => {
  const body = /^for\s/.test(s.text) ? null : inlinedCall(s, codeFunctionOf(it, scope));
  if (!body) return false;
  it.run(body, scope);
  return true;
};

/** A PyTorch training loop (for epoch in range(N): … loss.backward() … optimizer.step()). */
const torchLoopStmt: Handler = (it, s, scope) => {
  if (!/^for\s/.test(s.text)) return false;
  // for epoch in range(E): train_one_epoch(): the training step in a function of the code's own
  const loop = readLoop(inlineTrainingCalls(s, codeFunctionOf(it, scope)), (n) => isTorchModel(it, n, scope), it.unsupported, (n) => {
    const v = it.lookup(n, scope);
    return v?.k === "torch" ? v.t.kind === "scheduler" : /sched/i.test(n);
  });
  if (loop) {
    it.torchLoops.push(loop);
    for (const u of loop.ignored) it.warn(u.line, u.message);
    return true;
  }
  const u = it.unsupported.find((x) => x.line === s.line);
  if (u) it.diag.push({line: s.line, severity: "error", message: u.message});
  return !!u;
};

/** NumPy loops, `with torch.no_grad():`, and the blocks nothing reads. */
const blockStmt: Handler = (it, s, scope) => {
  const t = s.text;
  if (/^(for|while)\s/.test(t) && isNumpyBlock(it, s, scope)) it.runNumpy(s, [], 0, true);
  else if (/^for\s/.test(t) && loaderEval(it, s, scope)) return true;
  else if (/^with\s+torch\.(?:no_grad|inference_mode)\(\)\s*:$/.test(t)) noGrad(it, s, scope);
  else if (/^for\s/.test(t) && printsOnly(s.body)) return true; // for epoch in (0, 49, 99): print(history…): a report, nothing trains
  else if (/^for\s/.test(t) && unrolled(it, s, scope)) return true;
  else if (/^for\s/.test(t) && initOnly(s.body)) initLoop(it, s);
  else if (/^(elif|else|try|except|finally|with|while|for)\b/.test(t)) {
    it.error(s.line, `"${t.split(/\s|:/)[0]}" blocks are not supported outside a gradient-descent class: ${t}`);
  } else return false;
  return true;
};

/** At most this many passes of a loop that builds the model are unrolled, and this many in all (nested loops multiply). */
const MAX_UNROLLED = 64;
const MAX_UNROLLED_TOTAL = 1024;

/**
 * A loop that builds the model, run pass by pass over an iterable the translator can evaluate: `for units in [64, 32]:
 * model.add(Dense(units, activation="relu"))`, `for a, b in zip(sizes[:-1], sizes[1:]): layers.append(nn.Linear(a, b))`.
 * (Training loops — backward/step/fit — are read by the loop readers, NumPy loops run in the NumPy interpreter.)
 */
function unrolled(it: Interpreter, s: PyStmt, scope: Map<string, Val>): boolean {
  const m = /^for\s+(.+?)\s+in\s+(.+):$/.exec(s.text);
  const text = JSON.stringify(s.body);
  if (!m || /\.(backward|step|zero_grad|fit|train_on_batch)\s*\(/.test(text) || !/\b(add|append|extend|nn|layers|Dense|Linear|Conv2d|Conv2D)\b/.test(text)) return false;
  let items: Val;
  try {
    items = it.evaluate(parseExpr(m[2]), scope, s.line);
  } catch {
    return false;
  }
  if (items.k !== "seq" || items.items.length > MAX_UNROLLED) return false;
  if ((it.unrolledPasses += items.items.length) > MAX_UNROLLED_TOTAL) {
    it.error(s.line, `loops that build the model run more than ${MAX_UNROLLED_TOTAL} passes in all; the page does not follow them`);
    return true;
  }
  const target = parseExpr(m[1]);
  for (const item of [...items.items]) {
    it.bind(target, item, scope, s.line);
    it.run(s.body, scope);
  }
  return true;
}

/** Statements that only re-initialise weights: nn.init.*_(…), `.weight.data.normal_(…)`, under isinstance checks. */
function initOnly(body: PyStmt[]): boolean {
  const init = (t: string) => /^(?:torch\.)?(?:nn\.)?init\.\w+_\s*\(/.test(t) || /^[\w.]+\.(?:weight|bias)(?:\.data)?\.(?:zero_|fill_|normal_|uniform_|copy_)\s*\(/.test(t);
  const all: PyStmt[] = [];
  const walk = (b: PyStmt[]) => b.forEach((x) => (all.push(x), walk(x.body)));
  walk(body);
  const ok = (x: PyStmt) => (x.body.length ? /^(if|elif|else)\b/.test(x.text) : init(x.text) || x.text === "pass");
  return all.every(ok) && all.some((x) => init(x.text));
}

/** `for m in model.modules(): if isinstance(m, nn.Linear): nn.init.kaiming_normal_(m.weight)`: not replayed, said once. */
function initLoop(it: Interpreter, s: PyStmt): void {
  it.warn(s.line, "this loop re-initialises the weights; it is not replayed: the page initialises them as PyTorch does by default");
}

/** A loop body that only prints (and loops or branches that only print). */
function printsOnly(body: PyStmt[]): boolean {
  return body.length > 0 && body.every((x) => /^print\s*\(/.test(x.text) || (/^(for|if|elif|else)\b/.test(x.text) && printsOnly(x.body)));
}

const returnStmt: Handler = (it, s, scope) => {
  const m = /^return\b\s*(.*)$/.exec(s.text);
  if (!m) return false;
  throw new Return(m[1] ? it.evaluate(parseExpr(m[1]), scope, s.line) : {k: "none"});
};

/** What the code prints is kept when the NumPy interpreter can compute it (a hand-written loop's loss). */
const printStmt: Handler = (it, s, scope) => {
  if (!/^print\s*\(/.test(s.text)) return false;
  if (!refsOpaqueText(it, s.text, scope)) {
    try {
      it.script.run([s]);
    } catch {
      /* a print of something untracked: nothing to show */
    }
  }
  return true;
};

/**
 * `@tf.function`, `@torch.no_grad()`, `@staticmethod` before a def: they change how Python runs the function, not
 * what it computes; the def that follows is read as written. Any other decorator is named.
 */
const decoratorStmt: Handler = (it, s) => {
  if (!s.text.startsWith("@")) return false;
  if (!/^@(?:tf\.function|tensorflow\.function|torch\.no_grad\(\)|torch\.inference_mode\(\)|staticmethod|classmethod)(?:\(.*\))?$/.test(s.text.trim())) {
    it.warn(s.line, `the decorator ${s.text.trim()} is not followed: the function is read as written`);
  }
  return true;
};

/**
 * A def whose body records a tf.GradientTape: a training step, followed where a loop calls it (keras/tapeFit.ts);
 * one no loop trains with is named when the translation ends (Interpreter.tapeSteps).
 */
const tapeStep: Handler = (it, s) => {
  const name = /^def\s+(\w+)/.exec(s.text)?.[1];
  const tape = name ? tapesIn(s.body)[0] : undefined;
  if (tape) it.tapeSteps.set(name!, {line: tape.line, used: false});
  return false; // defined by defStmt
};

/** A loop training a Keras model around tf.GradientTape (its own, or in a function it calls). */
const tapeLoopStmt: Handler = (it, s, scope) => tapeTraining(it, s, scope);

const HANDLERS: Handler[] = [decoratorStmt, tapeStep, importStmt, defStmt, classStmt, ifStmt, tapeLoopStmt, torchLoopStmt, trainingCallStmt, blockStmt, returnStmt, printStmt];

/** `a op= b`, `a = b`, or an expression statement (a call) evaluated by the translator. */
function assignOrCall(it: Interpreter, s: PyStmt, scope: Map<string, Val>): void {
  const t = s.text;
  const m = /^([\w.[\]]+)\s*(\+|-|\*|\/|@)=\s*(.+)$/.exec(t);
  if (m) return it.assign(parseExpr(m[1]), parseExpr(`${m[1]} ${m[2]} (${m[3]})`), scope, s.line);
  const eq = topLevelAssign(t);
  if (eq >= 0) return it.assign(parseExpr(t.slice(0, eq)), parseExpr(t.slice(eq + 1)), scope, s.line);
  it.evaluate(parseExpr(t), scope, s.line);
}
