/**
 * `norma serve [--policies DIR|BUNDLE] [--port 8080] [--host 127.0.0.1] [--watch]`: the HTTP
 * decision service (routes in `@norma/server`). Stops cleanly on SIGINT/SIGTERM, finishing open
 * requests. Reloads the policies on SIGHUP, and with `--watch` when a file under them changes:
 * the new bundle serves from the next request on; if it does not build or load, the old one goes
 * on serving (the errors go to the log, `/healthz` and the metrics say the reload failed).
 */
import { watch, type FSWatcher } from "node:fs";
import { createDecisionServer, DecisionService } from "@norma/server";
import { loadPolicies } from "../policies.js";
import { fail, parseCommandArgs } from "../util.js";

/** How long a burst of file changes (an editor saving, a checkout) settles before one reload. */
const WATCH_SETTLE_MS = 200;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      args,
      options: {
        policies: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        "max-body": { type: "string" },
        watch: { type: "boolean" },
      },
    },
    "usage: norma serve [--policies DIR|BUNDLE] [--port 8080] [--host 127.0.0.1] [--watch]",
  );
  if (!parsed) return 2;
  const port = Number(parsed.values.port ?? "8080");
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`\`${parsed.values.port}\` is not a port number`);
    return 2;
  }
  const maxBody = parsed.values["max-body"] === undefined ? undefined : Number(parsed.values["max-body"]);
  if (maxBody !== undefined && !(Number.isInteger(maxBody) && maxBody > 0)) {
    fail(`\`${parsed.values["max-body"]}\` is not a size in bytes`);
    return 2;
  }
  const policies = parsed.values.policies ?? "policies";
  const loaded = loadPolicies(policies);
  if (!loaded) return 1;
  loaded.engine.prepare(); // generate the compiled evaluator now, not on the first request
  const service = new DecisionService(loaded.engine, loaded.bundle);
  const server = createDecisionServer(service, maxBody ? { maxBodyBytes: maxBody } : {});
  const reload = (why: string) => {
    const before = service.engine.hash;
    let next: ReturnType<typeof loadPolicies>;
    try {
      next = loadPolicies(policies); // prints why it fails
    } catch (e) {
      next = null;
      process.stderr.write(`error: ${(e as Error).message}\n`);
    }
    if (!next) {
      service.reloadFailed(`the policies under \`${policies}\` do not build or load (see the log)`);
      process.stderr.write(`norma: reload (${why}) failed; still serving bundle ${before}\n`);
      return;
    }
    next.engine.prepare();
    service.replace(next.engine, next.bundle);
    process.stderr.write(
      next.engine.hash === before
        ? `norma: reloaded (${why}): bundle ${before} unchanged\n`
        : `norma: reloaded (${why}): bundle ${before} → ${next.engine.hash}\n`,
    );
  };
  const onHangup = () => reload("SIGHUP");
  process.on("SIGHUP", onHangup);
  let watcher: FSWatcher | null = null;
  if (parsed.values.watch) {
    let timer: NodeJS.Timeout | null = null;
    try {
      watcher = watch(policies, { recursive: true }, () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          reload("a file changed");
        }, WATCH_SETTLE_MS);
      });
      watcher.on("error", (e) =>
        process.stderr.write(`norma: no longer watching \`${policies}\`: ${e.message}\n`),
      );
    } catch (e) {
      fail(`cannot watch \`${policies}\`: ${(e as Error).message}`);
      return 2;
    }
  }
  const host = parsed.values.host ?? "127.0.0.1";
  return new Promise<number>((resolveExit) => {
    server.on("error", (e: NodeJS.ErrnoException) => {
      fail(`cannot listen on ${host}:${port}: ${e.code ?? e.message}`);
      resolveExit(2);
    });
    server.listen(port, host, () => {
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      process.stderr.write(
        `norma: serving bundle ${loaded.engine.hash} on http://${host}:${actual} (POST /v1/decide)${
          watcher ? `, reloading when \`${policies}\` changes` : ""
        }\n`,
      );
    });
    const stop = () => {
      process.stderr.write("norma: stopping\n");
      watcher?.close();
      process.off("SIGHUP", onHangup);
      server.close(() => resolveExit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
