/**
 * Content-security checks and other moderation: where each official check is called, its
 * version, scene and medium, whether its result is read properly, and whether anything the user
 * does reaches it. A cloud function is reached when the client calls it by name
 * (`wx.cloud.callFunction({name})`, or a wrapper given the name as a string), or when a reached
 * function calls it; a check in a function nothing reaches is defined but never called.
 */
import type { ExtractContext } from "./context.js";
import type { Medium, ModerationFinding, SecurityFinding } from "./findings.js";
import { parseJsonLocated } from "./json-locate.js";
import { MODERATION_ENDPOINTS, SECURITY_ENDPOINTS, type SecurityApi } from "./security-table.js";
import type { Place } from "./types.js";
import type { Unit } from "./units.js";
import type { SourceFile } from "./walk.js";

/** What `findModeration` returns. */
export interface ModerationResult {
  security: SecurityFinding[];
  moderation: ModerationFinding[];
  declaredOpenapi: Array<{ api: string; cloudFunction: string; at: Place }>;
  /** Cloud-function name → the client places that call it. */
  invocations: Map<string, Place[]>;
}

function mediumOf(api: SecurityApi, mediaType: number | null): "text" | "image" | "audio" {
  if (api === "msgSecCheck") return "text";
  if (api === "mediaCheckAsync" && mediaType === 1) return "audio";
  return "image";
}

const mediaOfName = (s: string): Medium[] => {
  const out: Medium[] = [];
  if (/text|msg/i.test(s)) out.push("text");
  if (/image|img|pic/i.test(s)) out.push("image");
  if (/audio|voice/i.test(s)) out.push("audio");
  if (/video/i.test(s)) out.push("video");
  return out;
};

/** Finds the official checks and third-party moderation in all units and server files. */
export function findModeration(ctx: ExtractContext, units: Unit[], files: SourceFile[]): ModerationResult {
  const functionNames = new Set(
    files.filter((f) => f.cloudFunction !== undefined).map((f) => f.cloudFunction as string),
  );

  // Who calls which cloud function.
  const invocations = new Map<string, Place[]>();
  const cloudEdges = new Map<string, Set<string>>();
  const callerPages = new Map<string, Set<string>>();
  const addInvocation = (name: string, at: Place, u: Unit): void => {
    if (u.region === "client") {
      const list = invocations.get(name) ?? [];
      list.push(at);
      invocations.set(name, list);
      if (u.page) {
        const s = callerPages.get(name) ?? new Set<string>();
        s.add(u.page);
        callerPages.set(name, s);
      }
    } else if (u.region === "cloud" && u.cloudFunction) {
      const s = cloudEdges.get(u.cloudFunction) ?? new Set<string>();
      s.add(name);
      cloudEdges.set(u.cloudFunction, s);
    }
  };
  const dynamicCallers = units.some((u) =>
    u.scripts.some((s) => s.scan.callFunctions.some((c) => c.name === null)),
  );
  for (const u of units) {
    if (u.vendored) continue;
    for (const { file, scan } of u.scripts) {
      for (const c of scan.callFunctions) {
        if (c.name !== null) {
          addInvocation(c.name, ctx.place(file.rel, c.line, c.column), u);
          if (!functionNames.has(c.name) && u.region === "client" && functionNames.size > 0) {
            ctx.warn(
              "extract/unresolved-cloud-function",
              `\`${file.rel}\` calls cloud function \`${c.name}\`, which is not in the cloud-function root`,
              [{ file: file.rel, line: c.line }],
            );
          }
        }
      }
      if (!dynamicCallers) continue;
      // A wrapper such as `callCloud('post', data)` hides the name from callFunction: take string
      // arguments and `name:` values that equal a cloud function's name.
      for (const s of scan.strings) {
        if (!functionNames.has(s.value)) continue;
        if (s.callee !== undefined || s.key === "name") {
          if (scan.callFunctions.some((c) => c.name === s.value && c.line === s.line)) continue;
          addInvocation(s.value, ctx.place(file.rel, s.line, s.column), u);
        }
      }
    }
  }
  const reached = new Set<string>();
  const queue = [...invocations.keys()];
  while (queue.length > 0) {
    const n = queue.shift() as string;
    if (reached.has(n)) continue;
    reached.add(n);
    for (const m of cloudEdges.get(n) ?? []) queue.push(m);
  }

  const security: SecurityFinding[] = [];
  const moderation: ModerationFinding[] = [];
  const scopeScans = (u: Unit): Unit["scripts"] =>
    u.region === "cloud" && u.cloudFunction
      ? units.filter((v) => v.cloudFunction === u.cloudFunction).flatMap((v) => v.scripts)
      : u.scripts;

  for (const u of units) {
    if (u.vendored) continue;
    for (const { file, scan } of u.scripts) {
      const scope = scopeScans(u);
      const readsSuggest = scope.some((s) => s.scan.readsSuggest.length > 0);
      const readsErrcode = scope.some((s) => s.scan.readsErrcode.length > 0);
      for (const c of scan.securityCalls) {
        const isReached =
          u.region === "client"
            ? true
            : u.region === "cloud"
              ? u.cloudFunction
                ? reached.has(u.cloudFunction)
                : false
              : null;
        const f: SecurityFinding = {
          api: c.api,
          style: c.style,
          version: c.api === "imgSecCheck" ? 1 : c.version === 2 ? 2 : 1,
          scene: c.scene,
          medium: mediumOf(c.api, c.mediaType),
          region: u.region,
          cloudFunction: u.cloudFunction ?? null,
          reached: isReached,
          reachedBy: u.cloudFunction ? (invocations.get(u.cloudFunction) ?? []) : [],
          readsSuggest,
          handlesRiskyErrcode: readsErrcode,
          guardsPages: u.cloudFunction
            ? [...(callerPages.get(u.cloudFunction) ?? [])].sort()
            : u.page
              ? [u.page]
              : [],
          at: ctx.place(file.rel, c.line, c.column),
        };
        security.push(f);
      }
      const byProvider = new Map<string, ModerationFinding>();
      for (const m of scan.moderation) {
        const media = mediaOfName(m.how);
        const prev = byProvider.get(m.provider);
        if (prev) {
          for (const x of media) if (!prev.media.includes(x)) prev.media.push(x);
          continue;
        }
        const laterWrite = scan.dbWrites.some((w) => w.line > m.line);
        const f: ModerationFinding = {
          provider: m.provider,
          how: m.how,
          media,
          region: u.region,
          cloudFunction: u.cloudFunction ?? null,
          reached:
            u.region === "client"
              ? true
              : u.region === "cloud"
                ? u.cloudFunction
                  ? reached.has(u.cloudFunction)
                  : false
                : null,
          beforePublish: laterWrite ? true : null,
          at: ctx.place(file.rel, m.line, m.column),
        };
        byProvider.set(m.provider, f);
        moderation.push(f);
      }
    }
  }

  // Server code in other languages: endpoints by pattern.
  for (const f of files) {
    if (f.kind !== "server" || f.vendored) continue;
    const text = ctx.text(f.rel);
    if (text === undefined) continue;
    const lines = text.split(/\r?\n/);
    const readsSuggest = /["'.]suggest\b/.test(text);
    const readsErrcode = /87014|errcode/i.test(text);
    lines.forEach((l, i) => {
      for (const [endpoint, api] of Object.entries(SECURITY_ENDPOINTS)) {
        const col = l.indexOf(endpoint);
        if (col < 0) continue;
        const window = lines.slice(Math.max(0, i - 15), i + 15).join("\n");
        const version = /["']?version["']?\s*[:=,>]+\s*["']?2\b/.test(window) ? 2 : 1;
        const scene = /["']?scene["']?\s*[:=,>]+\s*["']?([1-4])\b/.exec(window)?.[1];
        const mt = /["']?media_type["']?\s*[:=,>]+\s*["']?([12])\b/.exec(window)?.[1];
        security.push({
          api,
          style: "http",
          version: api === "imgSecCheck" ? 1 : version,
          scene: scene ? Number(scene) : null,
          medium: mediumOf(api, mt ? Number(mt) : null),
          region: "server",
          cloudFunction: null,
          reached: null,
          reachedBy: [],
          readsSuggest,
          handlesRiskyErrcode: readsErrcode,
          guardsPages: [],
          at: ctx.place(f.rel, i + 1, col + 1),
        });
      }
      for (const m of MODERATION_ENDPOINTS) {
        const col = l.indexOf(m.host);
        if (col >= 0)
          moderation.push({
            provider: m.provider,
            how: `endpoint \`${m.host}\``,
            media: mediaOfName(m.host),
            region: "server",
            cloudFunction: null,
            reached: null,
            beforePublish: null,
            at: ctx.place(f.rel, i + 1, col + 1),
          });
      }
    });
  }

  // Declared permissions of cloud calls: cloudfunctions/<fn>/config.json { permissions: { openapi: [...] } }.
  const declaredOpenapi: ModerationResult["declaredOpenapi"] = [];
  for (const f of files) {
    if (
      f.kind !== "json" ||
      f.cloudFunction === undefined ||
      !f.rel.endsWith(`/${f.cloudFunction}/config.json`)
    )
      continue;
    const text = ctx.text(f.rel);
    if (text === undefined) continue;
    const json = parseJsonLocated(text);
    const perms = (json.value as { permissions?: { openapi?: unknown } } | undefined)?.permissions?.openapi;
    if (!Array.isArray(perms)) continue;
    perms.forEach((p, i) => {
      if (typeof p !== "string" || !/^security\./.test(p)) return;
      const lc = json.positions.get(`/permissions/openapi/${i}`) ?? { line: 1, column: 1 };
      declaredOpenapi.push({
        api: p,
        cloudFunction: f.cloudFunction as string,
        at: ctx.place(f.rel, lc.line, lc.column),
      });
    });
  }

  for (const s of security) {
    if (s.region === "cloud" && s.reached === false) {
      ctx.warn(
        "extract/check-never-called",
        `\`${s.api}\` in cloud function \`${s.cloudFunction ?? "?"}\` is never called: no client code calls \`${s.cloudFunction ?? "?"}\``,
        [{ file: s.at.file, line: s.at.line }],
      );
    }
    if (s.version === 2 && !s.readsSuggest) {
      ctx.warn(
        "extract/check-only-errcode",
        `\`${s.api}\` (v2) at \`${s.at.file}:${s.at.line}\` never reads \`result.suggest\`; errcode 0 only says the request succeeded`,
        [{ file: s.at.file, line: s.at.line }],
      );
    }
  }
  return { security, moderation, declaredOpenapi, invocations };
}
