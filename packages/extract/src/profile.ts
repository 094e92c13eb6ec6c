/**
 * The operator's profile: a YAML document shaped like (part of) the facts document, for what no
 * package can show — nickname, entity, categories, submissions, filing, trade, the privacy
 * guide's purposes. It is merged into the extracted facts; where it disagrees with the package,
 * each disagreement is a warning naming both places.
 *
 * Merge rules: operator and platform fields come from the profile. Package fields (UGC,
 * security checks, privacy APIs, interface) keep what the package proves; profile items the
 * package does not show are added; a profile that denies what the package shows (no UGC, no
 * privacy API) is overruled by the package, with a warning.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from "yaml";
import { escapePointer } from "./json-locate.js";
import type { FactsDocument } from "./facts-map.js";
import type { Evidence, ExtractError, ExtractWarning } from "./types.js";

/** A loaded profile. */
export interface Profile {
  file: string;
  value: Record<string, unknown>;
  /** JSON pointer → 1-based line in the profile. */
  lines: Map<string, number>;
  text: string;
}

/** Parses profile text. Returns an error (with the line) instead of throwing. */
export function parseProfile(
  text: string,
  file: string,
): { profile?: Profile; error?: ExtractError & { line?: number } } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e?.linePos?.[0]?.line ?? 1;
    return {
      error: {
        code: "extract/unreadable-profile",
        message: `\`${file}\` is not valid YAML at line ${line}: ${(e?.message ?? "syntax error").split("\n")[0]}`,
        file,
        line,
      },
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return {
      error: {
        code: "extract/unreadable-profile",
        message: `\`${file}\` cannot be read: ${(e as Error).message}`,
        file,
      },
    };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return {
      error: {
        code: "extract/unreadable-profile",
        message: `\`${file}\` must be a mapping of facts fields (such as \`nickname:\`, \`entity:\`)`,
        file,
      },
    };
  }
  const lines = new Map<string, number>();
  const visit = (n: unknown, pointer: string): void => {
    if (isMap(n)) {
      for (const it of n.items) {
        if (!isPair(it)) continue;
        const k = isScalar(it.key) ? String(it.key.value) : null;
        if (k === null) continue;
        const child = `${pointer}/${escapePointer(k)}`;
        const range = (it.key as YamlNode).range;
        if (range) lines.set(child, lc.linePos(range[0]).line);
        visit(it.value, child);
      }
    } else if (isSeq(n)) {
      n.items.forEach((it, i) => {
        const range = (it as YamlNode | null)?.range;
        if (range) lines.set(`${pointer}/${i}`, lc.linePos(range[0]).line);
        visit(it, `${pointer}/${i}`);
      });
    }
  };
  lines.set("", 1);
  visit(doc.contents, "");
  return { profile: { file, value: value as Record<string, unknown>, lines, text } };
}

const rec = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const arr = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);
const bare = (api: string): string =>
  api
    .replace(/^(?:wx|uni|Taro|taro)\./, "")
    .replace(/^.*→\s*wx\./, "")
    .replace(/^[\w-]+\[open-type=(\w+)\]$/, "$1");

/** Package-proven fields; the rest of a profile is copied as given. */
const PACKAGE_FIELDS = new Set([
  "schemaVersion",
  "appId",
  "runtimeKind",
  "contentAreas",
  "ugc",
  "moderation",
  "privacy",
  "interface",
]);

/**
 * Merges the profile into `facts` (mutated) and returns the warnings. `evidence` receives an entry
 * for each field taken from the profile, pointing at its line.
 */
export function mergeProfile(facts: FactsDocument, evidence: Evidence[], profile: Profile): ExtractWarning[] {
  const warnings: ExtractWarning[] = [];
  const pLine = (pointer: string): number => {
    let p = pointer;
    for (;;) {
      const l = profile.lines.get(p);
      if (l !== undefined || p === "") return l ?? 1;
      p = p.slice(0, p.lastIndexOf("/"));
    }
  };
  const fromProfile = (pointer: string, profilePointer = pointer): void => {
    evidence.push({
      pointer,
      file: profile.file,
      line: pLine(profilePointer),
      snippet: (profile.text.split(/\r?\n/)[pLine(profilePointer) - 1] ?? "").trim().slice(0, 160),
      note: "declared in the profile",
    });
  };
  const packagePlace = (pointer: string): { file: string; line: number } | undefined => {
    const e = evidence.find((x) => x.pointer === pointer || x.pointer.startsWith(pointer + "/"));
    return e ? { file: e.file, line: e.line } : undefined;
  };
  const disagree = (message: string, profilePointer: string, packagePointer: string | null): void => {
    const places: ExtractWarning["places"] = [{ file: profile.file, line: pLine(profilePointer) }];
    const pp = packagePointer === null ? undefined : packagePlace(packagePointer);
    if (pp) places.push(pp);
    warnings.push({ code: "profile/disagrees-with-package", message, places });
  };
  const p = profile.value;

  for (const [key, v] of Object.entries(p)) {
    if (PACKAGE_FIELDS.has(key)) continue;
    facts[key] = v;
    fromProfile(`/${escapePointer(key)}`);
  }

  if (p["appId"] !== undefined) {
    if (facts["appId"] !== undefined && facts["appId"] !== p["appId"]) {
      disagree(
        `the profile says appId \`${String(p["appId"])}\`, the package's project.config.json says \`${String(facts["appId"])}\`; using the profile's`,
        "/appId",
        "/appId",
      );
    }
    facts["appId"] = p["appId"];
    fromProfile("/appId");
  }
  if (p["runtimeKind"] !== undefined && p["runtimeKind"] !== facts["runtimeKind"]) {
    disagree(
      `the profile says runtimeKind \`${String(p["runtimeKind"])}\`, the package shows \`${String(facts["runtimeKind"])}\`; keeping the package's`,
      "/runtimeKind",
      "/runtimeKind",
    );
  }

  const areas = arr(p["contentAreas"]);
  if (areas) {
    const pkg = (facts["contentAreas"] as string[] | undefined) ?? [];
    pkg.forEach((a, i) => {
      if (!areas.includes(a))
        disagree(
          `the profile's contentAreas leave out \`${a}\`, which the package shows`,
          "/contentAreas",
          `/contentAreas/${i}`,
        );
    });
    const merged = [...new Set([...pkg, ...areas.filter((a): a is string => typeof a === "string")])];
    facts["contentAreas"] = merged;
    merged.forEach((a, i) => {
      if (!pkg.includes(a)) fromProfile(`/contentAreas/${i}`, `/contentAreas/${areas.indexOf(a)}`);
    });
  }

  // ugc
  const pUgc = rec(p["ugc"]);
  if (pUgc) {
    const ugc = (rec(facts["ugc"]) ?? { surfaces: [] }) as {
      surfaces: Array<Record<string, unknown>>;
    } & Record<string, unknown>;
    const pSurfaces = arr(pUgc["surfaces"]);
    if (pSurfaces) {
      if (pSurfaces.length === 0 && ugc.surfaces.length > 0) {
        ugc.surfaces.forEach((s, i) =>
          disagree(
            `the profile says users publish nothing, but the package shows UGC: ${String(s["place"])} (${(s["media"] as string[]).join(", ")})${s["page"] ? ` on \`${String(s["page"])}\`` : ""}`,
            "/ugc/surfaces",
            `/ugc/surfaces/${i}`,
          ),
        );
      }
      pSurfaces.forEach((s, j) => {
        const r = rec(s);
        if (!r) return;
        const same = ugc.surfaces.findIndex(
          (x) => x["place"] === r["place"] && (r["page"] === undefined || x["page"] === r["page"]),
        );
        if (same >= 0) {
          const m = ugc.surfaces[same]?.["media"] as string[];
          for (const x of arr(r["media"]) ?? []) if (typeof x === "string" && !m.includes(x)) m.push(x);
          if (r["visibleToOthers"] === true)
            (ugc.surfaces[same] as Record<string, unknown>)["visibleToOthers"] = true;
          return;
        }
        fromProfile(`/ugc/surfaces/${ugc.surfaces.length}`, `/ugc/surfaces/${j}`);
        ugc.surfaces.push(r);
      });
    }
    for (const [k, v] of Object.entries(pUgc)) if (k !== "surfaces") ugc[k] = v;
    facts["ugc"] = ugc;
  }

  // moderation
  const pMod = rec(p["moderation"]);
  if (pMod) {
    const mod = (rec(facts["moderation"]) ?? { securityChecks: [], otherModeration: [] }) as {
      securityChecks: Array<Record<string, unknown>>;
      otherModeration: Array<Record<string, unknown>>;
    } & Record<string, unknown>;
    (arr(pMod["securityChecks"]) ?? []).forEach((c, j) => {
      const r = rec(c);
      if (!r) return;
      const same = mod.securityChecks.some((x) => x["api"] === r["api"] && x["medium"] === r["medium"]);
      if (same) return;
      disagree(
        `the profile declares a \`${String(r["api"])}\` check that the package does not contain`,
        `/moderation/securityChecks/${j}`,
        null,
      );
      fromProfile(
        `/moderation/securityChecks/${mod.securityChecks.length}`,
        `/moderation/securityChecks/${j}`,
      );
      mod.securityChecks.push(r);
    });
    const pOther = arr(pMod["otherModeration"]);
    if (pOther) {
      const pkgOther = mod.otherModeration;
      if (pOther.length === 0 && pkgOther.length > 0) {
        pkgOther.forEach((o, i) =>
          disagree(
            `the profile declares no other moderation, but the package calls ${String(o["vendor"])}`,
            "/moderation/otherModeration",
            `/moderation/otherModeration/${i}`,
          ),
        );
      }
      pOther.forEach((o, j) => {
        const r = rec(o);
        if (!r) return;
        if (pkgOther.some((x) => x["kind"] === r["kind"] && x["vendor"] === r["vendor"])) return;
        fromProfile(`/moderation/otherModeration/${pkgOther.length}`, `/moderation/otherModeration/${j}`);
        pkgOther.push(r);
      });
    }
    for (const [k, v] of Object.entries(pMod)) {
      if (k === "securityChecks" || k === "otherModeration") continue;
      mod[k] = v;
      fromProfile(`/moderation/${escapePointer(k)}`);
    }
    facts["moderation"] = mod;
  }

  // privacy
  const pPriv = rec(p["privacy"]);
  if (pPriv) {
    const priv = (rec(facts["privacy"]) ?? { requiredPrivateInfos: [], apis: [] }) as {
      requiredPrivateInfos: string[];
      apis: Array<Record<string, unknown>>;
    } & Record<string, unknown>;
    if (pPriv["guideFilled"] !== undefined) {
      priv["guideFilled"] = pPriv["guideFilled"];
      fromProfile("/privacy/guideFilled");
    }
    const pReq = arr(pPriv["requiredPrivateInfos"]);
    if (pReq) {
      const a = [...pReq].map(String).sort().join(",");
      const b = [...priv.requiredPrivateInfos].sort().join(",");
      if (a !== b)
        disagree(
          `the profile's requiredPrivateInfos [${[...pReq].map(String).join(", ")}] differ from the package's [${priv.requiredPrivateInfos.join(", ")}]; keeping the package's`,
          "/privacy/requiredPrivateInfos",
          "/privacy/requiredPrivateInfos",
        );
    }
    const pApis = arr(pPriv["apis"]);
    if (pApis) {
      const used = new Set<number>();
      priv.apis.forEach((a, i) => {
        const name = bare(String(a["api"]));
        let j = pApis.findIndex((x) => bare(String(rec(x)?.["api"] ?? "")) === name);
        if (j < 0) j = pApis.findIndex((x) => rec(x)?.["infoType"] === a["infoType"]);
        const r = j >= 0 ? rec(pApis[j]) : undefined;
        if (!r) {
          disagree(
            `the package calls \`${String(a["api"])}\` but the profile's privacy guide gives no purpose for it`,
            "/privacy/apis",
            `/privacy/apis/${i}`,
          );
          return;
        }
        used.add(j);
        for (const k of ["purpose", "usedBy"]) {
          if (r[k] !== undefined) {
            a[k] = r[k];
            fromProfile(`/privacy/apis/${i}/${k}`, `/privacy/apis/${j}/${k}`);
          }
        }
      });
      pApis.forEach((x, j) => {
        if (used.has(j)) return;
        disagree(
          `the profile's privacy guide declares \`${String(rec(x)?.["api"] ?? "?")}\` but the package never calls it`,
          `/privacy/apis/${j}`,
          null,
        );
      });
    }
    facts["privacy"] = priv;
  }

  // interface
  const pIf = rec(p["interface"]);
  if (pIf) {
    const itf = (rec(facts["interface"]) ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(pIf)) {
      const mine = itf[k];
      if (Array.isArray(mine) && Array.isArray(v)) {
        if (v.length === 0 && mine.length > 0) {
          disagree(
            `the profile says interface.${k} is empty, but the package shows ${mine.length}`,
            `/interface/${k}`,
            `/interface/${k}`,
          );
        } else if (mine.length === 0 && v.length > 0) {
          itf[k] = v;
          fromProfile(`/interface/${k}`);
          if (k !== "scanToOrderFlows")
            disagree(
              `the profile lists interface.${k} that the package does not show`,
              `/interface/${k}`,
              null,
            );
        }
      } else if (typeof mine === "boolean" && typeof v === "boolean") {
        if (mine !== v)
          disagree(
            `the profile says interface.${k} is ${String(v)}, the package shows ${String(mine)}; keeping the package's`,
            `/interface/${k}`,
            `/interface/${k}`,
          );
      } else if (mine === undefined) {
        itf[k] = v;
        fromProfile(`/interface/${k}`);
      }
    }
    facts["interface"] = itf;
  }
  return warnings;
}
