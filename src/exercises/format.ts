/**
 * The ```exercise block format: `key: value` header lines, then sections opened by `--- name ---` lines.
 *
 *     id: mse                      required; letters, digits, - and _, unique in the book
 *     title: 均方误差               required
 *     points: 2                    required; a number > 0
 *     section: math                required; the chapter section the exercise attaches to
 *     exports: mse, mseGrad        required; the names the student's code must define
 *     seed: 7                      optional integer (default 1); an assignment's seed overrides it
 *     timeout: 2000                optional, ms per run (100…10000, default 2000)
 *     --- prompt ---               markdown (KaTeX math works)
 *     --- starter ---              JavaScript or TypeScript the editor starts with
 *     --- tests ---                visible tests: test("name", () => { assertClose(mse([1], [0]), 1); }, weight?)
 *     --- hidden ---               hidden tests, graded only (optional)
 *     --- reference ---            reference implementations, visible to hidden tests only (optional)
 *     --- hints ---                "- " list, one hint per item (optional)
 *     --- solution ---             a solution that passes every test (checked at generation time)
 *
 * Blank lines and lines starting with `#` in the header are ignored. Everything here is pure text handling.
 */

export const EXERCISE_SECTIONS = [
  "intro", "background", "concepts", "algorithm", "math", "code", "applications", "outlook", "tools", "summary", "faq", "references"
] as const;
export type ExerciseSection = (typeof EXERCISE_SECTIONS)[number];

export const BODY_PARTS = ["prompt", "starter", "tests", "hidden", "reference", "hints", "solution"] as const;
export type BodyPart = (typeof BODY_PARTS)[number];

export const HEADER_KEYS = ["id", "title", "points", "section", "exports", "seed", "timeout"] as const;
export type HeaderKey = (typeof HEADER_KEYS)[number];

/** A located problem: `line` is 1-based in the file. */
export interface FormatProblem {
  line: number;
  severity: "error" | "warning";
  code: string;
  message: string;
}

export interface RawExercise {
  /** File line of the first body line. */
  line: number;
  header: Partial<Record<HeaderKey, {value: string; line: number}>>;
  /** Body parts: text and the file line of its first line. */
  parts: Partial<Record<BodyPart, {text: string; line: number}>>;
}

const MARKER = /^---\s*([A-Za-z]+)\s*---\s*$/;
const HEADER_LINE = /^([A-Za-z_]+)\s*:\s*(.*)$/;

/** Splits one exercise body (the fence's content) into header fields and parts. `line` = file line of body line 1. */
export function splitExercise(body: string, line: number): {raw: RawExercise; problems: FormatProblem[]} {
  const problems: FormatProblem[] = [];
  const raw: RawExercise = {line, header: {}, parts: {}};
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  let current: BodyPart | undefined;
  let currentLine = 0;
  let buffer: string[] = [];
  let skipping = false;
  const flush = () => {
    if (current) raw.parts[current] = {text: trimBlankEdges(buffer), line: currentLine + leadingBlank(buffer)};
    buffer = [];
  };
  lines.forEach((text, i) => {
    const fileLine = line + i;
    const marker = text.match(MARKER);
    if (marker) {
      flush();
      const name = marker[1].toLowerCase();
      if (!(BODY_PARTS as readonly string[]).includes(name)) {
        problems.push({line: fileLine, severity: "error", code: "exercise-unknown-part",
          message: `unknown part "--- ${marker[1]} ---" (expected one of: ${BODY_PARTS.join(", ")})`});
        current = undefined;
        skipping = true;
        return;
      }
      if (raw.parts[name as BodyPart]) {
        problems.push({line: fileLine, severity: "error", code: "exercise-duplicate-part", message: `"--- ${name} ---" appears twice`});
      }
      current = name as BodyPart;
      currentLine = fileLine + 1;
      skipping = false;
      return;
    }
    if (current || skipping) {
      buffer.push(text);
      return;
    }
    if (!text.trim() || text.trimStart().startsWith("#")) return;
    const m = text.match(HEADER_LINE);
    if (!m) {
      problems.push({line: fileLine, severity: "error", code: "exercise-header",
        message: `expected "key: value" or a "--- part ---" line, got "${text.trim().slice(0, 60)}"`});
      return;
    }
    const key = m[1].toLowerCase();
    if (!(HEADER_KEYS as readonly string[]).includes(key)) {
      problems.push({line: fileLine, severity: "warning", code: "exercise-unknown-key",
        message: `unknown key "${m[1]}" ignored (known: ${HEADER_KEYS.join(", ")})`});
      return;
    }
    if (raw.header[key as HeaderKey]) {
      problems.push({line: fileLine, severity: "error", code: "exercise-duplicate-key", message: `"${key}" is given twice`});
      return;
    }
    raw.header[key as HeaderKey] = {value: m[2].trim(), line: fileLine};
  });
  flush();
  return {raw, problems};
}

function leadingBlank(lines: string[]): number {
  let i = 0;
  while (i < lines.length && !lines[i].trim()) i++;
  return i === lines.length ? 0 : i;
}

function trimBlankEdges(lines: string[]): string {
  let a = 0;
  let b = lines.length;
  while (a < b && !lines[a].trim()) a++;
  while (b > a && !lines[b - 1].trim()) b--;
  return lines.slice(a, b).join("\n");
}

/** "- one\n  more\n- two" → ["one\nmore", "two"]; text without a leading "- " is a single hint. */
export function splitHints(text: string): string[] {
  const hints: string[] = [];
  for (const line of text.split("\n")) {
    const m = line.match(/^\s*[-*]\s+(.*)$/);
    if (m) hints.push(m[1]);
    else if (hints.length && line.trim()) hints[hints.length - 1] += "\n" + line.trim();
    else if (line.trim()) hints.push(line.trim());
  }
  return hints.filter((h) => h.trim());
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const RESERVED = new Set([
  "test", "assert", "assertEqual", "assertClose", "assertAllClose", "assertThrows", "mulberry32", "randn", "randArray",
  "randMatrix", "numericGrad", "seed", "console"
]);

/** Parses the `exports` list; returns the names or a problem message. */
export function parseExports(value: string): {names: string[]; error?: string} {
  const names = value.split(",").map((s) => s.trim()).filter(Boolean);
  if (!names.length) return {names, error: "exports is empty: name the functions the student must write"};
  for (const n of names) {
    if (!IDENT.test(n)) return {names, error: `"${n}" in exports is not a JavaScript identifier`};
    if (RESERVED.has(n)) return {names, error: `"${n}" in exports clashes with a test helper of the same name`};
  }
  if (new Set(names).size !== names.length) return {names, error: "exports lists a name twice"};
  return {names};
}
