/**
 * `extractFacts`: reads a mini-program project and returns the facts its package proves, each
 * with evidence (file and line), merged with an optional operator profile and validated against
 * the facts schema.
 *
 * Passes, in order (each needs the one before):
 * 1. discover the layout (root, config file, cloud-function roots);
 * 2. walk the files once, pruning vendored trees;
 * 3. read the app config (pages, subpackages, plugins, privacy keys);
 * 4. scan every unit (page, component, cloud function) once;
 * 5. analyse privacy, moderation, UGC and interface from the scans;
 * 6. map onto the schema, merge the profile, validate.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { validateFacts, type FactsValidation } from "@norma/facts";
import { readAppConfig } from "./app-config.js";
import { checkRequiredPrivateInfos, findPrivacyUses } from "./analyze-privacy.js";
import { findModeration } from "./analyze-security.js";
import { findUgc } from "./analyze-ugc.js";
import { findComplaints, findPrompts } from "./analyze-interface.js";
import { ExtractContext } from "./context.js";
import { discoverLayout } from "./discover.js";
import { mapFindingsToFacts, type FactsDocument } from "./facts-map.js";
import type { PackageFindings } from "./findings.js";
import { parseJsonLocated } from "./json-locate.js";
import { mergeProfile, parseProfile } from "./profile.js";
import type { Evidence, ExtractError, ExtractStats, ExtractWarning, Layout, Place } from "./types.js";
import { buildUnits } from "./units.js";
import { readText, walkProject } from "./walk.js";

/** Options of `extractFacts`. */
export interface ExtractOptions {
  /** Path of the operator's profile (YAML). */
  profile?: string;
}

/** What `extractFacts` returns. */
export interface ExtractResult {
  /** True when there are no errors; the facts may still fail validation (see `validation`). */
  ok: boolean;
  /** The facts document: package facts, merged with the profile. */
  facts: FactsDocument;
  /** For each fact, the file and line that prove it. Sorted by pointer, then file and line. */
  evidence: Evidence[];
  /** Problems in the package or the profile that did not stop extraction. */
  warnings: ExtractWarning[];
  /** What stopped extraction (no such directory, no mini program, unreadable profile). */
  errors: ExtractError[];
  layout: Layout;
  /** `validateFacts` on `facts`. */
  validation: FactsValidation;
  /** The findings before mapping (for tools and tests). */
  findings: PackageFindings | null;
  /**
   * What the package shows that facts schema v1 has no field for, each item with its place:
   * subpackages, plugins, background modes, permission descriptions, `__usePrivacyCheck__`,
   * declared openapi permissions, and privacy APIs reached only through vendored code.
   */
  unmapped: UnmappedFacts | null;
  stats: ExtractStats;
}

/** See `ExtractResult.unmapped`. */
export interface UnmappedFacts {
  appConfig: {
    file: string;
    pages: Array<{ path: string } & At>;
    subpackages: Array<{ root: string; name: string | null; independent: boolean; pages: string[] } & At>;
    plugins: Array<
      { alias: string; provider: string; version: string | null; subpackage: string | null } & At
    >;
    requiredBackgroundModes: Array<{ mode: string } & At>;
    permissions: Array<{ scope: string; desc: string | null } & At>;
    usePrivacyCheck: ({ value: boolean } & At) | null;
  } | null;
  declaredOpenapi: Array<{ api: string; cloudFunction: string } & At>;
  /** Privacy APIs every use of which is in vendored code. */
  vendoredOnlyPrivacyApis: string[];
}

type At = { file: string; line: number };
const at = (p: Place): At => ({ file: p.file, line: p.line });

function unmappedOf(f: PackageFindings): UnmappedFacts {
  const a = f.app;
  const byApi = new Map<string, boolean>();
  for (const u of f.privacy) byApi.set(u.api, (byApi.get(u.api) ?? true) && u.vendored);
  return {
    appConfig: a
      ? {
          file: a.file,
          pages: a.pages.map((p) => ({ path: p.path, ...at(p.at) })),
          subpackages: a.subpackages.map((s) => ({
            root: s.root,
            name: s.name,
            independent: s.independent,
            pages: s.pages.map((p) => p.path),
            ...at(s.at),
          })),
          plugins: a.plugins.map((p) => ({
            alias: p.alias,
            provider: p.provider,
            version: p.version,
            subpackage: p.subpackage,
            ...at(p.at),
          })),
          requiredBackgroundModes: a.requiredBackgroundModes.map((m) => ({ mode: m.mode, ...at(m.at) })),
          permissions: a.permissions.map((p) => ({ scope: p.scope, desc: p.desc, ...at(p.at) })),
          usePrivacyCheck: a.usePrivacyCheck
            ? { value: a.usePrivacyCheck.value, ...at(a.usePrivacyCheck.at) }
            : null,
        }
      : null,
    declaredOpenapi: f.declaredOpenapi.map((d) => ({
      api: d.api,
      cloudFunction: d.cloudFunction,
      ...at(d.at),
    })),
    vendoredOnlyPrivacyApis: [...byApi].filter(([, v]) => v).map(([k]) => k),
  };
}

const emptyLayout = (): Layout => ({
  kind: "unknown",
  root: ".",
  appJson: null,
  projectConfig: null,
  cloudfunctionRoot: null,
  foundBy: "nothing found",
});

/**
 * Extracts facts from the mini-program project in `dir`. Never throws on bad input: a missing
 * directory, a directory without a mini program or an unreadable profile is reported in `errors`.
 */
export async function extractFacts(dir: string, options: ExtractOptions = {}): Promise<ExtractResult> {
  const t0 = performance.now();
  const stats: ExtractStats = { filesSeen: 0, filesScanned: 0, prunedDirs: 0, ms: 0 };
  const fail = (
    error: ExtractError,
    layout = emptyLayout(),
    warnings: ExtractWarning[] = [],
  ): ExtractResult => {
    const facts = { schemaVersion: 1 };
    stats.ms = Math.round(performance.now() - t0);
    return {
      ok: false,
      facts,
      evidence: [],
      warnings,
      errors: [error],
      layout,
      validation: validateFacts(facts),
      findings: null,
      unmapped: null,
      stats,
    };
  };
  const abs = resolve(dir);
  try {
    if (!statSync(abs).isDirectory())
      return fail({ code: "extract/not-a-directory", message: `\`${dir}\` is not a directory`, file: dir });
  } catch {
    return fail({
      code: "extract/not-a-directory",
      message: `\`${dir}\` does not exist or cannot be read`,
      file: dir,
    });
  }

  // Load the profile first: a broken profile is an error whatever the package holds.
  let profile;
  if (options.profile !== undefined) {
    const text = readText(resolve(options.profile));
    if (text === undefined)
      return fail({
        code: "extract/unreadable-profile",
        message: `cannot read the profile \`${options.profile}\``,
        file: options.profile,
      });
    const parsed = parseProfile(text, options.profile);
    if (parsed.error) return fail(parsed.error);
    profile = parsed.profile;
  }

  try {
    return await run(abs, profile, stats, t0);
  } catch (e) {
    // An exception here is the extractor's own bug; report it instead of crashing the caller.
    return fail({
      code: "extract/internal",
      message: `internal error while extracting: ${e instanceof Error ? e.message : String(e)}`,
    });
  }
}

async function run(
  abs: string,
  profile: ReturnType<typeof parseProfile>["profile"],
  stats: ExtractStats,
  t0: number,
): Promise<ExtractResult> {
  const ctx = new ExtractContext(abs);
  const d = discoverLayout(ctx);
  if (d.layout.kind === "unknown") {
    const facts = { schemaVersion: 1 };
    stats.ms = Math.round(performance.now() - t0);
    return {
      ok: false,
      facts,
      evidence: [],
      warnings: ctx.warnings,
      errors: [
        {
          code: "extract/no-mini-program",
          message:
            "no mini program found: no project.config.json `miniprogramRoot`, no app.json with a `pages` array, no uni-app manifest.json with `mp-weixin`, no Taro src/app.config",
        },
      ],
      layout: d.layout,
      validation: validateFacts(facts),
      findings: null,
      unmapped: null,
      stats,
    };
  }
  const walk = walkProject(abs, {
    clientRoot: d.layout.root,
    cloudRoots: d.cloudRoots,
    skipDirs: d.skipDirs,
  });
  stats.filesSeen = walk.files.length;
  stats.prunedDirs = walk.prunedDirs;
  const app = readAppConfig(ctx, d);
  const units = buildUnits(ctx, walk.files, d.layout, app);
  stats.filesScanned = units.reduce((n, u) => n + u.scripts.length + (u.templateFile ? 1 : 0), 0);

  if (app) {
    const stems = new Set(units.filter((u) => u.page !== null).map((u) => u.page));
    for (const p of [...app.pages, ...app.subpackages.flatMap((s) => s.pages)]) {
      if (!stems.has(p.path.replace(/^\//, "")))
        ctx.warn(
          "extract/missing-page",
          `page \`${p.path}\` is listed in \`${app.file}\` but has no source file`,
          [{ file: p.at.file, line: p.at.line }],
        );
    }
  }

  const privacy = findPrivacyUses(ctx, units);
  checkRequiredPrivateInfos(ctx, app, privacy);
  const mod = findModeration(ctx, units, walk.files);
  const ugc = findUgc(ctx, units);
  const complaints = findComplaints(ctx, units, app);
  const { prompts, officialAccount } = findPrompts(ctx, units);
  const webViewPages: Place[] = [];
  const livePushers: Place[] = [];
  for (const u of units) {
    if (u.region !== "client" || u.vendored || !u.templateFile) continue;
    const wv = u.elements.find((e) => e.tag === "web-view");
    if (u.page && wv && u.elements.length <= 3)
      webViewPages.push(ctx.place(u.templateFile, wv.line, wv.column));
    for (const e of u.elements)
      if (e.tag === "live-pusher") livePushers.push(ctx.place(u.templateFile, e.line, e.column));
  }

  const findings: PackageFindings = {
    appId: readAppId(ctx, d.layout.projectConfig, d.manifest),
    app,
    privacy,
    security: mod.security,
    declaredOpenapi: mod.declaredOpenapi,
    moderation: mod.moderation,
    ugc,
    complaints,
    prompts,
    officialAccount,
    webViewPages,
    livePushers,
  };
  for (const m of mod.moderation) {
    if (m.reached === false)
      ctx.warn(
        "extract/check-never-called",
        `${m.provider} moderation in cloud function \`${m.cloudFunction ?? "?"}\` is never called`,
        [{ file: m.at.file, line: m.at.line }],
      );
    else if (m.beforePublish === null || m.media.length === 0) {
      ctx.warn(
        "extract/partial-layout",
        `${m.provider} moderation found at \`${m.at.file}:${m.at.line}\` but ${m.media.length === 0 ? "not which media it checks" : "not whether it runs before publishing"}; declare it in the profile's moderation.otherModeration`,
        [{ file: m.at.file, line: m.at.line }],
      );
    }
  }
  const handlesPushResult = units.some(
    (u) => !u.vendored && u.scripts.some((s) => s.scan.strings.some((x) => x.value === "wxa_media_check")),
  );
  const { facts, evidence } = mapFindingsToFacts(findings, { handlesPushResult });
  const warnings = [...ctx.warnings];
  if (profile) warnings.push(...mergeProfile(facts, evidence, profile));

  evidence.sort(
    (a, b) =>
      a.pointer.localeCompare(b.pointer, "en", { numeric: true }) ||
      (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line),
  );
  if (evidence.length > 0) {
    // INVARIANT: the evidence travels in the facts (`evidence`, schema facts@1), so a decision made
    // from extracted facts points at the lines of code its outcomes were decided on.
    facts.evidence = evidence.slice(0, MAX_EVIDENCE_IN_FACTS).map((e) => ({
      pointer: e.pointer,
      file: e.file,
      line: e.line,
      ...(e.column !== undefined ? { column: e.column } : {}),
      snippet: e.snippet.slice(0, 500),
      ...(e.vendored !== undefined ? { vendored: e.vendored } : {}),
      ...(e.note !== undefined ? { note: e.note.slice(0, 500) } : {}),
    }));
  }
  stats.ms = Math.round(performance.now() - t0);
  return {
    ok: true,
    facts,
    evidence,
    warnings,
    errors: [],
    layout: d.layout,
    validation: validateFacts(facts),
    findings,
    unmapped: unmappedOf(findings),
    stats,
  };
}

/** The schema's bound on `evidence` in a facts document. */
const MAX_EVIDENCE_IN_FACTS = 10_000;

function readAppId(
  ctx: ExtractContext,
  projectConfig: string | null,
  manifest: { file: string; json: ReturnType<typeof parseJsonLocated> } | undefined,
): { value: string; at: Place } | null {
  const ok = (v: unknown): v is string =>
    typeof v === "string" && /^[A-Za-z0-9_-]+$/.test(v) && v !== "touristappid";
  if (projectConfig) {
    const text = ctx.text(projectConfig);
    const json = text !== undefined ? parseJsonLocated(text) : undefined;
    const v = (json?.value as Record<string, unknown> | undefined)?.["appid"];
    const lc = json?.positions.get("/appid");
    if (ok(v) && lc) return { value: v, at: ctx.place(projectConfig, lc.line, lc.column) };
  }
  if (manifest) {
    const v = (
      (manifest.json.value as Record<string, unknown> | undefined)?.["mp-weixin"] as
        Record<string, unknown> | undefined
    )?.["appid"];
    const lc = manifest.json.positions.get("/mp-weixin/appid");
    if (ok(v) && lc) return { value: v, at: ctx.place(manifest.file, lc.line, lc.column) };
  }
  return null;
}
