/**
 * Validating each document of a batch once: the line is parsed and validated in one step
 * (`parseAndValidateFacts`, which skips what parsing already established), and the engine, loaded
 * with {@link KnownValidation.validate} as its facts validator, gets that result back instead of
 * validating the same document again. The engine's own flow is unchanged: it still checks the
 * as-of instant and the facts' shape first and refuses invalid facts itself, with the same errors.
 */
import { validateFacts, type FactsValidation } from "@norma/facts";
import { loadBundle, type FactsValidator, type LoadResult } from "@norma/runtime";

/** `validateFacts`, answered from memory for the one document it was told about. */
export class KnownValidation {
  private doc: unknown = null;
  private result: FactsValidation | null = null;

  /**
   * The validator to load a bundle with: `validateFacts`, except for the remembered document
   * (the same object, not strict), for which it gives the remembered result.
   */
  readonly validate: FactsValidator = (doc, options) =>
    this.result !== null && doc === this.doc && options.strict !== true
      ? this.result
      : validateFacts(doc, options);

  /**
   * Runs `decide` with `validation` remembered as `validateFacts(doc)` (not strict).
   * INVARIANT: `validation` is what `validateFacts(doc)` gives, and `doc` is not changed meanwhile.
   */
  with<T>(doc: unknown, validation: FactsValidation, decide: () => T): T {
    this.doc = doc;
    this.result = validation;
    try {
      return decide();
    } finally {
      this.doc = null;
      this.result = null;
    }
  }

  /**
   * Loads a bundle that validates facts with this validator; when it does not load, the result of
   * a plain `loadBundle` (whose diagnostics also warn about policies reading another schema).
   */
  load(bundleText: string): LoadResult {
    const loaded = loadBundle(bundleText, { validateFacts: this.validate });
    return loaded.ok ? loaded : loadBundle(bundleText);
  }
}
