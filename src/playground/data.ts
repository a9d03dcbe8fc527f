/**
 * Data a chapter gives: its markdown tables, number lists in its prose ("x = [1, 2, 3]", points "(1, 2), (2, 4)"),
 * and arrays its Python code builds (np.array literals; np.random.rand / randn / linspace and arithmetic on them,
 * re-drawn from a seeded generator since NumPy's stream is not reproducible here). Pure reading, bounded.
 */
import {mulberry32, randn} from "../../components/math/random.js";
import {readNumber} from "./text.js";

export type Column = number[];

export interface DataSet {
  /** Variable or column name as written (`X`, `特征1`, `x`). */
  names: string[];
  /** One entry per name: a vector, or a matrix (rows) for a 2-D array. */
  values: (number[] | number[][])[];
  line: number;
  kind: "table" | "prose" | "code";
  /** For code data drawn from a random generator. */
  random?: boolean;
}

/** Markdown pipe tables whose columns are numbers (at least two rows). */
export function readTables(lines: string[]): DataSet[] {
  const out: DataSet[] = [];
  const cells = (l: string) => l.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) => c.trim());
  for (let i = 0; i + 2 < lines.length; i++) {
    if (!/^\s*\|.*\|\s*$/.test(lines[i]) || !/^\s*\|?\s*:?-{2,}/.test(lines[i + 1])) continue;
    const head = cells(lines[i]);
    const rows: string[][] = [];
    let j = i + 2;
    for (; j < lines.length && /^\s*\|.*\|\s*$/.test(lines[j]); j++) rows.push(cells(lines[j]));
    const numeric = head.map((_, c) => rows.map((r) => readNumber((r[c] ?? "").replace(/\$/g, ""))));
    const keep = head.map((_, c) => c).filter((c) => numeric[c].every((v) => v !== undefined));
    // a heading written in math ("$x_i$", "$\\mathbf{y}$") names the same column as its letters
    const name = (h: string) => h.replace(/\$/g, "").replace(/\\(?:mathbf|boldsymbol|mathrm|text)\{([^}]*)\}/g, "$1").trim();
    const num = (c: string) => readNumber(c.replace(/\$/g, ""));
    // | $x_i$ | 0 | 1 | 2 |, | $y_i$ | 1.1 | 2.9 | 5.2 |: one variable per row (the heading row is the first of them)
    const across = [head, ...rows].filter((r) => r.length >= 3 && num(r[0]) === undefined && r.slice(1).every((c) => num(c) !== undefined));
    if (across.length >= 2 && num(head[0]) === undefined && head.slice(1).every((c) => num(c) !== undefined))
      out.push({names: across.map((r) => name(r[0])), values: across.map((r) => r.slice(1).map((c) => num(c)!)), line: i + 1, kind: "table"});
    else if (rows.length >= 2 && keep.length >= 1) out.push({names: keep.map((c) => name(head[c])), values: keep.map((c) => numeric[c] as number[]), line: i + 1, kind: "table"});
    i = j - 1;
  }
  return out;
}

const LIST = String.raw`[\[(]\s*([-−]?\d+(?:\.\d+)?(?:\s*[,，]\s*[-−]?\d+(?:\.\d+)?){1,199})\s*[\])]`;

/** `x = [1, 2, 3]`, `$y = (2, 4, 5)$`, and lines listing ≥ 3 points "(1, 2), (2, 4), (3, 5)". */
export function readProseData(lines: string[]): DataSet[] {
  const out: DataSet[] = [];
  const named = new RegExp(String.raw`(?<![\w\\])(\\?[A-Za-z]+(?:_\{?[A-Za-z0-9]+\}?)?)\s*=\s*${LIST}`, "g");
  lines.forEach((text, i) => {
    if (/^\s*(```|    )/.test(text)) return;
    const t = text.replace(/\\mathbf\{(\w+)\}/g, "$1");
    for (const m of t.matchAll(named)) {
      const v = m[2].split(/[,，]/).map((s) => readNumber(s)!);
      out.push({names: [m[1]], values: [v], line: i + 1, kind: "prose"});
    }
    const pts = [...t.matchAll(/\(\s*([-−]?\d+(?:\.\d+)?)\s*[,，]\s*([-−]?\d+(?:\.\d+)?)\s*\)/g)];
    if (pts.length >= 3 && !named.test(t)) {
      out.push({names: ["x", "y"], values: [pts.map((p) => readNumber(p[1])!), pts.map((p) => readNumber(p[2])!)], line: i + 1, kind: "prose"});
    }
    named.lastIndex = 0;
  });
  return out;
}

/** Python arrays a chapter's code builds. `lines` is the chapter; only fenced python/no-language code is read. */
export function readCodeData(lines: string[], seed = 42): DataSet[] {
  const out: DataSet[] = [];
  let inCode = false, lang = "";
  const env = new Map<string, number | number[] | number[][]>();
  const random = new Set<string>();
  const rng = mulberry32(seed);
  for (let i = 0; i < lines.length; i++) {
    const fence = /^\s*```\s*(\w*)/.exec(lines[i]);
    if (fence) {
      inCode = !inCode;
      lang = fence[1].toLowerCase();
      continue;
    }
    if (!inCode || (lang && lang !== "python" && lang !== "py")) continue;
    const m = /^\s*([A-Za-z_]\w*)\s*=\s*(.+?)\s*(?:#.*)?$/.exec(lines[i]);
    if (!m || !/np\.|numpy\.|\[|\d/.test(m[2])) continue;
    try {
      const p = new PyExpr(m[2], env, rng);
      const v = p.parse();
      if (typeof v === "number") continue;
      env.set(m[1], v);
      if (p.random) random.add(m[1]);
      out.push({names: [m[1]], values: [v], line: i + 1, kind: "code", ...(p.random || p.usedRandom(random) ? {random: true} : {})});
    } catch {
      // not an array expression we can follow: skip it
    }
  }
  return out;
}

type PyValue = number | number[] | number[][];

const MAX_ENTRIES = 100_000;

/** A tiny evaluator for NumPy array expressions (no names but arrays already read, no side effects). */
class PyExpr {
  private pos = 0;
  random = false;
  private names = new Set<string>();
  constructor(private src: string, private env: Map<string, PyValue>, private rng: () => number) {}
  usedRandom(random: Set<string>): boolean {
    return [...this.names].some((n) => random.has(n));
  }
  parse(): PyValue {
    const v = this.sum();
    this.ws();
    if (this.pos < this.src.length) throw new Error("trailing input");
    return v;
  }
  private ws() {
    while (/\s/.test(this.src[this.pos] ?? "")) this.pos++;
  }
  private eat(s: string): boolean {
    this.ws();
    if (this.src.startsWith(s, this.pos)) {
      this.pos += s.length;
      return true;
    }
    return false;
  }
  private sum(): PyValue {
    let a = this.product();
    for (;;) {
      if (this.eat("+")) a = ew(a, this.product(), (x, y) => x + y);
      else if (this.eat("-")) a = ew(a, this.product(), (x, y) => x - y);
      else return a;
    }
  }
  private product(): PyValue {
    let a = this.power();
    for (;;) {
      if (this.src.startsWith("**", this.pos)) return a;
      if (this.eat("*")) a = ew(a, this.power(), (x, y) => x * y);
      else if (this.eat("/")) a = ew(a, this.power(), (x, y) => x / y);
      else return a;
    }
  }
  private power(): PyValue {
    const a = this.unary();
    if (this.eat("**")) return ew(a, this.unary(), (x, y) => x ** y);
    return a;
  }
  private unary(): PyValue {
    if (this.eat("-")) return ew(this.unary(), -1, (x, y) => x * y);
    return this.postfix(this.atom());
  }
  private postfix(v: PyValue): PyValue {
    for (;;) {
      if (this.eat("[")) {
        // X[:, k] (a column) or X[k] (a row / entry)
        if (this.eat(":")) {
          if (!this.eat(",")) throw new Error("slice");
          const k = this.integer();
          if (!this.eat("]")) throw new Error("]");
          if (!Array.isArray(v) || !Array.isArray(v[0])) throw new Error("column of a non-matrix");
          v = (v as number[][]).map((r) => r[k]);
          continue;
        }
        const k = this.integer();
        if (!this.eat("]") || typeof v === "number") throw new Error("index");
        v = v[k] as PyValue;
        continue;
      }
      if (this.eat(".T")) {
        if (Array.isArray(v) && Array.isArray(v[0])) v = (v as number[][])[0].map((_, j) => (v as number[][]).map((r) => r[j]));
        continue;
      }
      return v;
    }
  }
  private integer(): number {
    const v = this.sum();
    if (typeof v !== "number" || !Number.isInteger(v)) throw new Error("integer");
    return v;
  }
  private args(): PyValue[] {
    const out: PyValue[] = [];
    if (this.eat(")")) return out;
    do {
      this.ws();
      const kw = /^([A-Za-z_]\w*)\s*=(?!=)/.exec(this.src.slice(this.pos));
      if (kw) this.pos += kw[0].length;
      out.push(this.sum());
    } while (this.eat(","));
    if (!this.eat(")")) throw new Error(")");
    return out;
  }
  private atom(): PyValue {
    this.ws();
    const rest = this.src.slice(this.pos);
    const num = /^\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|^\.\d+/.exec(rest);
    if (num) {
      this.pos += num[0].length;
      return Number(num[0]);
    }
    if (this.eat("(")) {
      const items = [this.sum()];
      while (this.eat(",")) if (!/^\s*\)/.test(this.src.slice(this.pos))) items.push(this.sum());
      if (!this.eat(")")) throw new Error(")");
      return items.length === 1 ? items[0] : toArray(items);
    }
    if (this.eat("[")) {
      const items: PyValue[] = [];
      if (!this.eat("]")) {
        do items.push(this.sum());
        while (this.eat(","));
        if (!this.eat("]")) throw new Error("]");
      }
      return toArray(items);
    }
    const call = /^(?:np|numpy)\.(random\.)?(\w+)\s*\(/.exec(rest);
    if (call) {
      this.pos += call[0].length;
      return this.numpy(call[1] ? `random.${call[2]}` : call[2], this.args());
    }
    const name = /^[A-Za-z_]\w*/.exec(rest);
    if (name && this.env.has(name[0])) {
      this.pos += name[0].length;
      this.names.add(name[0]);
      return this.env.get(name[0])!;
    }
    throw new Error(`cannot read ${rest.slice(0, 10)}`);
  }
  private numpy(fn: string, args: PyValue[]): PyValue {
    const shape = (): number[] => {
      const dims = args.length === 1 && Array.isArray(args[0]) ? (args[0] as number[]) : (args as number[]);
      if (!dims.length || dims.length > 2 || dims.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 1)) throw new Error("shape");
      if (dims.reduce((a, b) => a * b, 1) > MAX_ENTRIES) throw new Error("too large");
      return dims;
    };
    const fill = (draw: () => number): PyValue => {
      const s = shape();
      return s.length === 1 ? Array.from({length: s[0]}, draw) : Array.from({length: s[0]}, () => Array.from({length: s[1]}, draw));
    };
    switch (fn) {
      case "array":
      case "asarray":
        return args[0];
      case "random.rand":
      case "random.random":
        this.random = true;
        return fill(this.rng);
      case "random.randn":
        this.random = true;
        return fill(() => randn(this.rng));
      case "zeros":
        return fill(() => 0);
      case "ones":
        return fill(() => 1);
      case "linspace": {
        const [a, b, n = 50] = args as number[];
        if (!(Number.isInteger(n) && n >= 2 && n <= MAX_ENTRIES)) throw new Error("linspace");
        return Array.from({length: n}, (_, k) => a + ((b - a) * k) / (n - 1));
      }
      case "arange": {
        const [a, b, step = 1] = (args.length === 1 ? [0, args[0]] : args) as number[];
        const n = Math.ceil((b - a) / step);
        if (!(n >= 1 && n <= MAX_ENTRIES)) throw new Error("arange");
        return Array.from({length: n}, (_, k) => a + k * step);
      }
      case "exp":
      case "sin":
      case "cos":
      case "log":
      case "sqrt":
        return ew(args[0], 0, (x) => (Math as unknown as Record<string, (v: number) => number>)[fn](x));
      default:
        throw new Error(`np.${fn}`);
    }
  }
}

function toArray(items: PyValue[]): PyValue {
  if (items.every((x) => typeof x === "number")) return items as number[];
  if (items.every((x) => Array.isArray(x) && (x as unknown[]).every((e) => typeof e === "number")) && items.every((x) => (x as number[]).length === (items[0] as number[]).length)) return items as number[][];
  throw new Error("ragged");
}

/** Elementwise with broadcasting of scalars. */
function ew(a: PyValue, b: PyValue, f: (x: number, y: number) => number): PyValue {
  if (typeof a === "number" && typeof b === "number") return f(a, b);
  if (typeof a === "number") return (b as (number | number[])[]).map((e) => ew(a, e, f)) as PyValue;
  if (typeof b === "number") return (a as (number | number[])[]).map((e) => ew(e, b, f)) as PyValue;
  if (a.length !== b.length) throw new Error("shapes");
  return (a as (number | number[])[]).map((e, i) => ew(e, (b as (number | number[])[])[i], f)) as PyValue;
}
