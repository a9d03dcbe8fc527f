import {describe, expect, test} from "vitest";
import {canvasCsv, classReportHtml, commonFailures, exerciseStats, histogram, moodleCsv} from "../grader/classReport.js";
import type {ExerciseGrade, GradeReport} from "../grader/grade.js";

function ex(id: string, score: number, max: number, failed: string[] = [], status: ExerciseGrade["status"] = "graded"): ExerciseGrade {
  const tests = ["a", "b", "c"].map((name) => ({name, score: failed.includes(name) ? 0 : max / 3, max_score: max / 3,
    status: failed.includes(name) ? ("failed" as const) : ("passed" as const), output: "", visibility: "visible" as const}));
  return {id, score, max_score: max, status, message: "", tests, ms: 1};
}

// Three students, two exercises (2 and 4 points). Hand-made so every number below can be checked by hand.
const report: GradeReport = {
  exerciseIds: ["mse", "bce"],
  students: [
    {student: "ann", file: "ann.json", score: 6, max_score: 6, exercises: [ex("mse", 2, 2), ex("bce", 4, 4)]},
    {student: "ben", file: "ben.json", score: 1, max_score: 6, exercises: [ex("mse", 1, 2, ["a"]), ex("bce", 0, 4, ["a", "b", "c"])]},
    {student: "cy<script>", file: "cy.json", score: 2, max_score: 6, exercises: [ex("mse", 0, 2, ["a", "b", "c"], "not submitted"), ex("bce", 2, 4, ["a"])]}
  ],
  skipped: [{file: "x/bad.json", reason: "not valid JSON"}]
};

describe("the class report", () => {
  test("histogram: totals 6, 1, 2 of 6 in bins [0,2) [2,4) [4,6] → [1, 1, 1]", () => {
    expect(histogram([6, 1, 2], 6, 3)).toEqual([1, 1, 1]);
    expect(histogram([0, 0.5, 1.9, 6], 6, 3)).toEqual([3, 0, 1]);
    expect(histogram([0, 5.99, 6], 6, 2)).toEqual([1, 2]);
  });
  test("per-exercise difficulty: mean, full marks and zero shares, submissions", () => {
    expect(exerciseStats(report)).toEqual([
      {id: "mse", maxScore: 2, mean: 1, full: 1 / 3, zero: 1 / 3, submitted: 2},
      {id: "bce", maxScore: 4, mean: 2, full: 1 / 3, zero: 1 / 3, submitted: 3}
    ]);
  });
  test("most common failing tests count students, not submitted exercises excluded", () => {
    expect(commonFailures(report)).toEqual([
      {exercise: "bce", test: "a", students: 2},
      {exercise: "bce", test: "b", students: 1},
      {exercise: "bce", test: "c", students: 1},
      {exercise: "mse", test: "a", students: 1}
    ]);
  });
  test("the page: Chinese, offline (no script, no external URL), escaped, with every student", () => {
    const html = classReportHtml(report, {assignment: "hw1", generated: "2026-12-01"});
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain("成绩报告：hw1");
    expect(html).toContain("3 名学生，2 道练习，满分 6。平均分 3.00，中位数 2.00。");
    expect(html).not.toMatch(/<script|https?:\/\/|src=/i);
    expect(html).toContain("cy&lt;script&gt;");
    expect((html.match(/<tr><th scope="row">/g) ?? []).length).toBe(2 + 4 + 3);
    expect(html).toContain("bad.json：not valid JSON");
  });
  test("Canvas and Moodle CSVs", () => {
    expect(canvasCsv(report, "hw1")).toBe("Student,ID,SIS User ID,SIS Login ID,Section,hw1\nPoints Possible,,,,,6\nann,,ann,ann,,6\nben,,ben,ben,,1\ncy<script>,,cy<script>,cy<script>,,2\n");
    expect(moodleCsv(report).split("\n").slice(0, 3)).toEqual(["ID number,Grade,Feedback", "ann,6,mse 2/2; bce 4/4", "ben,1,mse 1/2; bce 0/4"]);
  });
});
