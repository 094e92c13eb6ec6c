/**
 * Reads the app-level config of the mini program, whatever the layout: app.json (native),
 * pages.json + manifest.json `mp-weixin` (uni-app), src/app.config.* (Taro, read statically) or
 * the config of src/app.wpy (WePY). Every item keeps the place it was read from.
 */
import { parse } from "@babel/parser";
import type { Node } from "@babel/types";
import type { ExtractContext } from "./context.js";
import type { Discovery } from "./discover.js";
import { escapePointer, parseJsonLocated, type LineColumn, type LocatedJson } from "./json-locate.js";
import type { Located, Place } from "./types.js";

/** The app config as the package declares it. */
export interface AppConfig {
  /** The file the pages were read from. */
  file: string;
  pages: Array<Located<{ path: string }>>;
  subpackages: Array<
    Located<{
      root: string;
      name: string | null;
      independent: boolean;
      pages: Array<Located<{ path: string }>>;
    }>
  >;
  plugins: Array<
    Located<{ alias: string; provider: string; version: string | null; subpackage: string | null }>
  >;
  requiredPrivateInfos: Array<Located<{ api: string }>>;
  requiredBackgroundModes: Array<Located<{ mode: string }>>;
  permissions: Array<Located<{ scope: string; desc: string | null }>>;
  usePrivacyCheck: Located<{ value: boolean }> | null;
  /** Page path → navigation-bar title, from pages.json `style` (uni-app) or app.json `window` is not per page. */
  pageTitles: Map<string, string>;
}

type AnyNode = Node & Record<string, unknown>;

const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** A located view of a config value: read a pointer, get the value and its place. */
class ConfigView {
  constructor(
    private readonly ctx: ExtractContext,
    readonly file: string,
    private readonly json: LocatedJson,
  ) {}

  get(pointer: string): unknown {
    let cur: unknown = this.json.value;
    if (pointer === "") return cur;
    for (const raw of pointer.slice(1).split("/")) {
      const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
      if (Array.isArray(cur)) cur = cur[Number(seg)];
      else {
        const rec = asRecord(cur);
        if (!rec || !Object.prototype.hasOwnProperty.call(rec, seg)) return undefined;
        cur = rec[seg];
      }
    }
    return cur;
  }

  at(pointer: string): Place {
    const lc: LineColumn = this.json.positions.get(pointer) ??
      this.json.positions.get("") ?? { line: 1, column: 1 };
    return this.ctx.place(this.file, lc.line, lc.column);
  }
}

function emptyConfig(file: string): AppConfig {
  return {
    file,
    pages: [],
    subpackages: [],
    plugins: [],
    requiredPrivateInfos: [],
    requiredBackgroundModes: [],
    permissions: [],
    usePrivacyCheck: null,
    pageTitles: new Map(),
  };
}

/** Reads `pages`, `subpackages`, `plugins`, `requiredPrivateInfos`, … from an app.json-shaped view. */
function readAppJsonShape(cfg: AppConfig, v: ConfigView, base = ""): void {
  const pages = v.get(`${base}/pages`);
  if (Array.isArray(pages)) {
    pages.forEach((p, i) => {
      if (typeof p === "string") cfg.pages.push({ path: p, at: v.at(`${base}/pages/${i}`) });
    });
  }
  for (const key of ["subpackages", "subPackages"]) {
    const subs = v.get(`${base}/${key}`);
    if (!Array.isArray(subs)) continue;
    subs.forEach((s, i) => {
      const rec = asRecord(s);
      if (!rec || typeof rec["root"] !== "string") return;
      const root = rec["root"].replace(/\/+$/, "");
      const sp: AppConfig["subpackages"][number] = {
        root,
        name: typeof rec["name"] === "string" ? rec["name"] : null,
        independent: rec["independent"] === true,
        pages: [],
        at: v.at(`${base}/${key}/${i}`),
      };
      const sPages = rec["pages"];
      if (Array.isArray(sPages)) {
        sPages.forEach((p, j) => {
          if (typeof p === "string")
            sp.pages.push({ path: `${root}/${p}`, at: v.at(`${base}/${key}/${i}/pages/${j}`) });
        });
      }
      cfg.subpackages.push(sp);
      const sPlugins = asRecord(rec["plugins"]);
      if (sPlugins) readPlugins(cfg, v, `${base}/${key}/${i}/plugins`, root);
    });
  }
  readPlugins(cfg, v, `${base}/plugins`, null);
  readPrivacyKeys(cfg, v, base);
}

function readPlugins(cfg: AppConfig, v: ConfigView, pointer: string, subpackage: string | null): void {
  const plugins = asRecord(v.get(pointer));
  if (!plugins) return;
  for (const [alias, p] of Object.entries(plugins)) {
    const rec = asRecord(p);
    if (!rec || typeof rec["provider"] !== "string") continue;
    cfg.plugins.push({
      alias,
      provider: rec["provider"],
      version: typeof rec["version"] === "string" ? rec["version"] : null,
      subpackage,
      at: v.at(`${pointer}/${escapePointer(alias)}`),
    });
  }
}

function readPrivacyKeys(cfg: AppConfig, v: ConfigView, base: string): void {
  const infos = v.get(`${base}/requiredPrivateInfos`);
  if (Array.isArray(infos)) {
    infos.forEach((a, i) => {
      if (typeof a === "string")
        cfg.requiredPrivateInfos.push({ api: a, at: v.at(`${base}/requiredPrivateInfos/${i}`) });
    });
  }
  const modes = v.get(`${base}/requiredBackgroundModes`);
  if (Array.isArray(modes)) {
    modes.forEach((m, i) => {
      if (typeof m === "string")
        cfg.requiredBackgroundModes.push({ mode: m, at: v.at(`${base}/requiredBackgroundModes/${i}`) });
    });
  }
  const perm = asRecord(v.get(`${base}/permission`));
  if (perm) {
    for (const [scope, d] of Object.entries(perm)) {
      const desc = asRecord(d)?.["desc"];
      cfg.permissions.push({
        scope,
        desc: typeof desc === "string" ? desc : null,
        at: v.at(`${base}/permission/${escapePointer(scope)}`),
      });
    }
  }
  const upc = v.get(`${base}/__usePrivacyCheck__`);
  if (typeof upc === "boolean") cfg.usePrivacyCheck = { value: upc, at: v.at(`${base}/__usePrivacyCheck__`) };
}

/**
 * Converts the object literal of a JS config (`export default defineAppConfig({...})`) into a
 * located JSON value. Non-literal parts (identifiers, calls) become `null`.
 */
export function locatedFromScript(code: string, file: string): LocatedJson {
  const positions = new Map<string, LineColumn>();
  let ast: AnyNode;
  try {
    ast = parse(code, {
      sourceType: "unambiguous",
      errorRecovery: true,
      plugins: /\.tsx?$/.test(file) ? ["typescript"] : ["jsx"],
    }) as unknown as AnyNode;
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    return {
      value: undefined,
      positions,
      error: { message: "cannot parse the config", line: loc?.line ?? 1, column: (loc?.column ?? 0) + 1 },
    };
  }
  const lc = (n: AnyNode): LineColumn => ({
    line: n.loc?.start.line ?? 1,
    column: (n.loc?.start.column ?? 0) + 1,
  });
  const convert = (n: AnyNode, pointer: string, depth: number): unknown => {
    if (depth > 32) return null;
    switch (n.type) {
      case "ObjectExpression": {
        const out = Object.create(null) as Record<string, unknown>;
        for (const p of n.properties as AnyNode[]) {
          if (p.type !== "ObjectProperty") continue;
          const k = p.key as AnyNode;
          const key =
            k.type === "Identifier" && !p.computed
              ? (k.name as string)
              : k.type === "StringLiteral"
                ? (k.value as string)
                : null;
          if (key === null) continue;
          const child = `${pointer}/${escapePointer(key)}`;
          positions.set(child, lc(p));
          out[key] = convert(p.value as AnyNode, child, depth + 1);
        }
        return out;
      }
      case "ArrayExpression":
        return (n.elements as Array<AnyNode | null>).map((e, i) => {
          if (!e) return null;
          positions.set(`${pointer}/${i}`, lc(e));
          return convert(e, `${pointer}/${i}`, depth + 1);
        });
      case "StringLiteral":
      case "NumericLiteral":
      case "BooleanLiteral":
        return n.value;
      case "TemplateLiteral":
        return (n.expressions as unknown[]).length === 0
          ? ((n.quasis as Array<{ value: { cooked: string } }>)[0]?.value.cooked ?? "")
          : null;
      case "TSAsExpression":
      case "TSSatisfiesExpression":
      case "ParenthesizedExpression":
        return convert(n.expression as AnyNode, pointer, depth);
      case "CallExpression": {
        const a = (n.arguments as AnyNode[])[0];
        return a ? convert(a, pointer, depth) : null;
      }
      default:
        return null;
    }
  };
  // The first object literal with a `pages` array of strings is the config.
  let found: AnyNode | null = null;
  const search = (n: AnyNode, depth: number): void => {
    if (found || depth > 64) return;
    if (n.type === "ObjectExpression") {
      const pages = (n.properties as AnyNode[]).find(
        (p) =>
          p.type === "ObjectProperty" &&
          (((p.key as AnyNode).type === "Identifier" && (p.key as AnyNode).name === "pages") ||
            ((p.key as AnyNode).type === "StringLiteral" && (p.key as AnyNode).value === "pages")),
      );
      if (pages && (pages.value as AnyNode).type === "ArrayExpression") {
        found = n;
        return;
      }
    }
    for (const key of Object.keys(n)) {
      if (key === "loc" || key === "extra" || key === "leadingComments" || key === "trailingComments")
        continue;
      const v = n[key];
      if (Array.isArray(v)) {
        for (const c of v)
          if (c && typeof c === "object" && typeof (c as AnyNode).type === "string")
            search(c as AnyNode, depth + 1);
      } else if (v && typeof v === "object" && typeof (v as AnyNode).type === "string")
        search(v as AnyNode, depth + 1);
    }
  };
  search(ast, 0);
  if (!found)
    return {
      value: undefined,
      positions,
      error: { message: "no object with a `pages` array", line: 1, column: 1 },
    };
  positions.set("", lc(found));
  return { value: convert(found, "", 0), positions };
}

/** Reads the app config of the discovered layout. Returns null when there is none. */
export function readAppConfig(ctx: ExtractContext, d: Discovery): AppConfig | null {
  const file = d.layout.appJson;
  if (!file) return null;
  const cfg = emptyConfig(file);
  if (d.layout.kind === "uni-app") {
    if (d.appJson && !d.appJson.error) {
      const v = new ConfigView(ctx, file, d.appJson);
      const pages = v.get("/pages");
      if (Array.isArray(pages)) {
        pages.forEach((p, i) => {
          const rec = asRecord(p);
          if (rec && typeof rec["path"] === "string") {
            cfg.pages.push({ path: rec["path"], at: v.at(`/pages/${i}`) });
            const title = asRecord(rec["style"])?.["navigationBarTitleText"];
            if (typeof title === "string") cfg.pageTitles.set(rec["path"], title);
          }
        });
      }
      for (const key of ["subPackages", "subpackages"]) {
        const subs = v.get(`/${key}`);
        if (!Array.isArray(subs)) continue;
        subs.forEach((s, i) => {
          const rec = asRecord(s);
          if (!rec || typeof rec["root"] !== "string") return;
          const root = rec["root"].replace(/\/+$/, "");
          const sp: AppConfig["subpackages"][number] = {
            root,
            name: typeof rec["name"] === "string" ? rec["name"] : null,
            independent: rec["independent"] === true,
            pages: [],
            at: v.at(`/${key}/${i}`),
          };
          const sPages = rec["pages"];
          if (Array.isArray(sPages)) {
            sPages.forEach((p, j) => {
              const pr = asRecord(p);
              if (pr && typeof pr["path"] === "string") {
                sp.pages.push({ path: `${root}/${pr["path"]}`, at: v.at(`/${key}/${i}/pages/${j}`) });
                const title = asRecord(pr["style"])?.["navigationBarTitleText"];
                if (typeof title === "string") cfg.pageTitles.set(`${root}/${pr["path"]}`, title);
              }
            });
          }
          cfg.subpackages.push(sp);
        });
      }
    }
    if (d.manifest && !d.manifest.json.error) {
      const mv = new ConfigView(ctx, d.manifest.file, d.manifest.json);
      readPlugins(cfg, mv, "/mp-weixin/plugins", null);
      readPrivacyKeys(cfg, mv, "/mp-weixin");
    }
    return cfg;
  }
  let json: LocatedJson | undefined = d.appJson;
  if (!json) {
    const text = ctx.text(file);
    if (text === undefined) return cfg;
    let code = text;
    if (file.endsWith(".wpy")) {
      // WePY 2 keeps the config in a <config> block; WePY 1 in the script.
      const block = /<config>([\s\S]*?)<\/config>/.exec(text);
      const script = /<script\b[^>]*>([\s\S]*?)<\/script>/.exec(text);
      code = block ? `(${block[1] ?? ""})` : (script?.[1] ?? "");
      const offset = text.slice(0, text.indexOf(code.replace(/^\(|\)$/g, ""))).split("\n").length - 1;
      code = "\n".repeat(Math.max(0, offset)) + code;
    }
    json = code.trimStart().startsWith("{")
      ? parseJsonLocated(code)
      : locatedFromScript(code, file.replace(/\.wpy$/, ".js"));
    if (json.error) {
      ctx.warn("extract/partial-layout", `cannot read the pages of \`${file}\`: ${json.error.message}`, [
        { file, line: json.error.line },
      ]);
      return cfg;
    }
  }
  readAppJsonShape(cfg, new ConfigView(ctx, file, json));
  return cfg;
}
