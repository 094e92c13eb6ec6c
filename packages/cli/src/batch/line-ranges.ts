/**
 * Sets of input line numbers as sorted, merged half-open ranges: which lines of a batch run are
 * done (written to the output), kept small because lines finish roughly in order.
 */

/** A half-open range of 1-based line numbers `[start, end)`. */
export type LineRange = [start: number, end: number];

/** A set of line numbers stored as sorted, disjoint, non-adjacent ranges. */
export class LineRanges {
  private ranges: LineRange[] = [];

  /** A set holding the given ranges (any order, may overlap). */
  static of(ranges: readonly LineRange[]): LineRanges {
    const set = new LineRanges();
    for (const [s, e] of ranges) set.add(s, e);
    return set;
  }

  /** Adds `[start, end)`. */
  add(start: number, end: number): void {
    if (end <= start) return;
    const out: LineRange[] = [];
    let s = start;
    let e = end;
    let placed = false;
    for (const r of this.ranges) {
      if (r[1] < s) out.push(r);
      else if (r[0] > e) {
        if (!placed) {
          out.push([s, e]);
          placed = true;
        }
        out.push(r);
      } else {
        s = Math.min(s, r[0]);
        e = Math.max(e, r[1]);
      }
    }
    if (!placed) out.push([s, e]);
    this.ranges = out;
  }

  /** True when line `n` is in the set. */
  has(n: number): boolean {
    for (const r of this.ranges) {
      if (n < r[0]) return false;
      if (n < r[1]) return true;
    }
    return false;
  }

  /** How many lines the set holds. */
  size(): number {
    return this.ranges.reduce((sum, [s, e]) => sum + (e - s), 0);
  }

  /** The largest `p` such that lines 1…p are all in the set (0 when line 1 is not). */
  prefix(): number {
    const first = this.ranges[0];
    return first !== undefined && first[0] <= 1 ? first[1] - 1 : 0;
  }

  /** The ranges, sorted (a copy). */
  toJSON(): LineRange[] {
    return this.ranges.map(([s, e]) => [s, e]);
  }
}
