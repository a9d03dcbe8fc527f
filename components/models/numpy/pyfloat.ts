/** Python's float() of a string: "1.5", " 2e-3 ", "inf", "-Infinity", "nan" (case-insensitive). Pure. */
export function pyFloat(text: string): number {
  const t = text.trim().toLowerCase().replace(/_/g, "");
  const special = /^([+-]?)(inf|infinity|nan)$/.exec(t);
  if (special) return special[2] === "nan" ? NaN : special[1] === "-" ? -Infinity : Infinity;
  const v = t === "" ? NaN : Number(t);
  if (Number.isNaN(v) || /^[+-]?0[xob]/.test(t)) throw new Error(`could not convert string to float: '${text}'`);
  return v;
}
