/**
 * Privacy-API uses: calls and references in code (first-party or vendored), `open-type` buttons,
 * `<input type="nickname">`, privacy components (`<camera>`, `<live-pusher>`), `authorize`
 * scopes, and components that call a privacy API for the page (component-map.ts). Also checks
 * `requiredPrivateInfos` against the location APIs actually called.
 */
import type { AppConfig } from "./app-config.js";
import { componentApi, componentPrivacyOf } from "./component-map.js";
import type { ExtractContext } from "./context.js";
import type { PrivacyUse } from "./findings.js";
import {
  PRECISE_LOCATION_INFOS,
  PRIVACY_APIS,
  PRIVACY_OPEN_TYPES,
  PRIVACY_SCOPES,
  PRIVACY_TAGS,
  REQUIRED_PRIVATE_INFOS,
  infoTypeOf,
} from "./privacy-table.js";
import type { Unit } from "./units.js";

/** Collects every privacy use in the client units. */
export function findPrivacyUses(ctx: ExtractContext, units: Unit[]): PrivacyUse[] {
  const uses: PrivacyUse[] = [];
  for (const u of units) {
    if (u.region !== "client") continue;
    for (const { file, scan } of u.scripts) {
      for (const r of scan.apiRefs) {
        if (r.api === "authorize") {
          const scope = String(r.arg?.["scope"] ?? "");
          const info = PRIVACY_SCOPES[scope];
          if (info)
            uses.push({
              api: `${r.receiver}.authorize(${scope})`,
              name: scope,
              infoType: info,
              via: "authorize",
              vendored: file.vendored,
              page: u.page,
              at: ctx.place(file.rel, r.line, r.column),
            });
          continue;
        }
        const info = infoTypeOf(r.api);
        if (!info) continue;
        const api = PRIVACY_APIS[r.api] !== undefined ? `${r.receiver}.${r.api}` : r.api;
        uses.push({
          api,
          name: r.api,
          infoType: info.key,
          via: r.called ? "call" : "reference",
          vendored: file.vendored,
          page: u.page,
          at: ctx.place(file.rel, r.line, r.column),
        });
      }
    }
    if (!u.templateFile) continue;
    for (const el of u.elements) {
      const at = (): ReturnType<ExtractContext["place"]> =>
        ctx.place(u.templateFile as string, el.line, el.column);
      const openType = el.attrs["open-type"] ?? el.attrs["openType"];
      const ot = openType ? PRIVACY_OPEN_TYPES[openType] : undefined;
      if (ot)
        uses.push({
          api: `${el.tag}[open-type=${openType}]`,
          name: ot.api,
          infoType: infoTypeOf(ot.api)?.key ?? ot.info,
          via: "open-type",
          vendored: u.vendored,
          page: u.page,
          at: at(),
        });
      if (el.tag === "input" && el.attrs["type"] === "nickname")
        uses.push({
          api: "input[type=nickname]",
          name: "nickname",
          infoType: "userInfo",
          via: "input-type",
          vendored: u.vendored,
          page: u.page,
          at: at(),
        });
      for (const t of PRIVACY_TAGS[el.tag] ?? [])
        uses.push({
          api: `<${el.tag}>`,
          name: t.api,
          infoType: t.info,
          via: "tag",
          vendored: u.vendored,
          page: u.page,
          at: at(),
        });
      const row = componentPrivacyOf(el.tag, u.components.get(el.tag));
      if (row) {
        const name = componentApi(row, el.attrs);
        const info = infoTypeOf(name);
        if (info)
          uses.push({
            api: `${el.tag} → wx.${name}`,
            name,
            infoType: info.key,
            via: "component",
            vendored: u.vendored,
            page: u.page,
            at: at(),
          });
      }
    }
  }
  return uses;
}

/** Compares `requiredPrivateInfos` with the location APIs the first-party code and vendored code call. */
export function checkRequiredPrivateInfos(
  ctx: ExtractContext,
  app: AppConfig | null,
  uses: PrivacyUse[],
): void {
  if (!app) return;
  const declared = new Map(app.requiredPrivateInfos.map((d) => [d.api, d]));
  const called = new Map<string, PrivacyUse>();
  for (const u of uses)
    if (
      REQUIRED_PRIVATE_INFOS.includes(u.name) &&
      (u.via === "call" || u.via === "reference") &&
      !called.has(u.name)
    )
      called.set(u.name, u);
  for (const [name, use] of called) {
    if (declared.has(name)) continue;
    ctx.warn(
      "extract/undeclared-private-info",
      `\`${use.api}\` is ${use.vendored ? "called by vendored code" : "called"} but \`${name}\` is not in \`requiredPrivateInfos\` of \`${app.file}\``,
      [
        { file: use.at.file, line: use.at.line },
        { file: app.file, line: app.requiredPrivateInfos[0]?.at.line ?? 1 },
      ],
    );
  }
  for (const [name, d] of declared) {
    if (called.has(name)) continue;
    ctx.warn(
      "extract/unused-private-info",
      `\`requiredPrivateInfos\` declares \`${name}\` but no code calls \`wx.${name}\``,
      [{ file: d.at.file, line: d.at.line }],
    );
  }
  const fuzzy = declared.get("getFuzzyLocation");
  const precise = PRECISE_LOCATION_INFOS.map((p) => declared.get(p)).find((d) => d !== undefined);
  if (fuzzy && precise) {
    ctx.warn(
      "extract/conflicting-private-info",
      `\`requiredPrivateInfos\` declares both \`getFuzzyLocation\` and \`${precise.api}\`, which cannot be declared together`,
      [
        { file: fuzzy.at.file, line: fuzzy.at.line },
        { file: precise.at.file, line: precise.at.line },
      ],
    );
  }
}
