/**
 * Homework assignments: `assignments/<name>.json` =
 * `{name, chapters: [file stems], exercises?: [ids], solutions: boolean, seed: number, due?: "YYYY-MM-DD…"}`.
 * With `GRADBOOK_ASSIGNMENT=assignments/x.json` the generator builds only those chapters and exercises.
 */
import {existsSync, readFileSync} from "node:fs";
import type {ExerciseSpec} from "../exercises.js";

export interface Assignment {
  name: string;
  /** Chapter file stems, e.g. "000_69b8ff2c9c828ca6". */
  chapters: string[];
  /** Only these exercise ids (all exercises of the chapters when absent). */
  exercises?: string[];
  solutions: boolean;
  seed: number;
  /** ISO 8601 date or date-time. */
  due?: string;
}

const KEYS = ["name", "chapters", "exercises", "solutions", "seed", "due"];

/** Validates a parsed assignment; throws an Error naming the file and the field. */
export function validateAssignment(value: unknown, where: string): Assignment {
  const bad = (msg: string): never => {
    throw new Error(`${where}: ${msg}`);
  };
  if (!value || typeof value !== "object" || Array.isArray(value)) bad("an assignment must be a JSON object");
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) bad(`unknown field "${k}" (known: ${KEYS.join(", ")})`);
  if (typeof o.name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(o.name)) bad(`"name" must be a short name of letters, digits, _ . -, got ${JSON.stringify(o.name)}`);
  const strings = (field: string, v: unknown, required: boolean): string[] | undefined => {
    if (v === undefined && !required) return undefined;
    if (!Array.isArray(v) || !v.every((s) => typeof s === "string" && s.length > 0)) bad(`"${field}" must be an array of non-empty strings`);
    const list = (v as string[]).map((s) => s.replace(/\.md$/, ""));
    if (required && !list.length) bad(`"${field}" must name at least one chapter`);
    const dup = list.find((s, i) => list.indexOf(s) !== i);
    if (dup) bad(`"${field}" lists "${dup}" twice`);
    return list;
  };
  const chapters = strings("chapters", o.chapters, true)!;
  const exercises = strings("exercises", o.exercises, false);
  if (typeof o.solutions !== "boolean") bad(`"solutions" must be true or false`);
  if (typeof o.seed !== "number" || !Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) bad(`"seed" must be an integer in [0, 2^32), got ${JSON.stringify(o.seed)}`);
  if (o.due !== undefined && (typeof o.due !== "string" || !/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(o.due) || Number.isNaN(Date.parse(o.due)))) {
    bad(`"due" must be an ISO date like "2025-06-30" or "2025-06-30T23:59:00+08:00", got ${JSON.stringify(o.due)}`);
  }
  return {name: o.name as string, chapters, ...(exercises ? {exercises} : {}), solutions: o.solutions as boolean, seed: o.seed as number, ...(o.due ? {due: o.due as string} : {})};
}

/** Reads and validates `assignments/<name>.json`. */
export function loadAssignment(path: string): Assignment {
  if (!existsSync(path)) throw new Error(`${path}: assignment file not found`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf-8"));
  } catch (e) {
    throw new Error(`${path}: not valid JSON: ${(e as Error).message}`);
  }
  return validateAssignment(value, path);
}

/** Checks the assignment against the book: every chapter and exercise it names must exist. */
export function checkAssignment(a: Assignment, chapterStems: string[], exercises: ExerciseSpec[], where: string): string[] {
  const problems: string[] = [];
  for (const c of a.chapters) if (!chapterStems.includes(c)) problems.push(`${where}: chapter "${c}" is not in chapters/ (have: ${chapterStems.join(", ")})`);
  for (const id of a.exercises ?? []) {
    const ex = exercises.find((e) => e.id === id);
    if (!ex) problems.push(`${where}: exercise "${id}" is not defined in chapters/exercises/`);
    else if (!a.chapters.includes(ex.chapter)) problems.push(`${where}: exercise "${id}" belongs to chapter "${ex.chapter}", which the assignment does not include`);
  }
  return problems;
}

/** The exercises an assignment selects, in book order. */
export function selectExercises(a: Assignment, all: ExerciseSpec[]): ExerciseSpec[] {
  return all.filter((e) => a.chapters.includes(e.chapter) && (!a.exercises || a.exercises.includes(e.id)));
}
