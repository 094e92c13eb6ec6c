/**
 * Access to a full garbage collection, so that heap deltas measure what an implementation
 * retains rather than what happens to be collectable. Works without `--expose-gc` on the
 * command line (the bench runs under tsx, whose node flags the root script does not set).
 */
import v8 from "node:v8";
import vm from "node:vm";

let cached: (() => void) | undefined;

/** Returns a function that runs a full, synchronous garbage collection. */
export function getGc(): () => void {
  if (cached !== undefined) return cached;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === "function") {
    cached = exposed;
  } else {
    v8.setFlagsFromString("--expose-gc");
    cached = vm.runInNewContext("gc") as () => void;
  }
  return cached;
}

/** Used heap in bytes after two full collections (the second catches finalizer leftovers). */
export function settledHeapUsed(): number {
  const gc = getGc();
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
