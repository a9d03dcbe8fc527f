/** Strict type-check of generated formula modules beside the runtime they import (tsRuntime.ts, special.ts). */
import {copyFileSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import ts from "typescript";

/** The diagnostics of `sources`, each a module written beside a copy of the runtime; [] when they type-check. */
export function typeCheckGenerated(sources: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "codegen-tsc-"));
  try {
    copyFileSync(resolve("components/formula/tsRuntime.ts"), join(dir, "tsRuntime.ts"));
    // the runtime imports special.ts (erf, Φ, n!)
    copyFileSync(resolve("components/formula/special.ts"), join(dir, "special.ts"));
    const names = [join(dir, "tsRuntime.ts")];
    sources.forEach((s, k) => {
      const path = join(dir, `formula${k}.ts`);
      writeFileSync(path, s);
      names.push(path);
    });
    const program = ts.createProgram(names, {strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, noUnusedLocals: true, noUnusedParameters: true, noImplicitReturns: true, types: [], lib: ["lib.es2022.d.ts"]});
    return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}
