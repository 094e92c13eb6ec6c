/**
 * `@norma/extract`: facts from a WeChat mini-program source package, each with the file and line
 * that prove it.
 *
 * Entry point: {@link extractFacts}. The tables it reads by are exported so that docs and tests
 * can show them: the privacy-API table, the component mapping table, the vendored globs and the
 * moderation tables.
 */
export { extractFacts, type ExtractOptions, type ExtractResult, type UnmappedFacts } from "./extract.js";
export type {
  Evidence,
  ExtractError,
  ExtractStats,
  ExtractWarning,
  Layout,
  LayoutKind,
  Place,
  WarningCode,
} from "./types.js";
export type { FactsDocument } from "./facts-map.js";
export type {
  PackageFindings,
  PrivacyUse,
  SecurityFinding,
  ModerationFinding,
  UgcFinding,
  ComplaintFinding,
  PromptFinding,
} from "./findings.js";
export { COMPONENT_PRIVACY, type ComponentPrivacy } from "./component-map.js";
export {
  INFO_TYPES,
  PRIVACY_APIS,
  PRIVACY_OPEN_TYPES,
  PRIVACY_TAGS,
  PRIVACY_SCOPES,
  REQUIRED_PRIVATE_INFOS,
} from "./privacy-table.js";
export { VENDORED_GLOBS, PRUNED_DIRS, isVendoredPath } from "./vendored.js";
export { SECURITY_ENDPOINTS, MODERATION_MODULES, MODERATION_ENDPOINTS } from "./security-table.js";
export { NON_OFFICIAL_NOTICE, hasNonOfficialNotice } from "./analyze-interface.js";
export { parseJsonLocated } from "./json-locate.js";
