/**
 * Publisher election: among replicas sharing a store, the one holding the lease of an
 * anchoring key (a lease row: holder, epoch, expiry in the store's clock) publishes; the
 * others stand by and try to take it every `ttlMs / 4`, so a dead publisher is replaced
 * within about 1.25 × ttl.
 *
 * Fencing, in two layers:
 * - every batch write of the publisher carries the fence (key, holder, epoch) and the store
 *   applies it only while that lease is held, unexpired (one SQL statement);
 * - before anything is sent to the chain, {@link LeaseKeeper.fence} must still answer: it
 *   does only until a local deadline, counted on the monotonic clock from the moment the
 *   last successful renewal was *sent*, so it always ends before the store's expiry. A
 *   process paused (SIGSTOP, GC, VM freeze) past its lease wakes up with the deadline
 *   passed and sends nothing; it has to win the lease again first.
 * Exactly-once itself still rests on the registry (a batch id anchors once) and the
 * recorded nonce and raw transaction (publisher.ts), so even a send that slipped through
 * could only repeat the recorded transaction.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";

import type { Logger } from "pino";

import type { LeaseFence, Store } from "./store/types.ts";

/** Thrown when the publisher is about to act without holding the lease. */
export class LeaseLostError extends Error {
  override name = "LeaseLostError";
}

/** Parameters of {@link createLeaseKeeper}. */
export type CreateLeaseKeeperParameters = {
  readonly store: Store;
  /** What is elected for, e.g. `anchorer:<chainId>:<address>`. */
  readonly key: string;
  /** Lease length (default 5,000 ms). */
  readonly ttlMs?: number | undefined;
  /** Called when this process takes or loses the lease. */
  readonly onChange?: ((held: boolean) => void) | undefined;
  readonly logger?: Logger | undefined;
};

/** Holds (or waits for) one lease. */
export type LeaseKeeper = {
  /** This process's holder id (host, pid, random). */
  readonly holder: string;
  start(): void;
  /** Stops renewing and releases a held lease, so a standby takes over at once. */
  stop(): Promise<void>;
  /** The fence while the lease is held and its local deadline not passed, else undefined. */
  fence(): LeaseFence | undefined;
  /** One acquire-or-renew round (tests call it directly). */
  tick(): Promise<void>;
};

/**
 * @example
 * ```ts
 * const lease = createLeaseKeeper({ store, key: `anchorer:${chainId}:${address}` });
 * lease.start();
 * if (lease.fence() !== undefined) { ...publish... }
 * ```
 */
export function createLeaseKeeper(parameters: CreateLeaseKeeperParameters): LeaseKeeper {
  const { store, key, logger } = parameters;
  const ttlMs = parameters.ttlMs ?? 5_000;
  const holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let current: LeaseFence | undefined;
  let deadline = 0; // performance.now() after which `current` is not trusted
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const held = (): boolean => current !== undefined && performance.now() < deadline;
  // What was last reported through onChange: the local deadline can end a hold between two
  // rounds (a process paused past it), and that loss must still be reported once.
  let reported = false;

  function set(fence: LeaseFence | undefined, sentAt: number): void {
    current = fence;
    // Local deadline: ttl from when the request left, minus a margin for clock-rate drift.
    deadline = fence === undefined ? 0 : sentAt + ttlMs * 0.9;
    const now = held();
    if (now !== reported) {
      reported = now;
      if (!now) logger?.warn({ key, holder }, "publisher lease lost: standing by");
      else logger?.info({ key, holder, epoch: fence!.epoch }, "publisher lease acquired: this replica publishes");
      parameters.onChange?.(now);
    }
  }

  async function round(): Promise<void> {
    const sentAt = performance.now();
    try {
      if (current !== undefined && held()) {
        if (await store.renewLease({ fence: current, ttlMs })) set(current, sentAt);
        else set(undefined, sentAt);
      } else {
        set(await store.acquireLease({ key, holder, ttlMs }), sentAt);
      }
    } catch (error) {
      // Store unreachable: keep the local deadline; it runs out on its own.
      logger?.warn({ key, error: (error as Error).message }, "publisher lease: store unavailable");
      if (!held() && current !== undefined) set(undefined, sentAt);
    }
  }

  const keeper: LeaseKeeper = {
    holder,
    start() {
      if (timer !== undefined) return;
      const schedule = () => {
        timer = setTimeout(() => {
          running = round().finally(() => {
            running = undefined;
            if (timer !== undefined) schedule();
          });
        }, ttlMs / 4);
      };
      running = round();
      schedule();
    },
    async stop() {
      const pending = timer;
      timer = undefined;
      if (pending !== undefined) clearTimeout(pending);
      await running;
      if (current !== undefined && held()) await store.releaseLease(current).catch(() => undefined);
      set(undefined, 0);
    },
    fence: () => (held() ? current : undefined),
    tick: round,
  };
  return keeper;
}
