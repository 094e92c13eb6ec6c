import { parsePolicy, formatText } from "./src/index.js";
import { readFileSync } from "node:fs";
const strip = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === "span" || k === "lineSpan" ? undefined : x)));
for (const f of process.argv.slice(2)) {
  const text = readFileSync(f, "utf8");
  const r = formatText(text, f);
  if (r.value === null) { console.log(f, "ERR"); continue; }
  const r2 = formatText(r.value, f);
  const a = strip(parsePolicy(text, f).value), b = strip(parsePolicy(r.value, f).value);
  console.log(f, r2.value === r.value ? "idempotent" : "NOT IDEMPOTENT", JSON.stringify(a) === JSON.stringify(b) ? "ast-equal" : "AST DIFFERS", text === r.value ? "unchanged" : "changed");
}
