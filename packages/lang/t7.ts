import { parsePolicy, SourceText, renderDiagnostic, formatText } from "./src/index.js";
import { readFileSync } from "node:fs";
for (const f of process.argv.slice(2)) {
  const text = readFileSync(f, "utf8");
  const r = parsePolicy(text, f);
  const st = new SourceText(f, text);
  for (const d of r.diagnostics) process.stdout.write(renderDiagnostic(d, st));
  const fm = formatText(text, f);
  if (fm.value) { process.stdout.write("----- " + f + "\n" + fm.value); const again = formatText(fm.value, f); if (again.value !== fm.value) console.log("NOT IDEMPOTENT"); }
}
