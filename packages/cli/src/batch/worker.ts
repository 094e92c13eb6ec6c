/**
 * The worker thread of `norma batch` and `norma diff`: loads the bundle(s) once, then processes
 * each batch it is sent and posts the result back. It never reads or writes files and keeps no
 * state between batches.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createBatchTask, type BatchTask } from "./batch-task.js";
import type { BatchRequest, WorkerInit, WorkerMessage } from "./protocol.js";

const port = parentPort;
if (port === null) throw new Error("batch/worker.ts runs as a worker thread only");
const post = (m: WorkerMessage) => port.postMessage(m);

let task: BatchTask | null = null;
try {
  task = createBatchTask(workerData as WorkerInit);
} catch (e) {
  post({ type: "fatal", message: e instanceof Error ? e.message : String(e) });
}
if (task !== null) {
  const run = task;
  port.on("message", (req: BatchRequest) => {
    try {
      post({ type: "result", id: req.id, ...run(req.data, req.firstLine, req.count) });
    } catch (e) {
      post({ type: "fatal", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
  post({ type: "ready" });
}
