/** Numbers as the playground shows them: in LaTeX (texNumber) and as text (plainNumber, fmt). Pure. */

/** Number in LaTeX: 0.01, 0.9, 10^{-8}, 2.5 \times 10^{-5}. */
export function texNumber(v: number): string {
  if (v === 0) return "0";
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e4) return String(+v.toPrecision(4));
  const e = Math.floor(Math.log10(a));
  const m = +(v / 10 ** e).toPrecision(3);
  return m === 1 ? `10^{${e}}` : `${m} \\times 10^{${e}}`;
}

const SUPERSCRIPT: Record<string, string> = {"-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹"};

/** The same number as texNumber, as plain text (10⁻⁸, 2.5×10⁻⁵). */
export function plainNumber(v: number): string {
  return texNumber(v)
    .replace(/ \\times /, "×")
    .replace(/\^\{(-?\d+)\}/, (_, d: string) => [...d].map((c) => SUPERSCRIPT[c]).join(""));
}

/** Short text for readouts: 4 significant digits, exponent form outside [1e-3, 1e4). */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(+v.toPrecision(4));
}

/** A log-axis tick: 1e-10, 0.01, 1, 100, 1e+5 → "1e5"; never SI prefixes ("100p"). */
export function logTick(v: number): string {
  if (!(v > 0)) return String(v);
  const e = Math.round(Math.log10(v));
  const exact = Math.abs(v / 10 ** e - 1) < 1e-9;
  if (exact && (e < -2 || e > 3)) return `1e${e}`;
  return fmt(v);
}
