/**
 * Prometheus metrics (prom-client), one registry per app so tests can build several.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The service's metrics. */
export type ServiceMetrics = ReturnType<typeof createMetrics>;

/**
 * @example
 * ```ts
 * const metrics = createMetrics({ queueDepth: () => store.countPendingCredentials() });
 * metrics.txFailures.inc({ kind: "anchor" });
 * ```
 */
export function createMetrics(parameters: {
  /** Credentials accepted but not anchored yet (read at scrape time). */
  readonly queueDepth?: (() => Promise<number>) | undefined;
  /** Credentials stored and not signed yet (signing after intake; read at scrape time). */
  readonly awaitingSignature?: (() => Promise<number>) | undefined;
  readonly defaultMetrics?: boolean | undefined;
}) {
  const registry = new Registry();
  if (parameters.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "credanchor_process_" });
  const queueDepth = parameters.queueDepth;
  return {
    registry,
    httpDuration: new Histogram({
      name: "credanchor_http_request_duration_seconds",
      help: "HTTP request latency by route and status.",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: "credanchor_queue_depth",
      help: "Credentials accepted and not yet anchored.",
      registers: [registry],
      async collect() {
        if (queueDepth !== undefined) this.set(await queueDepth());
      },
    }),
    awaitingSignature: new Gauge({
      name: "credanchor_credentials_awaiting_signature",
      help: "Credentials stored unsigned that the signer has not signed yet (their batches wait for them).",
      registers: [registry],
      async collect() {
        if (parameters.awaitingSignature !== undefined) this.set(await parameters.awaitingSignature());
      },
    }),
    credentialsAccepted: new Counter({
      name: "credanchor_credentials_accepted_total",
      help: "Credentials stored by intake (idempotent replays not counted).",
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: "credanchor_batch_size",
      help: "Credentials per closed batch.",
      buckets: [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000],
      registers: [registry],
    }),
    anchorLatency: new Histogram({
      name: "credanchor_anchoring_latency_seconds",
      help: "From a batch's first credential to the batch counting as anchored.",
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600],
      registers: [registry],
    }),
    txFailures: new Counter({
      name: "credanchor_tx_failures_total",
      help: "Transactions that reverted, were dropped or replaced, or could not be sent.",
      labelNames: ["kind", "reason"] as const,
      registers: [registry],
    }),
    txRetries: new Counter({
      name: "credanchor_tx_retries_total",
      help: "Resends: rebroadcasts, fee bumps, and sends after a drop or reorg.",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    rpcUp: new Gauge({
      name: "credanchor_rpc_up",
      help: "1 if the RPC endpoint answered the last probe of the RPC monitor (server/chain/rpcMonitor.ts), else 0.",
      registers: [registry],
    }),
    batchesByState: new Gauge({
      name: "credanchor_batches_in_flight",
      help: "Batches per publishing state (closed, sending, sent, mined).",
      labelNames: ["state"] as const,
      registers: [registry],
    }),
  };
}
