/**
 * Per-student variants: the tests' seed derives from the student id, the exercise and the base seed (the
 * assignment's or the exercise's), so each student's random test inputs differ and copied numbers fail. The page
 * and the grader compute the same seed. Pure.
 */

/** FNV-1a (32-bit) of a string. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The seed of `student`'s variant of an exercise; the base seed itself when there is no student id. */
export function variantSeed(base: number, exerciseId: string, student: string | undefined): number {
  const id = student?.trim();
  return id ? fnv1a(`${base >>> 0}:${exerciseId}:${id}`) : base >>> 0;
}
