/**
 * The generator of realistic facts documents behind `norma gen`: every story of `examples/`, and
 * mixtures of them, pushed onto the boundaries of the rules (a filing notice exactly 7 natural days
 * ± 1 s before the as-of instant, an openid last seen 119/120/121 minutes before a call, single
 * payments of 4,999,999/5,000,000/5,000,001 fen, …).
 *
 * Guarantees: deterministic per (stories, seed, as-of): the same inputs give the same documents,
 * in the same order, on every platform; every document is valid against the facts schema when the
 * stories are (the mutations only ever write values of the type and format the schema gives the
 * field, and keep list items unique where the schema requires it); documents never share objects.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRng, type Rng } from "./prng.js";

/** A facts document as plain JSON (the generator never builds anything else). */
export type FactsDoc = Record<string, unknown>;

/** One example document: its file name without `.json`, and its content. */
export interface Story {
  name: string;
  doc: FactsDoc;
}

/** The as-of day the stories of `examples/` are written for (examples/README.md). */
export const STORY_AS_OF = "2026-11-21";

/** The directory of the example documents in this repository. */
export function defaultExamplesDir(): string {
  return fileURLToPath(new URL("../../../../examples/", import.meta.url));
}

/** Reads every `*.json` of a directory as a story, sorted by file name (so the order never depends on the file system). */
export function loadStories(dir: string = defaultExamplesDir()): Story[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({
      name: f.slice(0, -".json".length),
      doc: JSON.parse(readFileSync(join(dir, f), "utf8")) as FactsDoc,
    }));
}

/** Options of {@link createFactsGenerator}. */
export interface FactsGeneratorOptions {
  /** The stories to start from (at least one); see {@link loadStories}. */
  stories: readonly Story[];
  /** Any integer; only its low 32 bits matter. */
  seed: number;
  /**
   * The as-of instant the documents are meant to be decided at (epoch ms): the stories are moved
   * by whole days from {@link STORY_AS_OF} to its day, and the boundaries are placed around it.
   * Default: 2026-11-21T00:00:00+08:00.
   */
  asOf?: number;
  /** Share of documents that mix sections of several stories (default 0.5). */
  mixRate?: number;
  /** Share of documents pushed onto at least one rule boundary (default 0.85). */
  boundaryRate?: number;
}

/** One generated document, with what it was made from (for tests and for people). */
export interface GeneratedFacts {
  doc: FactsDoc;
  /** The story it started from. */
  story: string;
  /** Stories that gave it sections, in the order they were mixed in. */
  mixedFrom: string[];
  /** Names of the boundaries ({@link FACTS_BOUNDARIES}) applied to it. */
  boundaries: string[];
}

/** Draws generated documents one at a time; see {@link createFactsGenerator}. */
export interface FactsGenerator {
  next(): GeneratedFacts;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const ZONE_OFFSET_MS = 8 * HOUR_MS;
const SECOND_MS = 1000;

/** Parses `YYYY-MM-DD` (00:00 +08:00) or an RFC 3339 date-time; null when it is neither. */
export function parseGenAsOf(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m) return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - ZONE_OFFSET_MS;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([zZ]|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** An instant as RFC 3339 in Asia/Shanghai, to the second (`2026-11-13T23:59:59+08:00`). */
export function formatShanghai(ms: number): string {
  return (
    new Date(Math.floor(ms / SECOND_MS) * SECOND_MS + ZONE_OFFSET_MS).toISOString().slice(0, 19) + "+08:00"
  );
}

/** 00:00 (+08:00) of the calendar day of `ms` in Asia/Shanghai. */
function shanghaiDayStart(ms: number): number {
  return Math.floor((ms + ZONE_OFFSET_MS) / DAY_MS) * DAY_MS - ZONE_OFFSET_MS;
}

/** `YYYY-MM` of the month before the month of `ms` in Asia/Shanghai. */
function previousMonth(ms: number): string {
  const d = new Date(ms + ZONE_OFFSET_MS);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth(); // 0-based: the previous month's 1-based number
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, "0")}`;
}

/**
 * The section groups that travel together when stories are mixed: fields that refer to each other
 * (a filing to its submission, a security check's guards to the UGC places) stay in one group.
 */
export const SECTION_GROUPS: readonly (readonly string[])[] = [
  ["nickname", "intro", "entity"],
  ["categories", "contentAreas"],
  ["submissions", "filing"],
  ["ugc", "moderation"],
  ["riskControl"],
  ["privacy"],
  ["interface"],
  ["trade"],
  ["enforcement"],
  ["content"],
  ["runtimeKind", "inspection"],
];

/** One boundary the generator pushes documents onto: its name and the rule edge it probes. */
export interface FactsBoundary {
  name: string;
  description: string;
}

type Mutate = (doc: FactsDoc, ctx: MutationContext) => boolean;

interface MutationContext {
  rng: Rng;
  asOf: number;
  /** Makes `doc[group...]` come from a story for which `has` holds (unless it already holds); false if none does. */
  ensure(doc: FactsDoc, group: readonly string[], has: (doc: FactsDoc) => boolean): boolean;
}

const FILING_CATEGORY_POOL = [
  "社交",
  "社交/直播",
  "社交/笔记",
  "社交/社区论坛",
  "文娱/视频",
  "文娱/其他视频",
  "文娱/FM电台",
  "时政信息",
  "时政信息/时政资讯",
] as const;
const NEAR_MISS_CATEGORY_POOL = [
  "社区/论坛",
  "视频/短视频",
  "文娱/音频",
  "文娱/小说",
  "时政/资讯",
  "工具/信息查询",
  "商家自营/百货",
] as const;
const DISEASE_NICKNAMES = ["糖尿病", "癌症", "高血压", "乙肝", "冠心病"] as const;
const NEAR_DISEASE_NICKNAMES = [
  "糖尿病之家",
  "抗癌联盟",
  "高血压管理助手",
  "糖友社区",
  "广西汽车",
  "附近好店",
] as const;
const COMPLAINT_LABELS = [
  "反馈与投诉",
  " 反馈与投诉 ",
  "投诉与反馈",
  "微信官方投诉",
  "微信官方客服",
  "官方投诉",
  "投诉",
  "联系客服",
] as const;
const COMPLAINT_HEADERS = [
  "此投诉为本小程序自有投诉渠道,非微信官方投诉渠道",
  "投诉中心",
  "本页为小程序自有投诉渠道",
  "在线客服",
] as const;
const PRIVACY_PURPOSES = [
  "定位",
  "使用",
  "开发",
  "暂不使用",
  "不清楚",
  "111",
  "AAA",
  "为了收集信息而收集信息",
  " 定位 ",
  "展示门店",
  "用于展示附近门店列表",
  "下单时选择收货地址，用于商品配送",
] as const;
const GMV_AT_CAP = [
  19_999_990, 19_999_999, 20_000_000, 20_000_001, 20_000_009, 20_000_010, 12_345_679, 0, 1, 9, 10,
] as const;
const PAYMENT_EDGES = [4_999_999, 5_000_000, 5_000_001] as const;
const SECOND_EDGES = [-SECOND_MS, 0, SECOND_MS] as const;

function asRecord(value: unknown): FactsDoc | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as FactsDoc) : null;
}
function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function path(doc: FactsDoc, ...keys: string[]): unknown {
  let v: unknown = doc;
  for (const k of keys) v = asRecord(v)?.[k];
  return v;
}

const hasFiling = (d: FactsDoc) => asRecord(d.filing) !== null;
const hasDeposit = (d: FactsDoc) => asRecord(path(d, "trade", "deposit")) !== null;
const hasPaymentAttempts = (d: FactsDoc) => asList(path(d, "trade", "deposit", "paymentAttempts")).length > 0;
const hasDepositTriggers = (d: FactsDoc) => asList(path(d, "trade", "deposit", "triggers")).length > 0;
const hasNotices = (d: FactsDoc) => asList(path(d, "enforcement", "notices")).length > 0;
const hasPrivacyApis = (d: FactsDoc) => asList(path(d, "privacy", "apis")).length > 1;
const hasComplaintEntries = (d: FactsDoc) => asList(path(d, "interface", "complaintEntries")).length > 0;
const hasSubmissions = (d: FactsDoc) => asList(d.submissions).length > 0;
const hasSecurityChecks = (d: FactsDoc) => asList(path(d, "moderation", "securityChecks")).length > 0;
const hasSurfaces = (d: FactsDoc) => asList(path(d, "ugc", "surfaces")).length > 0;
const hasPreLaunchRelease = (d: FactsDoc) => path(d, "filing", "preLaunch", "releasedAt") !== undefined;
const hasRiskSamples = (d: FactsDoc) => asList(path(d, "riskControl", "openidSamples")).length > 0;

/** Every boundary with its mutation; the order is part of the determinism contract. */
const BOUNDARIES: readonly (FactsBoundary & { weight: number; mutate: Mutate })[] = [
  {
    name: "filing.natural-days",
    description:
      "a pending filing notified 1 s before, at, or 1 s after 00:00 +08:00 seven days before the as-of day",
    weight: 3,
    mutate: (doc, { rng, asOf, ensure }) => {
      if (!ensure(doc, ["submissions", "filing"], hasFiling)) return false;
      const filing = doc.filing as FactsDoc;
      filing.status = "pending";
      for (const k of ["resultAt", "rejectReason", "preLaunch", "takenDownAt"]) delete filing[k];
      filing.notifiedAt = formatShanghai(shanghaiDayStart(asOf) - 7 * DAY_MS + rng.pick(SECOND_EDGES));
      return true;
    },
  },
  {
    name: "filing.seven-times-24h",
    description:
      "a pending filing notified 7 × 24 h before the as-of instant, ± 1 s (the reading the norm does not use)",
    weight: 2,
    mutate: (doc, { rng, asOf, ensure }) => {
      if (!ensure(doc, ["submissions", "filing"], hasFiling)) return false;
      const filing = doc.filing as FactsDoc;
      filing.status = "pending";
      for (const k of ["resultAt", "rejectReason", "preLaunch", "takenDownAt"]) delete filing[k];
      filing.notifiedAt = formatShanghai(asOf - 7 * DAY_MS + rng.pick(SECOND_EDGES));
      return true;
    },
  },
  {
    name: "entity.overseas",
    description: "the owner becomes an overseas non-enterprise entity (no 7-day period, no pre-launch)",
    weight: 1,
    mutate: (doc) => {
      const entity = asRecord(doc.entity);
      if (!entity) return false;
      entity.type = "overseas_non_enterprise";
      return true;
    },
  },
  {
    name: "submission.withdrawn",
    description: "the latest submission is withdrawn one hour after it was submitted",
    weight: 1,
    mutate: (doc, { ensure }) => {
      if (!ensure(doc, ["submissions", "filing"], hasSubmissions)) return false;
      const subs = asList(doc.submissions);
      const last = asRecord(subs[subs.length - 1]);
      const at = last ? Date.parse(String(last.submittedAt)) : NaN;
      if (!last || Number.isNaN(at)) return false;
      last.withdrawn = true;
      last.withdrawnAt = formatShanghai(at + HOUR_MS);
      return true;
    },
  },
  {
    name: "submission.kind",
    description:
      "the latest submission flips between first and update, with its filing categories all, some or none filed before",
    weight: 1,
    mutate: (doc, { rng, ensure }) => {
      if (!ensure(doc, ["submissions", "filing"], hasSubmissions)) return false;
      const subs = asList(doc.submissions);
      const last = asRecord(subs[subs.length - 1]);
      if (!last) return false;
      last.kind = last.kind === "first" ? "update" : "first";
      const cats = asList(last.filingCategories) as string[];
      const r = rng.next();
      last.filedCategoriesBefore =
        r < 0.4 ? [...cats] : r < 0.7 ? cats.slice(0, Math.max(0, cats.length - 1)) : [];
      return true;
    },
  },
  {
    name: "filing.taken-down",
    description:
      "a filing rejected during pre-launch, the service taken down 1 s before, at, or 1 s after the as-of instant, or not at all",
    weight: 1,
    mutate: (doc, { rng, asOf, ensure }) => {
      if (!ensure(doc, ["submissions", "filing"], hasPreLaunchRelease)) return false;
      const filing = doc.filing as FactsDoc;
      filing.status = "rejected";
      if (rng.chance(0.25)) delete filing.takenDownAt;
      else filing.takenDownAt = formatShanghai(asOf + rng.pick(SECOND_EDGES));
      return true;
    },
  },
  {
    name: "categories.globs",
    description:
      "1 to 3 categories among the filing categories and names that nearly match them (社交 without a sub-category, 文娱/音频, 社区/论坛, …)",
    weight: 2,
    mutate: (doc, { rng }) => {
      const n = rng.int(1, 3);
      const pool = rng.shuffle([...FILING_CATEGORY_POOL, ...NEAR_MISS_CATEGORY_POOL]);
      doc.categories = pool.slice(0, n);
      return true;
    },
  },
  {
    name: "openid.minutes",
    description:
      "a content-security call whose openid was last seen 119, 120 or 121 minutes before (above 120 the API answers 61010)",
    weight: 2,
    mutate: (doc, { rng, asOf }) => {
      const moderation = asRecord(doc.moderation);
      if (!moderation) return false;
      const minutes = rng.pick([119, 120, 121]);
      const samples = asList(moderation.openidSamples).filter((s) => asRecord(s) !== null) as FactsDoc[];
      const sample: FactsDoc =
        samples.length > 0
          ? rng.pick(samples)
          : { api: "msgSecCheck", calledAt: formatShanghai(asOf - DAY_MS) };
      sample.minutesSinceLastVisit = minutes;
      if (rng.chance(0.7)) sample.errcode = minutes > 120 ? 61010 : 0;
      else delete sample.errcode;
      if (samples.length === 0) moderation.openidSamples = [sample];
      return true;
    },
  },
  {
    name: "risk.openid.minutes",
    description: "a getUserRiskRank call whose openid was last seen 119, 120 or 121 minutes before",
    weight: 1,
    mutate: (doc, { rng, ensure }) => {
      if (!ensure(doc, ["riskControl"], hasRiskSamples)) return false;
      const sample = rng.pick(asList(path(doc, "riskControl", "openidSamples"))) as FactsDoc;
      const minutes = rng.pick([119, 120, 121]);
      sample.minutesSinceLastVisit = minutes;
      sample.errcode = minutes > 120 ? 61010 : 0;
      return true;
    },
  },
  {
    name: "payment.single-limit",
    description:
      "single deposit payments of 4,999,999 / 5,000,000 / 5,000,001 fen and an amount due on either side of 5,000,000 fen",
    weight: 3,
    mutate: (doc, { rng, ensure }) => {
      if (!ensure(doc, ["trade"], hasPaymentAttempts)) return false;
      const deposit = path(doc, "trade", "deposit") as FactsDoc;
      for (const a of asList(deposit.paymentAttempts)) {
        const attempt = asRecord(a);
        if (!attempt) continue;
        const amount = rng.pick(PAYMENT_EDGES);
        attempt.amount = amount;
        attempt.outcome =
          amount > 5_000_000 ? "over_single_limit" : rng.pick(["succeeded", "failed", "rate_limited"]);
      }
      if (rng.chance(0.6)) deposit.amountDue = rng.pick(PAYMENT_EDGES);
      return true;
    },
  },
  {
    name: "deposit.gmv-cap",
    description:
      "last full month's GMV around the deposit cap (10% of 20,000,000 fen = 2,000,000 fen) and where 10% needs rounding down",
    weight: 3,
    mutate: (doc, { rng, asOf, ensure }) => {
      if (!ensure(doc, ["trade"], hasDepositTriggers)) return false;
      const trade = doc.trade as FactsDoc;
      const month = previousMonth(asOf);
      const months = asList(trade.gmvByMonth).filter((m) => asRecord(m)?.month !== month);
      const gmv = rng.pick(GMV_AT_CAP);
      if (rng.chance(0.85)) months.push({ month, gmv });
      trade.gmvByMonth = months;
      const deposit = trade.deposit as FactsDoc;
      const required = Math.min(Math.floor(gmv / 10), 2_000_000);
      deposit.balance = rng.pick([required, Math.max(0, required - 1), required + 1, 0]);
      return true;
    },
  },
  {
    name: "deposit.due-by",
    description: "a deposit due 1 s before, at, or 1 s after the as-of instant",
    weight: 1,
    mutate: (doc, { rng, asOf, ensure }) => {
      if (!ensure(doc, ["trade"], hasDeposit)) return false;
      const deposit = path(doc, "trade", "deposit") as FactsDoc;
      deposit.amountDue = rng.pick([1, 1_560_000, 5_000_000, 5_000_001]);
      deposit.dueBy = formatShanghai(asOf + rng.pick(SECOND_EDGES));
      return true;
    },
  },
  {
    name: "enforcement.deadline",
    description: "a rectification deadline 1 s before, at, or 1 s after the as-of instant, rectified or not",
    weight: 1,
    mutate: (doc, { rng, asOf, ensure }) => {
      if (!ensure(doc, ["enforcement"], hasNotices)) return false;
      const notice = rng.pick(asList(path(doc, "enforcement", "notices"))) as FactsDoc;
      const deadline = asOf + rng.pick(SECOND_EDGES);
      notice.deadline = formatShanghai(deadline);
      if (rng.chance(0.3)) notice.rectifiedAt = formatShanghai(deadline + rng.pick(SECOND_EDGES));
      else delete notice.rectifiedAt;
      return true;
    },
  },
  {
    name: "nickname.disease",
    description: "a nickname that is exactly a disease name, or contains one without being one",
    weight: 2,
    mutate: (doc, { rng }) => {
      doc.nickname = rng.chance(0.5) ? rng.pick(DISEASE_NICKNAMES) : rng.pick(NEAR_DISEASE_NICKNAMES);
      return true;
    },
  },
  {
    name: "complaint.label",
    description:
      "a complaint entry named like the official one (exactly, with spaces, with 微信官方, with 官方), with or without the official icon and the non-official notice",
    weight: 2,
    mutate: (doc, { rng, ensure }) => {
      if (!ensure(doc, ["interface"], hasComplaintEntries)) return false;
      const entry = rng.pick(asList(path(doc, "interface", "complaintEntries"))) as FactsDoc;
      entry.label = rng.pick(COMPLAINT_LABELS);
      entry.icon = rng.pick(["official_like", "wechat_bubble", "own", "none"]);
      if (rng.chance(0.6)) {
        entry.target = "own_page";
        entry.page = {
          path: "pages/complaint/index",
          headerText: rng.pick(COMPLAINT_HEADERS),
          nonOfficialNoticeAtTop: rng.chance(0.5),
        };
      } else {
        entry.target = "official";
        delete entry.page;
      }
      return true;
    },
  },
  {
    name: "privacy.purpose",
    description:
      "privacy purposes that are vague, placeholders, padded with spaces, missing, or the same for two interfaces",
    weight: 2,
    mutate: (doc, { rng, ensure }) => {
      if (!ensure(doc, ["privacy"], hasPrivacyApis)) return false;
      const apis = asList(path(doc, "privacy", "apis")).filter((a) => asRecord(a) !== null) as FactsDoc[];
      for (const api of apis) {
        const r = rng.next();
        if (r < 0.5) api.purpose = rng.pick(PRIVACY_PURPOSES);
        else if (r < 0.6) delete api.purpose;
      }
      if (apis.length > 1 && rng.chance(0.4)) apis[1]!.purpose = apis[0]!.purpose ?? "定位";
      return true;
    },
  },
  {
    name: "ugc.unchecked",
    description:
      "a content-security check that is no longer reached from the user flow, or a surface that starts taking video",
    weight: 2,
    mutate: (doc, { rng, ensure }) => {
      if (!ensure(doc, ["ugc", "moderation"], (d) => hasSecurityChecks(d) && hasSurfaces(d))) return false;
      if (rng.chance(0.5)) {
        const check = rng.pick(asList(path(doc, "moderation", "securityChecks"))) as FactsDoc;
        check.reachedFromUserFlow = !check.reachedFromUserFlow;
      } else {
        const surface = rng.pick(asList(path(doc, "ugc", "surfaces"))) as FactsDoc;
        const media = asList(surface.media) as string[];
        if (!media.includes("video")) surface.media = [...media, "video"];
        surface.visibleToOthers = true;
      }
      return true;
    },
  },
];

/** The boundaries the generator knows, in the order it considers them. */
export const FACTS_BOUNDARIES: readonly FactsBoundary[] = BOUNDARIES.map(({ name, description }) => ({
  name,
  description,
}));

const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)([zZ]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Moves every instant, date and month of a story by whole days / months (keeping what refers to what). */
function shiftStory(value: unknown, days: number, months: number): unknown {
  if (typeof value === "string") {
    if (days === 0 && months === 0) return value;
    if (DATE_TIME.test(value)) return formatShanghai(Date.parse(value) + days * DAY_MS);
    if (DATE.test(value))
      return new Date(Date.parse(`${value}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
    const m = MONTH.exec(value);
    if (m) {
      const index = Number(m[1]) * 12 + Number(m[2]) - 1 + months;
      return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => shiftStory(v, days, months));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftStory(v, days, months)]));
  }
  return value;
}

function hexAppId(rng: Rng): string {
  let hex = "";
  for (let i = 0; i < 16; i++) hex += rng.int(0, 15).toString(16);
  return `wx${hex}`;
}

/** Creates a generator; see the module comment for what it guarantees. */
export function createFactsGenerator(options: FactsGeneratorOptions): FactsGenerator {
  if (options.stories.length === 0) throw new Error("the facts generator needs at least one story");
  const rng = createRng(options.seed);
  const asOf = options.asOf ?? (parseGenAsOf(STORY_AS_OF) as number);
  const mixRate = options.mixRate ?? 0.5;
  const boundaryRate = options.boundaryRate ?? 0.85;
  const anchor = parseGenAsOf(STORY_AS_OF) as number;
  const days = Math.round((shanghaiDayStart(asOf) - anchor) / DAY_MS);
  const monthOf = (ms: number) => {
    const d = new Date(ms + ZONE_OFFSET_MS);
    return d.getUTCFullYear() * 12 + d.getUTCMonth();
  };
  const months = monthOf(asOf) - monthOf(anchor);
  // Stories are shifted once and kept as text: each document is a fresh parse, so none share objects.
  const texts = options.stories.map((s) => JSON.stringify(shiftStory(s.doc, days, months)));
  const docs = texts.map((t) => JSON.parse(t) as FactsDoc);
  const names = options.stories.map((s) => s.name);

  const next = (): GeneratedFacts => {
    const base = rng.int(0, texts.length - 1);
    const doc = JSON.parse(texts[base]!) as FactsDoc;
    const mixedFrom: string[] = [];
    const copyGroup = (donorIndex: number, group: readonly string[]) => {
      const donor = docs[donorIndex]!;
      for (const key of group) {
        if (key in donor) doc[key] = JSON.parse(JSON.stringify(donor[key]));
        else delete doc[key];
      }
      mixedFrom.push(names[donorIndex]!);
    };
    if (texts.length > 1 && rng.chance(mixRate)) {
      const groups = rng.shuffle(SECTION_GROUPS).slice(0, rng.int(1, 3));
      for (const group of groups) copyGroup(rng.int(0, texts.length - 1), group);
    }
    const ctx: MutationContext = {
      rng,
      asOf,
      ensure: (d, group, has) => {
        if (has(d)) return true;
        const donors = docs.map((_, i) => i).filter((i) => has(docs[i]!));
        if (donors.length === 0) return false;
        copyGroup(rng.pick(donors), group);
        return true;
      },
    };
    const boundaries: string[] = [];
    if (rng.chance(boundaryRate)) {
      const count = rng.int(1, 3);
      const weighted = BOUNDARIES.flatMap((b) => Array<typeof b>(b.weight).fill(b));
      const chosen = new Set<(typeof BOUNDARIES)[number]>();
      while (chosen.size < count) chosen.add(rng.pick(weighted));
      // Apply in catalogue order, so a later mutation never undoes an earlier one by accident.
      for (const b of BOUNDARIES) if (chosen.has(b) && b.mutate(doc, ctx)) boundaries.push(b.name);
    }
    doc.appId = hexAppId(rng);
    return { doc, story: names[base]!, mixedFrom, boundaries };
  };
  return { next };
}

/** Generates `count` documents; the same options always give the same list. */
export function generateFacts(options: FactsGeneratorOptions & { count: number }): GeneratedFacts[] {
  const gen = createFactsGenerator(options);
  const out: GeneratedFacts[] = [];
  for (let i = 0; i < options.count; i++) out.push(gen.next());
  return out;
}
