import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBundle, findPolicyFiles } from "@norma/compiler";
import { hashSpans, loadBundle, type Bundle, type Engine } from "@norma/runtime";
import { createDecisionServer, DecisionService, handleRequest } from "../src/index.js";

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

  it("exposes Prometheus metrics: requests by route and status, latency, decisions by verdict, refusals", async () => {
    const counter = (text: string, line: string) => {
      const m = new RegExp(`^${line.replace(/[{}".*+?()[\]\\/]/g, "\\$&")} (\\d+)$`, "m").exec(text);
      return m ? Number(m[1]) : 0;
    };
    const before = await (await fetch(base + "/metrics")).text();
    const facts = example("clean-app");
    await post("/v1/decide", JSON.stringify({ facts, asOf: "2026-11-21" }));
    await post(
      "/v1/decide/batch",
      JSON.stringify({ documents: [facts, { nickname: 3 }], asOf: "2026-11-21" }),
    );
    await fetch(base + "/nope/" + "x".repeat(50));
    const res = await fetch(base + "/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const delta = (line: string) => counter(text, line) - counter(before, line);
    expect(delta('norma_decisions_total{verdict="pass"}')).toBe(2);
    expect(delta("norma_refused_documents_total")).toBe(1);
    expect(delta('norma_http_requests_total{route="/v1/decide",status="200"}')).toBe(1);
    expect(delta('norma_http_requests_total{route="/v1/decide/batch",status="200"}')).toBe(1);
    // an unknown path is one label, whatever it is (no unbounded label values)
    expect(delta('norma_http_requests_total{route="other",status="404"}')).toBe(1);
    expect(text).not.toContain("xxxxx");
    expect(delta('norma_http_request_duration_seconds_count{route="/v1/decide"}')).toBe(1);
    expect(text).toContain('norma_http_request_duration_seconds_bucket{le="0.0001",route="/v1/decide"}');
    expect(text).toContain(`norma_bundle_info{bundle="${engine.hash}"} 1`);
    expect(text).toMatch(/^norma_process_resident_memory_bytes \d+/m);
  });

  it("a reload replaces the engine between requests; a failed one keeps it, and both are reported", async () => {
    const small = { ...bundle, rules: bundle.rules.filter((r) => r.policy === "nickname.nickname") };
    const { hashBundle } = await import("@norma/runtime");
    const { hash: _, spans, ...body } = small;
    const other = { ...body, hash: hashBundle(body), spans } as Bundle;
    const loaded = loadBundle(other);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    const service = new DecisionService(engine, bundle);
    const server = createDecisionServer(service);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const decide = async () =>
        (await (
          await fetch(url + "/v1/decide", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              facts: example("misleading-nickname"),
              asOf: "2026-11-21",
              explain: false,
            }),
          })
        ).json()) as { bundle: string; rules: unknown[] };
      expect((await decide()).rules).toHaveLength(bundle.rules.length);
      expect(await (await fetch(url + "/healthz")).json()).toEqual({ ok: true, bundle: engine.hash });
      service.replace(loaded.value, other);
      const after = await decide();
      expect(after.bundle).toBe(other.hash);
      expect(after.rules).toHaveLength(other.rules.length);
      expect(await (await fetch(url + "/healthz")).json()).toMatchObject({
        bundle: other.hash,
        reload: { ok: true, bundle: other.hash },
      });
      const described = (await (await fetch(url + "/v1/bundle")).json()) as { rules: unknown[] };
      expect(described.rules).toHaveLength(other.rules.length);
      service.reloadFailed("the policies do not build");
      expect((await decide()).bundle).toBe(other.hash);
      expect(await (await fetch(url + "/healthz")).json()).toMatchObject({
        bundle: other.hash,
        reload: { ok: false, bundle: other.hash, message: "the policies do not build" },
      });
      const metrics = await (await fetch(url + "/metrics")).text();
      expect(metrics).toContain('norma_reloads_total{result="ok"} 1');
      expect(metrics).toContain('norma_reloads_total{result="failed"} 1');
      expect(metrics).toContain(`norma_bundle_info{bundle="${other.hash}"} 1`);
      expect(metrics).not.toContain(`norma_bundle_info{bundle="${engine.hash}"}`);
    } finally {
      await new Promise((r) => server.close(() => r(null)));
    }
  });

  it("describes the loaded bundle", () => {
    const reply = handleRequest(
      engine,
      { method: "GET", path: "/v1/bundle", contentType: undefined, body: "" },
      { bundle },
    );
    expect(reply.status).toBe(200);
    const body = reply.body as { spans: string; rules: Array<{ id: string; norms: string[] }> };
    expect(body.rules.length).toBe(bundle.rules.length);
    expect(body.spans).toBe(hashSpans(bundle.spans));
    expect(body.rules.every((r) => r.norms.length > 0)).toBe(true);
  });
});
