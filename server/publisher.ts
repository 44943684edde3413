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
 * With several replicas on one store, only the holder of the anchoring key's lease
 * publishes (`lease`, server/election.ts): its batch writes are fenced by the lease in the
 * store, and nothing is broadcast once the lease's local deadline has passed. Every state
 * above is in the store, so a new holder resumes where the old one stopped, with the
 * nonces it recorded.
 */
import {
  encodeFunctionData,
  keccak256,
  type Chain,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
} from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import type { Logger } from "pino";

import { findAnchoring } from "../core/anchoring.ts";
import { isTransportFailure, readBatch } from "../core/registry.ts";
import { ANCHOR_FORMAT_VERSION } from "../core/roles.ts";
import { asRevert } from "./chain/clients.ts";
import { registryAbi } from "./chain/registryAbi.ts";
import { LeaseLostError } from "./election.ts";
import type { Faults } from "./faults.ts";
import type { ServiceMetrics } from "./metrics.ts";
import type { BatchPatch, BatchRow, LeaseFence, Store } from "./store/types.ts";

const ZERO_HASH = `0x${"00".repeat(32)}` as const;

/** Fields cleared when a batch goes back to `closed`. */
const CLEARED: BatchPatch = {
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

/** What /readyz reports about the chain side. */
export type PublisherHealth = {
  readonly rpcUp: boolean;
  readonly lastError: string | undefined;
  readonly lastOkAt: number | undefined;
  /** False while another replica holds the anchoring key's lease (always true without election). */
  readonly leader: boolean;
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

function describe(error: unknown): string {
  if (error instanceof Error) return (error as { shortMessage?: string }).shortMessage ?? error.message;
  return String(error);
}

/**
 * @example
 * ```ts
 * const publisher = createPublisher({ store, client, chain, account: anchorer, registry,
 *   confirmations: 1, pollIntervalMs: 250 });
 * publisher.start();
 * ```
 */
export function createPublisher(parameters: CreatePublisherParameters): Publisher {
  const { client, chain, account, registry, confirmations, metrics, logger, faults, lease } = parameters;
  /** The lease's fence, or LeaseLostError: nothing is written or sent without it. */
  const requireFence = (): LeaseFence | undefined => {
    if (lease === undefined) return undefined;
    const fence = lease.fence();
    if (fence === undefined) throw new LeaseLostError("the publisher lease is not held");
    return fence;
  };
  // Every batch write of this publisher is fenced by the lease (when there is one).
  const store: Store =
    lease === undefined
      ? parameters.store
      : { ...parameters.store, transitionBatch: async (change) => parameters.store.transitionBatch({ ...change, fence: requireFence() }) };
  /** Broadcasts a signed transaction, only while the lease is held. */
  const sendRaw = async (serializedTransaction: Hex): Promise<void> => {
    requireFence();
    await client.sendRawTransaction({ serializedTransaction });
  };
  const now = parameters.now ?? Date.now;
  const resendAfterMs = parameters.resendAfterMs ?? 60_000;
  let running = false;
  let loopDone: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let kicked = false;
  let health: PublisherHealth = { rpcUp: false, lastError: undefined, lastOkAt: undefined, leader: lease === undefined };

  const anchorArgs = (batch: BatchRow) =>
    [
      batch.institutionId,
      { merkleRoot: batch.merkleRoot!, leafCount: batch.size, formatVersion: ANCHOR_FORMAT_VERSION, manifestHash: ZERO_HASH },
    ] as const;
  const anchorData = (batch: BatchRow): Hex =>
    encodeFunctionData({ abi: registryAbi, functionName: "anchor", args: anchorArgs(batch) });

  /** Dry-runs `anchor`: undefined if it would succeed, else the decoded revert reason. */
  async function simulateAnchor(batch: BatchRow): Promise<string | undefined> {
    try {
      await client.simulateContract({ address: registry, abi: registryAbi, functionName: "anchor", args: anchorArgs(batch), account });
      return undefined;
    } catch (error) {
      if (isTransportFailure(error)) throw error;
      return asRevert(error)?.errorName ?? describe(error);
    }
  }

  async function receiptOf(hash: Hex): Promise<TransactionReceipt | undefined> {
    try {
      return await client.getTransactionReceipt({ hash });
    } catch (error) {
      if (isTransportFailure(error)) throw error;
      return undefined; // TransactionReceiptNotFoundError
    }
  }

  async function transactionExists(hash: Hex): Promise<boolean> {
    try {
      await client.getTransaction({ hash });
      return true;
    } catch (error) {
      if (isTransportFailure(error)) throw error;
      return false;
    }
  }

  /** If the registry already has the batch, records where it was anchored and returns true. */
  async function adoptIfOnChain(batch: BatchRow, from: readonly BatchRow["state"][]): Promise<boolean> {
    const onChain = await readBatch({ client, registry, batchId: batch.chainBatchId! });
    if (!onChain.exists) return false;
    const found = await findAnchoring({ client, registry, batchId: batch.chainBatchId! });
    if (found === undefined) return false; // logs not visible yet: try again next tick
    const receipt = await client.getTransactionReceipt({ hash: found.transactionHash });
    await markMined(batch, receipt, from);
    logger?.info({ batch: batch.id, txHash: found.transactionHash }, "batch already on chain: recorded its anchoring");
    return true;
  }

  async function markMined(batch: BatchRow, receipt: TransactionReceipt, from: readonly BatchRow["state"][]): Promise<void> {
    const block = await client.getBlock({ blockHash: receipt.blockHash });
    faults?.hit("after-receipt");
    await store.transitionBatch({
      id: batch.id,
      from,
      to: "mined",
      patch: {
        txHash: receipt.transactionHash,
        blockNumber: Number(receipt.blockNumber),
        blockHash: receipt.blockHash,
        txIndex: receipt.transactionIndex,
        minedAt: Number(block.timestamp) * 1000,
        lastError: null,
      },
    });
  }

  async function backToClosed(batch: BatchRow, reason: string, from: readonly BatchRow["state"][]): Promise<void> {
    metrics?.txRetries.inc({ reason });
    logger?.warn({ batch: batch.id, txHash: batch.txHash, reason }, "anchoring transaction gone: batch will be sent again");
    await store.transitionBatch({ id: batch.id, from, to: "closed", patch: { ...CLEARED, lastError: reason } });
  }

  async function fail(batch: BatchRow, reason: string, from: readonly BatchRow["state"][]): Promise<void> {
    const attempts = batch.attempts + 1;
    const delay = Math.min(300_000, parameters.pollIntervalMs * 2 ** Math.min(attempts, 12));
    metrics?.txFailures.inc({ kind: "anchor", reason: reason.split(":")[0]! });
    logger?.error({ batch: batch.id, reason, retryInMs: delay }, "anchoring failed; will retry");
    await store.transitionBatch({
      id: batch.id,
      from,
      to: "closed",
      patch: { ...CLEARED, attempts, lastError: reason, nextAttemptAt: now() + delay },
    });
  }

  async function nextNonce(): Promise<number> {
    const pending = await client.getTransactionCount({ address: account.address, blockTag: "pending" });
    const recorded = await store.maxInFlightNonce(account.address);
    return Math.max(pending, recorded === undefined ? 0 : recorded + 1);
  }

  /** closed → sending → sent (→ mined when the receipt is already there). */
  async function send(batch: BatchRow): Promise<void> {
    if (await adoptIfOnChain(batch, ["closed"])) return;
    const data = anchorData(batch);
    const revert = await simulateAnchor(batch);
    if (revert !== undefined) {
      if (revert === "CredentialRegistryBatchAlreadyAnchored" && (await adoptIfOnChain(batch, ["closed"]))) return;
      await fail(batch, `reverted: ${revert}`, ["closed"]);
      return;
    }
    const nonce = await nextNonce();
    const request = await client.prepareTransactionRequest({
      account,
      chain,
      to: registry,
      data,
      nonce,
      type: "eip1559",
    });
    const rawTx = await account.signTransaction(request as never);
    const txHash = keccak256(rawTx);
    const recorded = await store.transitionBatch({
      id: batch.id,
      from: ["closed"],
      to: "sending",
      patch: { nonce, fromAddress: account.address, rawTx, txHash, attempts: batch.attempts + 1, nextAttemptAt: null },
    });
    if (!recorded) return;
    faults?.hit("before-send");
    await broadcast({ ...batch, state: "sending", nonce, rawTx, txHash, fromAddress: account.address });
  }

  /** Broadcasts the recorded raw transaction of a `sending` batch, then → sent. */
  async function broadcast(batch: BatchRow): Promise<void> {
    try {
      await sendRaw(batch.rawTx!);
    } catch (error) {
      if (isTransportFailure(error) || error instanceof LeaseLostError) throw error;
      const message = describe(error);
      if (/nonce too low|nonce has already been used|nonce.*lower than/i.test(message)) {
        // The nonce is used: by our transaction (then there is a receipt) or by another one.
        const receipt = await receiptOf(batch.txHash!);
        if (receipt === undefined && !(await adoptIfOnChain(batch, ["sending"]))) {
          await backToClosed(batch, "nonce taken by another transaction", ["sending"]);
          return;
        }
      } else if (!/already known|known transaction|already imported|already in/i.test(message)) {
        await fail(batch, `send failed: ${message}`, ["sending"]);
        return;
      }
    }
    faults?.hit("after-send");
    await store.transitionBatch({ id: batch.id, from: ["sending"], to: "sent", patch: { sentAt: now() } });
    logger?.info({ batch: batch.id, txHash: batch.txHash, nonce: batch.nonce }, "anchoring transaction sent");
    faults?.hit("before-receipt");
    const receipt = await receiptOf(batch.txHash!);
    if (receipt !== undefined) await onReceipt({ ...batch, state: "sent" }, receipt);
  }

  async function onReceipt(batch: BatchRow, receipt: TransactionReceipt): Promise<void> {
    if (receipt.status === "success") {
      await markMined(batch, receipt, [batch.state]);
      return;
    }
    // Reverted: already anchored (by an earlier transaction of ours) or a real failure.
    if (await adoptIfOnChain(batch, [batch.state])) return;
    const revert = await simulateAnchor(batch);
    await fail(batch, `reverted: ${revert ?? "(passes when simulated now)"}`, [batch.state]);
  }

  /** sending: crashed between recording and confirming the broadcast. */
  async function reconcileSending(batch: BatchRow): Promise<void> {
    if (await adoptIfOnChain(batch, ["sending"])) return;
    const receipt = await receiptOf(batch.txHash!);
    if (receipt !== undefined) {
      await onReceipt(batch, receipt);
      return;
    }
    metrics?.txRetries.inc({ reason: "rebroadcast" });
    await broadcast(batch);
  }

  /** sent: waiting for the receipt; handles drops, replacements and stuck transactions. */
  async function reconcileSent(batch: BatchRow): Promise<void> {
    const receipt = await receiptOf(batch.txHash!);
    if (receipt !== undefined) {
      await onReceipt(batch, receipt);
      return;
    }
    if (await adoptIfOnChain(batch, ["sent"])) return;
    if (await transactionExists(batch.txHash!)) {
      if (batch.sentAt !== null && now() - batch.sentAt > resendAfterMs) await bumpFees(batch);
      return;
    }
    // Dropped from the mempool: rebroadcast if the nonce is still free, else send anew.
    const mined = await client.getTransactionCount({ address: account.address, blockTag: "latest" });
    if (batch.nonce !== null && mined > batch.nonce) {
      await backToClosed(batch, "dropped or replaced", ["sent"]);
      return;
    }
    metrics?.txRetries.inc({ reason: "rebroadcast" });
    try {
      await sendRaw(batch.rawTx!);
    } catch (error) {
      if (isTransportFailure(error) || error instanceof LeaseLostError) throw error;
      logger?.warn({ batch: batch.id, error: describe(error) }, "rebroadcast refused");
    }
  }

  /** Replaces a stuck transaction: same nonce, fees +25% (nodes require >= +10%). */
  async function bumpFees(batch: BatchRow): Promise<void> {
    const stuck = await client.getTransaction({ hash: batch.txHash! });
    const estimate = await client.estimateFeesPerGas();
    const bump = (value: bigint | undefined, floor: bigint) => {
      const bumped = ((value ?? 0n) * 125n) / 100n + 1n;
      return bumped > floor ? bumped : floor;
    };
    const maxPriorityFeePerGas = bump(stuck.maxPriorityFeePerGas, estimate.maxPriorityFeePerGas ?? 0n);
    const maxFeePerGas = bump(stuck.maxFeePerGas, estimate.maxFeePerGas ?? 0n);
    const request = await client.prepareTransactionRequest({
      account,
      chain,
      to: registry,
      data: anchorData(batch),
      nonce: batch.nonce!,
      type: "eip1559",
      maxFeePerGas: maxFeePerGas > maxPriorityFeePerGas ? maxFeePerGas : maxPriorityFeePerGas,
      maxPriorityFeePerGas,
    });
    const rawTx = await account.signTransaction(request as never);
    const txHash = keccak256(rawTx);
    metrics?.txRetries.inc({ reason: "fee-bump" });
    logger?.warn({ batch: batch.id, oldTx: batch.txHash, txHash }, "anchoring transaction stuck: replacing with higher fees");
    // The old transaction may still be mined instead; adoptIfOnChain finds whichever was.
    if (await store.transitionBatch({ id: batch.id, from: ["sent"], to: "sending", patch: { rawTx, txHash } })) {
      await broadcast({ ...batch, state: "sending", rawTx, txHash });
    }
  }

  /** mined: count confirmations, re-reading the receipt to notice reorgs. */
  async function confirm(batch: BatchRow, head: bigint): Promise<void> {
    const receipt = await receiptOf(batch.txHash!);
    if (receipt === undefined || receipt.blockHash !== batch.blockHash) {
      if (receipt !== undefined && receipt.status === "success") {
        await markMined(batch, receipt, ["mined"]); // re-included in another block
        return;
      }
      if (await adoptIfOnChain(batch, ["mined"])) return;
      await backToClosed(batch, "reorg removed the anchoring transaction", ["mined"]);
      return;
    }
    const depth = Number(head - receipt.blockNumber) + 1;
    if (depth < confirmations) return;
    const anchoredAt = now();
    if (await store.transitionBatch({ id: batch.id, from: ["mined"], to: "anchored", patch: { anchoredAt } })) {
      metrics?.batchSize.observe(batch.size);
      if (batch.firstAt !== null) metrics?.anchorLatency.observe((anchoredAt - batch.firstAt) / 1000);
      logger?.info(
        { batch: batch.id, size: batch.size, txHash: batch.txHash, block: batch.blockNumber, confirmations: depth },
        "batch anchored",
      );
    }
  }

  async function tick(): Promise<void> {
    let head: bigint;
    try {
      head = await client.getBlockNumber({ cacheTime: 0 });
    } catch (error) {
      health = { ...health, rpcUp: false, lastError: describe(error) };
      throw error;
    }
    const leader = lease === undefined || lease.fence() !== undefined;
    health = { rpcUp: true, lastError: health.lastError, lastOkAt: now(), leader };
    if (!leader) return; // standby: another replica publishes
    let stepFailed = false;
    const batches = await store.listBatchesInStates(["sending", "sent", "mined", "closed"]);
    for (const state of ["closed", "sending", "sent", "mined"] as const) {
      metrics?.batchesByState.set({ state }, batches.filter((batch) => batch.state === state).length);
    }
    // In-flight ones first (their nonces come before any new one), then new sends in order.
    const order = ["sending", "sent", "mined", "closed"] as const;
    for (const state of order) {
      for (const batch of batches) {
        if (batch.state !== state) continue;
        try {
          if (state === "sending") await reconcileSending(batch);
          else if (state === "sent") await reconcileSent(batch);
          else if (state === "mined") await confirm(batch, head);
          else if (batch.nextAttemptAt === null || batch.nextAttemptAt <= now()) await send(batch);
        } catch (error) {
          if (isTransportFailure(error)) throw error;
          if (error instanceof LeaseLostError) {
            logger?.warn({ batch: batch.id }, "publisher lease lost mid-pass: stopping before any further write or send");
            return;
          }
          stepFailed = true;
          health = { ...health, lastError: describe(error) };
          metrics?.txFailures.inc({ kind: "anchor", reason: "error" });
          logger?.error({ batch: batch.id, err: error }, "publisher step failed; will retry");
        }
      }
    }
    // Batches that just reached `mined` in this pass may already have their confirmations.
    if (confirmations === 1) {
      for (const batch of await store.listBatchesInStates(["mined"])) {
        try {
          await confirm(batch, await client.getBlockNumber({ cacheTime: 0 }));
        } catch (error) {
          if (isTransportFailure(error) || error instanceof LeaseLostError) throw error;
          stepFailed = true;
          logger?.error({ batch: batch.id, err: error }, "confirmation check failed; will retry");
        }
      }
    }
    // A whole pass without a failure: the error of an earlier one no longer describes the publisher.
    if (!stepFailed) health = { ...health, lastError: undefined };
  }

  async function loop(): Promise<void> {
    let delay = parameters.pollIntervalMs;
    while (running) {
      kicked = false;
      try {
        await tick();
        delay = parameters.pollIntervalMs;
      } catch (error) {
        health = { ...health, rpcUp: !isTransportFailure(error) && health.rpcUp, lastError: describe(error) };
        if (isTransportFailure(error)) {
          logger?.warn({ error: describe(error), retryInMs: delay }, "RPC unavailable: anchoring queue waits");
        } else {
          logger?.error({ err: error }, "publisher pass failed");
        }
        delay = Math.min(10_000, delay * 2);
      }
      if (!running) break;
      if (kicked) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, delay);
      });
      wake = undefined;
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loopDone = loop();
    },
    async stop() {
      running = false;
      if (timer !== undefined) clearTimeout(timer);
      wake?.();
      await loopDone;
    },
    kick() {
      kicked = true;
      if (timer !== undefined) clearTimeout(timer);
      wake?.();
    },
    tick,
    health: () => health,
  };
}
