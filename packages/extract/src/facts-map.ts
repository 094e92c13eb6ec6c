/**
 * Maps package findings onto the facts schema (@norma/facts, schema v1) and builds the evidence
 * list: every fact the package proves gets one or more evidence entries `{pointer, file, line}`.
 *
 * Guarantees: only fields the schema defines are written; operator-only fields (nickname, entity,
 * categories, submissions, privacy.guideFilled …) are never invented — they come from the profile.
 */
import type { Evidence, Place } from "./types.js";
import type { ComplaintFinding, Medium, PackageFindings, PromptFinding, UgcPlace } from "./findings.js";
import { INFO_TYPES, table } from "./privacy-table.js";

/** The facts document as built here (a plain JSON object). */
export type FactsDocument = Record<string, unknown>;

/** Internal info-type key → the schema's `infoType` value. */
export const INFO_TYPE_TO_SCHEMA: Readonly<Record<keyof typeof INFO_TYPES, string>> = table({
  userInfo: "nickname_avatar",
  location: "location",
  chosenLocation: "chosen_location",
  address: "address",
  invoice: "invoice",
  werun: "werun",
  phoneNumber: "phone_number",
  licensePlate: "licence_plate",
  album: "photos_videos",
  messageFile: "files",
  microphone: "microphone",
  camera: "camera",
  bluetooth: "bluetooth",
  albumWrite: "album_write",
  contactWrite: "contacts_write",
  calendarWrite: "calendar_write",
  sensors: "sensors",
  clipboard: "clipboard",
});

/** Vendor names shown in `moderation.otherModeration[].vendor`. */
export const MODERATION_VENDORS: Readonly<Record<string, string>> = table({
  "aliyun-green": "阿里云内容安全",
  "tencent-cloud-moderation": "腾讯云内容安全",
  qiniu: "七牛云",
  "baidu-content-censor": "百度内容审核",
  "netease-yidun": "网易易盾",
  shumei: "数美",
});

/** Scene values of the v2 API → the UGC places they check (SEC-7). */
const SCENE_PLACES: Readonly<Record<number, UgcPlace[]>> = table({
  1: ["nickname", "avatar", "signature", "profile"],
  2: ["comment", "review", "danmaku"],
  3: ["forum", "note", "photo", "other"],
  4: ["social_log", "chat", "live"],
});

const ORDER_STAGE: ReadonlyArray<[RegExp, "entry" | "ordering" | "payment" | "browsing"]> = [
  [/pay|支付|checkout|结算/i, "payment"],
  [/order|cart|menu|diancai|dish|点餐|下单|购物车/i, "ordering"],
  [/index|home|launch|welcome|splash|entry/i, "entry"],
];

/** What `mapFindingsToFacts` returns. */
export interface MappedFacts {
  facts: FactsDocument;
  evidence: Evidence[];
}

const ev = (pointer: string, p: Place, extra: Partial<Evidence> = {}): Evidence => ({
  pointer,
  ...p,
  ...extra,
});

/** Builds the package part of the facts document and its evidence. */
export function mapFindingsToFacts(f: PackageFindings, opts: { handlesPushResult: boolean }): MappedFacts {
  const evidence: Evidence[] = [];
  const facts: FactsDocument = { schemaVersion: 1 };
  if (f.appId) {
    facts["appId"] = f.appId.value;
    evidence.push(ev("/appId", f.appId.at));
  }

  // runtimeKind: a package whose every page is only a <web-view> is an H5 shell.
  const pageCount =
    (f.app?.pages.length ?? 0) + (f.app?.subpackages.reduce((n, s) => n + s.pages.length, 0) ?? 0);
  const html5 = pageCount > 0 && f.webViewPages.length >= pageCount;
  facts["runtimeKind"] = html5 ? "html5" : "dsl";
  if (html5 && f.webViewPages[0]) evidence.push(ev("/runtimeKind", f.webViewPages[0]));
  else if (f.app?.pages[0])
    evidence.push(ev("/runtimeKind", f.app.pages[0].at, { note: "pages written in the mini-program DSL" }));

  // ugc.surfaces: one per (place, page).
  const surfaces: Array<Record<string, unknown>> = [];
  const surfaceIndex = new Map<string, number>();
  for (const u of f.ugc) {
    const key = `${u.place}|${u.page ?? u.unit}`;
    let i = surfaceIndex.get(key);
    if (i === undefined) {
      i = surfaces.length;
      surfaceIndex.set(key, i);
      const s: Record<string, unknown> = {
        place: u.place,
        media: [...u.media],
        visibleToOthers: u.visibleToOthers,
      };
      if (u.page) s["page"] = u.page;
      surfaces.push(s);
    } else {
      const s = surfaces[i] as { media: Medium[]; visibleToOthers: boolean };
      for (const m of u.media) if (!s.media.includes(m)) s.media.push(m);
      s.visibleToOthers ||= u.visibleToOthers;
    }
    for (const p of u.inputs) evidence.push(ev(`/ugc/surfaces/${i}`, p, { note: "input" }));
    for (const s of u.sinks)
      evidence.push(
        ev(`/ugc/surfaces/${i}`, s, { note: `sent to ${s.kind}${s.target ? ` \`${s.target}\`` : ""}` }),
      );
  }
  facts["ugc"] = { surfaces };

  const areas = new Set<string>();
  if (surfaces.some((s) => s["visibleToOthers"] === true)) areas.add("ugc_publishing");
  if (surfaces.some((s) => s["place"] === "chat")) areas.add("instant_messaging");
  if (f.livePushers.length > 0 || surfaces.some((s) => s["place"] === "live")) areas.add("live_streaming");
  facts["contentAreas"] = [...areas].sort();
  [...areas].sort().forEach((a, i) => {
    const proof =
      a === "live_streaming"
        ? f.livePushers[0]
        : f.ugc.find((u) => (a === "instant_messaging" ? u.place === "chat" : u.visibleToOthers))?.at;
    if (proof) evidence.push(ev(`/contentAreas/${i}`, proof));
  });

  // moderation.securityChecks
  const surfacesByPage = (page: string, medium: string): UgcPlace[] =>
    surfaces
      .filter((s) => s["page"] === page && (s["media"] as string[]).includes(medium))
      .map((s) => s["place"] as UgcPlace);
  const anyPostFromClient = f.ugc.some((u) => u.sinks.some((s) => s.kind === "post"));
  const checks: Array<Record<string, unknown>> = [];
  for (const s of f.security) {
    const i = checks.length;
    const reached = s.reached ?? anyPostFromClient;
    let guards = [...new Set(s.guardsPages.flatMap((p) => surfacesByPage(p, s.medium)))];
    if (guards.length === 0 && s.scene !== null) {
      // Not reached from a page: the scene says what it was meant to check.
      const meant = SCENE_PLACES[s.scene] ?? [];
      guards = [
        ...new Set(
          surfaces
            .filter(
              (x) => meant.includes(x["place"] as UgcPlace) && (x["media"] as string[]).includes(s.medium),
            )
            .map((x) => x["place"] as UgcPlace),
        ),
      ];
    }
    const c: Record<string, unknown> = { api: s.api, version: s.version, medium: s.medium };
    if (s.version === 2 && s.scene !== null && s.scene >= 1 && s.scene <= 4) c["scene"] = s.scene;
    c["guards"] = guards.sort();
    c["reachedFromUserFlow"] = reached;
    if (s.version === 2) c["readsResultSuggest"] = s.readsSuggest;
    else c["handlesRiskyErrcode"] = s.handlesRiskyErrcode;
    c["via"] = s.style === "http" ? "server" : "cloud";
    if (s.api === "mediaCheckAsync") c["handlesPushResult"] = opts.handlesPushResult;
    c["callSite"] = `${s.at.file}:${s.at.line}`;
    checks.push(c);
    evidence.push(
      ev(`/moderation/securityChecks/${i}`, s.at, {
        note: `${s.style} call${s.cloudFunction ? ` in cloud function \`${s.cloudFunction}\`` : ""}`,
      }),
    );
    for (const r of s.reachedBy)
      evidence.push(
        ev(`/moderation/securityChecks/${i}/reachedFromUserFlow`, r, { note: "client call that reaches it" }),
      );
    if (s.reached === null)
      evidence.push(
        ev(`/moderation/securityChecks/${i}/reachedFromUserFlow`, s.at, {
          note: "server code: assumed reached when the client posts to its server",
        }),
      );
  }
  const other: Array<Record<string, unknown>> = [];
  for (const m of f.moderation) {
    if (m.reached === false || m.beforePublish === null || m.media.length === 0) continue;
    const i = other.length;
    other.push({
      kind: "third_party",
      vendor: MODERATION_VENDORS[m.provider] ?? m.provider,
      media: m.media,
      beforePublish: m.beforePublish,
    });
    evidence.push(ev(`/moderation/otherModeration/${i}`, m.at, { note: m.how }));
  }
  facts["moderation"] = { securityChecks: checks, otherModeration: other };

  // privacy
  const required = (f.app?.requiredPrivateInfos ?? []).filter((r) =>
    [
      "getFuzzyLocation",
      "getLocation",
      "onLocationChange",
      "startLocationUpdate",
      "startLocationUpdateBackground",
      "chooseLocation",
      "choosePoi",
      "chooseAddress",
    ].includes(r.api),
  );
  const requiredNames = [...new Set(required.map((r) => r.api))];
  requiredNames.forEach((name, i) => {
    const r = required.find((x) => x.api === name);
    if (r) evidence.push(ev(`/privacy/requiredPrivateInfos/${i}`, r.at));
  });
  const apis: Array<Record<string, unknown>> = [];
  const apiIndex = new Map<string, number>();
  for (const use of f.privacy) {
    let i = apiIndex.get(use.api);
    if (i === undefined) {
      i = apis.length;
      apiIndex.set(use.api, i);
      apis.push({
        api: use.api,
        infoType: INFO_TYPE_TO_SCHEMA[use.infoType as keyof typeof INFO_TYPES] ?? "location",
        pages: [],
      });
    }
    const entry = apis[i] as { pages: string[] };
    if (use.page && !entry.pages.includes(use.page)) entry.pages.push(use.page);
    evidence.push(ev(`/privacy/apis/${i}`, use.at, { vendored: use.vendored, note: use.via }));
  }
  for (const a of apis) {
    const pages = a["pages"] as string[];
    if (pages.length === 0) delete a["pages"];
    else pages.sort();
  }
  facts["privacy"] = { requiredPrivateInfos: requiredNames, apis };

  // interface
  const complaintEntries = f.complaints.map((c: ComplaintFinding, i) => {
    const e: Record<string, unknown> = { label: c.label, icon: c.icon, target: c.target };
    if (c.page)
      e["page"] = { path: c.page.path, headerText: c.page.headerText, nonOfficialNoticeAtTop: c.page.notice };
    evidence.push(ev(`/interface/complaintEntries/${i}`, c.at, { note: c.kind }));
    if (c.page) evidence.push(ev(`/interface/complaintEntries/${i}/page/headerText`, c.page.at));
    return e;
  });
  const downloadAppPrompts: Array<Record<string, unknown>> = [];
  const followGates: Array<Record<string, unknown>> = [];
  const shareGates: Array<Record<string, unknown>> = [];
  for (const p of f.prompts) {
    if (p.asks === "download-app") {
      const e: Record<string, unknown> = {};
      if (p.page) e["page"] = p.page;
      Object.assign(e, {
        kind: promptKind(p),
        repeated: p.repeated,
        closable: p.closable,
        blocksFeature: p.blocksFeature,
      });
      evidence.push(ev(`/interface/downloadAppPrompts/${downloadAppPrompts.length}`, p.at, { note: p.text }));
      downloadAppPrompts.push(e);
    } else if (p.asks === "follow-account") {
      const stage = ORDER_STAGE.find(([re]) => re.test(p.page ?? ""))?.[1] ?? "other";
      evidence.push(ev(`/interface/followGates/${followGates.length}`, p.at, { note: p.text }));
      followGates.push({
        flow: "mini_program",
        stage,
        kind: p.kind === "popup" ? "popup" : p.kind === "page" ? "page" : "prompt",
        closable: p.closable,
        blocksFeature: p.blocksFeature,
      });
    } else {
      evidence.push(ev(`/interface/shareGates/${shareGates.length}`, p.at, { note: p.text }));
      shareGates.push({
        unlocks: p.text.slice(0, 200),
        requires: /朋友圈/.test(p.text)
          ? "share_to_moments"
          : /邀请/.test(p.text)
            ? "invite_friends"
            : "share",
        forced: p.blocksFeature,
      });
    }
  }
  f.officialAccount.forEach((p) => evidence.push(ev("/interface/officialFollowComponentUsed", p)));
  facts["interface"] = {
    complaintEntries,
    downloadAppPrompts,
    followGates,
    shareGates,
    scanToOrderFlows: [],
    officialFollowComponentUsed: f.officialAccount.length > 0,
  };
  return { facts, evidence };
}

function promptKind(p: PromptFinding): "popup" | "banner" | "inline_prompt" | "interstitial_page" {
  if (
    p.kind === "popup" ||
    p.kind === "banner" ||
    p.kind === "inline_prompt" ||
    p.kind === "interstitial_page"
  )
    return p.kind;
  return p.kind === "page" ? "interstitial_page" : "inline_prompt";
}
