export {
  BUILTIN_FUNCTIONS,
  checkPolicy,
  pathOf,
  type Binding,
  type CheckContext,
  type CheckedPolicy,
  type LoadedLexicon,
} from "./check.js";
export { compilePolicy, typeName, type CompiledPolicy } from "./compile.js";
export {
  buildBundle,
  canonicalJson,
  findPoliciesRoot,
  findPolicyFiles,
  loadLexicon,
  type BuildOptions,
  type BuildOutput,
} from "./bundle.js";
export { checkQuote, readSource, verifyPolicyCitations, type QuoteCheck } from "./citations.js";
export { loadNormCatalogue, type NormInfo } from "./norms.js";
export { SchemaTypes } from "./schema-types.js";
export * from "./types.js";
export { dateToMs, dateTimeToMs, msToRfc3339 } from "./time.js";
