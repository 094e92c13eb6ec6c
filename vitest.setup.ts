/**
 * Property tests run on a fixed seed, so a CI run is reproducible: the same commit gives the same
 * cases. `FC_SEED=<n>` picks another seed; `FC_SEED=random` draws one (printed on failure), for
 * hunting bugs locally.
 */
import fc from "fast-check";

const chosen = process.env.FC_SEED;
if (chosen !== "random") {
  const seed = chosen === undefined ? 20261121 : Number(chosen);
  fc.configureGlobal({ seed: Number.isFinite(seed) ? seed : 20261121 });
}
