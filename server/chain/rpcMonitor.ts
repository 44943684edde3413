/**
 * Watches the RPC endpoint on its own schedule, so readiness (/readyz) and
 * `credanchor_rpc_up` answer from state kept here, in microseconds, whatever the RPC does:
 * a stalled endpoint costs a probe its timeout, never a request of the API. The publisher's
 * own view (its last pass) is reported beside it.
 */
import type { Gauge } from "prom-client";

/** What the monitor knows about the RPC endpoint. */
export type RpcHealth = {
  /** True when the last probe answered within the timeout. */
  readonly up: boolean;
  /** The head the last successful probe saw. */
  readonly block: bigint | undefined;
  /** When the last probe finished (ms since the epoch); undefined before the first. */
  readonly checkedAt: number | undefined;
  /** Why the last probe failed. */
  readonly error: string | undefined;
};

/** Parameters of {@link createRpcMonitor}. */
export type CreateRpcMonitorParameters = {
  /** One cheap read, e.g. `() => client.getBlockNumber({ cacheTime: 0 })`. */
  readonly probe: () => Promise<bigint>;
  /** Time between probes. */
  readonly intervalMs: number;
  /** A probe not answered by then counts as the RPC being down. */
  readonly timeoutMs: number;
  /** `credanchor_rpc_up`, set after every probe. */
  readonly gauge?: Pick<Gauge, "set"> | undefined;
  readonly now?: (() => number) | undefined;
};

/** The monitor. */
export type RpcMonitor = {
  start(): void;
  stop(): Promise<void>;
  /** One probe now (start() runs them on the interval). */
  check(): Promise<RpcHealth>;
  health(): RpcHealth;
};

/**
 * @example
 * ```ts
 * const monitor = createRpcMonitor({ probe: () => client.getBlockNumber({ cacheTime: 0 }), intervalMs: 1000, timeoutMs: 3000, gauge: metrics.rpcUp });
 * monitor.start();
 * monitor.health(); // { up: true, block: 1234n, checkedAt, error: undefined }
 * ```
 */
export function createRpcMonitor(parameters: CreateRpcMonitorParameters): RpcMonitor {
  const now = parameters.now ?? Date.now;
  let health: RpcHealth = { up: false, block: undefined, checkedAt: undefined, error: "not checked yet" };
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<RpcHealth> | undefined;

  async function probeOnce(): Promise<RpcHealth> {
    let timeout: NodeJS.Timeout | undefined;
    try {
      const block = await Promise.race([
        parameters.probe(),
        new Promise<never>((_, reject) => {
          timeout = setTimeout(() => reject(new Error(`no answer within ${parameters.timeoutMs} ms`)), parameters.timeoutMs);
        }),
      ]);
      health = { up: true, block, checkedAt: now(), error: undefined };
    } catch (error) {
      const message = (error as { shortMessage?: string }).shortMessage ?? (error as Error).message ?? String(error);
      health = { up: false, block: health.block, checkedAt: now(), error: message.split("\n")[0] };
    } finally {
      clearTimeout(timeout);
    }
    parameters.gauge?.set(health.up ? 1 : 0);
    return health;
  }

  function check(): Promise<RpcHealth> {
    // One probe at a time: a slow endpoint is not sent a pile of them.
    inFlight ??= probeOnce().finally(() => (inFlight = undefined));
    return inFlight;
  }

  function schedule(): void {
    if (!running) return;
    timer = setTimeout(() => {
      void check().then(schedule);
    }, parameters.intervalMs);
    timer.unref();
  }

  return {
    start() {
      if (running) return;
      running = true;
      void check().then(schedule);
    },
    async stop() {
      // A probe in flight ends by its own timeout; nothing waits for it.
      running = false;
      clearTimeout(timer);
    },
    check,
    health: () => health,
  };
}
