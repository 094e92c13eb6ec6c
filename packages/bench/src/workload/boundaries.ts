/**
 * The rule boundaries the generator is biased towards, each as a named predicate on one
 * document. The generator's tests assert that every one of them holds on some document of
 * a 1,000-document workload, so that the agreement check exercises every edge.
 */
import type { WorkloadFacts } from "./facts.js";
import { utcDayNumber, WORKLOAD_CONSTANTS as C } from "./facts.js";

/** A boundary of one rule: a description and whether a document sits on it. */
export interface Boundary {
  /** The rule the boundary belongs to (a rule id prefix such as `R09`). */
  rule: string;
  name: string;
  holds(doc: WorkloadFacts): boolean;
}

const requiresFiling = (doc: WorkloadFacts): boolean =>
  doc.categories.some((c) => C.filingPrefixes.some((p) => c.startsWith(p)));

/** R09 decides on the review date: it applies and the entity is not overseas. */
const prelaunchDecidesOnReview = (doc: WorkloadFacts): boolean =>
  requiresFiling(doc) &&
  doc.submission.firstVersionWithFilingCategory &&
  doc.submission.filingDecidedAt === null &&
  doc.entity.type !== "overseas_non_enterprise";

const reviewDaysBeforeAsOf = (doc: WorkloadFacts): number | null =>
  doc.submission.wechatReviewPassedAt === null
    ? null
    : utcDayNumber(doc.asOf) - utcDayNumber(doc.submission.wechatReviewPassedAt);

const requiredDeposit = (doc: WorkloadFacts): number =>
  Math.min(Math.floor(doc.gmvLastMonthFen / 10), C.depositCapFen);

const purposes = (doc: WorkloadFacts): string[] => doc.privacyInterfaces.map((p) => p.purpose);

const reviewExactly = (days: number): Boundary => ({
  rule: "R09",
  name: `review passed exactly ${days} days before asOf, R09 deciding on it`,
  holds: (doc) => prelaunchDecidesOnReview(doc) && reviewDaysBeforeAsOf(doc) === days,
});

const paymentExactly = (fen: number): Boundary => ({
  rule: "R07",
  name: `payment limit exactly ${fen}`,
  holds: (doc) => doc.payment.maxSingleAmountFen === fen,
});

const nearMissOnly = (category: string): Boundary => ({
  rule: "R01",
  name: `near-miss category ${category} without any filing category`,
  holds: (doc) => doc.categories.includes(category) && !requiresFiling(doc),
});

/** Every boundary the generator must reach. */
export const BOUNDARIES: readonly Boundary[] = [
  reviewExactly(6),
  reviewExactly(7),
  reviewExactly(8),
  {
    rule: "R09",
    name: "review 7 days before an asOf in January (window crosses the year end)",
    holds: (doc) =>
      prelaunchDecidesOnReview(doc) && reviewDaysBeforeAsOf(doc) === 7 && doc.asOf.slice(5, 7) === "01",
  },
  {
    rule: "R09",
    name: "no review date while R09 decides on it",
    holds: (doc) => prelaunchDecidesOnReview(doc) && doc.submission.wechatReviewPassedAt === null,
  },
  {
    rule: "R09",
    name: "overseas entity where R09 applies",
    holds: (doc) =>
      requiresFiling(doc) &&
      doc.submission.firstVersionWithFilingCategory &&
      doc.submission.filingDecidedAt === null &&
      doc.entity.type === "overseas_non_enterprise",
  },
  { rule: "R06", name: "GMV one below the cap", holds: (doc) => doc.gmvLastMonthFen === 19_999_999 },
  { rule: "R06", name: "GMV exactly at the cap", holds: (doc) => doc.gmvLastMonthFen === 20_000_000 },
  { rule: "R06", name: "GMV one above the cap", holds: (doc) => doc.gmvLastMonthFen === 20_000_001 },
  {
    rule: "R06",
    name: "balance equal to a positive required deposit",
    holds: (doc) => requiredDeposit(doc) > 0 && doc.depositBalanceFen === requiredDeposit(doc),
  },
  {
    rule: "R06",
    name: "balance one below the required deposit",
    holds: (doc) => doc.depositBalanceFen === requiredDeposit(doc) - 1,
  },
  paymentExactly(4_999_999),
  paymentExactly(5_000_000),
  paymentExactly(5_000_001),
  {
    rule: "R08",
    name: "purpose of exactly 4 characters, neither blocklisted nor duplicated",
    holds: (doc) =>
      purposes(doc).some(
        (p, i, all) =>
          p.length === C.purposeMinLength &&
          !(C.purposeBlocklist as readonly string[]).includes(p) &&
          all.indexOf(p) === i &&
          all.lastIndexOf(p) === i,
      ),
  },
  {
    rule: "R08",
    name: "blocklisted purpose of exactly 4 characters",
    holds: (doc) =>
      purposes(doc).some(
        (p) => p.length === C.purposeMinLength && (C.purposeBlocklist as readonly string[]).includes(p),
      ),
  },
  {
    rule: "R08",
    name: "purpose of 3 characters, not blocklisted",
    holds: (doc) =>
      purposes(doc).some((p) => p.length === 3 && !(C.purposeBlocklist as readonly string[]).includes(p)),
  },
  { rule: "R08", name: "empty purpose", holds: (doc) => purposes(doc).includes("") },
  {
    rule: "R08",
    name: "long purpose containing a blocklisted word",
    holds: (doc) =>
      purposes(doc).some(
        (p) =>
          p.length > C.purposeMinLength &&
          !(C.purposeBlocklist as readonly string[]).includes(p) &&
          C.purposeBlocklist.some((w) => p.includes(w)),
      ),
  },
  {
    rule: "R08",
    name: "duplicated purpose of at least 4 characters",
    holds: (doc) => purposes(doc).some((p, i, all) => p.length >= 4 && all.indexOf(p) !== i),
  },
  {
    rule: "R11",
    name: "nickname equal to a disease name",
    holds: (doc) => (C.diseaseNames as readonly string[]).includes(doc.nickname),
  },
  {
    rule: "R11",
    name: "nickname containing but not equal to a disease name",
    holds: (doc) =>
      !(C.diseaseNames as readonly string[]).includes(doc.nickname) &&
      C.diseaseNames.some((d) => doc.nickname.includes(d)),
  },
  nearMissOnly("社区/论坛"),
  nearMissOnly("视频/短视频"),
  nearMissOnly("文娱/音频"),
  {
    rule: "R10",
    name: "label with 官方 but not 微信官方, without disclaimer",
    holds: (doc) =>
      doc.complaintEntry.label.includes("官方") &&
      !doc.complaintEntry.label.includes("微信官方") &&
      !doc.complaintEntry.hasDisclaimer,
  },
  {
    rule: "R10",
    name: "label with 官方 but not 微信官方, with disclaimer",
    holds: (doc) =>
      doc.complaintEntry.label.includes("官方") &&
      !doc.complaintEntry.label.includes("微信官方") &&
      doc.complaintEntry.hasDisclaimer,
  },
  {
    rule: "R12",
    name: "news category with a non-enterprise entity",
    holds: (doc) =>
      doc.categories.some((c) => c.startsWith(C.newsPrefix)) && doc.entity.type !== "enterprise",
  },
];
