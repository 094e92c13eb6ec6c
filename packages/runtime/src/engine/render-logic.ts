/**
 * A short, readable rendering of an IR node, used in explanations when the bundle's span table has
 * no policy text for the node (`release.kind == "update"`, `glob(category, ["社交/**"])`).
 */

const INFIX: Record<string, string> = {
  "===": "==",
  "!==": "!=",
  "==": "==",
  "!=": "!=",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
  "+": "+",
  "-": "-",
  "*": "*",
  "/": "/",
  "%": "%",
  in: "in",
};

const MAX = 200;

/**
 * An IR path as the policy wrote it: `$p.cap` → `cap`, `$lex.words` → `words`, `$asOf` → `as_of`,
 * a bound `$c.name` → `c.name`; fact paths unchanged.
 */
export function displayPath(path: string): string {
  if (path === "$asOf") return "as_of";
  if (path.startsWith("$p.")) return path.slice(3);
  if (path.startsWith("$lex.")) return path.slice(5);
  return path.startsWith("$") ? path.slice(1) : path;
}

/** A one-line rendering of `logic`, at most about 200 characters. */
export function renderLogic(logic: unknown): string {
  const s = render(logic, 0);
  return s.length > MAX ? `${s.slice(0, MAX - 1)}…` : s;
}

function render(logic: unknown, depth: number): string {
  if (depth > 12) return "…";
  if (Array.isArray(logic)) return `[${logic.map((l) => render(l, depth + 1)).join(", ")}]`;
  if (logic === null || typeof logic !== "object") return JSON.stringify(logic) ?? "null";
  const keys = Object.keys(logic);
  if (keys.length !== 1) return JSON.stringify(logic) ?? "{}";
  const op = keys[0] as string;
  const raw = (logic as Record<string, unknown>)[op];
  const args = Array.isArray(raw) ? raw : [raw];
  const r = (x: unknown) => render(x, depth + 1);
  if (op === "var") {
    const path = args[0];
    return typeof path === "string" && path !== "" ? displayPath(path) : r(path);
  }
  if (op === "!" && args.length === 1) return `not ${r(args[0])}`;
  if ((op === "and" || op === "or") && args.length > 0) return args.map((a) => `(${r(a)})`).join(` ${op} `);
  const infix = Object.prototype.hasOwnProperty.call(INFIX, op) ? INFIX[op] : undefined;
  if (infix !== undefined && args.length === 2) return `${r(args[0])} ${infix} ${r(args[1])}`;
  if (op === "n.bind" && args.length === 2) return `${r(args[0]).replace(/"/g, "")} in ${r(args[1])}`;
  const name = op.startsWith("n.") ? op.slice(2) : op;
  return `${name}(${args.map(r).join(", ")})`;
}
