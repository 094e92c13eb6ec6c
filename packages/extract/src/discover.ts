/**
 * Finds the mini program inside a project directory: native (app.json, possibly below
 * project.config.json's `miniprogramRoot` or in a conventional folder), uni-app (manifest.json
 * with `mp-weixin` plus pages.json), Taro (config/index.* plus src/app.config.*), WePY and mpvue.
 *
 * Guarantees: never throws; an app.json counts only if it has a `pages` array of strings, and
 * every app.json that does not count is reported as a decoy with the reason.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, posix } from "node:path";
import type { ExtractContext } from "./context.js";
import { parseJsonLocated, type LocatedJson } from "./json-locate.js";
import { PRUNED_DIRS } from "./vendored.js";
import type { Layout } from "./types.js";

/** Folders where an app.json is looked for, in order, before a bounded search. */
export const ROOT_CANDIDATES: readonly string[] = [
  ".",
  "miniprogram",
  "src",
  "dist",
  "client",
  "wechat",
  "wx-front",
  "weapp",
  "wxapp",
  "mp",
  "mp-weixin",
  "miniapp",
  "mini-program",
  "applet",
  "app",
  "frontend",
  "front",
  "dist/build/mp-weixin",
  "unpackage/dist/build/mp-weixin",
];

/** Cloud-function roots looked for when project.config.json names none. */
export const CLOUD_ROOT_CANDIDATES: readonly string[] = [
  "cloudfunctions",
  "cloud/functions",
  "cloudfunction",
  "uniCloud-aliyun/cloudfunctions",
  "uniCloud-tcb/cloudfunctions",
  "uniCloud-alipay/cloudfunctions",
  "src/uniCloud-aliyun/cloudfunctions",
  "src/uniCloud-tcb/cloudfunctions",
];

/** What `discoverLayout` returns. */
export interface Discovery {
  layout: Layout;
  cloudRoots: string[];
  /** Project-relative directories not to walk (build output when the sources were found). */
  skipDirs: string[];
  /** The parsed main config file (app.json or pages.json), when JSON. */
  appJson?: LocatedJson;
  /** uni-app manifest.json, when present. */
  manifest?: { file: string; json: LocatedJson };
}

const norm = (p: string): string => {
  const n = posix
    .normalize(p.replace(/\\/g, "/"))
    .replace(/^\.\/+/, "")
    .replace(/\/+$/, "");
  return n === "" ? "." : n;
};
const joinRel = (a: string, b: string): string => norm(a === "." ? b : `${a}/${b}`);
const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};
const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

function readJson(ctx: ExtractContext, rel: string): LocatedJson | undefined {
  if (!isFile(join(ctx.dir, rel))) return undefined;
  const text = ctx.text(rel);
  if (text === undefined) return undefined;
  const json = parseJsonLocated(text);
  if (json.error) {
    ctx.warn("extract/invalid-json", `\`${rel}\` is not valid JSON: ${json.error.message}`, [
      { file: rel, line: json.error.line, column: json.error.column },
    ]);
  }
  return json;
}

const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** Why an app.json does not describe a mini program, or `undefined` when it does. */
export function whyNotMiniProgramAppJson(value: unknown): string | undefined {
  const obj = asRecord(value);
  if (!obj) return "it is not a JSON object";
  const pages = obj["pages"];
  const looksLike =
    obj["expo"] !== undefined
      ? " (it looks like an Expo config)"
      : obj["name"] !== undefined && obj["displayName"] !== undefined
        ? " (it looks like a React Native config)"
        : "";
  if (!Array.isArray(pages)) return `it has no \`pages\` array${looksLike}`;
  if (!pages.every((p) => typeof p === "string")) return `its \`pages\` are not all strings${looksLike}`;
  return undefined;
}

function checkAppJson(ctx: ExtractContext, rel: string, decoys: Set<string>): LocatedJson | undefined {
  const json = readJson(ctx, rel);
  if (!json || json.error) return undefined;
  const why = whyNotMiniProgramAppJson(json.value);
  if (why === undefined) return json;
  if (!decoys.has(rel)) {
    decoys.add(rel);
    ctx.warn("extract/decoy-app-json", `\`${rel}\` is not a mini-program app.json: ${why}`, [
      { file: rel, line: 1 },
    ]);
  }
  return undefined;
}

function packageDeps(ctx: ExtractContext, rel: string): Record<string, unknown> {
  const pkg = asRecord(readJson(ctx, rel)?.value);
  return { ...asRecord(pkg?.["dependencies"]), ...asRecord(pkg?.["devDependencies"]) };
}

function findCloudRoots(
  ctx: ExtractContext,
  projectConfigDir: string | null,
  pc: Record<string, unknown> | undefined,
): string[] {
  const roots: string[] = [];
  const declared = pc?.["cloudfunctionRoot"];
  if (typeof declared === "string" && declared.trim() !== "") {
    const r = joinRel(projectConfigDir ?? ".", declared);
    if (isDir(join(ctx.dir, r))) roots.push(r);
  }
  for (const c of CLOUD_ROOT_CANDIDATES) {
    for (const base of projectConfigDir && projectConfigDir !== "." ? [projectConfigDir, "."] : ["."]) {
      const r = joinRel(base, c);
      if (!roots.includes(r) && isDir(join(ctx.dir, r))) roots.push(r);
    }
  }
  return roots;
}

/** Bounded breadth-first search for app.json files (depth ≤ 3), skipping vendored trees. */
function searchAppJson(dir: string): string[] {
  const found: string[] = [];
  let level = ["."];
  for (let depth = 0; depth <= 3 && level.length > 0; depth++) {
    const next: string[] = [];
    for (const rel of level) {
      let entries;
      try {
        entries = readdirSync(join(dir, rel), { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (e.isFile() && e.name === "app.json") found.push(joinRel(rel, "app.json"));
        else if (
          e.isDirectory() &&
          !PRUNED_DIRS.has(e.name) &&
          e.name !== "miniprogram_npm" &&
          !e.name.startsWith(".")
        ) {
          next.push(joinRel(rel, e.name));
        }
      }
    }
    level = next.sort();
  }
  return found;
}

/** Finds the layout of the project in `ctx.dir`. */
export function discoverLayout(ctx: ExtractContext): Discovery {
  const decoys = new Set<string>();
  const projectConfigRel = [
    "project.config.json",
    ...ROOT_CANDIDATES.slice(1).map((c) => `${c}/project.config.json`),
  ].find((r) => isFile(join(ctx.dir, r)));
  const projectConfigDir = projectConfigRel ? norm(posix.dirname(projectConfigRel)) : null;
  const pc = projectConfigRel ? asRecord(readJson(ctx, projectConfigRel)?.value) : undefined;
  const cloudRoots = findCloudRoots(ctx, projectConfigDir, pc);
  const base: Omit<Layout, "kind" | "root" | "appJson" | "foundBy"> = {
    projectConfig: projectConfigRel ?? null,
    cloudfunctionRoot: cloudRoots[0] ?? null,
  };

  // uni-app: manifest.json with mp-weixin, pages.json beside it (project root or src/).
  for (const b of [".", "src"]) {
    const manifestRel = joinRel(b, "manifest.json");
    const pagesRel = joinRel(b, "pages.json");
    if (!isFile(join(ctx.dir, manifestRel)) || !isFile(join(ctx.dir, pagesRel))) continue;
    const manifest = readJson(ctx, manifestRel);
    const m = asRecord(manifest?.value);
    if (!m || m["mp-weixin"] === undefined) continue;
    const pagesJson = readJson(ctx, pagesRel);
    return {
      layout: {
        ...base,
        kind: "uni-app",
        root: b,
        appJson: pagesRel,
        foundBy: `\`${manifestRel}\` has \`mp-weixin\` and \`${pagesRel}\` lists the pages`,
      },
      cloudRoots,
      skipDirs: ["unpackage", joinRel(b, "unpackage")],
      ...(pagesJson ? { appJson: pagesJson } : {}),
      manifest: { file: manifestRel, json: manifest as LocatedJson },
    };
  }

  // Taro: src/app.config.* (plus config/index.* or a @tarojs dependency).
  const taroConfig = [
    "src/app.config.ts",
    "src/app.config.js",
    "src/app.config.tsx",
    "src/app.config.jsx",
  ].find((r) => isFile(join(ctx.dir, r)));
  const rootDeps = packageDeps(ctx, "package.json");
  const hasTaroConfigDir = ["config/index.js", "config/index.ts"].some((r) => isFile(join(ctx.dir, r)));
  if (taroConfig && (hasTaroConfigDir || Object.keys(rootDeps).some((d) => d.startsWith("@tarojs/")))) {
    return {
      layout: {
        ...base,
        kind: "taro",
        root: "src",
        appJson: taroConfig,
        foundBy: `Taro sources: \`${taroConfig}\`${hasTaroConfigDir ? " and `config/index`" : ""}`,
      },
      cloudRoots,
      skipDirs: ["dist"],
    };
  }

  // WePY: src/app.wpy.
  if (isFile(join(ctx.dir, "src/app.wpy"))) {
    return {
      layout: {
        ...base,
        kind: "wepy",
        root: "src",
        appJson: "src/app.wpy",
        foundBy: "WePY sources: `src/app.wpy`",
      },
      cloudRoots,
      skipDirs: ["dist"],
    };
  }

  // Native: miniprogramRoot, then the conventional folders, then a bounded search.
  let kind: Layout["kind"] = rootDeps["mpvue"] !== undefined ? "mpvue" : "native";
  const declaredRoot = pc?.["miniprogramRoot"];
  if (typeof declaredRoot === "string" && declaredRoot.trim() !== "" && projectConfigRel) {
    const root = joinRel(projectConfigDir ?? ".", declaredRoot);
    const rel = joinRel(root, "app.json");
    const json = checkAppJson(ctx, rel, decoys);
    if (json) {
      return {
        layout: {
          ...base,
          kind,
          root,
          appJson: rel,
          foundBy: `\`${projectConfigRel}\` sets \`miniprogramRoot\` to \`${declaredRoot}\``,
        },
        cloudRoots,
        skipDirs: [],
        appJson: json,
      };
    }
    if (!existsSync(join(ctx.dir, rel))) {
      ctx.warn(
        "extract/partial-layout",
        `\`${projectConfigRel}\` sets \`miniprogramRoot\` to \`${declaredRoot}\` but \`${rel}\` does not exist`,
        [{ file: projectConfigRel, line: 1 }],
      );
    }
  }
  const candidates = [...ROOT_CANDIDATES.map((c) => joinRel(c, "app.json")), ...searchAppJson(ctx.dir)];
  for (const rel of [...new Set(candidates)]) {
    if (!isFile(join(ctx.dir, rel))) continue;
    const json = checkAppJson(ctx, rel, decoys);
    if (!json) continue;
    const root = norm(posix.dirname(rel));
    if (
      kind === "native" &&
      root !== "." &&
      packageDeps(ctx, joinRel(root, "../package.json"))["mpvue"] !== undefined
    )
      kind = "mpvue";
    return {
      layout: { ...base, kind, root, appJson: rel, foundBy: `\`${rel}\` has a \`pages\` array` },
      cloudRoots,
      skipDirs: [],
      appJson: json,
    };
  }
  return {
    layout: { ...base, kind: "unknown", root: ".", appJson: null, foundBy: "nothing found" },
    cloudRoots,
    skipDirs: [],
  };
}
