/**
 * A readable diff of an expected and an actual value: both are rendered as YAML (the language the
 * cases are written in), then compared line by line (longest common subsequence).
 */
import { stringify } from "yaml";

/** One line of a diff: kept (` `), only expected (`-`), only actual (`+`). */
export interface DiffLine {
  op: " " | "-" | "+";
  text: string;
}

/** Renders a JSON value as YAML lines, keys in their given order. */
export function toYamlLines(value: unknown): string[] {
  if (value === undefined) return ["(nothing)"];
  return stringify(value, { lineWidth: 0 }).replace(/\n$/, "").split("\n");
}

/** The line diff of expected vs actual, rendered as YAML. */
export function diffValues(expected: unknown, actual: unknown): DiffLine[] {
  return diffLines(toYamlLines(expected), toYamlLines(actual));
}

/** The line diff of two lists of lines (LCS; `-` lines only in `a`, `+` lines only in `b`). */
export function diffLines(a: string[], b: string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: " ", text: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ op: "-", text: a[i++]! });
    else out.push({ op: "+", text: b[j++]! });
  }
  while (i < n) out.push({ op: "-", text: a[i++]! });
  while (j < m) out.push({ op: "+", text: b[j++]! });
  return out;
}

/** ANSI colors for a terminal; identity functions when color is off. */
export interface Palette {
  red(s: string): string;
  green(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

/** A palette that colors (`color: true`) or leaves text as it is. */
export function palette(color: boolean): Palette {
  const wrap = (code: string) => (s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { red: wrap("31"), green: wrap("32"), dim: wrap("2"), bold: wrap("1") };
}

/** Renders a diff with `- expected` / `+ actual` legend lines, indented. */
export function renderDiff(expected: unknown, actual: unknown, p: Palette, indent = "    "): string {
  const lines = diffValues(expected, actual);
  const body = lines.map((l) => {
    const t = `${indent}${l.op} ${l.text}`;
    return l.op === "-" ? p.red(t) : l.op === "+" ? p.green(t) : p.dim(t);
  });
  return [`${indent}${p.red("- expected")} ${p.green("+ actual")}`, ...body].join("\n");
}
