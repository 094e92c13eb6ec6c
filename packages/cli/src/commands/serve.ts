/**
 * `norma serve [--policies DIR|BUNDLE] [--port 8080] [--host 127.0.0.1]`: the HTTP decision
 * service (routes in `@norma/server`). Stops cleanly on SIGINT/SIGTERM, finishing open requests.
 */
import { createDecisionServer } from "@norma/server";
import { loadPolicies } from "../policies.js";
import { fail, parseCommandArgs } from "../util.js";

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      args,
      options: {
        policies: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        "max-body": { type: "string" },
      },
    },
    "usage: norma serve [--policies DIR|BUNDLE] [--port 8080] [--host 127.0.0.1]",
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
  const loaded = loadPolicies(parsed.values.policies ?? "policies");
  if (!loaded) return 1;
  loaded.engine.prepare(); // generate the compiled evaluator now, not on the first request
  const server = createDecisionServer(loaded.engine, {
    bundle: loaded.bundle,
    ...(maxBody ? { maxBodyBytes: maxBody } : {}),
  });
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
        `norma: serving bundle ${loaded.engine.hash} on http://${host}:${actual} (POST /v1/decide)\n`,
      );
    });
    const stop = () => {
      process.stderr.write("norma: stopping\n");
      server.close(() => resolveExit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
