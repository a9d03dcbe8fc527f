import type {TestResult} from "./harness.js";

/** Points earned: the exercise's points times the passed share of the tests' weights. */
export function scoreTests(tests: readonly TestResult[], points: number): number {
  const total = tests.reduce((s, t) => s + t.weight, 0);
  if (total <= 0) return 0;
  const passed = tests.reduce((s, t) => s + (t.passed ? t.weight : 0), 0);
  return roundPoints((points * passed) / total);
}

/** The points one test is worth inside an exercise. */
export function testMaxScore(test: TestResult, tests: readonly TestResult[], points: number): number {
  const total = tests.reduce((s, t) => s + t.weight, 0);
  return total > 0 ? roundPoints((points * test.weight) / total) : 0;
}

/** Rounds to 1/1000 of a point, so CSV and JSON carry stable decimals. */
export function roundPoints(x: number): number {
  return Math.round(x * 1000) / 1000;
}
