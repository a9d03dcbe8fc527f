/**
 * Functions a chapter defines with letters the parser would read as factors (\ell(a, c), \phi(z), \mathcal{L}(w, b)),
 * their calls from other formulas, matrix entries z_{j1} times scalar weights, and a stated point (u, v) = (−2, 4).
 */
import {describe, expect, test} from "vitest";
import {analyzeChapter} from "../components/formula/analyze.js";
import {extractMathBlocks} from "../components/formula/extract.js";
import {definedFunctions, parseFormula} from "../components/formula/parse.js";
import {runPlan} from "../components/formula/runPlan.js";

const doc = (body: string) => `# T\n\n## 4. Math\n\n${body}\n`;
async function analyze(body: string) {
  const blocks = extractMathBlocks(doc(body), "t.md");
  return {blocks, reports: await analyzeChapter(blocks, {seed: 1})};
}

describe("functions the chapter defines", () => {
  test("the left side f(args) = … names a function whatever its letter", () => {
    expect(definedFunctions(parseFormula("\\ell(a, c) = a + c"))).toEqual(["\\ell"]);
    expect(definedFunctions(parseFormula("\\phi(z) = z^2"))).toEqual(["\\phi"]);
    expect(definedFunctions(parseFormula("\\mathcal{L}(w, b) = w^2 + b"))).toEqual(["L"]);
    // a product on the left of = is not a definition of a function: λ(a + b) has a non-symbol argument
    expect(definedFunctions(parseFormula("\\lambda(a + b) = 2"))).toEqual([]);
    const call = parseFormula("g_t = \\nabla \\ell(\\phi_{t-1})", {functions: new Set(["\\ell"])}).lines[0].rest[0].node;
    expect(call.type === "grad" && call.of.type).toBe("call");
  });

  test("a loss named \\ell with a per-sample link p_j = σ(a z_{j1} + c z_{j2}): the right gradient verified, the sign error flagged", async () => {
    const {reports} = await analyze(`$$
\\ell(a, c) = -\\frac{1}{3} \\sum_{j=1}^{3} \\left[ q_j \\ln p_j + (1 - q_j) \\ln (1 - p_j) \\right]
$$

where $p_j = \\sigma(a z_{j1} + c z_{j2})$.

$$
\\frac{\\partial \\ell}{\\partial a} = \\frac{1}{3} \\sum_{j=1}^{3} (p_j - q_j) z_{j1}
$$

$$
\\frac{\\partial \\ell}{\\partial c} = \\frac{1}{3} \\sum_{j=1}^{3} (q_j - p_j) z_{j2}
$$`);
    const byLine = (l: number) => reports.find((r) => r.line === l)!; // extractMathBlocks counts a $$ block from its opening line
    expect(byLine(11).status).toBe("verified");
    expect(byLine(15).status).toBe("flagged");
    expect(byLine(15).check?.fix).toBe("flip the sign of the whole expression");
    // the two weights are scalars (an entry of z times a), not vectors
    const a = byLine(11).plan!.symbols.find((s) => s.key === "a");
    expect(typeof a?.value).toBe("number");
  });

  test("a function called from another formula is evaluated as defined: ℓ_λ(w) = ℓ(w) + 3w with ℓ(w) = w² + 1", async () => {
    const {reports} = await analyze(`$$
\\ell(w) = w^2 + 1
$$

$$
\\ell_{\\lambda}(w) = \\ell(w) + 3 w
$$`);
    const plan = reports[1].plan!;
    expect(reports[1].status).not.toBe("not-executable");
    const symbols = plan.symbols.map((s) => (s.key === "w" ? {...s, value: 2} : s));
    // ℓ(2) + 3·2 = 5 + 6 = 11, by hand
    expect(runPlan(plan, symbols).equations[0].value).toBeCloseTo(11, 12);
  });

  test("a stated point (u, v) = (−2, 4) gives each symbol its value", async () => {
    const {reports} = await analyze("Start from $(u, v) = (-2, 4)$.");
    const run = runPlan(reports[0].plan!);
    expect(reports[0].status).toBe("executable");
    expect(run.equations.map((e) => e.value)).toEqual([-2, 4]);
  });
});

describe("systems and the text's values", () => {
  test("RMSProp as printed runs in order with the text's κ, ρ, δ from another section", async () => {
    const {reports} = await analyze(`$$
r_t = \\rho r_{t-1} + (1 - \\rho) g_t^2 \\\\
\\phi_t = \\phi_{t-1} - \\frac{\\kappa}{\\sqrt{r_t} + \\delta} g_t
$$

## 5. Example

Take $\\kappa = 0.1$, $\\rho = 0.9$, $\\delta = 10^{-8}$.`);
    const plan = reports[0].plan!;
    const value = (k: string) => plan.symbols.find((s) => s.key === k)?.value;
    expect([value("\\kappa"), value("\\rho"), value("\\delta")]).toEqual([0.1, 0.9, 1e-8]);
    // r_t is the first line's result, not an input of its own
    expect(value("r_t")).toBeUndefined();
    const symbols = plan.symbols.map((s) => (s.key === "r_{t-1}" ? {...s, value: 0.5} : s.key === "g_t" ? {...s, value: 2} : s.key === "\\phi_{t-1}" ? {...s, value: 1} : s));
    const [r, phi] = runPlan(plan, symbols).equations.map((e) => e.value as number);
    // by hand: r = 0.9·0.5 + 0.1·4 = 0.85; φ = 1 − 0.1·2 / (√0.85 + 1e-8)
    expect(r).toBeCloseTo(0.85, 12);
    expect(phi).toBeCloseTo(1 - 0.2 / (Math.sqrt(0.85) + 1e-8), 12);
  });
});

describe("matrix environments", () => {
  test("pmatrix and bmatrix are matrices (one column: a vector); & elsewhere is alignment", async () => {
    const {evaluate} = await import("../components/formula/evaluate.js");
    const rhs = (latex: string) => parseFormula(latex).lines[0].rest[0].node;
    expect(evaluate(rhs("X = \\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}"), {})).toEqual([[1, 2], [3, 4]]);
    expect(evaluate(rhs("v = \\begin{bmatrix} 1 \\\\ -2 \\end{bmatrix}"), {})).toEqual([1, -2]);
    expect(parseFormula("\\begin{aligned} a &= 1 \\\\ b &= 2 \\end{aligned}").lines.length).toBe(2);
    expect(() => parseFormula("X = \\begin{pmatrix} 1 & 2 \\\\ 3 \\end{pmatrix}")).toThrow(/different lengths/);
  });

  test("a worked example's matrix is the text's value: ∇L(0) = −½ Xᵀy = (−1.5, −2.5)ᵀ verified with X and y from the text", async () => {
    const {reports} = await analyze(`$$
L(\\mathbf{w}) = \\frac{1}{2n} \\|X\\mathbf{w} - \\mathbf{y}\\|^2
$$

Take $X = \\begin{pmatrix} 1 & 1 \\\\ 1 & 2 \\end{pmatrix}$, $\\mathbf{y} = (1, 2)^T$, $n = 2$. Then

$$
\\nabla_{\\mathbf{w}} L(\\mathbf{0}) = -\\frac{1}{2} X^T \\mathbf{y} = (-1.5, -2.5)^T
$$

and a wrong one:

$$
\\nabla_{\\mathbf{w}} L(\\mathbf{0}) = -\\frac{1}{2} X^T \\mathbf{y} = (-1.5, -3.5)^T
$$`);
    const last = reports.slice(-2);
    expect(last.map((r) => r.status)).toEqual(["verified", "flagged"]);
  });
});

describe("no false alarms on a text that reuses its letters", () => {
  test("new settings, new examples and reused letters are definitions, not claims; the claims among them are still checked", async () => {
    const {reports} = await analyze(`We start from $x = 10$ with $\\eta = 0.2$. A smaller rate $\\eta = 0.05$ is slow; a larger one $\\eta = 1.1$ diverges.

Take $f(x) = x^2$ and later, for another example, $f(x) = x \\cos(3x)$.

The model is $y = w x + b$; for prices we model $y = \\log p$ instead.

The squared norm is $\\|\\mathbf{w}\\|^2 = \\mathbf{w}^\\top \\mathbf{w}$, not $\\|\\mathbf{w}\\|^2 = 2 \\mathbf{w}^\\top \\mathbf{w}$.

For $g(\\mathbf{x}) = x_1^2 + 2 x_2^2$ the gradient is $\\nabla g(\\mathbf{x}) = [2 x_1, 4 x_2]^\\top$, not $\\nabla g(\\mathbf{x}) = [2 x_1, 2 x_2]^\\top$.

Since $\\frac{1}{1 - 1} = 3$ divides by zero, it says nothing.`);
    const flagged = reports.filter((r) => r.status === "flagged").map((r) => r.line);
    const verified = reports.filter((r) => r.status === "verified").map((r) => r.line);
    // only the two planted errors (lines 11 and 13: the second formula of each line) are flagged
    expect(flagged).toEqual([11, 13]);
    expect(verified).toEqual(expect.arrayContaining([11, 13]));
    const at13 = reports.filter((r) => r.line === 13).map((r) => r.status);
    expect(at13).toEqual(["executable", "verified", "flagged"]);
  });
});

describe("textbook notation", () => {
  const statuses = async (body: string) => (await analyze(body)).reports.map((r) => r.status);
  test("trailing punctuation, words between equations, x^{(i)} as the i-th sample", () => {
    expect(parseFormula("f(x) = 0.1 x_1^2 + 2 x_2^2.").lines).toHaveLength(1);
    expect(parseFormula("a = 1, \\\\ b = 2.").lines).toHaveLength(2);
    expect(parseFormula("\\hat{v}_t = \\frac{v_t}{1 - \\beta_1^t} \\textrm{ and } \\hat{s}_t = \\frac{s_t}{1 - \\beta_2^t}.").lines).toHaveLength(2);
    expect(parseFormula("L = \\text{MSE}(y)").lines).toHaveLength(1);
    const body = parseFormula("L = \\sum_{i=1}^n (y^{(i)} - \\hat{y}^{(i)})^2").lines[0].rest[0].node;
    expect(JSON.stringify(body)).toContain('"subText":"i"');
  });

  test("an order of growth is not checked; the identity matrix is the identity", async () => {
    expect(await statuses("$$f(x + \\epsilon) = f(x) + \\epsilon f'(x) + \\mathcal{O}(\\epsilon^2).$$")).toEqual(["not-executable"]);
    expect(await statuses("$$\\mathbf{z}_t = \\mathbf{z}_{t-1} - \\boldsymbol{\\Lambda} \\mathbf{z}_{t-1} = (\\mathbf{I} - \\boldsymbol{\\Lambda}) \\mathbf{z}_{t-1}.$$")).toEqual(["verified"]);
    expect(await statuses("$$\\mathbf{z}_t = \\mathbf{z}_{t-1} - \\boldsymbol{\\Lambda} \\mathbf{z}_{t-1} = (\\mathbf{I} + \\boldsymbol{\\Lambda}) \\mathbf{z}_{t-1}.$$")).toEqual(["flagged"]);
  });
});

describe("more textbook notation", () => {
  test("\\partial_{w} f is the derivative in w; a line starting with = continues the chain", async () => {
    const g = parseFormula("g = \\partial_{w} L").lines[0].rest[0].node;
    expect(g.type === "grad" && g.style).toBe("partial");
    const f = parseFormula("\\begin{aligned} s &= (1 - \\gamma) g^2 + \\gamma r \\\\ &= \\gamma r + (1 - \\gamma) g^2, \\\\ x &= 2 \\end{aligned}");
    expect(f.lines.map((l) => l.rest.length)).toEqual([2, 1]);
    const {reports} = await analyze("$$\\begin{aligned} s &= (1 - \\gamma) g^2 + \\gamma r \\\\ &= \\gamma r + (1 - \\gamma) g^2 \\\\ &= \\gamma r + (1 + \\gamma) g^2 \\end{aligned}$$");
    expect(reports[0].status).toBe("flagged");
  });
});

describe("Nesterov as printed", () => {
  test("∇f(θ_t + μ v_t) without a subscript is the look-ahead gradient; the cell's iterates match a hand-written Nesterov", async () => {
    const {reports} = await analyze(`$$
\\begin{aligned}
v_{t+1} &= \\mu v_t - \\eta \\nabla f(\\theta_t + \\mu v_t) \\\\
\\theta_{t+1} &= \\theta_t + v_{t+1}
\\end{aligned}
$$`);
    const plan = reports[0].plan!;
    expect(reports[0].status).toBe("executable");
    const run = runPlan(plan);
    const {a, c} = plan.recurrence!.objective;
    const h = {...plan.recurrence!.hyper};
    for (const s of plan.symbols) if (s.role === "hyper" && typeof s.value === "number") h[s.key] = s.value;
    const mu = h.mu, eta = h.alpha; // the rule's μ and η under their canonical names
    // by hand: v ← μv − η∇f(θ + μv), θ ← θ + v on f = ½ Σ a_j (θ_j − c_j)²
    let theta = plan.recurrence!.w0.slice(), v = theta.map(() => 0);
    for (let t = 1; t <= 3; t++) {
      const look = theta.map((x, j) => x + mu * v[j]);
      v = v.map((vj, j) => mu * vj - eta * a[j] * (look[j] - c[j]));
      theta = theta.map((x, j) => x + v[j]);
      run.iterates![t].w.forEach((x, j) => expect(x).toBeCloseTo(theta[j], 12));
    }
  });
});
