/**
 * The translator's interpreter: its state (scopes, models, loops, the NumPy interpreter it shares values with,
 * what could not be followed) and expression evaluation. Statements (statements.ts), Keras calls (calls.ts,
 * layers.ts, compileFit.ts), torch calls (../pytorch/calls.ts) and routing to NumPy (routing.ts) live apart.
 * Pure: never throws on bad code; everything it cannot follow becomes a diagnostic naming the file line.
 */
import {dotted, parseExpr, show, SyntaxErrorAt, type Expr} from "./expr.js";
import type {PyStmt} from "./gd.js";
import type {NumpyAssignment, NumpyScriptProgram, Note, Program, TranslateDiagnostic, Unsupported} from "./program.js";
import {findLabelledTables, type LabelledTable} from "./table.js";
import {evalNP} from "../numpy/eval.js";
import {newEnv} from "../numpy/env.js";
import {Script, ScriptError} from "../numpy/script.js";
import {isObj} from "../numpy/values.js";
import type {TorchLoop} from "../pytorch/loop.js";
import {NUM, Return, SKIPPED_LAYER, UNKNOWN, canon, describe, valToNP, type ModelState, type Val} from "./values.js";
import {execStatement} from "./statements.js";
import {withReaderText} from "./messages.js";
import {mentionsND, isTorchData, npRoute, refsOpaque} from "./routing.js";
import {torchCall} from "../pytorch/calls.js";
import {applyLayer, trainTestSplit} from "./calls.js";
import {mergeTensors} from "./functional.js";
import {BUILTIN_NAMES, callBuiltin, listComp, valItems} from "./comprehension.js";
import {kerasCall} from "./calls.js";
import {tfDataCall, tfDataMethod} from "./tfdata.js";
import {subclassModel} from "./subclass.js";
import {instanceMethod, modelMethod} from "./compileFit.js";

const EXPAND_DIMS = /^(numpy|tensorflow|tf)\.expand_dims$/;

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

export class Interpreter {
  readonly diag: TranslateDiagnostic[] = [];
  readonly globals = new Map<string, Val>();
  readonly models: ModelState[] = [];
  readonly gdRuns: {inst: Extract<Val, {k: "instance"}>; x: string; y: string; line: number}[] = [];
  readonly numpyData: NumpyAssignment[] = [];
  readonly notes: Note[] = [];
  readonly tables: LabelledTable[];
  /** The NumPy / sklearn / torch-tensor interpreter's state (components/models/numpy). */
  readonly np = newEnv(0);
  readonly script = new Script(this.np);
  /** Top-level statements run by the NumPy interpreter, in order (the page's recipe), and whether a loop trained. */
  readonly npStatements: PyStmt[] = [];
  /** Arrays keras/functional.ts's joinInputs made from the lists a several-input model is given. */
  readonly joinedInputs = new Set<string>();
  /** keras.Input tensors made so far (each gets the next id). */
  inputCount = 0;
  readonly npLoops: number[] = [];
  /** Passes of model-building loops run so far (statements.ts unrolls them; nested loops multiply, so all are bounded). */
  unrolledPasses = 0;
  /** The first line where the NumPy code failed: what it prints after that is not the code's result. */
  npFailedAt: number | undefined;
  readonly torchLoops: TorchLoop[] = [];
  /** Functions whose body records a tf.GradientTape (name → the tape's line; used: a training loop followed it). */
  readonly tapeSteps = new Map<string, {line: number; used: boolean}>();
  torchEval: {x: string; y?: string; line: number} | null = null;
  /** `model.load_state_dict(best_state)` calls: which model is given which variable's weights back. */
  readonly stateLoads: {model: string; arg: string; line: number}[] = [];
  readonly unsupported: {line: number; message: string}[] = [];
  /** Lines whose errors make the model untrainable (as opposed to a side statement the page can skip). */
  readonly fatalLines = new Set<number>();
  /** The code at each file line (the reader's messages quote it). */
  readonly source = new Map<number, string>();
  scopeNow: Map<string, Val> = this.globals;
  temp = 0;

  constructor(readonly opts: TranslateOptions) {
    this.tables = opts.chapterText ? findLabelledTables(opts.chapterText) : [];
    this.np.fallback = (name) => {
      const v = this.lookup(name, this.scopeNow);
      const np = v ? valToNP(v) : undefined;
      // A list the NumPy code reads becomes its own (history.append(…) in a loop must change the same list).
      if (Array.isArray(np) && v?.k === "seq" && this.scopeNow === this.globals) this.np.vars.set(name, np);
      return np;
    };
  }

  /** What could not be followed, in the order of the code's lines, with the reader's sentence in the book's language. */
  readerUnsupported(): Unsupported[] {
    return withReaderText([...this.unsupported].sort((a, b) => a.line - b.line), this.source);
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
  cur: {stmt: PyStmt; claimed: number} | null = null;

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
        execStatement(this, s, scope, stmts, i);
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
        // a dict of values the NumPy interpreter can hold (class_weight={0: 1.0, 1: w1}); otherwise untracked
        if (refsOpaque(this, e, scope)) return UNKNOWN("dict");
        try {
          const name = `__nd${this.temp++}`;
          this.np.vars.set(name, evalNP(e, this.np));
          return {k: "nd", name};
        } catch {
          return UNKNOWN("dict");
        }
      case "name": {
        if (e.id === "__name__") return {k: "str", v: "__main__"};
        const v = this.lookup(e.id, scope);
        if (v) return v;
        const npv = this.np.vars.get(e.id);
        if (npv !== undefined && !(isObj(npv) && (npv.obj === "module" || npv.obj === "func"))) return this.ndValue(e, line);
        if (BUILTIN_NAMES.includes(e.id)) return {k: "mod", path: e.id};
        return {k: "undef", name: e.id};
      }
      case "unary": {
        if (npRoute(this, e, scope)) return this.ndValue(e, line);
        const v = this.evaluate(e.arg, scope, line);
        if (e.op === "-" && v.k === "num") return NUM(-v.v);
        if (e.op === "not" && v.k === "bool") return {k: "bool", v: !v.v};
        return UNKNOWN(show(e));
      }
      case "bin":
        return this.binary(e, scope, line);
      case "attr": {
        if (npRoute(this, e, scope)) return this.ndValue(e, line);
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
        if (npRoute(this, e, scope)) return this.ndValue(e, line);
        const obj = this.evaluate(e.obj, scope, line);
        if (obj.k === "data" && e.index.type === "slice" && !e.index.lo && e.index.hi && !e.index.step) {
          return {...obj, limit: this.num(this.evaluate(e.index.hi, scope, line), line, "slice end")};
        }
        if (obj.k === "seq") {
          if (e.index.type !== "slice") {
            const iv = this.evaluate(e.index, scope, line);
            if (iv.k === "num") return obj.items[iv.v < 0 ? iv.v + obj.items.length : iv.v] ?? UNKNOWN("index out of range");
          }
          if (e.index.type === "slice") {
            const lo = e.index.lo ? this.num(this.evaluate(e.index.lo, scope, line), line, "slice start") : 0;
            const hi = e.index.hi ? this.num(this.evaluate(e.index.hi, scope, line), line, "slice end") : undefined;
            return {k: "seq", items: obj.items.slice(lo, hi)};
          }
        }
        if (obj.k === "data" && obj.part === "frame" && e.index.type === "str") return {...obj, part: "y"};
        if (obj.k === "data") {
          const expanded = this.newAxis(obj, e.index);
          if (expanded) return expanded;
        }
        return UNKNOWN(show(e));
      }
      case "call":
        return this.call(e, scope, line);
      case "listcomp":
        return this.npRouteOK(e, scope) ? this.ndValue(e, line) : listComp(this, e, scope, line);
      case "lambda":
        return this.npRouteOK(e, scope) ? this.ndValue(e, line) : {k: "lambda", params: e.params, body: e.body, line};
      default:
        return UNKNOWN(show(e));
    }
  }










  /** Runs a statement (or a loop) in the NumPy interpreter; names it assigns leave the translator's own scope. */
  runNumpy(s: PyStmt, siblings: PyStmt[], index: number, loop: boolean): void {
    const before = new Map(this.np.vars);
    try {
      this.script.run([s]);
    } catch (e) {
      const line = e instanceof ScriptError ? e.line : s.line;
      this.error(line, e instanceof SyntaxErrorAt ? `syntax error: ${e.message}` : (e as Error).message);
      this.npFailedAt = Math.min(this.npFailedAt ?? Infinity, line);
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






  /** Positional arguments, starred ones (`*layers`) spread. */
  evalArgs(e: Extract<Expr, {type: "call"}>, scope: Map<string, Val>, line: number): Val[] {
    return e.args.flatMap((a, i) => {
      const v = this.evaluate(a, scope, line);
      if (!e.stars?.includes(i)) return [v];
      const items = valItems(v);
      if (!items) throw new Error(`*${show(a)}: ${describe(v)} cannot be spread`);
      return items;
    });
  }

  npRouteOK(e: Expr, scope: Map<string, Val>): boolean {
    return npRoute(this, e, scope);
  }

  binary(e: Extract<Expr, {type: "bin"}>, scope: Map<string, Val>, line: number): Val {
    if (npRoute(this, e, scope)) return this.ndValue(e, line);
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
    if (e.op === "+" && a.k === "seq" && b.k === "seq") return {k: "seq", items: [...a.items, ...b.items]};
    if (e.op === "*" && a.k === "seq" && b.k === "num" && Number.isInteger(b.v) && b.v >= 0 && a.items.length * b.v <= 100_000) {
      return {k: "seq", items: Array.from({length: b.v}, () => a.items).flat()};
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

/**
   * `x[..., None]`, `x[..., np.newaxis]`, `x[:, :, :, None]` on a dataset's images: one more axis of size 1 at the
   * end of each sample (28×28 → 28×28×1); null for any other index.
   */
  newAxis(d: Extract<Val, {k: "data"}>, index: Expr): Val | null {
    const shape = this.sampleShape(d);
    if (!shape) return null;
    const items = index.type === "tuple" ? index.items : [index];
    const isNew = (x: Expr) => (x.type === "const" && x.value === null) || (x.type === "attr" && x.name === "newaxis");
    const full = (x: Expr) => x.type === "slice" && !x.lo && !x.hi && !x.step;
    const last = items[items.length - 1];
    if (!last || !isNew(last)) return null;
    const head = items.slice(0, -1);
    const ok = (head.length === 1 && head[0].type === "name" && head[0].id === "Ellipsis") || (head.length === shape.length + 1 && head.every(full));
    return ok ? {...d, sampleShape: [...shape, 1]} : null;
  }

  /** `np.expand_dims(x, -1)` / `tf.expand_dims(x, axis=-1)` on a dataset's images (the last axis only); null otherwise. */
  expandDims(e: Extract<Expr, {type: "call"}>, scope: Map<string, Val>, line: number): Val | null {
    const name = dotted(e.fn);
    const root = name ? this.lookup(name.split(".")[0], scope) : undefined;
    if (!name || root?.k !== "mod" || !EXPAND_DIMS.test(canon([root.path, ...name.split(".").slice(1)].join(".")))) return null;
    // only the images themselves, or scaled (`x_train / 255.0`): nothing whose evaluation could have effects
    const isData = (x: Expr | undefined): boolean => !!x && ((x.type === "name" && this.lookup(x.id, scope)?.k === "data") || (x.type === "bin" && isData(x.left) && x.right.type === "num"));
    if (!isData(e.args[0])) return null;
    const d = this.evaluate(e.args[0], scope, line);
    const ax = e.kwargs.axis ?? e.args[1];
    const axis = ax ? this.evaluate(ax, scope, line) : undefined;
    if (d?.k !== "data" || axis?.k !== "num") return null;
    const shape = this.sampleShape(d);
    if (!shape || !(axis.v === -1 || axis.v === shape.length + 1)) return null;
    return {...d, sampleShape: [...shape, 1]};
  }

  sampleShape(d: Extract<Val, {k: "data"}>): number[] | undefined {
    if (d.sampleShape) return d.sampleShape;
    if (d.src.kind === "table") return d.part === "y" ? [] : [d.src.table.columns.length];
    if (d.src.kind === "mnist") return d.part === "y" ? [] : [28, 28];
    if (d.src.kind === "cifar10") return d.part === "y" ? [1] : [32, 32, 3];
    return undefined;
  }

  call(e: Extract<Expr, {type: "call"}>, scope: Map<string, Val>, line: number): Val {
    const expanded = this.expandDims(e, scope, line);
    if (expanded) return expanded;
    if ((mentionsND(this, e.fn) || isTorchData(this, e, scope)) && !refsOpaque(this, e, scope)) return this.ndValue(e, line);
    const fn = this.evaluate(e.fn, scope, line);
    if (fn.k === "torch" || (fn.k === "mod" && /^(torch(vision)?\.|<torch>\.)/.test(fn.path))) {
      return torchCall(this, fn, e, scope, line);
    }
    if (fn.k === "merge") return mergeTensors(this, fn.kind, e.args[0] ? this.evaluate(e.args[0], scope, line) : {k: "none"}, fn.line);
    if (fn.k === "layer" || fn.k === "modifier" || (fn.k === "unknown" && fn.why.endsWith(SKIPPED_LAYER))) {
      return applyLayer(this, fn, e.args[0] ? this.evaluate(e.args[0], scope, line) : {k: "none"}, line);
    }
    const args = () => this.evalArgs(e, scope, line);
    const kwargs = () => Object.fromEntries(Object.entries(e.kwargs).map(([k, v]) => [k, this.evaluate(v, scope, line)]));

    if (fn.k === "func") return this.callFunc(fn, args(), kwargs(), line);
    // model(X_test, training=False) after training: its predictions, as model.predict(X_test)
    if (fn.k === "model") return modelMethod(this, fn.m, "predict", args(), kwargs(), line);
    // loss_fn(y_test, model(X_test)): a loss object's value on what its arguments compute
    if (fn.k === "str" && e.fn.type === "name") {
      args();
      return UNKNOWN(show(e));
    }
    if (fn.k === "kclass") return subclassModel(this, fn, args(), kwargs(), line);
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
    if (fn.k === "undef" && fn.name === "train_test_split") return trainTestSplit(this, fn.name, args(), kwargs(), line);
    if (fn.k === "undef") {
      this.error(line, `${fn.name}() is called but never defined or imported`);
      return UNKNOWN(`${fn.name}()`);
    }
    if (fn.k !== "mod") return UNKNOWN(show(e));
    const path = canon(fn.path);
    const method = path.slice(path.lastIndexOf(".") + 1);
    const recv = e.fn.type === "attr" ? this.evaluate(e.fn.obj, scope, line) : null;

    // layers.append(nn.Linear(a, b)), sizes.extend([64, 32]): a list the code builds (Python lists are shared)
    if (recv?.k === "seq" && (method === "append" || method === "extend") && e.args.length === 1) {
      const v = args()[0];
      if (method === "append") recv.items.push(v);
      else if (v.k === "seq") recv.items.push(...v.items);
      else return UNKNOWN(`${method}() of a non-list`);
      if (recv.items.length > 100_000) throw new Error("a list built by the code grew past 100,000 items");
      return {k: "none"};
    }
    // metric.update_state(y_test, model(X_test)): an evaluation the page makes itself; what it reads is still seen
    if (recv?.k === "str" && ["update_state", "reset_state", "reset_states", "result"].includes(method)) {
      args();
      return UNKNOWN(`${method}()`);
    }
    // methods on tracked objects
    if (recv && recv.k === "model") return modelMethod(this, recv.m, method, args(), kwargs(), line);
    if (recv && recv.k === "tfdata") return tfDataMethod(this, recv, method, args(), kwargs(), line);
    if (recv && recv.k === "instance") return instanceMethod(this, recv, method, e, line);
    if (recv && recv.k === "data") {
      if (method === "reshape") {
        const dims = this.ints(args().length === 1 ? args()[0] : {k: "seq", items: args()}, line, "reshape");
        return {...recv, sampleShape: dims.slice(1)};
      }
      if (method === "astype") return recv;
      return UNKNOWN(`${method}() on data`);
    }

    if (fn.k === "mod" && BUILTIN_NAMES.includes(path) && !recv) {
      const r = callBuiltin(this, path, args(), line);
      if (r) return r;
      return UNKNOWN(path);
    }
    const keras = kerasCall(this, path, args, kwargs, line) ?? tfDataCall(this, path, args, line);
    if (keras) return keras;
    // tf.random.set_seed(…), keras.utils.set_random_seed(…): the page seeds tf itself (its notes say the numbers differ)
    if (/^(tensorflow\.random\.set_seed|(tensorflow\.)?keras\.utils\.set_random_seed)$/.test(path)) return {k: "none"};
    // a method of a value the translator does not hold (the model's output, or what was already reported): no second report
    if (recv?.k === "unknown") return recv;
    // OrderedDict([("fc1", layer), …]) keeps its (key, value) pairs in order: nn.Sequential reads them as named layers
    if (path === "collections.OrderedDict" && e.args.length <= 1 && Object.keys(e.kwargs).length === 0) {
      const v = e.args.length ? args()[0] : {k: "seq" as const, items: []};
      if (v.k === "seq" && v.items.every((p) => p.k === "seq" && p.items.length === 2 && p.items[0].k === "str")) return v;
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






}
