/** Per-chapter summary of formula reports for `npm run check`. */
import type {FormulaReport} from "./types.js";

export interface FormulaSummary {
  found: number;
  /** Formulas the engine ran (everything but not-executable). */
  executed: number;
  verified: number;
  flagged: number;
  notExecutable: {id: string; line: number; reason: string}[];
}

export function summarize(reports: FormulaReport[]): FormulaSummary {
  return {
    found: reports.length,
    executed: reports.filter((r) => r.status !== "not-executable").length,
    verified: reports.filter((r) => r.status === "verified").length,
    flagged: reports.filter((r) => r.status === "flagged").length,
    notExecutable: reports.filter((r) => r.status === "not-executable").map((r) => ({id: r.id, line: r.line, reason: r.reason ?? "no reason given"}))
  };
}
