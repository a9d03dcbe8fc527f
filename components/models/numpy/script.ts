/**
 * Runs Python statements over NumPy values: assignments (names, tuples, subscripts, dict entries, augmented),
 * `for` over range / lists / arrays / dicts / zip / enumerate, `while`, if/elif/else, `def` + `return`, `del`, and
 * `print` (its text is kept, f-strings and format specs included). Bounded by the env's Budget (statements and
 * element operations), so a 10⁹-step loop stops with an error at its line. Pure: an interpreter of a subset over data, never Python.
 */
import {parseExpr, show, type Expr} from "../keras/expr.js";
import type {PyStmt} from "../keras/gd.js";
import {scanCode} from "../keras/lines.js";
import {splitTop} from "../keras/values.js";
import {iterItems} from "./comprehension.js";
import {dictDelete, dictItems, dictSet, isDict, reprKey} from "./dicts.js";
import {binOp, evalNP} from "./eval.js";
import {getIndex, setIndex, type IndexItem} from "./indexing.js";
import {isND} from "./ndarray.js";
import {isObj, toND, toNumber, truthy, unwrap, type NPEnv, type NPDict, type NPInstance, type NPObject, type NPValue} from "./values.js";

export interface Printed {
  line: number;
  text: string;
}

export class ScriptError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

/** At most this many values from one generator call (it runs to the end when called). */
const MAX_YIELDS = 100_000;

/** True when a function body yields (not counting functions defined inside it). */
function yields(body: PyStmt[]): boolean {
  return body.some((s) => /^yield\b/.test(s.text) || (!/^(def|class)\s/.test(s.text) && yields(s.body)));
}

class Return {
  constructor(readonly value: NPValue) {}
}
class Break {}
class Continue {}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, k) => d === b[k]);
const AUG = /^(.+?)\s*(\+|-|\*|\/|\/\/|@|\*\*|%|&|\|)=\s*(.+)$/;

/** Index of the assignment `=` at bracket depth 0 (not ==, <=, >=, !=, or part of an augmented operator). */
export function assignIndex(s: string): number {
  return scanCode(s, (c, i, depth) => c === "=" && depth === 0 && s[i + 1] !== "=" && !"=!<>+-*/@%&|".includes(s[i - 1] ?? ""));
}

export class Script {
  readonly printed: Printed[] = [];
  constructor(readonly env: NPEnv) {
    env.callUser = (f, args, kwargs) => this.callUser(f, args, kwargs);
    env.construct = (cls, args, kwargs) => this.construct(cls, args, kwargs);
  }

  /** Runs statements; throws ScriptError naming the first statement it cannot follow. */
  run(stmts: PyStmt[], vars = this.env.vars): void {
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i];
      this.env.budget.step(`line ${s.line}`);
      try {
        i = this.exec(s, stmts, i, vars);
      } catch (e) {
        if (e instanceof Return || e instanceof Break || e instanceof Continue || e instanceof ScriptError) throw e;
        throw new ScriptError((e as Error).message, s.line);
      }
    }
  }

  /** Executes stmts[i]; returns the index of the last statement consumed (if/elif/else chains consume several). */
  exec(s: PyStmt, siblings: PyStmt[], i: number, vars: Map<string, NPValue>): number {
    const t = s.text;
    let m: RegExpExecArray | null;
    if (/^(pass|(['"]).*\2)$/.test(t) || /^(import|from)\s/.test(t) || /^global\s/.test(t)) return i;
    if (t === "break") throw new Break();
    if (t === "continue") throw new Continue();
    if ((m = /^return\b\s*(.*)$/.exec(t))) throw new Return(m[1] ? evalNP(parseExpr(m[1]), this.env) : null);
    if ((m = /^def\s+(\w+)\s*\((.*)\)\s*(->.*)?:$/.exec(t))) {
      vars.set(m[1], this.defineFunction(m[1], m[2], s));
      return i;
    }
    if ((m = /^if\s+(.+):$/.exec(t))) return this.ifChain(s, siblings, i, vars);
    if (/^(elif|else)\b/.test(t)) throw new Error(`"${t}" without a matching if`);
    if ((m = /^for\s+(.+?)\s+in\s+(.+):$/.exec(t))) {
      this.forLoop(parseExpr(m[1]), evalNP(parseExpr(m[2]), this.env), s);
      return i;
    }
    if ((m = /^while\s+(.+):$/.exec(t))) {
      const cond = parseExpr(m[1]);
      while (truthy(evalNP(cond, this.env), "while")) if (this.loopBody(s.body)) break;
      return i;
    }
    if ((m = /^print\s*\((.*)\)$/.exec(t))) {
      this.print(s, t);
      return i;
    }
    if ((m = /^class\s+(\w+)\s*(?:\(\s*(?:object)?\s*\))?\s*:$/.exec(t))) {
      vars.set(m[1], this.defineClass(m[1], s));
      return i;
    }
    if ((m = /^del\s+(.+)$/.exec(t))) {
      this.del(parseExpr(m[1]));
      return i;
    }
    if ((m = /^yield\b\s*(from\b)?\s*(.*)$/.exec(t))) {
      this.yieldValue(m[2] ? evalNP(parseExpr(m[2]), this.env) : null, !!m[1]);
      return i;
    }
    if (/^(class|with|try|except|finally|lambda|yield|assert|raise)\b/.test(t)) throw new Error(`"${t.split(/[\s:(]/)[0]}" is not supported in NumPy code`);
    const eq = assignIndex(t);
    if (eq >= 0) {
      const value = evalNP(parseExpr(t.slice(eq + 1)), this.env);
      this.bind(parseExpr(t.slice(0, eq)), value);
      return i;
    }
    if ((m = AUG.exec(t)) && assignIndex(t.replace(AUG, "$1 = $3")) >= 0) {
      const target = parseExpr(m[1]);
      const current = evalNP(target, this.env);
      const result = binOp(m[2], current, evalNP(parseExpr(m[3]), this.env), this.env);
      // p -= lr * v on an array writes into that array, as NumPy does: every name and list holding it sees the change
      // (for p, v in zip(params, velocity): v *= beta; p -= lr * v updates the weights in params)
      // (self.w -= lr * self.dw too: the attribute's array is written into)
      // (velocity["w"] *= beta, params[0] -= …: an array held in a dict or a list is written into as well)
      const held = target.type === "name" || target.type === "attr" || (target.type === "index" && this.isContainer(target.obj));
      if (held && isND(current) && isND(result) && sameShape(current.shape, result.shape) && (current.dtype === result.dtype || current.dtype === "float")) current.data.set(result.data);
      else this.bind(target, result);
      return i;
    }
    evalNP(parseExpr(t), this.env);
    return i;
  }

  /** True when `e` is a dict or a list (whose items are whole values, not views into an array). */
  private isContainer(e: Expr): boolean {
    const v = evalNP(e, this.env);
    return isDict(v) || Array.isArray(v);
  }

  /** `del d[k]`, `del xs[i]`, `del name` (several, comma-separated). */
  private del(target: Expr): void {
    if (target.type === "tuple") return target.items.forEach((t) => this.del(t));
    if (target.type === "name") {
      if (!this.env.vars.delete(target.id)) throw new Error(`name '${target.id}' is not defined`);
      return;
    }
    if (target.type === "index") {
      const obj = evalNP(target.obj, this.env);
      if (isDict(obj)) return dictDelete(obj, evalNP(target.index, this.env));
      if (Array.isArray(obj) && target.index.type !== "slice") {
        const k = toNumber(evalNP(target.index, this.env), "list index");
        const j = k < 0 ? k + obj.length : k;
        if (!(j >= 0 && j < obj.length)) throw new Error(`list index ${k} out of range`);
        obj.splice(j, 1);
        return;
      }
    }
    throw new Error(`del ${show(target)} is not supported`);
  }

  /** `class Model:` of plain Python: its `def`s are the methods (their first parameter, self, bound at the call). */
  private defineClass(name: string, s: PyStmt): NPObject {
    const methods = new Map<string, Extract<NPObject, {obj: "func"}>>();
    for (const x of s.body) {
      const m = /^def\s+(\w+)\s*\((.*)\)\s*(->.*)?:$/.exec(x.text);
      if (m) methods.set(m[1], this.defineFunction(m[1], m[2], x, true) as Extract<NPObject, {obj: "func"}>);
      else if (!/^(pass|(['"]).*\2)$/.test(x.text)) throw new ScriptError(`class ${name}: only methods (def) are supported in its body, not: ${x.text}`, x.line);
    }
    return {obj: "class", name, methods, line: s.line};
  }

  /** `Model(5)`: a new instance, its __init__ run with self bound to it. */
  construct(cls: Extract<NPObject, {obj: "class"}>, args: NPValue[], kwargs: Record<string, NPValue>): NPValue {
    const inst: NPInstance = {obj: "instance", cls, attrs: new Map()};
    const init = cls.methods.get("__init__");
    if (init) this.callUser({...init, self: inst}, args, kwargs);
    else if (args.length || Object.keys(kwargs).length) throw new Error(`${cls.name}() takes no arguments (it has no __init__)`);
    return inst;
  }

  private defineFunction(name: string, params: string, s: PyStmt, method = false): NPObject {
    const list: {name: string; def?: NPValue}[] = [];
    const all = splitTop(params).filter((p) => p.trim());
    // a method's first parameter is the instance (self, by convention)
    if (method && all.length) all.shift();
    for (const p of all) {
      if (!method && p.trim() === "self") continue;
      const [n, d] = p.split(/=(.*)/s).map((x) => x?.trim());
      list.push({name: n.replace(/:.*$/, "").replace(/^\*+/, "").trim(), def: d ? evalNP(parseExpr(d), this.env) : undefined});
    }
    return {obj: "func", name, params: list, body: s.body, line: s.line};
  }

  private ifChain(s: PyStmt, siblings: PyStmt[], i: number, vars: Map<string, NPValue>): number {
    let j = i, done = false;
    for (;;) {
      const cur = siblings[j];
      const m = /^(?:if|elif)\s+(.+):$/.exec(cur.text);
      const isElse = /^else\s*:$/.test(cur.text);
      if (!done && (isElse || truthy(evalNP(parseExpr(m![1]), this.env), "if"))) {
        this.run(cur.body, vars);
        done = true;
      }
      const next = siblings[j + 1];
      if (isElse || !next || !/^(elif\s|else\s*:)/.test(next.text)) return j;
      j++;
    }
    void s;
  }

  /** Runs a loop body; true when it breaks. */
  private loopBody(body: PyStmt[]): boolean {
    try {
      this.run(body);
    } catch (e) {
      if (e instanceof Break) return true;
      if (!(e instanceof Continue)) throw e;
    }
    return false;
  }

  private forLoop(target: Expr, iter: NPValue, s: PyStmt): void {
    let items: NPValue[];
    if (Array.isArray(iter)) items = iter;
    else if (isDict(iter) || typeof iter === "string") items = iterItems(iter, s.text);
    else if (isND(iter)) {
      const n = iter.shape[0] ?? 0, inner = iter.data.length / Math.max(n, 1);
      items = Array.from({length: n}, (_, k) => (iter.shape.length === 1 ? iter.data[k] : {shape: iter.shape.slice(1), data: iter.data.slice(k * inner, (k + 1) * inner), dtype: iter.dtype}));
    } else throw new Error(`cannot iterate over ${show(target)} in: ${s.text}`);
    for (const v of items) {
      this.bind(target, v);
      if (this.loopBody(s.body)) break;
    }
  }

  bind(target: Expr, value: NPValue): void {
    if (target.type === "name") {
      this.env.vars.set(target.id, value);
      return;
    }
    if (target.type === "tuple" || target.type === "list") {
      const items = Array.isArray(value) ? value : isND(value) && value.shape.length ? Array.from({length: value.shape[0]}, (_, k) => unwrap(getIndex(value, [{kind: "int", i: k}], this.env.budget))) : null;
      if (!items || items.length !== target.items.length) throw new Error(`cannot unpack ${items ? items.length : "a non-sequence"} into ${target.items.length} names`);
      target.items.forEach((t, k) => this.bind(t, items[k]));
      return;
    }
    if (target.type === "attr") {
      // self.w = …: an attribute of an instance of the code's own class
      const obj = evalNP(target.obj, this.env);
      if (!(isObj(obj) && obj.obj === "instance")) throw new Error(`assignment to ${show(target)} is not supported`);
      obj.attrs.set(target.name, value);
      return;
    }
    if (target.type === "index") {
      const obj = evalNP(target.obj, this.env);
      if (isDict(obj)) {
        dictSet(obj, evalNP(target.index, this.env), value);
        return;
      }
      if (Array.isArray(obj)) {
        const k = toNumber(evalNP(target.index, this.env), "list index");
        obj[k < 0 ? k + obj.length : k] = value;
        return;
      }
      if (!isND(obj)) throw new Error(`cannot assign into ${show(target.obj)}`);
      const items = (target.index.type === "tuple" ? target.index.items : [target.index]).map((x): IndexItem => {
        if (x.type === "slice") {
          const n = (y: Expr | null | undefined) => (y ? toNumber(evalNP(y, this.env), "slice bound") : null);
          return {kind: "slice", lo: n(x.lo), hi: n(x.hi), step: n(x.step)};
        }
        const v = evalNP(x, this.env);
        return typeof v === "number" ? {kind: "int", i: v} : {kind: "array", a: toND(v, "index")};
      });
      setIndex(obj, items, toND(value, "assignment"), this.env.budget);
      return;
    }
    throw new Error(`assignment to ${show(target)} is not supported`);
  }

  private depth = 0;

  callUser(f: Extract<NPObject, {obj: "func"}>, args: NPValue[], kwargs: Record<string, NPValue>): NPValue {
    if (this.depth >= 50) throw new Error(`${f.name}(): calls nested more than 50 deep (recursion is not followed)`);
    this.depth++;
    const saved = new Map(this.env.vars);
    if (f.self) this.env.vars.set("self", f.self);
    f.params.forEach((p, k) => {
      const v = k < args.length ? args[k] : kwargs[p.name] ?? p.def;
      if (v === undefined) throw new Error(`${f.name}() missing argument ${p.name}`);
      this.env.vars.set(p.name, v);
    });
    // a generator (its body yields): run to the end at the call, its values collected in order
    const generator = yields(f.body);
    if (generator) this.generators.push([]);
    try {
      this.run(f.body);
      return generator ? this.generators[this.generators.length - 1] : null;
    } catch (e) {
      if (e instanceof Return) return generator ? this.generators[this.generators.length - 1] : e.value;
      throw e;
    } finally {
      if (generator) this.generators.pop();
      this.depth--;
      // Python functions have their own locals: restore the caller's names (globals assigned inside are not kept).
      for (const k of [...this.env.vars.keys()]) if (!saved.has(k)) this.env.vars.delete(k);
      for (const [k, v] of saved) this.env.vars.set(k, v);
    }
  }

  /** Values yielded by the generators being run (innermost last). */
  private generators: NPValue[][] = [];

  /** `yield v` (or `yield from xs`): the value joins the running generator's list. */
  private yieldValue(v: NPValue, from: boolean): void {
    const out = this.generators[this.generators.length - 1];
    if (!out) throw new Error("yield outside a function");
    if (from && !Array.isArray(v)) throw new Error("yield from: only a list or another generator is followed");
    for (const x of from ? (v as NPValue[]) : [v]) {
      if (out.length >= MAX_YIELDS) throw new Error(`a generator yielded more than ${MAX_YIELDS.toLocaleString("en")} values`);
      out.push(x);
    }
  }

  private print(s: PyStmt, t: string): void {
    const e = parseExpr(t.replace(/^print\s*/, "x"));
    if (e.type !== "call") return;
    const parts = e.args.map((a) => formatValue(a.type === "str" && a.fstring ? this.fstring(a.value) : evalNP(a, this.env)));
    const sep = e.kwargs.sep?.type === "str" ? e.kwargs.sep.value : " ";
    if (this.printed.length < 10_000) this.printed.push({line: s.line, text: parts.join(sep)});
  }

  /** f"…{expr:spec}…" → text. */
  fstring(src: string): string {
    let out = "";
    for (let k = 0; k < src.length; k++) {
      const c = src[k];
      if (c === "{" && src[k + 1] === "{") { out += "{"; k++; continue; }
      if (c === "}" && src[k + 1] === "}") { out += "}"; k++; continue; }
      if (c !== "{") { out += c; continue; }
      let depth = 1, j = k + 1;
      for (; j < src.length && depth; j++) {
        if ("([{".includes(src[j])) depth++;
        else if (")]}".includes(src[j])) depth--;
      }
      const inner = src.slice(k + 1, j - 1);
      const colon = scanCode(inner, (ch, _i, d) => ch === ":" && d === 0);
      const exprText = (colon >= 0 ? inner.slice(0, colon) : inner).replace(/!r$|!s$|=$/, "");
      const spec = colon >= 0 ? inner.slice(colon + 1) : "";
      out += formatSpec(evalNP(parseExpr(exprText), this.env), spec);
      k = j - 1;
    }
    return out;
  }
}


export function formatValue(v: NPValue): string {
  if (v === null) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return `[${v.map(formatValue).join(", ")}]`;
  if (isDict(v)) return formatDict(v);
  if (isND(v)) {
    if (v.data.length > 20) return `array(shape=(${v.shape.join(", ")}))`;
    return `[${Array.from(v.data, (x) => +x.toPrecision(8)).join(" ")}]`;
  }
  return isObj(v) ? `<${v.obj}>` : String(v);
}

/** `{'w': [0.5 1], 'steps': 3}`: keys and string values quoted, as Python prints a dict. */
function formatDict(d: NPDict): string {
  const entry = ([k, x]: NPValue[]) => `${reprKey(k)}: ${typeof x === "string" ? reprKey(x) : formatValue(x)}`;
  return `{${dictItems(d).map((p) => entry(p as NPValue[])).join(", ")}}`;
}

/** Python's format-spec mini-language, the common part: [fill][align][width][,][.precision][f|e|%|d|g]. */
export function formatSpec(v: NPValue, spec: string): string {
  const m = /^(?:(.)?([<>^]))?(\d+)?(,)?(?:\.(\d+))?([fFeE%dgs])?$/.exec(spec);
  if (!spec || !m) return formatValue(v);
  const [, fill = " ", align, width, comma, prec, type] = m;
  let s: string;
  const x = typeof v === "number" || typeof v === "boolean" || isND(v) ? toNumber(v as NPValue, "format") : NaN;
  switch (type) {
    case "f": case "F": s = x.toFixed(prec ? Number(prec) : 6); break;
    case "e": case "E": s = x.toExponential(prec ? Number(prec) : 6).replace(/e([+-])(\d)$/, "e$10$2"); break;
    case "%": s = `${(100 * x).toFixed(prec ? Number(prec) : 6)}%`; break;
    case "d": s = String(Math.trunc(x)); break;
    case "g": s = String(+x.toPrecision(prec ? Number(prec) : 6)); break;
    default: s = formatValue(v);
  }
  if (comma) s = s.replace(/\B(?=(\d{3})+(?!\d))/, ",");
  const w = width ? Number(width) : 0;
  if (s.length < w) {
    const pad = fill.repeat(w - s.length);
    s = align === "<" ? s + pad : align === "^" ? pad.slice(0, pad.length >> 1) + s + pad.slice(pad.length >> 1) : pad + s;
  }
  return s;
}
