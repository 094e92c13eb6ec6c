/**
 * Generates `grammar/diagrams.html`: railroad diagrams of the parser's own grammar (chevrotain's
 * serialized productions), so the diagrams cannot drift from the parser. A test regenerates the
 * file and fails when the committed copy is stale.
 *
 * Run: `pnpm --filter @norma/lang generate:grammar` (or `tsx packages/lang/src/generate-grammar.ts`).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createSyntaxDiagramsCode, type ISerializedGast } from "chevrotain";
import { getParser } from "./parse-policy.js";

/** Where the diagrams live, relative to this file. */
export const DIAGRAMS_PATH = fileURLToPath(new URL("../../../grammar/diagrams.html", import.meta.url));

/**
 * The serialized grammar shown in the diagrams: the parser's productions without the `TooDeep`
 * placeholder terminal, which the lexer never produces (the depth guard inserts it).
 */
export function serializedGrammar(): ISerializedGast[] {
  const strip = (node: ISerializedGast): ISerializedGast | null => {
    const n = node as ISerializedGast & { definition?: ISerializedGast[]; name?: string };
    if (n.type === "Terminal" && n.name === "TooDeep") return null;
    if (n.type === "Alternative" && n.definition?.length === 1 && strip(n.definition[0]!) === null)
      return null;
    if (n.definition) {
      return {
        ...n,
        definition: n.definition.map(strip).filter((d): d is ISerializedGast => d !== null),
      } as ISerializedGast;
    }
    return n;
  };
  return getParser()
    .parser.getSerializedGastProductions()
    .map((p) => strip(p)!);
}

/** The directory of the installed chevrotain package (its `diagrams/` assets live there). */
function chevrotainDir(): string {
  // `lib/src/api.js` is the package's entry; the package root is two levels up
  const entry = createRequire(import.meta.url).resolve("chevrotain");
  return dirname(dirname(dirname(entry)));
}

/**
 * The HTML of `grammar/diagrams.html`, self-contained: chevrotain's page loads its stylesheet and
 * scripts from a CDN, so they are inlined from the installed package (the page then opens offline).
 */
export function generateDiagramsHtml(): string {
  const html = createSyntaxDiagramsCode(serializedGrammar());
  const base = join(chevrotainDir(), "diagrams");
  const asset = (url: string) => {
    const rel = /\/diagrams\/(.+)$/.exec(url)?.[1];
    if (!rel) throw new Error(`generate-grammar: unexpected asset ${url}`);
    return readFileSync(join(base, rel), "utf8").replace(/<\/script/gi, "<\\/script");
  };
  return html
    .replace(
      /<link rel='stylesheet' href='([^']+)'>/g,
      (_m, url: string) => `<style>\n${asset(url)}\n</style>`,
    )
    .replace(/<script src='([^']+)'><\/script>/g, (_m, url: string) => `<script>\n${asset(url)}\n</script>`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(DIAGRAMS_PATH, generateDiagramsHtml(), "utf8");
  process.stdout.write(`wrote ${DIAGRAMS_PATH}\n`);
}
