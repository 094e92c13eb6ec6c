/**
 * Where batches are processed: worker threads (each loads the bundle(s) once), or the main
 * thread itself (`--workers 0`, for tests and tiny inputs). Both give the same results.
 */
import { Worker } from "node:worker_threads";
import { createBatchTask } from "./batch-task.js";
import type { BatchRequest, BatchResult, WorkerInit, WorkerMessage } from "./protocol.js";

/** Decides batches; results may come back in any order. */
export interface DecisionPool {
  /** Number of threads deciding (0: the main thread). */
  readonly threads: number;
  /** Decides one batch. The batch's `data` buffer is transferred: the caller must not use it again. */
  submit(req: BatchRequest): Promise<BatchResult>;
  /** Stops the threads (after the last result). */
  close(): Promise<void>;
}

/** Creates a pool of `workers` threads (0: the main thread) doing `init`; rejects when a bundle does not load. */
export async function createDecisionPool(init: WorkerInit, workers: number): Promise<DecisionPool> {
  return workers <= 0 ? createInlinePool(init) : WorkerPool.start(init, workers);
}

function createInlinePool(init: WorkerInit): DecisionPool {
  const task = createBatchTask(init);
  return {
    threads: 0,
    // Decided on a later turn of the event loop, so reading, writing and signals keep running between batches.
    submit: (req) =>
      new Promise((resolve) =>
        setImmediate(() =>
          resolve({ type: "result", id: req.id, ...task(req.data, req.firstLine, req.count) }),
        ),
      ),
    close: async () => {},
  };
}

interface Pending {
  resolve: (r: BatchResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

/** The worker-thread pool: each batch goes to the worker with the fewest batches outstanding. */
class WorkerPool implements DecisionPool {
  private closing = false;

  private constructor(private readonly slots: Slot[]) {}

  get threads(): number {
    return this.slots.length;
  }

  static async start(init: WorkerInit, count: number): Promise<WorkerPool> {
    const url = new URL(`./worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);
    const slots: Slot[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const worker = spawnWorker(url, init);
      const slot: Slot = { worker, pending: new Map() };
      slots.push(slot);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once("message", (m: WorkerMessage) =>
            m.type === "ready"
              ? resolve()
              : reject(new Error(m.type === "fatal" ? m.message : "worker did not start")),
          );
          worker.once("error", reject);
        }),
      );
    }
    const pool = new WorkerPool(slots);
    try {
      await Promise.all(ready);
    } catch (e) {
      await pool.close();
      throw e;
    }
    for (const slot of slots) pool.listen(slot);
    return pool;
  }

  private listen(slot: Slot): void {
    const failAll = (e: Error) => {
      for (const p of slot.pending.values()) p.reject(e);
      slot.pending.clear();
    };
    slot.worker.on("message", (m: WorkerMessage) => {
      if (m.type === "result") {
        const p = slot.pending.get(m.id);
        slot.pending.delete(m.id);
        p?.resolve(m);
      } else if (m.type === "fatal") failAll(new Error(`a worker failed: ${m.message}`));
    });
    slot.worker.on("error", (e) => failAll(e));
    slot.worker.on("exit", (code) => {
      if (!this.closing) failAll(new Error(`a worker exited unexpectedly (code ${code})`));
    });
  }

  submit(req: BatchRequest): Promise<BatchResult> {
    let best = this.slots[0]!;
    for (const s of this.slots) if (s.pending.size < best.pending.size) best = s;
    return new Promise((resolve, reject) => {
      best.pending.set(req.id, { resolve, reject });
      best.worker.postMessage(req, [req.data.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/**
 * The young generation of a worker's heap, MiB (V8's default gives 32 MiB of new space). A batch
 * holds a few hundred parsed documents and their decisions at a time; with 4 times the room, most
 * of them die before a scavenge instead of being copied, and scavenges are rarer: about 20% more
 * documents per second on 2 cores, for about 200 MiB more resident memory.
 */
const YOUNG_GENERATION_MB = 128;

/**
 * Starts a worker on `url`. A `.ts` worker (running from source under tsx) first registers tsx's
 * loader inside the worker: loader hooks of the main thread do not reach worker threads on Node 20.
 */
function spawnWorker(url: URL, init: WorkerInit): Worker {
  const options = { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } };
  if (!url.pathname.endsWith(".ts")) return new Worker(url, options);
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const code =
    `import(${JSON.stringify(tsxApi)})` +
    `.then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })` +
    `.catch((e) => { throw e; });`;
  return new Worker(code, { ...options, eval: true });
}
