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
import {logicalLines, scanCode} from "./lines.js";
import {evalND, type NDEnv} from "./ndarray.js";
import type {
  Activation, CodeBlock, CompileSpec, DatasetRef, FitSpec, KerasProgram, LayerSpec, LossName, Note,
  NumpyAssignment, NumpyGdProgram, OptimizerName, Program, TranslateDiagnostic
} from "./program.js";
import {findLabelledTables, type LabelledTable} from "./table.js";
import {mulberry32} from "../../math/random.js";

export type {Program, CodeBlock, TranslateDiagnostic} from "./program.js";

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
  evaluate?: {line: number};
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
  | {k: "data"; src: DataSrc; part: "x" | "y" | "frame"; split: "train" | "test" | "all"; sampleShape?: number[]; scale?: number}
  | {k: "func"; name: string; params: {name: string; def?: Val}[]; body: PyStmt[]; line: number}
  | {k: "class"; name: string; gd: GdClass | null; line: number}
  | {k: "instance"; cls: GdClass; fields: Record<string, number>; line: number}
  | {k: "nd"; name: string}
  | {k: "undef"; name: string}
  | {k: "unknown"; why: string};

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
const DEFAULT_LR: Record<OptimizerName, number> = {adam: 0.001, sgd: 0.01, rmsprop: 0.001, adagrad: 0.001, adadelta: 0.001, adamax: 0.001};
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

  constructor(readonly opts: TranslateOptions) {
    this.tables = opts.chapterText ? findLabelledTables(opts.chapterText) : [];
  }

  error(line: number, message: string): void {
    this.diag.push({line, severity: "error", message});
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
      this.cur = {stmt: s, claimed: 0};
      try {
        this.exec(s, scope, stmts, i);
      } catch (e) {
        if (e instanceof Return) throw e;
        const msg = e instanceof SyntaxErrorAt ? `syntax error: ${e.message} in: ${s.text}` : (e as Error).message;
        this.error(s.line, msg);
      } finally {
        this.cur = saved;
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
      }
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
      }
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
    if (/^(elif|else|try|except|finally|with|while)\b/.test(t) || /^for\s/.test(t)) {
      this.error(s.line, `"${t.split(/\s|:/)[0]}" blocks are not supported outside a gradient-descent class: ${t}`);
      return;
    }
    if ((m = /^return\b\s*(.*)$/.exec(t))) {
      throw new Return(m[1] ? this.evaluate(parseExpr(m[1]), scope, s.line) : {k: "none"});
    }
    if ((m = /^print\s*\(/.exec(t))) return;
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
    if (value.k === "nd" && target.type === "name") {
      // A NumPy array: record the assignment for the page to re-run with a seeded generator.
      this.nd.vars.set(target.id, evalND(valueExpr, this.nd));
      this.numpyData.push({name: target.id, expr: valueExpr, line});
      scope.set(target.id, {k: "nd", name: target.id});
      return;
    }
    this.bind(target, value, scope, line);
  }

  bind(target: Expr, value: Val, scope: Map<string, Val>, line: number): void {
    if (target.type === "name") {
      scope.set(target.id, value);
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
        if (["len", "range", "print", "int", "float", "str", "list"].includes(e.id)) return {k: "mod", path: e.id};
        return {k: "undef", name: e.id};
      }
      case "unary": {
        const v = this.evaluate(e.arg, scope, line);
        if (e.op === "-" && v.k === "num") return NUM(-v.v);
        if (e.op === "not" && v.k === "bool") return {k: "bool", v: !v.v};
        if (v.k === "nd" || this.mentionsND(e)) return {k: "nd", name: ""};
        return UNKNOWN(show(e));
      }
      case "bin":
        return this.binary(e, scope, line);
      case "attr": {
        if (this.mentionsND(e)) return {k: "nd", name: ""};
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
        if (this.mentionsND(e)) return {k: "nd", name: ""};
        const obj = this.evaluate(e.obj, scope, line);
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

  /** True when an expression reads a NumPy module name or an array recorded as NumPy data. */
  mentionsND(e: Expr): boolean {
    const walk = (x: Expr): boolean => {
      switch (x.type) {
        case "name":
          return this.nd.numpy.has(x.id) || this.nd.vars.has(x.id);
        case "attr":
          return walk(x.obj);
        case "call":
          return walk(x.fn) || x.args.some(walk);
        case "index":
          return walk(x.obj);
        case "bin":
          return walk(x.left) || walk(x.right);
        case "unary":
          return walk(x.arg);
        default:
          return false;
      }
    };
    return walk(e);
  }

  binary(e: Extract<Expr, {type: "bin"}>, scope: Map<string, Val>, line: number): Val {
    if (this.mentionsND(e)) return {k: "nd", name: ""};
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
    if (this.mentionsND(e.fn)) return {k: "nd", name: ""};
    const fn = this.evaluate(e.fn, scope, line);
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
    if (item.k !== "layer") throw new Error(`not a layer: ${describe(item)}`);
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
          if (!["x", "y", "epochs", "batch_size", "validation_split", "verbose"].includes(k)) this.warn(line, `fit(): argument ${k}= is ignored`);
        }
        m.fits.push({spec, x, y, site: this.callSites[0] ?? line});
        return UNKNOWN("history");
      }
      case "evaluate":
        m.evaluate = {line};
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
      if (x?.type !== "name" || y?.type !== "name" || !this.nd.vars.has(x.id) || !this.nd.vars.has(y.id)) {
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

/** Builds the statement tree of one block; lines are file lines. */
export function statements(code: string, blockLine: number): PyStmt[] {
  const lines = logicalLines(code);
  const root: PyStmt[] = [];
  const stack: {indent: number; body: PyStmt[]}[] = [{indent: -1, body: root}];
  for (const l of lines) {
    while (stack.length > 1 && l.indent <= stack[stack.length - 1].indent) stack.pop();
    const s: PyStmt = {line: blockLine + l.line, text: l.text, body: [], phys: l.phys.map((p) => ({line: blockLine + p.line, text: p.text}))};
    stack[stack.length - 1].body.push(s);
    if (l.text.endsWith(":")) stack.push({indent: l.indent, body: s.body});
  }
  return root;
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

  // Keras
  const fitted = it.models.filter((m) => m.fits.length);
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
  const dataset = resolveDataset(m, fit.x, fit.y, fit.spec.line, notes, diagnostics);
  if (!dataset) return {diagnostics};
  const inputShape = m.inputShape ?? dataset.inputShape;
  if (!m.inputShape) {
    diagnostics.push({line: m.line, severity: "warning", message: `the first layer has no input_shape; the data's shape (${inputShape.join(", ")}) is used`});
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
    evaluate: m.evaluate ?? null, dataset: dataset.ref, claims, notes
  };
  const last = m.layers[m.layers.length - 1];
  if (m.compile.loss === "sparse_categorical_crossentropy" && last.type === "dense" && dataset.ref.id === "mnist" && last.units !== 10) {
    diagnostics.push({line: last.line, severity: "error", message: `the last layer has ${last.units} units but MNIST has 10 classes`});
    return {diagnostics};
  }
  return failed() ? {diagnostics} : {program, diagnostics};
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
