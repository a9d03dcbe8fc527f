import type {Enricher} from "./generate.js";

/** The widgets every build adds to pages. Each enricher owns one feature. */
export async function defaultEnrichers(_root: string): Promise<Enricher[]> {
  return [];
}
