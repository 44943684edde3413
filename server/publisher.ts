/**
 * Publishes closed batches to the registry, exactly once, surviving crashes, dropped or
 * replaced transactions, RPC outages and reorgs.
 *
 * Each batch moves through states recorded in the store as they change:
 *
 *   closed ──sign──▶ sending (nonce + signed tx + its hash recorded BEFORE broadcast)
 *          ──broadcast──▶ sent ──receipt──▶ mined (block) ──confirmations──▶ anchored
 *
 * Exactly once comes from the contract, not from this process: a batch's registry id is
 * keccak256(abi.encode(institutionId, root)) and `anchor` reverts with
 * CredentialRegistryBatchAlreadyAnchored for a known id. So before any (re)send the
 * publisher reads getBatch(batchId); if the batch exists it finds the anchoring
 * transaction in the BatchAnchored logs (batchId is indexed) and records it instead of
 * sending. A crash after signing rebroadcasts the recorded raw transaction (same nonce,
 * same hash: a no-op if it was already sent); a transaction that vanished (dropped, or
 * its nonce taken) sends again; a reverted one is retried with backoff, or recorded if
 * the revert says the batch is already anchored. While waiting for confirmations the
 * receipt is re-read; if it disappeared (reorg) and the batch is gone from the chain, the
 * batch goes back to `closed` and is sent again.
 *
 * Each transition is a function of its own in server/publisher/ (send.ts: closed → sending
 * → sent → mined; reconcile.ts: sending/sent after a crash, drops, fee replacement;
 * confirm.ts: mined → anchored or, after a reorg, → closed; nonces.ts, fees.ts), taking a
 * {@link PublisherContext} whose chain is the {@link AnchorChain} interface
 * (publisher/anchorChain.ts, the only file that knows the registry's ABI). This file wires
 * them to the loop.
 *
 * With several replicas on one store, only the holder of the anchoring key's lease
 * publishes (`lease`, server/election.ts): its batch writes are fenced by the lease in the
 * store, and nothing is broadcast once the lease's local deadline has passed. Every state
 * above is in the store, so a new holder resumes where the old one stopped, with the
 * nonces it recorded.
 */
import type { Chain, PublicClient } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import type { Logger } from "pino";

import { isTransportFailure } from "../core/registry.ts";
import type { Faults } from "./faults.ts";
import type { ServiceMetrics } from "./metrics.ts";
import { createPollingLoop } from "./pollingLoop.ts";
import { createViemAnchorChain, type AnchorChain } from "./publisher/anchorChain.ts";
import { describeError, type PublisherContext } from "./publisher/context.ts";
import { publishPass, type PublisherHealth } from "./publisher/pass.ts";
import { LeaseLostError } from "./election.ts";
import type { LeaseFence, Store } from "./store/types.ts";

export type { PublisherHealth } from "./publisher/pass.ts";

/** Parameters of {@link createPublisher}. */
export type CreatePublisherParameters = {
  readonly store: Store;
  readonly client: PublicClient;
  readonly chain: Chain;
  /** The key holding ROLE_ANCHORER in every institution the service issues for. */
  readonly account: PrivateKeyAccount;
  readonly registry: `0x${string}`;
  readonly confirmations: number;
  readonly pollIntervalMs: number;
  /** A sent transaction still pending after this long is replaced with higher fees (default 60 s). */
  readonly resendAfterMs?: number | undefined;
  readonly faults?: Faults | undefined;
  readonly metrics?: ServiceMetrics | undefined;
  readonly logger?: Logger | undefined;
  readonly now?: (() => number) | undefined;
  /** The anchoring key's lease (several replicas): publish only while it answers a fence. */
  readonly lease?: { fence(): LeaseFence | undefined } | undefined;
};

/** The publisher. */
export type Publisher = {
  start(): void;
  stop(): Promise<void>;
  /** Wake up now (a batch was closed). */
  kick(): void;
  /** One pass over every batch in flight (tests call it directly). */
  tick(): Promise<void>;
  health(): PublisherHealth;
};

/**
 * @example
 * ```ts
 * const publisher = createPublisher({ store, client, chain, account: anchorer, registry,
 *   confirmations: 1, pollIntervalMs: 250 });
 * publisher.start();
 * ```
 */
export function createPublisher(parameters: CreatePublisherParameters): Publisher {
  const { client, chain, account, registry, ...rest } = parameters;
  return createPublisherOn({ ...rest, anchorChain: createViemAnchorChain({ client, chain, account, registry }) });
}

/** Parameters of {@link createPublisherOn}: the publisher's settings with the chain as an {@link AnchorChain}. */
export type CreatePublisherOnParameters = Omit<CreatePublisherParameters, "client" | "chain" | "account" | "registry"> & {
  readonly anchorChain: AnchorChain;
};

/**
 * The publisher over any {@link AnchorChain} (tests pass an in-memory one).
 *
 * @example
 * ```ts
 * const publisher = createPublisherOn({ store, anchorChain, confirmations: 1, pollIntervalMs: 250 });
 * await publisher.tick();
 * ```
 */
export function createPublisherOn(parameters: CreatePublisherOnParameters): Publisher {
  const { logger, lease } = parameters;
  /** The lease's fence, or LeaseLostError: nothing is written or sent without it. */
  const requireFence = (): LeaseFence | undefined => {
    if (lease === undefined) return undefined;
    const fence = lease.fence();
    if (fence === undefined) throw new LeaseLostError("the publisher lease is not held");
    return fence;
  };
  // Every batch write and every broadcast of this publisher is fenced by the lease (when there is one).
  const store: Store =
    lease === undefined
      ? parameters.store
      : { ...parameters.store, transitionBatch: async (change) => parameters.store.transitionBatch({ ...change, fence: requireFence() }) };
  const anchorChain: AnchorChain =
    lease === undefined
      ? parameters.anchorChain
      : {
          ...parameters.anchorChain,
          sendRawTransaction: async (rawTx) => {
            requireFence();
            await parameters.anchorChain.sendRawTransaction(rawTx);
          },
        };
  const context: PublisherContext = {
    store,
    chain: anchorChain,
    isLeader: () => lease === undefined || lease.fence() !== undefined,
    confirmations: parameters.confirmations,
    pollIntervalMs: parameters.pollIntervalMs,
    resendAfterMs: parameters.resendAfterMs ?? 60_000,
    now: parameters.now ?? Date.now,
    faults: parameters.faults,
    metrics: parameters.metrics,
    logger,
  };
  let health: PublisherHealth = { rpcUp: false, lastError: undefined, lastOkAt: undefined, leader: lease === undefined };
  const cell = { get: () => health, set: (next: PublisherHealth) => void (health = next) };
  const tick = () => publishPass(context, cell);
  const loop = createPollingLoop({
    pollIntervalMs: parameters.pollIntervalMs,
    pass: tick,
    onError(error, retryInMs) {
      health = { ...health, rpcUp: !isTransportFailure(error) && health.rpcUp, lastError: describeError(error) };
      if (isTransportFailure(error)) {
        logger?.warn({ error: describeError(error), retryInMs }, "RPC unavailable: anchoring queue waits");
      } else {
        logger?.error({ err: error }, "publisher pass failed");
      }
    },
  });
  return { start: loop.start, stop: loop.stop, kick: loop.kick, tick, health: () => health };
}
