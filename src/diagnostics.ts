/** A problem found in an input file, reported as `file:line: severity: message [code]`. */
export interface Diagnostic {
  file: string;
  line: number;
  column?: number;
  severity: "error" | "warning";
  code: string;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.column === undefined ? `${d.file}:${d.line}` : `${d.file}:${d.line}:${d.column}`;
  return `${where}: ${d.severity}: ${d.message} [${d.code}]`;
}

/** Orders diagnostics by file, then line (the order `npm run check`, the build log and /report print them in). */
export function byPlace(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.line - b.line;
}

/** Collects diagnostics while a file is processed; never throws. */
export class Diagnostics {
  readonly items: Diagnostic[] = [];
  constructor(readonly file: string) {}
  error(line: number, code: string, message: string): void {
    this.items.push({file: this.file, line, severity: "error", code, message});
  }
  warn(line: number, code: string, message: string): void {
    this.items.push({file: this.file, line, severity: "warning", code, message});
  }
  get errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === "error");
  }
}
