import { realEngine } from "./src/engine.js";
import { wrapExpression } from "./src/runner.js";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
const assets = "/work/main/conformance/language/assets";
const sha = createHash("sha256").update(readFileSync(assets + "/sources/language.txt")).digest("hex");
const facts = JSON.parse(readFileSync(assets + "/facts.json", "utf8"));
const e = realEngine();
const asOf = process.env.ASOF ?? "2024-06-01T12:00:00+08:00";
for (const expr of process.argv.slice(2)) {
  const w = wrapExpression(expr, sha);
  const b = e.buildInline([w.text], assets);
  const diags = b.diagnostics.map((d) => `${d.code}@${d.line - w.lineOffset}:${d.column} ${d.message}`);
  let out: unknown = null;
  if (b.bundle) {
    const l = e.load(b.bundle);
    const r = ["fast", "reference"].map((ev) => {
      const x = l.engine!.decide(facts, { asOf, evaluator: ev as "fast" });
      return x.ok ? JSON.stringify(x.decision.outcomes.map((o) => o.value)) + " " + JSON.stringify((x.decision.outcomes[0] as any)?.display) : JSON.stringify(x.errors);
    });
    out = r[0] === r[1] ? r[0] : r.join(" | ");
  }
  console.log(`${expr}  =>  ${out}  ${diags.join("; ")}`);
}
e.dispose();
