/**
 * "Did you mean" suggestions: the closest candidate by edit distance (optimal string alignment,
 * counted in code points), if it is close enough to be a plausible typo.
 */
export function suggest(word: string, candidates: Iterable<string>): string | null {
  const a = [...word];
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const d = editDistance(a, [...candidate]);
    const limit = Math.max(1, Math.floor(Math.max(a.length, [...candidate].length) / 3));
    const caseOnly = candidate.toLowerCase() === word.toLowerCase();
    if ((d <= limit || caseOnly) && d < bestDistance) {
      best = candidate;
      bestDistance = caseOnly ? 0 : d;
    }
  }
  return best;
}

function editDistance(a: string[], b: string[]): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[rows - 1]![cols - 1]!;
}
