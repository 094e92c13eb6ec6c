/**
 * Groups the scanned files into units: a page or component is the files that share a path stem
 * (`pages/post/post.{js,ts,wxml,json}`), a Vue/WePY file, or a Taro `.tsx` with its `.config.ts`.
 * Each unit carries its template elements, its script scans, its page-level config, and the page
 * path when the app config lists it.
 */
import type { AppConfig } from "./app-config.js";
import type { ExtractContext } from "./context.js";
import { MAX_FILE_BYTES } from "./context.js";
import { parseJsonLocated } from "./json-locate.js";
import { PRIVACY_APIS, PRIVACY_METHODS } from "./privacy-table.js";
import { scanScript, type ScriptScan } from "./script-scan.js";
import { scanTemplate, sfcScripts, type TemplateElement } from "./template-scan.js";
import type { Layout } from "./types.js";
import type { SourceFile } from "./walk.js";

/** A scanned script with the file it came from. */
export interface FileScan {
  file: SourceFile;
  scan: ScriptScan;
}

/** One page or component (or a lone script). */
export interface Unit {
  /** Project-relative path without extension. */
  stem: string;
  /** Page path relative to the mini-program root when the app config lists it. */
  page: string | null;
  vendored: boolean;
  region: SourceFile["region"];
  cloudFunction?: string;
  templateFile: string | null;
  elements: TemplateElement[];
  scripts: FileScan[];
  /** `usingComponents` of the unit's JSON: tag → component path. */
  components: Map<string, string>;
  /** Navigation-bar title from the page JSON (or pages.json). */
  title: string | null;
}

/** Cheap test for a vendored script: does it name any privacy API or privacy factory at all? */
const VENDORED_PREFILTER = new RegExp(
  `\\b(?:${[...Object.keys(PRIVACY_APIS), ...Object.keys(PRIVACY_METHODS)].join("|")})\\b`,
);

const stemOf = (rel: string): string => rel.replace(/\.config\.(?:ts|js)$/, "").replace(/\.[^./]+$/, "");

function relToRoot(stem: string, root: string): string {
  return root === "." ? stem : stem.startsWith(root + "/") ? stem.slice(root.length + 1) : stem;
}

/** Builds the units of the project and scans their sources. Files larger than the limit are skipped with a warning. */
export function buildUnits(
  ctx: ExtractContext,
  files: SourceFile[],
  layout: Layout,
  app: AppConfig | null,
): Unit[] {
  const pagePaths = new Set<string>();
  for (const p of app?.pages ?? []) pagePaths.add(p.path.replace(/^\//, ""));
  for (const s of app?.subpackages ?? []) for (const p of s.pages) pagePaths.add(p.path.replace(/^\//, ""));

  const units = new Map<string, Unit>();
  const pendingJson: SourceFile[] = [];
  const unitFor = (f: SourceFile): Unit => {
    const stem = stemOf(f.rel);
    let u = units.get(stem);
    if (!u) {
      const pagePath = f.region === "client" ? relToRoot(stem, layout.root) : null;
      u = {
        stem,
        page: pagePath !== null && pagePaths.has(pagePath) ? pagePath : null,
        vendored: f.vendored,
        region: f.region,
        templateFile: null,
        elements: [],
        scripts: [],
        components: new Map(),
        title: pagePath !== null ? (app?.pageTitles.get(pagePath) ?? null) : null,
      };
      if (f.cloudFunction !== undefined) u.cloudFunction = f.cloudFunction;
      units.set(stem, u);
    }
    return u;
  };

  for (const f of files) {
    if (f.kind === "server" || f.kind === "other") continue;
    if (f.size > MAX_FILE_BYTES) {
      ctx.warn(
        "extract/file-too-large",
        `skipped \`${f.rel}\`: ${Math.round(f.size / 1024)} KiB is over the ${MAX_FILE_BYTES / 1024 / 1024} MiB limit`,
        [{ file: f.rel, line: 1 }],
      );
      continue;
    }
    if (f.kind === "json") {
      // Only page/component configs matter here; app.json and friends are read elsewhere.
      if (f.region !== "client" || f.vendored) continue;
      const u = units.get(stemOf(f.rel));
      // Sorted order puts `x.json` before `x.ts`/`x.wxml`: read it once the unit exists.
      if (!u) pendingJson.push(f);
      else readUnitJson(ctx, u, f);
      continue;
    }
    const text = ctx.text(f.rel);
    if (text === undefined) continue;
    // Vendored code only matters for the privacy APIs it calls: parse it only when a pattern hits.
    if (f.vendored && f.kind === "script" && !VENDORED_PREFILTER.test(text)) continue;
    const u = unitFor(f);
    if (f.kind === "wxml") {
      u.templateFile = f.rel;
      u.elements = scanTemplate(text);
    } else if (f.kind === "sfc") {
      u.templateFile = f.rel;
      u.elements = scanTemplate(text, true);
      for (const s of sfcScripts(text)) {
        const scan = scanScript(s.code, `${f.rel}.${s.lang}`, s.startLine);
        reportParseError(ctx, f, scan);
        u.scripts.push({ file: f, scan });
      }
    } else if (f.kind === "script") {
      if (/\.config\.(?:ts|js)$/.test(f.rel) && f.region === "client") {
        // Taro page config: definePageConfig({ navigationBarTitleText }).
        const title = /navigationBarTitleText\s*:\s*['"`]([^'"`]+)['"`]/.exec(text)?.[1];
        if (title) u.title = title;
        continue;
      }
      const scan = scanScript(text, f.rel);
      reportParseError(ctx, f, scan);
      u.scripts.push({ file: f, scan });
      if (scan.jsx.length > 0 && u.elements.length === 0) {
        u.templateFile = f.rel;
        u.elements = scan.jsx;
      }
    }
  }
  for (const f of pendingJson.splice(0)) {
    const u = units.get(stemOf(f.rel));
    if (u) readUnitJson(ctx, u, f);
  }
  return [...units.values()];
}

function readUnitJson(ctx: ExtractContext, u: Unit, f: SourceFile): void {
  const text = ctx.text(f.rel);
  if (text === undefined) return;
  const json = parseJsonLocated(text);
  const rec =
    json.value && typeof json.value === "object" && !Array.isArray(json.value)
      ? (json.value as Record<string, unknown>)
      : undefined;
  if (!rec) return;
  const title = rec["navigationBarTitleText"];
  if (typeof title === "string" && u.title === null) u.title = title;
  const comps = rec["usingComponents"];
  if (comps && typeof comps === "object" && !Array.isArray(comps)) {
    for (const [tag, path] of Object.entries(comps as Record<string, unknown>))
      if (typeof path === "string") u.components.set(tag, path);
  }
}

function reportParseError(ctx: ExtractContext, f: SourceFile, scan: ScriptScan): void {
  if (!scan.parseError || f.vendored) return;
  ctx.warn(
    "extract/parse-error",
    `cannot parse \`${f.rel}\`: ${scan.parseError.message}; scanned it with patterns instead`,
    [{ file: f.rel, line: scan.parseError.line, column: scan.parseError.column }],
  );
}
