import { formatText } from "./src/index.js";
import { readFileSync } from "node:fs";
const src = readFileSync(process.argv[2]!, "utf8");
const r = formatText(src, "x.norma");
if (r.value === null) { console.log(r.diagnostics); process.exit(1); }
process.stdout.write(r.value);
