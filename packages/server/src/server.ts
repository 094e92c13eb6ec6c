/**
 * The decision service over node:http.
 *
 * Routes (all JSON):
 * - `GET /healthz` → `{ok: true, bundle}`
 * - `GET /v1/bundle` → the bundle's hash, its span table's hash (what explained decisions record
 *   as `spans`), policies and rules (ids, norms, citations)
 * - `POST /v1/decide` with `{facts, asOf?, explain?, evaluator?, strict?}` → 200 with the decision;
 *   422 with `{error: {kind: "invalid-facts", errors}}` (JSON pointers under `/facts`);
 * - `POST /v1/decide/batch` with `{documents: [facts…], asOf?, explain?}` → 200 with `{results}`,
 *   one per document in order, each `{decision}` or `{errors}`: one bad document never fails the rest.
 * - `GET /metrics` → the Prometheus text format: requests by route and status, their latency,
 *   decisions by verdict, refused documents, reloads, the bundle served, the process's own metrics.
 *
 * The engine is a {@link DecisionService}'s: a reload replaces it between requests (`norma serve`
 * reloads on SIGHUP, or on a change with `--watch`), and `/healthz` says how the last one went.
 *
 * Bad requests never crash the process: unparsable JSON is 400 with line and column, an oversized
 * body 413, a wrong method 405, an unknown route 404, a wrong content type 415. The body is parsed
 * by the facts parser (no prototype pollution, bounded depth).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { parseFactsJson } from "@norma/facts";
import { EVALUATORS, type Bundle, type DecideOptions, type Engine } from "@norma/runtime";
import { DecisionService } from "./service.js";

export interface ServerOptions {
  /** Largest accepted request body in bytes (default 5 MiB). */
  maxBodyBytes?: number;
  /** Largest batch (default 1,000 documents). */
  maxBatch?: number;
  /** The bundle, for `GET /v1/bundle` (optional). */
  bundle?: Bundle;
}

interface Reply {
  status: number;
  body: unknown;
}

/** A request as the handler sees it: method, path and the raw body text. */
export interface RequestLike {
  method: string;
  path: string;
  contentType: string | undefined;
  body: string;
}

const KNOWN_KEYS = new Set(["facts", "asOf", "explain", "evaluator", "strict"]);

function error(status: number, kind: string, message: string, extra: Record<string, unknown> = {}): Reply {
  return { status, body: { error: { kind, message, ...extra } } };
}

/** Reads the decide options of a request body; an error reply when one is malformed. */
function readOptions(body: Record<string, unknown>, base: string): DecideOptions | Reply {
  const options: DecideOptions = {};
  if (body.asOf !== undefined) {
    if (typeof body.asOf !== "string" && typeof body.asOf !== "number") {
      return error(400, "bad-request", "`asOf` must be a date, an RFC 3339 date-time or epoch milliseconds", {
        pointer: `${base}/asOf`,
      });
    }
    options.asOf = body.asOf;
  }
  for (const key of ["explain", "strict"] as const) {
    if (body[key] !== undefined) {
      if (typeof body[key] !== "boolean")
        return error(400, "bad-request", `\`${key}\` must be true or false`, { pointer: `${base}/${key}` });
      options[key] = body[key];
    }
  }
  if (body.evaluator !== undefined) {
    if (!(EVALUATORS as readonly unknown[]).includes(body.evaluator)) {
      return error(400, "bad-request", "`evaluator` must be `compiled`, `fast` or `reference`", {
        pointer: `${base}/evaluator`,
      });
    }
    options.evaluator = body.evaluator as DecideOptions["evaluator"];
  }
  return options;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The routes and their methods (`/metrics` is answered by the server: its text comes asynchronously). */
const ROUTES: Readonly<Record<string, string>> = {
  "/healthz": "GET",
  "/metrics": "GET",
  "/v1/bundle": "GET",
  "/v1/decide": "POST",
  "/v1/decide/batch": "POST",
};

/** The route of a request path (`null`: none), as metrics label it. */
function routeOf(path: string): string | null {
  const route = path.split("?")[0] ?? "";
  return Object.prototype.hasOwnProperty.call(ROUTES, route) ? route : null;
}

/**
 * Answers one request; pure apart from the engine (a service's counts its decisions, and its
 * `/healthz` tells the last reload), so tests can call it without sockets.
 */
export function handleRequest(
  target: Engine | DecisionService,
  req: RequestLike,
  options: ServerOptions = {},
): Reply {
  const service = target instanceof DecisionService ? target : null;
  const engine = service ? service.engine : (target as Engine);
  const route = req.path.split("?")[0] ?? "";
  const method = routeOf(route) !== null ? ROUTES[route] : undefined;
  if (!method)
    return error(404, "not-found", `no route \`${route}\``, {
      help: "routes: GET /healthz, GET /metrics, GET /v1/bundle, POST /v1/decide, POST /v1/decide/batch",
    });
  if (req.method !== method)
    return error(405, "method-not-allowed", `\`${route}\` takes ${method}, not ${req.method}`);
  if (route === "/healthz") {
    const reload = service?.lastReload ?? null;
    return { status: 200, body: { ok: true, bundle: engine.hash, ...(reload ? { reload } : {}) } };
  }
  if (route === "/metrics")
    return error(501, "not-implemented", "metrics are served by the HTTP server (createDecisionServer)");
  if (route === "/v1/bundle") {
    const b = service?.bundle ?? options.bundle;
    return {
      status: 200,
      body: {
        hash: engine.hash,
        spans: engine.spansHash,
        policies: b?.policies.map((p) => ({ id: p.id, title: p.title, file: p.file })) ?? [],
        rules:
          b?.rules.map((r) => ({
            id: r.id,
            title: r.title,
            policy: r.policy,
            norms: r.norms,
            citations: r.citations,
          })) ?? [],
      },
    };
  }
  if (req.contentType !== undefined && !/^application\/json\b/i.test(req.contentType)) {
    return error(415, "unsupported-media-type", `send \`application/json\`, not \`${req.contentType}\``);
  }
  const parsed = parseFactsJson(req.body, "request body");
  if (!parsed.ok) {
    return error(400, "bad-json", "the request body is not valid JSON", {
      errors: parsed.errors.map((e) => ({
        message: e.message,
        line: e.line,
        column: e.column,
        pointer: e.pointer,
      })),
    });
  }
  const body = parsed.value;
  if (!isObject(body)) return error(400, "bad-request", "the body must be a JSON object", { pointer: "" });
  if (route === "/v1/decide") {
    for (const key of Object.keys(body)) {
      if (!KNOWN_KEYS.has(key))
        return error(400, "bad-request", `unknown field \`${key}\``, {
          pointer: `/${key}`,
          help: "fields: facts, asOf, explain, evaluator, strict",
        });
    }
    if (!("facts" in body)) return error(400, "bad-request", "the body needs `facts`", { pointer: "/facts" });
    const opts = readOptions(body, "");
    if ("status" in opts) return opts as Reply;
    const result = engine.decide(body.facts, opts);
    if (result.ok) service?.observeDecision(result.decision.verdict);
    else service?.observeRefused();
    if (!result.ok) {
      return error(422, "invalid-facts", "the facts are invalid, so no decision was made", {
        errors: result.errors.map((e) => ({
          ...e,
          pointer: e.pointer.startsWith("/") || e.pointer === "" ? `/facts${e.pointer}` : e.pointer,
        })),
      });
    }
    return { status: 200, body: result.decision };
  }
  // batch
  const docs = body.documents;
  if (!Array.isArray(docs))
    return error(400, "bad-request", "the body needs `documents`, a list of facts documents", {
      pointer: "/documents",
    });
  const max = options.maxBatch ?? 1000;
  if (docs.length > max)
    return error(413, "too-large", `a batch holds at most ${max} documents, found ${docs.length}`, {
      pointer: "/documents",
    });
  const opts = readOptions(body, "");
  if ("status" in opts) return opts as Reply;
  const results = docs.map((facts, i) => {
    const r = engine.decide(facts, opts);
    if (r.ok) service?.observeDecision(r.decision.verdict);
    else service?.observeRefused();
    return r.ok
      ? { decision: r.decision }
      : { errors: r.errors.map((e) => ({ ...e, pointer: `/documents/${i}${e.pointer}` })) };
  });
  return { status: 200, body: { results } };
}

/**
 * Creates (does not start) the HTTP server for an engine, or for a service whose engine a reload
 * may replace (an engine gets a service of its own, with `options.bundle`).
 */
export function createDecisionServer(target: Engine | DecisionService, options: ServerOptions = {}): Server {
  const service = target instanceof DecisionService ? target : new DecisionService(target, options.bundle);
  const maxBody = options.maxBodyBytes ?? 5 * 1024 * 1024;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let started = 0;
    const route = routeOf(req.url ?? "/") ?? "other";
    const write = (status: number, contentType: string, text: string) => {
      if (res.headersSent) return;
      res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
      res.end(text);
      service.observeRequest(route, status, started === 0 ? 0 : (performance.now() - started) / 1000);
    };
    const send = (reply: Reply) =>
      write(reply.status, "application/json; charset=utf-8", JSON.stringify(reply.body));
    const chunks: Buffer[] = [];
    let size = 0;
    let aborted = false;
    req.on("data", (chunk: Buffer) => {
      if (aborted) return;
      size += chunk.length;
      if (size > maxBody) {
        aborted = true;
        send(error(413, "too-large", `the body is larger than ${maxBody} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("error", () => {
      aborted = true;
    });
    req.on("end", () => {
      if (aborted) return;
      started = performance.now();
      if (route === "/metrics" && req.method === "GET") {
        service.metrics().then(
          (m) => write(200, m.contentType, m.text),
          (e: unknown) =>
            send(error(500, "internal", "the metrics could not be collected", { detail: String(e) })),
        );
        return;
      }
      let reply: Reply;
      try {
        reply = handleRequest(
          service,
          {
            method: req.method ?? "GET",
            path: req.url ?? "/",
            contentType: req.headers["content-type"],
            body: Buffer.concat(chunks).toString("utf8"),
          },
          options,
        );
      } catch (e) {
        reply = error(500, "internal", "internal error: this is a bug in norma", {
          detail: (e as Error)?.message ?? String(e),
        });
      }
      send(reply);
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return server;
}
