import { parsePolicy, SourceText, renderDiagnostic } from "./src/index.js";
import { readFileSync } from "node:fs";
for (const f of process.argv.slice(2)) {
  const text = readFileSync(f, "utf8");
  const r = parsePolicy(text, f);
  const st = new SourceText(f, text);
  console.log(f, r.diagnostics.length);
  for (const d of r.diagnostics.slice(0, 5)) process.stdout.write(renderDiagnostic(d, st));
}
