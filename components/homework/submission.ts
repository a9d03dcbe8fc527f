/** Saved work and the submission file a student downloads (no DOM: takes a Storage). */
import type {TestResult} from "./harness.js";

export const SUBMISSION_FORMAT = "gradbook-submission@1";
export const STUDENT_KEY = "gradbook:student";

export interface StoredWork {
  code: string;
  results?: TestResult[];
  /** Score over the visible tests, as the page computed it. */
  score?: number;
  updated: string;
}

/** The storage prefix of one build: assignments keep their work apart from the plain book. */
export function storagePrefix(assignment?: string): string {
  return `gradbook:${assignment || "book"}:exercise:`;
}

export function storageKeyFor(id: string, assignment?: string): string {
  return storagePrefix(assignment) + id;
}

/** Reads saved work; corrupt or foreign entries read as nothing. */
export function loadWork(storage: Storage | undefined, key: string): StoredWork | undefined {
  try {
    const text = storage?.getItem(key);
    if (!text) return undefined;
    const v = JSON.parse(text) as StoredWork;
    return v && typeof v.code === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Saves work; returns false when storage is unavailable or full. */
export function saveWork(storage: Storage | undefined, key: string, work: StoredWork): boolean {
  try {
    storage?.setItem(key, JSON.stringify(work));
    return !!storage;
  } catch {
    return false;
  }
}

export interface SubmissionFile {
  format: string;
  student: string;
  assignment: string | null;
  bookVersion: string;
  timestamp: string;
  exercises: {id: string; code: string; results: TestResult[]; score: number | null; updated: string}[];
}

/** Every exercise saved under the prefix, as one submission. */
export function buildSubmission(storage: Storage, opts: {student: string; assignment?: string; bookVersion: string; now?: Date}): SubmissionFile {
  const prefix = storagePrefix(opts.assignment);
  const exercises: SubmissionFile["exercises"] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (!key || !key.startsWith(prefix)) continue;
    const work = loadWork(storage, key);
    if (!work) continue;
    exercises.push({id: key.slice(prefix.length), code: work.code, results: work.results ?? [], score: work.score ?? null, updated: work.updated});
  }
  exercises.sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    format: SUBMISSION_FORMAT,
    student: opts.student,
    assignment: opts.assignment ?? null,
    bookVersion: opts.bookVersion,
    timestamp: (opts.now ?? new Date()).toISOString(),
    exercises
  };
}

const STUDENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$/;

/** Checks a student id as the grader will; returns an error message or undefined. */
export function checkStudentId(id: string): string | undefined {
  return STUDENT_ID.test(id) ? undefined : "学号只能包含字母、数字和 _ . @ -（1–100 个字符），且以字母或数字开头";
}

/** One exercise of the book, as the homework index lists it. */
export interface IndexedExercise {
  id: string;
  title: string;
  points: number;
  /** The part (chapter) it belongs to, and the page it is on (relative to the index page). */
  chapter: string;
  href: string;
}

export interface Progress {
  done: IndexedExercise[];
  missing: IndexedExercise[];
  /** Visible-test points earned so far, out of the points of the exercises listed. */
  score: number;
  points: number;
}

/** Which exercises have saved work (the student ran or edited them) and which do not. */
export function progressOf(storage: Storage | undefined, list: readonly IndexedExercise[], assignment?: string): Progress {
  const done: IndexedExercise[] = [], missing: IndexedExercise[] = [];
  let score = 0, points = 0;
  for (const e of list) {
    points += e.points;
    const work = loadWork(storage, storageKeyFor(e.id, assignment));
    if (work) {
      done.push(e);
      score += work.score ?? 0;
    } else missing.push(e);
  }
  return {done, missing, score: Math.round(score * 1000) / 1000, points};
}
