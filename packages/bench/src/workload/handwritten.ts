/**
 * The twelve workload rules as one plain JavaScript function: the speed limit every engine
 * is measured against. Written the way a careful engineer would write it by hand for speed:
 * no allocation beyond the outcomes, no regular expressions, dates as UTC day numbers.
 */
import type { Outcome, WorkloadFacts } from "./facts.js";
import { utcDayNumber, WORKLOAD_CONSTANTS as C } from "./facts.js";

const BLOCKLIST: ReadonlySet<string> = new Set(C.purposeBlocklist);
const DISEASES: ReadonlySet<string> = new Set(C.diseaseNames);

/** Decides the twelve rules for one document; outcomes come in {@link RULE_IDS} order. */
export function decideHandwritten(doc: WorkloadFacts): Outcome[] {
  let filingRequired = false;
  let news = false;
  for (const category of doc.categories) {
    if (
      category.startsWith("社交/") ||
      category.startsWith("文娱/视频") ||
      category.startsWith("文娱/FM") ||
      category.startsWith("时政信息/")
    ) {
      filingRequired = true;
    }
    if (category.startsWith("时政信息/")) news = true;
  }

  const { submission, ugc, securityApis } = doc;
  const decided = submission.filingDecidedAt !== null;

  const required = Math.min(Math.floor(doc.gmvLastMonthFen / 10), C.depositCapFen);
  const dueFen = Math.max(0, required - doc.depositBalanceFen);

  const interfaces = doc.privacyInterfaces;
  const rejected: string[] = [];
  for (let i = 0; i < interfaces.length; i++) {
    const purpose = interfaces[i]!.purpose;
    let bad = purpose.length < C.purposeMinLength || BLOCKLIST.has(purpose);
    for (let j = 0; !bad && j < interfaces.length; j++) {
      if (j !== i && interfaces[j]!.purpose === purpose) bad = true;
    }
    if (bad) rejected.push(interfaces[i]!.api);
  }

  let prelaunch: string;
  if (!filingRequired || !submission.firstVersionWithFilingCategory || decided) prelaunch = "not_applicable";
  else if (doc.entity.type === "overseas_non_enterprise") prelaunch = "deny";
  else if (
    submission.wechatReviewPassedAt !== null &&
    utcDayNumber(doc.asOf) >= utcDayNumber(submission.wechatReviewPassedAt) + C.prelaunchWaitDays
  ) {
    prelaunch = "allow";
  } else prelaunch = "deny";

  const label = doc.complaintEntry.label;
  const complaint = label.includes("微信官方")
    ? "reject"
    : label.includes("官方") && !doc.complaintEntry.hasDisclaimer
      ? "warn"
      : "pass";

  return [
    { rule: "R01.filing.required", effect: filingRequired ? "require" : "pass" },
    {
      rule: "R02.filing.status",
      effect: !filingRequired ? "not_applicable" : decided ? "pass" : "pending",
    },
    {
      rule: "R03.ugc.text",
      effect: !ugc.text ? "not_applicable" : securityApis.includes("msgSecCheck") ? "pass" : "reject",
    },
    {
      rule: "R04.ugc.image",
      effect: !ugc.image
        ? "not_applicable"
        : securityApis.includes("imgSecCheck") || securityApis.includes("mediaCheckAsync")
          ? "pass"
          : "reject",
    },
    {
      rule: "R05.ugc.video",
      effect: !ugc.video ? "not_applicable" : securityApis.includes("mediaCheckAsync") ? "pass" : "reject",
    },
    { rule: "R06.deposit", effect: dueFen > 0 ? "topup" : "pass", dueFen },
    {
      rule: "R07.payment.singleLimit",
      effect: doc.payment.maxSingleAmountFen > C.paymentSingleLimitFen ? "reject" : "pass",
    },
    { rule: "R08.privacy.purpose", effect: rejected.length > 0 ? "reject" : "pass", rejected },
    { rule: "R09.filing.prelaunch", effect: prelaunch },
    { rule: "R10.complaint.label", effect: complaint },
    { rule: "R11.nickname.disease", effect: DISEASES.has(doc.nickname) ? "reject" : "pass" },
    {
      rule: "R12.entity.newsCategory",
      effect: !news ? "not_applicable" : doc.entity.type === "enterprise" ? "pass" : "reject",
    },
  ];
}
