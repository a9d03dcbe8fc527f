/**
 * The "download my homework" step both the Exercise widget and the homework index use: checks the student id,
 * remembers it, builds the submission from the browser's saved work and downloads it as a JSON file.
 */
import {tHomework} from "../i18n/homework.js";
import {STUDENT_KEY, type SubmissionFile, buildSubmission, checkStudentId} from "../homework/submission.js";

/** Downloads the submission; returns it, or the message to show when it cannot (bad id, no storage). */
export function downloadSubmission(storage: Storage | undefined, opts: {student: string; assignment?: string; bookVersion: string; only?: Set<string>}):
  {submission: SubmissionFile} | {error: string} {
  const bad = checkStudentId(opts.student);
  if (bad) return {error: bad};
  if (!storage) return {error: tHomework("noStorage")};
  try {
    storage.setItem(STUDENT_KEY, opts.student);
  } catch {
    /* full or refused: the download still works */
  }
  const submission = buildSubmission(storage, opts);
  if (opts.only) submission.exercises = submission.exercises.filter((e) => opts.only!.has(e.id));
  const blob = new Blob([JSON.stringify(submission, null, 2)], {type: "application/json"});
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `submission-${opts.student}-${opts.assignment ?? "book"}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  return {submission};
}
