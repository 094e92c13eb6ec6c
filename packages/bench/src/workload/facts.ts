/**
 * The facts document and the outcomes of the peer-comparison workload, as specified in
 * shared/bench/workload.md. Every implementation (hand-written, peers, Norma) reads a
 * {@link WorkloadFacts} and returns one {@link Outcome} per rule in {@link RULE_IDS}.
 */

/** The legal form of the mini program's operator. */
export type EntityType = "enterprise" | "individual_business" | "overseas_non_enterprise";

/** One privacy interface the mini program declares, with the purpose shown to users. */
export interface PrivacyInterface {
  api: string;
  purpose: string;
}

/** One facts document: one mini program, evaluated as of `asOf` (engines never read the clock). */
export interface WorkloadFacts {
  appId: string;
  /** Evaluation date, `YYYY-MM-DD`, a UTC day. */
  asOf: string;
  entity: { type: EntityType };
  /** 1 to 3 category paths such as `社交/社区`. */
  categories: string[];
  ugc: { text: boolean; image: boolean; video: boolean };
  /** A subset of `msgSecCheck`, `imgSecCheck`, `mediaCheckAsync`, `getUserRiskRank`. */
  securityApis: string[];
  /** Integer fen. */
  gmvLastMonthFen: number;
  /** Integer fen. */
  depositBalanceFen: number;
  payment: { maxSingleAmountFen: number };
  /** 0 to 4 interfaces. */
  privacyInterfaces: PrivacyInterface[];
  submission: {
    firstVersionWithFilingCategory: boolean;
    /** `YYYY-MM-DD` or null when WeChat review has not passed. */
    wechatReviewPassedAt: string | null;
    /** `YYYY-MM-DD` or null when no filing decision exists yet. */
    filingDecidedAt: string | null;
  };
  nickname: string;
  complaintEntry: { label: string; hasDisclaimer: boolean };
}

/** The twelve rule ids, in the order outcomes are compared. */
export const RULE_IDS = [
  "R01.filing.required",
  "R02.filing.status",
  "R03.ugc.text",
  "R04.ugc.image",
  "R05.ugc.video",
  "R06.deposit",
  "R07.payment.singleLimit",
  "R08.privacy.purpose",
  "R09.filing.prelaunch",
  "R10.complaint.label",
  "R11.nickname.disease",
  "R12.entity.newsCategory",
] as const;

/** A rule id of the workload. */
export type RuleId = (typeof RULE_IDS)[number];

/**
 * The outcome of one rule on one document. `dueFen` is present exactly on R06 and
 * `rejected` (api names in input order) exactly on R08.
 */
export interface Outcome {
  rule: RuleId;
  effect: string;
  dueFen?: number;
  rejected?: string[];
}

/** Constants shared by the rule text of every implementation (they are part of the workload). */
export const WORKLOAD_CONSTANTS = {
  /** Category prefixes that require filing (globs 社交/*, 文娱/视频*, 文娱/FM*, 时政信息/*). */
  filingPrefixes: ["社交/", "文娱/视频", "文娱/FM", "时政信息/"],
  newsPrefix: "时政信息/",
  depositCapFen: 2_000_000,
  paymentSingleLimitFen: 5_000_000,
  purposeMinLength: 4,
  purposeBlocklist: ["使用", "定位", "开发", "暂未使用", "不收集"],
  prelaunchWaitDays: 7,
  diseaseNames: ["艾滋病", "癌症", "白血病", "糖尿病", "乙肝", "肺结核", "新冠肺炎"],
} as const;

/**
 * Puts outcomes in the canonical form used for comparison: sorted by rule id, keys in a
 * fixed order, and any key outside the {@link Outcome} shape kept so that it shows up as
 * a difference. Numbers that an engine returns as bigint are converted to number.
 */
export function canonicalizeOutcomes(outcomes: readonly unknown[]): string {
  const normalized = outcomes.map((raw) => {
    const o = raw as Record<string, unknown>;
    const { rule, effect, dueFen, rejected, ...rest } = o;
    const out: Record<string, unknown> = { rule, effect };
    if (dueFen !== undefined) out.dueFen = typeof dueFen === "bigint" ? Number(dueFen) : dueFen;
    if (rejected !== undefined) out.rejected = rejected;
    for (const key of Object.keys(rest).sort()) out[key] = rest[key];
    return out;
  });
  normalized.sort((a, b) => String(a.rule).localeCompare(String(b.rule)));
  return JSON.stringify(normalized);
}

/**
 * The day number (days since 1970-01-01, UTC) of a `YYYY-MM-DD` date.
 * INVARIANT: the input is a valid calendar date in that exact format (the generator only makes such).
 */
export function utcDayNumber(date: string): number {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  return Date.UTC(year, month - 1, day) / 86_400_000;
}
