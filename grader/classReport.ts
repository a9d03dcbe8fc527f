/**
 * The teacher's view of a graded class: one offline HTML page (no script, no external file: inline CSS and SVG)
 * with the score distribution, per-exercise difficulty, the most common failing tests and a per-student table;
 * and gradebook CSVs in the shapes Canvas and Moodle import. Pure functions of a GradeReport.
 */
import {csvCell, type GradeReport} from "./grade.js";

function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})[c]!);
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

export interface ExerciseStats {
  id: string;
  maxScore: number;
  mean: number;
  /** Share of students with full marks, and with 0. */
  full: number;
  zero: number;
  submitted: number;
}

export function exerciseStats(report: GradeReport): ExerciseStats[] {
  return report.exerciseIds.map((id, k) => {
    const grades = report.students.map((s) => s.exercises[k]);
    const n = Math.max(1, grades.length);
    const maxScore = grades[0]?.max_score ?? 0;
    return {
      id, maxScore,
      mean: grades.reduce((a, g) => a + g.score, 0) / n,
      full: grades.filter((g) => g.score >= g.max_score && g.max_score > 0).length / n,
      zero: grades.filter((g) => g.score === 0).length / n,
      submitted: grades.filter((g) => g.status !== "not submitted").length
    };
  });
}

/** Failing tests by how many students fail them (submitted exercises only), most common first. */
export function commonFailures(report: GradeReport, limit = 10): {exercise: string; test: string; students: number}[] {
  const counts = new Map<string, {exercise: string; test: string; students: number}>();
  for (const s of report.students) {
    for (const e of s.exercises) {
      if (e.status === "not submitted") continue;
      for (const t of e.tests) {
        if (t.status !== "failed" || t.max_score === 0) continue;
        const key = `${e.id}\u0000${t.name}`;
        const c = counts.get(key) ?? {exercise: e.id, test: t.name, students: 0};
        c.students++;
        counts.set(key, c);
      }
    }
  }
  return [...counts.values()].sort((a, b) => b.students - a.students || (a.exercise + a.test < b.exercise + b.test ? -1 : 1)).slice(0, limit);
}

/** Counts of total scores in `bins` equal bins over [0, max]. */
export function histogram(values: number[], max: number, bins = 10): number[] {
  const out = new Array(bins).fill(0);
  for (const v of values) out[Math.min(bins - 1, Math.max(0, Math.floor((max > 0 ? v / max : 0) * bins)))]++;
  return out;
}

function histogramSvg(counts: number[], max: number): string {
  const w = 560, h = 180, pad = 28, bw = (w - 2 * pad) / counts.length, top = Math.max(1, ...counts);
  const bars = counts.map((c, i) => {
    const bh = ((h - 2 * pad) * c) / top;
    const x = pad + i * bw, y = h - pad - bh;
    const lo = (max * i) / counts.length, hi = (max * (i + 1)) / counts.length;
    return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${bh.toFixed(1)}"><title>${esc(`${lo.toFixed(1)}–${hi.toFixed(1)} 分：${c} 人`)}</title></rect>` +
      (c ? `<text x="${(x + bw / 2 - 1).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle">${c}</text>` : "");
  }).join("");
  const ticks = [0, 0.5, 1].map((f) => `<text x="${(pad + f * (w - 2 * pad)).toFixed(1)}" y="${h - 8}" text-anchor="middle">${esc((f * max).toFixed(1))}</text>`).join("");
  return `<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="总分分布直方图"><g class="bars">${bars}</g><g class="ticks">${ticks}</g></svg>`;
}

export function classReportHtml(report: GradeReport, meta: {assignment?: string; generated?: string} = {}): string {
  const max = report.students[0]?.max_score ?? 0;
  const totals = report.students.map((s) => s.score);
  const mean = totals.length ? totals.reduce((a, b) => a + b, 0) / totals.length : 0;
  const sorted = [...totals].sort((a, b) => a - b);
  const median = sorted.length ? (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2 : 0;
  const stats = exerciseStats(report);
  const fails = commonFailures(report);
  const title = `成绩报告${meta.assignment ? `：${meta.assignment}` : ""}`;
  const rows = report.students.map((s) => `<tr><th scope="row">${esc(s.student)}</th>${s.exercises.map((e) =>
    `<td class="${e.score >= e.max_score ? "full" : e.score === 0 ? "zero" : ""}" title="${esc(`${e.status}${e.message ? `：${e.message}` : ""}`)}">${esc(e.score)}</td>`).join("")}<td><b>${esc(s.score)}</b></td></tr>`).join("\n");
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 70rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; background: #fff; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: right; }
th[scope=row], thead th:first-child { text-align: left; }
td.full { background: #e3f3e6; } td.zero { background: #fbe4e6; }
.wrap { overflow-x: auto; }
svg { max-width: 100%; height: auto; } svg rect { fill: #3b6fb6; } svg text { font-size: 11px; fill: #333; }
@media (prefers-color-scheme: dark) { body { background: #16181c; color: #e6e6e6; } th, td { border-color: #444; }
  td.full { background: #1f3a26; } td.zero { background: #44222a; } svg rect { fill: #7aa7e8; } svg text { fill: #ddd; } }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p>${esc(report.students.length)} 名学生，${esc(report.exerciseIds.length)} 道练习，满分 ${esc(max)}。平均分 ${esc(mean.toFixed(2))}，中位数 ${esc(median.toFixed(2))}。${meta.generated ? `生成于 ${esc(meta.generated)}。` : ""}</p>
<h2>总分分布</h2>
${histogramSvg(histogram(totals, max), max)}
<h2>各练习难度</h2>
<div class="wrap"><table>
<thead><tr><th>练习</th><th>满分</th><th>平均分</th><th>平均得分率</th><th>满分人数比例</th><th>零分比例</th><th>提交人数</th></tr></thead>
<tbody>
${stats.map((x) => `<tr><th scope="row">${esc(x.id)}</th><td>${esc(x.maxScore)}</td><td>${esc(x.mean.toFixed(2))}</td><td>${pct(x.maxScore ? x.mean / x.maxScore : 0)}</td><td>${pct(x.full)}</td><td>${pct(x.zero)}</td><td>${esc(x.submitted)}</td></tr>`).join("\n")}
</tbody></table></div>
<h2>最常见的未通过测试</h2>
${fails.length ? `<div class="wrap"><table><thead><tr><th>练习</th><th>测试</th><th>未通过人数</th></tr></thead><tbody>
${fails.map((f) => `<tr><th scope="row">${esc(f.exercise)}</th><td style="text-align:left">${esc(f.test)}</td><td>${esc(f.students)}</td></tr>`).join("\n")}
</tbody></table></div>` : "<p>没有未通过的计分测试。</p>"}
<h2>每位学生</h2>
<div class="wrap"><table>
<thead><tr><th>学号</th>${report.exerciseIds.map((id) => `<th>${esc(id)}</th>`).join("")}<th>总分</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>
${report.skipped.length ? `<h2>未评分的文件</h2><ul>${report.skipped.map((k) => `<li>${esc(k.file.split("/").pop() ?? k.file)}：${esc(k.reason)}</li>`).join("")}</ul>` : ""}
</body>
</html>
`;
}

/** Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then one column for the assignment. */
export function canvasCsv(report: GradeReport, assignment = "gradbook"): string {
  const max = report.students[0]?.max_score ?? 0;
  const rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment],
    ["Points Possible", "", "", "", "", String(max)],
    ...report.students.map((s) => [s.student, "", s.student, s.student, "", String(s.score)])];
  return rows.map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
}

/** Moodle's grade import (map "ID number" to the user field and "Grade" to the grade item). */
export function moodleCsv(report: GradeReport): string {
  const rows = [["ID number", "Grade", "Feedback"],
    ...report.students.map((s) => [s.student, String(s.score), s.exercises.map((e) => `${e.id} ${e.score}/${e.max_score}`).join("; ")])];
  return rows.map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
}
