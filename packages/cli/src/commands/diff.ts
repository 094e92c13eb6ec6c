/**
 * `norma diff`: the impact of a policy change on a set of facts (in progress).
 */
import { fail } from "../util.js";

/** Runs `norma diff`. */
export async function run(_args: string[]): Promise<number> {
  fail("`norma diff` is not built yet");
  return 1;
}
