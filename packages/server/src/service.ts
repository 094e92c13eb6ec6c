/**
 * What a running decision service holds besides its routes: the engine it answers with, which a
 * reload replaces without dropping a request, and its metrics for Prometheus (`GET /metrics`).
 *
 * prom-client keeps the counters and histograms and writes the exposition format, and adds the
 * process's own metrics (CPU, memory, event-loop delay, GC) that an operator expects next to ours.
 * Each service has its own registry: two services in one process never mix their numbers.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Bundle, Engine, Verdict } from "@norma/runtime";

/** How the last reload went (see {@link DecisionService.replace} and {@link DecisionService.reloadFailed}). */
export interface ReloadStatus {
  ok: boolean;
  /** When it was tried, RFC 3339 UTC. */
  at: string;
  /** The bundle served after it (the old one when it failed). */
  bundle: string;
  /** Why it failed. */
  message?: string;
}

/** Latency buckets in seconds: a decision takes microseconds, a large batch milliseconds. */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

/** The engine a service answers with (replaceable), how the last reload went, and the metrics. */
export class DecisionService {
  private current: { engine: Engine; bundle: Bundle | undefined };
  private last: ReloadStatus | null = null;
  readonly registry = new Registry();
  private readonly requests: Counter<"route" | "status">;
  private readonly latency: Histogram<"route">;
  private readonly decisions: Counter<"verdict">;
  private readonly refused: Counter;
  private readonly reloads: Counter<"result">;
  private readonly bundleInfo: Gauge<"bundle">;

  constructor(engine: Engine, bundle?: Bundle) {
    this.current = { engine, bundle };
    const registers = [this.registry];
    this.requests = new Counter({
      name: "norma_http_requests_total",
      help: "HTTP requests answered, by route and status code",
      labelNames: ["route", "status"],
      registers,
    });
    this.latency = new Histogram({
      name: "norma_http_request_duration_seconds",
      help: "Time from the whole request body received to the reply written, by route",
      labelNames: ["route"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.decisions = new Counter({
      name: "norma_decisions_total",
      help: "Decisions made, by verdict (a batch counts each document)",
      labelNames: ["verdict"],
      registers,
    });
    this.refused = new Counter({
      name: "norma_refused_documents_total",
      help: "Facts documents refused as invalid (no decision made)",
      registers,
    });
    this.reloads = new Counter({
      name: "norma_reloads_total",
      help: "Policy reloads, by result (a failed reload keeps the bundle served before)",
      labelNames: ["result"],
      registers,
    });
    this.bundleInfo = new Gauge({
      name: "norma_bundle_info",
      help: "The bundle being served (1 for its hash)",
      labelNames: ["bundle"],
      registers,
    });
    this.bundleInfo.set({ bundle: engine.hash }, 1);
    collectDefaultMetrics({ register: this.registry, prefix: "norma_" });
  }

  /** The engine to answer the next request with. */
  get engine(): Engine {
    return this.current.engine;
  }

  /** The bundle being served, when the service was given it. */
  get bundle(): Bundle | undefined {
    return this.current.bundle;
  }

  /** How the last reload went; `null` before the first. */
  get lastReload(): ReloadStatus | null {
    return this.last;
  }

  /**
   * Serves `engine` from the next request on. A request is answered by one engine from start to
   * end (deciding is synchronous), so none sees a mix and none is dropped.
   */
  replace(engine: Engine, bundle?: Bundle): void {
    this.bundleInfo.reset();
    this.bundleInfo.set({ bundle: engine.hash }, 1);
    this.current = { engine, bundle };
    this.reloads.inc({ result: "ok" });
    this.last = { ok: true, at: new Date().toISOString(), bundle: engine.hash };
  }

  /** Records a reload that failed (`message`: why); the engine served does not change. */
  reloadFailed(message: string): void {
    this.reloads.inc({ result: "failed" });
    this.last = { ok: false, at: new Date().toISOString(), bundle: this.current.engine.hash, message };
  }

  /** Counts one request answered on `route` with `status`, which took `seconds`. */
  observeRequest(route: string, status: number, seconds: number): void {
    this.requests.inc({ route, status: String(status) });
    this.latency.observe({ route }, seconds);
  }

  /** Counts one decision made, by its verdict. */
  observeDecision(verdict: Verdict): void {
    this.decisions.inc({ verdict });
  }

  /** Counts one facts document refused as invalid. */
  observeRefused(): void {
    this.refused.inc();
  }

  /** The metrics in the Prometheus text format, and its content type. */
  async metrics(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
