/**
 * Counts kept while a batch runs: decisions per verdict, outcomes per rule, error records per
 * kind and per code. Workers count their own lines and send the counts with each batch's output,
 * so the main thread only adds small records.
 */

/** Counts over some lines of a batch run. Plain JSON, so it can cross threads and go in a checkpoint. */
export interface BatchCounts {
  /** Lines that got a decision. */
  decided: number;
  /** Lines that got an error record. */
  failed: number;
  /** Decisions per verdict. */
  verdicts: Record<string, number>;
  /** Outcomes per rule id (a rule that fired, or whose exception gave an effect). */
  rules: Record<string, number>;
  /** Error records per kind (`syntax`, `invalid`, `eval`). */
  errorKinds: Record<string, number>;
  /** Errors per code (`facts/type`, …) over all error records. */
  errorCodes: Record<string, number>;
}

/** Fresh, all-zero counts. */
export function emptyCounts(): BatchCounts {
  return { decided: 0, failed: 0, verdicts: {}, rules: {}, errorKinds: {}, errorCodes: {} };
}

/** Adds one to `record[key]`. */
export function bump(record: Record<string, number>, key: string, by = 1): void {
  record[key] = (record[key] ?? 0) + by;
}

/** Adds `b` into `a` (in place) and returns `a`. */
export function addCounts(a: BatchCounts, b: BatchCounts): BatchCounts {
  a.decided += b.decided;
  a.failed += b.failed;
  for (const key of ["verdicts", "rules", "errorKinds", "errorCodes"] as const) {
    for (const [k, v] of Object.entries(b[key])) bump(a[key], k, v);
  }
  return a;
}

/** Entries of a count record, largest first, ties by name. */
export function sortedEntries(record: Record<string, number>): [string, number][] {
  return Object.entries(record).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}
