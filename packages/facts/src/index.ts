/**
 * `@norma/facts`: the facts schema every source normalizes into, its validation, and a field
 * reference for the policy checker and the docs generator.
 *
 * Pipeline for facts text: {@link parseFactsJson} (strict JSON, positions, no prototype reachable)
 * → {@link validateFacts} (preflight + schema) — or both at once with {@link validateFactsText}.
 */
export {
  factsSchema,
  FACTS_SCHEMA_ID,
  FACTS_SCHEMA_VERSION,
  type FactSource,
  type SchemaNode,
} from "./schema.js";
export {
  MAX_FACTS_DEPTH,
  MAX_FACTS_TEXT_LENGTH,
  escapePointerToken,
  parsePointer,
  previewValue,
  type FactError,
  type FactErrorCode,
} from "./fact-error.js";
export {
  parseFactsJson,
  type ParsedFacts,
  type ParseFactsOptions,
  type SourceLocation,
} from "./parse-facts-json.js";
export {
  validateFacts,
  validateFactsText,
  parseAndValidateFacts,
  describeExpected,
  MAX_REPORTED_ERRORS,
  type FactsValidation,
  type FactsTextValidation,
  type ParsedAndValidatedFacts,
  type ValidateFactsOptions,
} from "./validate-facts.js";
export {
  describeFields,
  resolveSchemaAt,
  type FieldInfo,
  type FieldShape,
  type FactTypeName,
} from "./describe-fields.js";
