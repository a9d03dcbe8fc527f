/**
 * Type-checks printed tfjs programs in memory against the repo's tsconfig, @tensorflow/tfjs and the book's own
 * train.ts, as pages one folder below the root (`../components/…` resolves to the repo's components/).
 */
import {dirname, join, resolve} from "node:path";
import ts from "typescript";
import type {KerasProgram} from "../components/models/keras/program.js";
import {printProgram} from "../components/models/printProgram.js";

const ROOT = resolve(import.meta.dirname, "..");

/** The diagnostics of every program printed by printProgram, as "folder/file: message"; [] when they compile. */
export function printedDiagnostics(programs: KerasProgram[], folder: string): string[] {
  const {config} = ts.readConfigFile(join(ROOT, "tsconfig.json"), ts.sys.readFile);
  const {options} = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const files = programs.map((_, i) => join(ROOT, folder, `program${i}.ts`));
  const texts = new Map(files.map((f, i) => [f, printProgram(programs[i])]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError) => (texts.has(resolve(name)) ? ts.createSourceFile(name, texts.get(resolve(name))!, lang) : getSourceFile(name, lang, onError));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => texts.has(resolve(name)) || fileExists(name);
  const program = ts.createProgram(files, {...options, noEmit: true, noUnusedLocals: false}, host);
  const diags = files.flatMap((f) => [...program.getSyntacticDiagnostics(program.getSourceFile(f)), ...program.getSemanticDiagnostics(program.getSourceFile(f))]);
  return diags.map((d) => `${d.file ? `${dirname(d.file.fileName).split("/").pop()}/${d.file.fileName.split("/").pop()}` : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}
