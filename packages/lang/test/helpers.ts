/** Test helpers: span stripping, fixture paths, golden files. */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

/** The fixtures folder. */
export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
/** The repository root. */
export const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** A deep copy of an AST (or any value) without `span`/`lineSpan` fields, for structural comparison. */
export function stripSpans<T>(value: T): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => (key === "span" || key === "lineSpan" ? undefined : v)),
  );
}

/** Every file under `dir` (recursively) whose name ends with `suffix`, sorted. */
export function filesUnder(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path, suffix));
    else if (entry.name.endsWith(suffix)) out.push(path);
  }
  return out.sort();
}

/**
 * Asserts `actual` equals the golden file at `path`; with `UPDATE_GOLDENS=1` rewrites the file
 * instead (review the diff before committing).
 */
export function expectGolden(path: string, actual: string): void {
  if (process.env["UPDATE_GOLDENS"] === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual, "utf8");
    return;
  }
  if (!existsSync(path)) throw new Error(`missing golden ${path}; run with UPDATE_GOLDENS=1 to create it`);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

/** A compact s-expression of an expression AST, for table tests: `a + b * c` → `(+ a (* b c))`. */
export function sexpr(e: import("../src/index.js").Expr): string {
  switch (e.kind) {
    case "BoolLit":
      return String(e.value);
    case "IntLit":
      return `int:${e.value}${e.raw ? `/${e.raw}` : ""}`;
    case "DecimalLit":
      return `dec:${e.value}${e.raw ? `/${e.raw}` : ""}`;
    case "PercentLit":
      return `pct:${e.value}${e.raw ? `/${e.raw}` : ""}`;
    case "MoneyLit":
      return `money:${e.fen}fen/${e.unit}${e.raw ? `/${e.raw}` : ""}`;
    case "DateLit":
      return `date:${e.value}`;
    case "DateTimeLit":
      return `datetime:${e.value}@${e.offset ?? "local"}`;
    case "DurationLit":
      return `duration:${e.amount}:${e.unit}${e.raw ? `/${e.raw}` : ""}`;
    case "StringLit":
      return JSON.stringify(e.value);
    case "TemplateLit":
      return `(template ${e.parts.map((p) => (p.kind === "Text" ? JSON.stringify(p.text) : `{${sexpr(p.expr)}}`)).join(" ")})`;
    case "ListLit":
      return `[${e.items.map(sexpr).join(" ")}]`;
    case "RecordLit":
      return `{${e.fields.map((f) => `${f.name.name}: ${sexpr(f.value)}`).join(", ")}}`;
    case "NameRef":
      return e.name;
    case "MemberExpr":
      return `(. ${sexpr(e.object)} ${e.property.name})`;
    case "CallExpr":
      return `(call ${e.callee.name}${e.args.map((a) => " " + sexpr(a)).join("")})`;
    case "UnaryExpr":
      return `(${e.op} ${sexpr(e.operand)})`;
    case "BinaryExpr":
    case "TestExpr":
      return `(${e.op} ${sexpr(e.left)} ${sexpr(e.right)})`;
    case "PresenceExpr":
      return `(${e.present ? "present" : "absent"} ${sexpr(e.operand)})`;
    case "IfExpr":
      return `(if ${sexpr(e.condition)} ${sexpr(e.then)} ${sexpr(e.else)})`;
    case "QuantifierExpr":
      return `(${e.quantifier} ${e.variable.name} ${sexpr(e.collection)} ${sexpr(e.body)})`;
    case "ParenExpr":
      return `(paren ${sexpr(e.inner)})`;
    case "ErrorExpr":
      return "<error>";
  }
}
