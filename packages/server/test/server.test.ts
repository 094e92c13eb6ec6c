import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBundle, findPolicyFiles } from "@norma/compiler";
import { loadBundle, type Bundle, type Engine } from "@norma/runtime";
import { createDecisionServer, handleRequest } from "../src/index.js";

const REPO = join(import.meta.dirname, "../../..");
const example = (name: string) =>
  JSON.parse(readFileSync(join(REPO, "examples", `${name}.json`), "utf8")) as Record<string, unknown>;

let engine: Engine;
let bundle: Bundle;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  const { files } = findPolicyFiles([join(REPO, "policies")]);
  const built = buildBundle(files, { root: join(REPO, "policies") });
  if (!built.value.bundle) throw new Error(JSON.stringify(built.diagnostics.slice(0, 3)));
  bundle = built.value.bundle;
  const loaded = loadBundle(bundle);
  if (!loaded.ok) throw new Error("bundle does not load");
  engine = loaded.value;
  const server = createDecisionServer(engine, { bundle, maxBodyBytes: 200_000, maxBatch: 5 });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((r) => server.close(() => r()));
});

afterAll(async () => {
  await close?.();
});

const post = (path: string, body: string, type = "application/json") =>
  fetch(base + path, { method: "POST", headers: { "content-type": type }, body });

describe("the HTTP decision service", () => {
  it("decides a facts document the same way as the library", async () => {
    const facts = example("news-filing-pending-8-days");
    const res = await post("/v1/decide", JSON.stringify({ facts, asOf: "2026-11-21T10:00:00+08:00" }));
    expect(res.status).toBe(200);
    const decision = (await res.json()) as { verdict: string; bundle: unknown };
    const direct = engine.decide(facts, { asOf: "2026-11-21T10:00:00+08:00" });
    expect(direct.ok).toBe(true);
    if (direct.ok) expect(decision).toEqual(JSON.parse(JSON.stringify(direct.decision)));
    expect(decision.verdict).toBe("allow");
  });

  it("answers invalid facts with 422 and pointers under /facts", async () => {
    const facts = { ...example("clean-app"), nickname: 42 };
    const res = await post("/v1/decide", JSON.stringify({ facts, asOf: "2026-11-21" }));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { kind: string; errors: Array<{ pointer: string }> } };
    expect(body.error.kind).toBe("invalid-facts");
    expect(body.error.errors.map((e) => e.pointer)).toContain("/facts/nickname");
  });

  it("batches keep order, and one bad document does not fail the others", async () => {
    const good = example("clean-app");
    const res = await post(
      "/v1/decide/batch",
      JSON.stringify({ documents: [good, { nope: 1 }, good], asOf: "2026-11-21", explain: false }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      results: Array<{ decision?: { verdict: string }; errors?: Array<{ pointer: string }> }>;
    };
    expect(body.results.map((r) => (r.decision ? r.decision.verdict : "error"))).toEqual([
      "pass",
      "error",
      "pass",
    ]);
    expect(body.results[1]!.errors![0]!.pointer.startsWith("/documents/1")).toBe(true);
  });

  it("rejects bad requests with a clear status and never crashes", async () => {
    const bad = await post("/v1/decide", '{"facts": {"a": 1,}');
    expect(bad.status).toBe(400);
    const badBody = (await bad.json()) as { error: { kind: string; errors: Array<{ line: number }> } };
    expect(badBody.error.kind).toBe("bad-json");
    expect(badBody.error.errors[0]!.line).toBe(1);
    expect((await post("/v1/decide", "[]")).status).toBe(400);
    expect((await post("/v1/decide", '{"facts": {}, "extra": 1}')).status).toBe(400);
    expect((await post("/v1/decide", '{"facts": {}, "asOf": true}')).status).toBe(400);
    expect((await post("/v1/decide", "{}", "text/plain")).status).toBe(415);
    expect((await post("/v1/decide", JSON.stringify({ facts: { s: "x".repeat(300_000) } }))).status).toBe(
      413,
    );
    expect((await post("/v1/decide/batch", JSON.stringify({ documents: Array(6).fill({}) }))).status).toBe(
      413,
    );
    expect((await fetch(base + "/v1/decide")).status).toBe(405);
    expect((await fetch(base + "/nope")).status).toBe(404);
    const proto = await post("/v1/decide", '{"facts": {"__proto__": {"polluted": true}}}');
    expect(proto.status).toBe(422);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const deep = await post("/v1/decide", '{"facts":' + "[".repeat(5000) + "]".repeat(5000) + "}");
    expect(deep.status).toBe(400);
    const health = await fetch(base + "/healthz");
    expect(await health.json()).toEqual({ ok: true, bundle: engine.hash });
  });

  it("describes the loaded bundle", () => {
    const reply = handleRequest(
      engine,
      { method: "GET", path: "/v1/bundle", contentType: undefined, body: "" },
      { bundle },
    );
    expect(reply.status).toBe(200);
    const body = reply.body as { rules: Array<{ id: string; norms: string[] }> };
    expect(body.rules.length).toBe(bundle.rules.length);
    expect(body.rules.every((r) => r.norms.length > 0)).toBe(true);
  });
});
