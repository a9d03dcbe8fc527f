/**
 * The book's homework index: every exercise by chapter with its state in this browser (未作答 / 可见测试得分), the
 * progress per chapter, one student id and one download of the whole submission that says what is in it and what
 * is still missing. Work itself is saved by each Exercise on its page.
 */
import {type IndexedExercise, STUDENT_KEY, loadWork, progressOf, storageKeyFor} from "../homework/submission.js";
import {downloadSubmission} from "./downloadSubmission.js";
import {joinList} from "../i18n/book.js";
import {tHomework as t} from "../i18n/homework.js";

export interface HomeworkIndexOptions {
  assignment?: string;
  bookVersion?: string;
  /** Storage to use (tests); window.localStorage by default. */
  storage?: Storage;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function defaultStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export function HomeworkIndex(list: IndexedExercise[], options: HomeworkIndexOptions = {}): HTMLElement {
  const storage = options.storage ?? defaultStorage();
  const root = el("section", {class: "gb-homework"});
  if (!Array.isArray(list) || !list.length) {
    root.append(el("p", {}, t("none")));
    return root;
  }
  const summary = el("p", {class: "gb-hw-summary", "aria-live": "polite"});
  const chapters = [...new Set(list.map((e) => e.chapter))];
  const tables = chapters.map((chapter) => {
    const items = list.filter((e) => e.chapter === chapter);
    const p = progressOf(storage, items, options.assignment);
    const box = el("section", {class: "gb-hw-chapter"});
    box.append(el("h2", {}, chapter), el("p", {class: "gb-hw-progress"}, t("chapterProgress", {done: p.done.length, total: items.length})));
    const ul = el("ul", {class: "gb-hw-list"});
    for (const e of items) {
      const work = loadWork(storage, storageKeyFor(e.id, options.assignment));
      const li = el("li", {class: work ? "gb-hw-done" : "gb-hw-todo", "data-exercise": e.id});
      li.append(el("a", {href: e.href}, e.title), el("span", {class: "gb-hw-points"}, t("itemPoints", {n: e.points})),
        el("span", {class: "gb-hw-state"}, work ? t("itemScore", {score: work.score ?? 0, points: e.points}) : t("todo")));
      ul.append(li);
    }
    box.append(ul);
    return box;
  });
  const all = progressOf(storage, list, options.assignment);
  summary.textContent = t("indexSummary", {total: list.length, done: all.done.length, score: all.score, points: all.points});

  const form = el("div", {class: "gb-hw-submit"});
  const student = el("input", {type: "text", class: "gb-hw-student", placeholder: t("student"), "aria-label": t("student"), autocomplete: "off"});
  try {
    student.value = storage?.getItem(STUDENT_KEY) ?? "";
  } catch {
    /* storage refused */
  }
  const button = el("button", {type: "button", class: "gb-hw-download"}, t("downloadAll"));
  const note = el("p", {class: "gb-hw-note", "aria-live": "polite"});
  button.addEventListener("click", () => {
    const r = downloadSubmission(storage, {student: student.value.trim(), assignment: options.assignment, bookVersion: options.bookVersion ?? "0.1.0",
      only: new Set(list.map((e) => e.id))});
    if ("error" in r) {
      note.textContent = r.error;
      student.focus();
      return;
    }
    const p = progressOf(storage, list, options.assignment);
    note.textContent = t("downloadedAll", {n: p.done.length, titles: joinList(p.done.map((e) => e.title)) || t("nothing")}) +
      (p.missing.length ? t("missing", {n: p.missing.length, titles: joinList(p.missing.map((e) => e.title))}) : t("allIncluded"));
  });
  form.append(el("label", {}, `${t("student")} `), student, button);
  root.append(summary, ...tables, form, note);
  return root;
}
