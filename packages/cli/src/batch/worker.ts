/**
 * The worker thread of `norma batch`: loads the bundle once, then decides each batch it is sent
 * and posts the output back. It never reads or writes files and keeps no state between batches.
 */
import { parentPort, workerData } from "node:worker_threads";
import { decideBatch } from "./decide-batch.js";
import { LineDecider } from "./line-decider.js";
import type { BatchRequest, WorkerInit, WorkerMessage } from "./protocol.js";

const port = parentPort;
if (port === null) throw new Error("batch/worker.ts runs as a worker thread only");
const post = (m: WorkerMessage) => port.postMessage(m);

const init = workerData as WorkerInit;
const loaded = LineDecider.fromBundleText(init.bundleText, init.settings);
if ("error" in loaded) {
  post({ type: "fatal", message: loaded.error });
} else {
  const decider = loaded.decider;
  port.on("message", (req: BatchRequest) => {
    try {
      const { output, counts } = decideBatch(decider, req.data, req.firstLine, req.count);
      post({ type: "result", id: req.id, output, counts });
    } catch (e) {
      post({ type: "fatal", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
  post({ type: "ready" });
}
