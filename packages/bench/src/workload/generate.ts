/**
 * The seeded generator of workload facts documents (shared/bench/workload.md). Deterministic
 * per seed; biased towards the boundaries of the twelve rules so that an implementation that
 * gets a comparison or a window off by one disagrees with the others on some document.
 * Every string it makes is in the Basic Multilingual Plane.
 */
import type { EntityType, PrivacyInterface, WorkloadFacts } from "./facts.js";
import { utcDayNumber } from "./facts.js";
import { createRng, type Rng } from "./prng.js";

/** The seed `pnpm bench` uses unless told otherwise. */
export const DEFAULT_WORKLOAD_SEED = 20_261_110;

/** Options of {@link generateWorkload}. */
export interface GenerateOptions {
  /** Number of documents. */
  count: number;
  /** Any integer; only its low 32 bits matter. */
  seed: number;
}

/** The pools the generator draws from, exported so that tests can name what they expect to see. */
export const POOLS = {
  /** Evaluation dates, some chosen so that the 7-day window crosses a month, a year or Feb 29. */
  asOfEdges: ["2026-11-10", "2026-01-03", "2026-03-02", "2028-03-03", "2026-12-31"],
  filingCategories: [
    "社交/社区",
    "社交/直播",
    "社交/笔记",
    "文娱/视频",
    "文娱/视频号",
    "文娱/FM",
    "文娱/FM电台",
    "时政信息/时政信息",
    "时政信息/新闻资讯",
  ],
  /** Categories that nearly match a filing glob but do not. */
  nearMissCategories: ["社区/论坛", "视频/短视频", "文娱/音频", "社交", "时政信息"],
  otherCategories: ["工具/信息查询", "商业服务/会展服务", "教育/在线教育", "生活服务/家政", "餐饮/点餐平台"],
  securityApis: ["msgSecCheck", "imgSecCheck", "mediaCheckAsync", "getUserRiskRank"],
  privacyApis: [
    "getLocation",
    "chooseLocation",
    "getUserProfile",
    "chooseImage",
    "getPhoneNumber",
    "chooseAddress",
    "getWeRunData",
    "startRecord",
  ],
  /** Long purposes; some contain a blocklisted word without being one. */
  longPurposes: [
    "用于展示附近门店列表",
    "用于填写收货地址",
    "用于上传头像",
    "用于计算运动步数排行",
    "仅用于定位附近门店",
    "暂未使用该接口",
    "用于开发者调试",
  ],
  fourCharPurposes: ["展示门店", "填写地址", "上传头像", "步数排行"],
  blocklistedFourChar: ["暂未使用"],
  blocklistedShort: ["使用", "定位", "开发", "不收集"],
  shortPurposes: ["定位用", "头像", "查", "门店列"],
  diseaseNames: ["艾滋病", "癌症", "白血病", "糖尿病", "乙肝", "肺结核", "新冠肺炎"],
  ordinaryNicknames: ["健康小助手", "糖尿", "癌", "附近好店", "白血球科普", "肺活量训练"],
  complaintLabels: [
    "微信官方投诉",
    "官方投诉",
    "投诉与反馈",
    "官方客服",
    "微信投诉",
    "联系客服",
    "微信 官方投诉入口",
  ],
} as const;

const DAY_MS = 86_400_000;
const DEPOSIT_CAP_GMV_FEN = 20_000_000;

/** Generates `count` documents for `seed`; the same options always give the same documents. */
export function generateWorkload(options: GenerateOptions): WorkloadFacts[] {
  const rng = createRng(options.seed);
  const docs: WorkloadFacts[] = [];
  for (let i = 0; i < options.count; i++) docs.push(generateFacts(rng));
  return docs;
}

/** Draws one document from `rng`. */
export function generateFacts(rng: Rng): WorkloadFacts {
  const asOf = rng.chance(0.6) ? rng.pick(POOLS.asOfEdges) : formatUtcDay(rng.int(20_454, 20_818)); // 2026
  const asOfDay = utcDayNumber(asOf);
  const gmvLastMonthFen = drawGmv(rng);
  return {
    appId: drawAppId(rng),
    asOf,
    entity: { type: drawEntity(rng) },
    categories: drawCategories(rng),
    ugc: { text: rng.chance(0.5), image: rng.chance(0.5), video: rng.chance(0.4) },
    securityApis: POOLS.securityApis.filter(() => rng.chance(0.5)),
    gmvLastMonthFen,
    depositBalanceFen: drawBalance(rng, gmvLastMonthFen),
    payment: { maxSingleAmountFen: drawPaymentLimit(rng) },
    privacyInterfaces: drawPrivacyInterfaces(rng),
    submission: {
      firstVersionWithFilingCategory: rng.chance(0.7),
      wechatReviewPassedAt: drawReviewDate(rng, asOfDay),
      filingDecidedAt: rng.chance(0.55) ? null : formatUtcDay(asOfDay - rng.int(0, 90)),
    },
    nickname: drawNickname(rng),
    complaintEntry: { label: rng.pick(POOLS.complaintLabels), hasDisclaimer: rng.chance(0.5) },
  };
}

/** The `YYYY-MM-DD` text of a UTC day number. */
export function formatUtcDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function drawAppId(rng: Rng): string {
  let hex = "";
  for (let i = 0; i < 16; i++) hex += rng.int(0, 15).toString(16);
  return `wx${hex}`;
}

function drawEntity(rng: Rng): EntityType {
  const r = rng.next();
  return r < 0.4 ? "enterprise" : r < 0.7 ? "individual_business" : "overseas_non_enterprise";
}

function drawCategories(rng: Rng): string[] {
  const count = rng.int(1, 3);
  const categories: string[] = [];
  while (categories.length < count) {
    const r = rng.next();
    const pool =
      r < 0.35 ? POOLS.filingCategories : r < 0.65 ? POOLS.nearMissCategories : POOLS.otherCategories;
    const category = rng.pick(pool);
    if (!categories.includes(category)) categories.push(category);
  }
  return categories;
}

function drawGmv(rng: Rng): number {
  const r = rng.next();
  if (r < 0.45) return DEPOSIT_CAP_GMV_FEN + rng.pick([-10, -9, -1, 0, 1, 9, 10]);
  if (r < 0.55) return 0;
  return rng.int(0, 40_000_000);
}

function drawBalance(rng: Rng, gmv: number): number {
  const required = Math.min(Math.floor(gmv / 10), 2_000_000);
  const r = rng.next();
  if (r < 0.25) return required;
  if (r < 0.5) return Math.max(0, required - 1);
  if (r < 0.6) return required + 1;
  if (r < 0.7) return 0;
  return rng.int(0, 2_500_000);
}

function drawPaymentLimit(rng: Rng): number {
  return rng.chance(0.6) ? rng.pick([4_999_999, 5_000_000, 5_000_001]) : rng.int(0, 20_000_000);
}

function drawPrivacyInterfaces(rng: Rng): PrivacyInterface[] {
  const count = rng.int(0, 4);
  const apis: string[] = [];
  while (apis.length < count) {
    const api = rng.pick(POOLS.privacyApis);
    if (!apis.includes(api)) apis.push(api);
  }
  const interfaces: PrivacyInterface[] = [];
  for (const api of apis) {
    const r = rng.next();
    let purpose: string;
    if (r < 0.18 && interfaces.length > 0) purpose = rng.pick(interfaces).purpose;
    else if (r < 0.45) purpose = rng.pick(POOLS.longPurposes);
    else if (r < 0.6) purpose = rng.pick(POOLS.fourCharPurposes);
    else if (r < 0.72) purpose = rng.pick(POOLS.blocklistedFourChar);
    else if (r < 0.82) purpose = rng.pick(POOLS.blocklistedShort);
    else if (r < 0.92) purpose = rng.pick(POOLS.shortPurposes);
    else if (r < 0.96) purpose = "";
    else purpose = rng.pick(POOLS.longPurposes);
    interfaces.push({ api, purpose });
  }
  return interfaces;
}

function drawReviewDate(rng: Rng, asOfDay: number): string | null {
  const r = rng.next();
  if (r < 0.15) return null;
  if (r < 0.75) return formatUtcDay(asOfDay - rng.pick([6, 7, 8]));
  return formatUtcDay(asOfDay - rng.int(0, 60));
}

function drawNickname(rng: Rng): string {
  const r = rng.next();
  const disease = rng.pick(POOLS.diseaseNames);
  if (r < 0.25) return disease;
  if (r < 0.5) return rng.pick([`${disease}之家`, `抗${disease}联盟`, `${disease}患者社区`]);
  return rng.pick(POOLS.ordinaryNicknames);
}
