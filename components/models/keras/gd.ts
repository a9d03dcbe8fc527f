/**
 * Recognises a hand-written NumPy batch gradient-descent class like chapter 004's LinearRegressionModel:
 *   θ = np.zeros(X.shape[1]); repeat n times: p = X @ θ; loss = …; g = X.T @ (p - y) [/ len(y)]; θ -= lr * g
 * Pure: returns what the loop does, or diagnostics naming the statements it does not understand.
 */
import type {TranslateDiagnostic} from "./program.js";

export interface PyStmt {
  /** File line. */
  line: number;
  text: string;
  body: PyStmt[];
  /** Physical lines (file lines) of a statement spanning several lines. */
  phys?: {line: number; text: string}[];
}

export interface GdClass {
  name: string;
  line: number;
  /** __init__ keyword defaults: field name → value. */
  defaults: Record<string, number>;
  /** __init__ parameter name → field it is stored in (self.field = param). */
  paramToField: Record<string, string>;
  fields: {theta: string; lr: string; iterations: string};
  gradient: "sum" | "mean";
  loss: {formula: string; squared: boolean; line: number} | null;
  hasPredict: boolean;
}

const sp = (s: string) => s.replace(/\s+/g, "");

export function analyzeGdClass(name: string, line: number, body: PyStmt[], diag: TranslateDiagnostic[]): GdClass | null {
  const methods = new Map<string, PyStmt>();
  for (const s of body) {
    const m = /^def\s+(\w+)\s*\(/.exec(s.text);
    if (m) methods.set(m[1], s);
    else if (!/^(pass|""".*"""|'''.*''')$/.test(s.text.trim())) {
      diag.push({line: s.line, severity: "warning", message: `class ${name}: statement ignored: ${s.text}`});
    }
  }
  const init = methods.get("__init__");
  const fit = methods.get("fit");
  if (!fit) return null;
  const defaults: Record<string, number> = {};
  const paramToField: Record<string, string> = {};
  if (init) {
    const params = /\((.*)\)\s*:$/.exec(init.text)?.[1] ?? "";
    const paramDefaults: Record<string, number> = {};
    for (const p of params.split(",").map((x) => x.trim())) {
      const m = /^(\w+)\s*=\s*([-+0-9.eE]+)$/.exec(p);
      if (m) paramDefaults[m[1]] = Number(m[2]);
    }
    for (const s of init.body) {
      const m = /^self\.(\w+)=(\w+)$/.exec(sp(s.text));
      if (m && m[2] in paramDefaults) {
        defaults[m[1]] = paramDefaults[m[2]];
        paramToField[m[2]] = m[1];
      } else if (!/^self\.\w+=None$/.test(sp(s.text))) {
        diag.push({line: s.line, severity: "warning", message: `${name}.__init__: statement ignored: ${s.text}`});
      }
    }
  }
  const fitParams = /\(\s*self\s*,\s*(\w+)\s*,\s*(\w+)\s*\)\s*:$/.exec(fit.text);
  if (!fitParams) {
    diag.push({line: fit.line, severity: "error", message: `${name}.fit must take (self, X, y): ${fit.text}`});
    return null;
  }
  const [, X, y] = fitParams;
  let theta = "", lr = "", iterations = "", gradient: "sum" | "mean" | null = null;
  let loss: GdClass["loss"] = null;
  let ok = true;
  const bad = (s: PyStmt, why: string) => {
    ok = false;
    diag.push({line: s.line, severity: "error", message: `${name}.fit: ${why}: ${s.text}`});
  };
  for (const s of fit.body) {
    const t = sp(s.text);
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^self\\.(\\w+)=np\\.zeros\\(${X}\\.shape\\[1\\]\\)$`).exec(t))) theta = m[1];
    else if ((m = /^for\w+inrange\(self\.(\w+)\):$/.exec(t)) || (m = /^for\s*\w+\s+in\s+range\(\s*self\.(\w+)\s*\)\s*:$/.exec(s.text))) {
      iterations = m[1];
      let pred = "", grad = "";
      for (const b of s.body) {
        const u = sp(b.text);
        let k: RegExpExecArray | null;
        if ((k = new RegExp(`^(\\w+)=${X}@self\\.${theta}$`).exec(u))) pred = k[1];
        else if (pred && (k = new RegExp(`^(\\w+)=${X}\\.T@\\(${pred}-${y}\\)(/(len\\(${y}\\)|${X}\\.shape\\[0\\]|len\\(${X}\\)))?$`).exec(u))) {
          grad = k[1];
          gradient = k[2] ? "mean" : "sum";
        } else if (grad && (k = new RegExp(`^self\\.${theta}-=self\\.(\\w+)\\*${grad}$`).exec(u))) lr = k[1];
        else if (pred && /^loss=/.test(u) && u.includes(pred) && u.includes(y)) {
          const formula = b.text.replace(/^loss\s*=\s*/, "").trim();
          loss = {formula, squared: /\*\*2|np\.square|np\.power\(.*,2\)/.test(u), line: b.line};
        } else bad(b, "statement not recognised in the gradient-descent loop");
      }
      if (!pred || !grad || !lr) bad(s, "loop must compute predictions = X @ θ, gradient = X.T @ (predictions - y) and θ -= lr * gradient");
    } else bad(s, "statement not recognised");
  }
  if (!ok || !theta || !iterations || !lr || !gradient) {
    if (ok) diag.push({line: fit.line, severity: "error", message: `${name}.fit is not a recognised gradient-descent loop`});
    return null;
  }
  const predict = methods.get("predict");
  const hasPredict = !!predict && predict.body.some((s) => new RegExp(`^return\\w+@self\\.${theta}$`).test(sp(s.text)));
  return {name, line, defaults, paramToField, fields: {theta, lr, iterations}, gradient, loss, hasPredict};
}
