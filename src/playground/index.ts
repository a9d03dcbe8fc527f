/**
 * The playground a chapter gets, read from its own text (components/playground/spec.ts is the contract): the
 * objectives it defines over its data and the functions its worked examples name (as surfaces), the update rules it
 * prints (drawn beside the library's reference), the hyper-parameters and start points it states, and its claims
 * about the paths, decided by running them. Built-in surfaces follow as extras. Never per chapter.
 */
import type {FormulaReport} from "../../components/formula/analyze.js";
import {parseFormula} from "../../components/formula/parse.js";
import {readSumOverRest} from "../../components/formula/scope.js";
import type {HyperName, PlaygroundSpec, SurfaceSpec} from "../../components/playground/spec.js";
import type {ChapterModel} from "../chapter.js";
import {readCodeData, readProseData, readTables} from "./data.js";
import {chapterDefinitions, readLhs, type Definition} from "./defs.js";
import {chapterObjectives, readObjective} from "./objectives.js";
import {chapterRules, type RuleReading} from "./rules.js";
import {objectiveSurfaces, type SurfaceReading} from "./surfaces.js";
import {readHyper, readNumber, readProseFunctions, readStarts, readSteps} from "./text.js";
import {decideClaim, findClaims} from "../../components/playground/claims.js";
import {surfaceFromSpec} from "../../components/playground/surface.js";
import {getSurface} from "../../components/math/surfaces/registry.js";
import type {Surface} from "../../components/math/surfaces/types.js";

export const BUILTIN_SURFACES = ["quadratic", "rosenbrock", "saddle"];

export const LIBRARY_DEFAULTS: PlaygroundSpec["defaults"] = {
  alpha: 0.01, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-8, gamma: 0.9, rho: 0.9, lambda: 0.01, steps: 100
};

/** A built-in surface as a spec entry: its title, axes and start from the registry (components/math/surfaces). */
export function builtinSurface(id: string): SurfaceSpec {
  const s = getSurface(id);
  return {id, title: s.title, line: null, builtin: id, params: s.labels.map((_, k) => (k === 0 ? "x" : "y")), labels: s.labels, bindings: {}, start: s.start, startLine: null, domain: {x: s.domain.x, y: s.domain.y ?? [0, 0]}};
}

/** Everything read, including what could not be drawn (for `npm run check -- --json`). */
export interface PlaygroundReading {
  spec: PlaygroundSpec;
  surfaces: SurfaceReading[];
  rules: RuleReading[];
}

/** Functions written in prose ("二次函数 f(x, y) = x² + 25y² 上") as definitions. */
function proseDefinitions(chapter: ChapterModel, lines: string[]): Definition[] {
  const out: Definition[] = [];
  for (const f of readProseFunctions(lines)) {
    try {
      const line = parseFormula(f.value).lines[0];
      const lhs = readLhs(line.first);
      if (!lhs || !line.rest.length) continue;
      const section = chapter.sections.findIndex((s) => f.line >= s.start && f.line <= s.end);
      out.push({...lhs, lhsLatex: f.value.slice(line.first.start, line.first.end), body: readSumOverRest(line.rest[0].node).node, latex: f.value, line: f.line, display: false,
        section: Math.max(0, section), prose: lines.slice(Math.max(0, f.line - 7), f.line + 6).join("\n")});
    } catch {
      // prose that only looks like a function
    }
  }
  return out;
}

/** Values the text gives to plain symbols ("$\lambda = 0.1$", "a = 2"), for constants of an objective. */
function symbolValues(defs: Definition[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of defs) {
    if (d.args || d.index) continue;
    if (d.body.type === "num") out[d.name] ??= d.body.value;
    if (d.body.type === "neg" && d.body.arg.type === "num") out[d.name] ??= -d.body.arg.value;
  }
  return out;
}

/** The surface a claim is about: the chapter's own surface nearest before it (a named function first), else a built-in. */
function claimSurface(spec: PlaygroundSpec, line: number): SurfaceSpec {
  const own = spec.surfaces.filter((s) => s.line !== null);
  const before = own.filter((s) => (s.line ?? 0) <= line).sort((a, b) => (b.line ?? 0) - (a.line ?? 0));
  const twoD = (xs: SurfaceSpec[]) => xs.filter((s) => s.params.length === 2);
  return twoD(before)[0] ?? twoD(own)[0] ?? spec.surfaces.find((s) => s.builtin === "quadratic") ?? spec.surfaces[0];
}

/** The text's claims about the paths, each decided by running the optimisers it names. */
function chapterClaims(lines: string[], spec: PlaygroundSpec): PlaygroundSpec["claims"] {
  const built = new Map<string, Surface | null>();
  return findClaims(lines).map((c) => {
    const s = claimSurface(spec, c.line);
    if (!built.has(s.id)) {
      try {
        built.set(s.id, surfaceFromSpec(s));
      } catch {
        built.set(s.id, null);
      }
    }
    const surface = built.get(s.id);
    if (!surface) return {line: c.line, text: c.text, preset: {surface: s.id}, holds: null};
    // the sentence's own settings ("学习率 0.05 时…", "with η = 0.25") come first
    const own = readHyper([c.text], Object.assign({}, ...spec.rules.map((r) => r.symbols)));
    const settings = {...spec.defaults, ...Object.fromEntries(Object.entries(own).map(([k, v]) => [k, v!.value]))};
    return decideClaim(c, surface, settings, s.id, s.start.length === surface.start.length ? s.start : surface.start, spec.rules);
  });
}

const cache = new WeakMap<ChapterModel, PlaygroundReading>();

/** Reads the whole playground of a chapter (once per chapter model: the enricher and the check share it). */
export function readPlayground(chapter: ChapterModel, reports: FormulaReport[] = []): PlaygroundReading {
  let r = cache.get(chapter);
  if (!r) cache.set(chapter, (r = readUncached(chapter, reports)));
  return r;
}

function readUncached(chapter: ChapterModel, _reports: FormulaReport[]): PlaygroundReading {
  const lines = chapter.text.split("\n");
  const defs = [...chapterDefinitions(chapter), ...proseDefinitions(chapter, lines)];
  const sets = [...readTables(lines), ...readProseData(lines), ...readCodeData(lines)];
  const starts = readStarts(lines);
  const values = symbolValues(defs);
  const surfaceReadings: SurfaceReading[] = [];
  const objectives = chapterObjectives(defs);
  for (const o of objectives) {
    const s = chapter.sections[o.def.section];
    const r = objectiveSurfaces(o, {sets, text: chapter.text, starts, values, section: [s?.start ?? 0, s?.end ?? lines.length], owners: objectives.map((x) => x.def.line)}, o.def.name.replace(/\\/g, ""));
    surfaceReadings.push(r);
  }
  const rules = chapterRules(chapter);
  const symbols: Record<string, HyperName> = Object.assign({}, ...rules.map((r: RuleReading) => r.spec.symbols));
  const hyper = readHyper(lines, symbols);
  const steps = readSteps(lines);
  const defaults = {...LIBRARY_DEFAULTS};
  const defaultLines: NonNullable<PlaygroundSpec["defaultLines"]> = {};
  for (const [k, v] of Object.entries(hyper) as [HyperName, {value: number; line: number}][]) {
    defaults[k] = v.value;
    defaultLines[k] = v.line;
  }
  if (steps) {
    defaults.steps = steps.value;
    defaultLines.steps = steps.line;
  }
  const surfaces = [...surfaceReadings.flatMap((r) => r.surfaces), ...BUILTIN_SURFACES.map(builtinSurface)];
  const spec: PlaygroundSpec = {surfaces, rules: rules.map((r: RuleReading) => r.spec), defaults, defaultLines, claims: []};
  spec.claims = chapterClaims(lines, spec);
  return {spec, surfaces: surfaceReadings, rules};
}

/** The playground spec of a chapter: its own objectives, functions, rules, defaults and claims, then the built-ins. */
export function playgroundSpec(chapter: ChapterModel, reports: FormulaReport[]): PlaygroundSpec {
  return readPlayground(chapter, reports).spec;
}

export {readNumber, readObjective};
