/**
 * `@norma/runtime`: loads a Norma bundle and decides facts documents with it.
 *
 * ```ts
 * const loaded = loadBundle(readFileSync("bundle.json", "utf8"));
 * if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
 * const result = loaded.value.decide(facts, { asOf: "2022-03-09T00:00:00+08:00" });
 * if (result.ok) console.log(renderDecisionText(result.decision));
 * ```
 *
 * The runtime needs no parser or compiler: a service embeds this package and a bundle file.
 */
export type {
  Bundle,
  IrCitation,
  IrEffect,
  IrEffectKind,
  IrEffective,
  IrException,
  IrLetRef,
  IrParam,
  IrPolicy,
  IrRule,
  IrSource,
  IrSpan,
  Logic,
} from "./ir.js";
export {
  EVALUATORS,
  loadBundle,
  type DecideOptions,
  type Engine,
  type FactsProblem,
  type FactsValidator,
  type LoadOptions,
  type LoadResult,
} from "./engine/engine.js";
export type { Profile, ProfileError, ProfileOptions, ProfileResult, RuleProfile } from "./engine/profile.js";
export { QUICK_PROFILE } from "./engine/profile.js";
export { checkBundle, STANDARD_OPS, type LoadDiagnostic } from "./engine/check-bundle.js";
export {
  VERDICT_ORDER,
  type AppliedException,
  type Because,
  type EvidenceRef,
  type DecideError,
  type DecideResult,
  type Decision,
  type EngineInfo,
  type JsonValue,
  type Outcome,
  type RuleExplanation,
  type RuleStatus,
  type Verdict,
} from "./decision.js";
export { renderDecisionText } from "./render-text.js";
export { compileLogic, evaluateReference, type LogicOptions } from "./logic.js";
export { CUSTOM_OP_ARITY } from "./ops/custom.js";
export { formatValue } from "./ops/format.js";
export { canonicalJson, factsHash, hashBundle, hashSpans, sha256 } from "./value/canonical.js";
export { Rational, isRational, parseDecimal, ROUNDING_MODES, type RoundingMode } from "./value/rational.js";
export { formatRfc3339, parseTime, resolveZone, SHANGHAI, type Zone } from "./value/time.js";
export { ENGINE_VERSION } from "./version.js";
