/**
 * What every publisher transition receives (the store, the chain, the clock and the
 * optional observers), and the moves several of them share: record a receipt (→ mined),
 * adopt an anchoring found on chain, send again (→ closed), fail with backoff (→ closed).
 *
 * Every move is a compare-and-set on the batch's state in the store
 * ({@link Store.transitionBatch}): a transition that lost a race changes nothing.
 */
import type { Logger } from "pino";

import { isTransportFailure } from "../../core/registry.ts";
import { LeaseLostError } from "../election.ts";
import type { Faults } from "../faults.ts";
import type { ServiceMetrics } from "../metrics.ts";
import type { BatchPatch, BatchRow, BatchState, Store } from "../store/types.ts";
import type { AnchorChain, AnchorReceipt } from "./anchorChain.ts";

/** The dependencies and settings of the publisher's transitions. */
export type PublisherContext = {
  readonly store: Store;
  readonly chain: AnchorChain;
  /** Blocks (the anchoring one included) before a batch counts as anchored. */
  readonly confirmations: number;
  /** Base of the retry backoff. */
  readonly pollIntervalMs: number;
  /** A sent transaction still pending after this long is replaced with higher fees. */
  readonly resendAfterMs: number;
  readonly now: () => number;
  /** Whether this replica may publish now (it holds the anchoring key's lease, or there is no election). */
  readonly isLeader: () => boolean;
  readonly faults?: Faults | undefined;
  readonly metrics?: ServiceMetrics | undefined;
  readonly logger?: Logger | undefined;
};

/** The states a move may start from (the compare of the compare-and-set). */
export type FromStates = readonly BatchState[];

/** Fields cleared when a batch goes back to `closed`. */
export const CLEARED: BatchPatch = {
  nonce: null,
  fromAddress: null,
  rawTx: null,
  txHash: null,
  sentAt: null,
  blockNumber: null,
  blockHash: null,
  txIndex: null,
  minedAt: null,
};

/** The registry's revert for a batch id it already has. */
export const ALREADY_ANCHORED = "CredentialRegistryBatchAlreadyAnchored";

/**
 * Errors that end a whole pass instead of failing one batch: the RPC is unreachable (the
 * loop backs off), or this replica lost the anchoring key's lease (it must not write or
 * send anything more).
 */
export function endsThePass(error: unknown): boolean {
  return isTransportFailure(error) || error instanceof LeaseLostError;
}

/** An error as one line (viem's short message when there is one). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return (error as { shortMessage?: string }).shortMessage ?? error.message;
  return String(error);
}

/** → mined: records the block that holds the anchoring transaction. */
export async function markMined(context: PublisherContext, batch: BatchRow, receipt: AnchorReceipt, from: FromStates): Promise<boolean> {
  const timestamp = await context.chain.blockTimestamp(receipt.blockHash);
  context.faults?.hit("after-receipt");
  return context.store.transitionBatch({
    id: batch.id,
    from,
    to: "mined",
    patch: {
      txHash: receipt.transactionHash,
      blockNumber: Number(receipt.blockNumber),
      blockHash: receipt.blockHash,
      txIndex: receipt.transactionIndex,
      minedAt: timestamp * 1000,
      lastError: null,
    },
  });
}

/**
 * If the registry already has the batch (anchored by any transaction: ours, an earlier
 * one of ours, a replacement), records where (→ mined) and returns true. This read before
 * every (re)send is what makes anchoring exactly-once across crashes.
 */
export async function adoptIfOnChain(context: PublisherContext, batch: BatchRow, from: FromStates): Promise<boolean> {
  const location = await context.chain.locateAnchor(batch.chainBatchId!);
  if (!location.onChain || location.transactionHash === undefined) return false; // absent, or its logs not visible yet
  const receipt = await context.chain.receiptOf(location.transactionHash);
  if (receipt === undefined) return false; // try again next pass
  await markMined(context, batch, receipt, from);
  context.logger?.info({ batch: batch.id, txHash: location.transactionHash }, "batch already on chain: recorded its anchoring");
  return true;
}

/** → closed, to be sent again at once: its transaction is gone (dropped, replaced, reorged out). */
export async function backToClosed(context: PublisherContext, batch: BatchRow, reason: string, from: FromStates): Promise<void> {
  context.metrics?.txRetries.inc({ reason });
  context.logger?.warn({ batch: batch.id, txHash: batch.txHash, reason }, "anchoring transaction gone: batch will be sent again");
  await context.store.transitionBatch({ id: batch.id, from, to: "closed", patch: { ...CLEARED, lastError: reason } });
}

/** Backoff before attempt `attempts + 1`: doubling from the poll interval, at most 5 minutes. */
export function retryDelayMs(pollIntervalMs: number, attempts: number): number {
  return Math.min(300_000, pollIntervalMs * 2 ** Math.min(attempts, 12));
}

/** → closed with backoff: the registry refused the batch, or the node refused the transaction. */
export async function failWithBackoff(context: PublisherContext, batch: BatchRow, reason: string, from: FromStates): Promise<void> {
  const attempts = batch.attempts + 1;
  const delay = retryDelayMs(context.pollIntervalMs, attempts);
  context.metrics?.txFailures.inc({ kind: "anchor", reason: reason.split(":")[0]! });
  context.logger?.error({ batch: batch.id, reason, retryInMs: delay }, "anchoring failed; will retry");
  await context.store.transitionBatch({
    id: batch.id,
    from,
    to: "closed",
    patch: { ...CLEARED, attempts, lastError: reason, nextAttemptAt: context.now() + delay },
  });
}
