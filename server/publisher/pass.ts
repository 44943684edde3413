/**
 * One pass of the publisher over every batch in flight: in-flight ones first (their
 * nonces come before any new one), then new sends in order, then (with one confirmation)
 * the batches that reached `mined` in this pass. A failing batch is logged and retried
 * next pass; a transport failure ends the pass (the loop backs off).
 */
import { isTransportFailure } from "../../core/registry.ts";
import type { BatchRow } from "../store/types.ts";
import { confirm } from "./confirm.ts";
import { LeaseLostError } from "../election.ts";
import { describeError, type PublisherContext } from "./context.ts";
import { reconcileSending, reconcileSent } from "./reconcile.ts";
import { sendClosed } from "./send.ts";

/** What /readyz reports about the chain side. */
export type PublisherHealth = {
  readonly rpcUp: boolean;
  readonly lastError: string | undefined;
  readonly lastOkAt: number | undefined;
  /** False while another replica holds the anchoring key's lease (always true without election). */
  readonly leader: boolean;
};

/** Where a pass reads and writes the publisher's health. */
export type HealthCell = { get(): PublisherHealth; set(health: PublisherHealth): void };

const ORDER = ["sending", "sent", "mined", "closed"] as const;

async function step(context: PublisherContext, batch: BatchRow, head: bigint): Promise<void> {
  if (batch.state === "sending") await reconcileSending(context, batch);
  else if (batch.state === "sent") await reconcileSent(context, batch);
  else if (batch.state === "mined") await confirm(context, batch, head);
  else if (batch.nextAttemptAt === null || batch.nextAttemptAt <= context.now()) await sendClosed(context, batch);
}

/**
 * @example
 * ```ts
 * await publishPass(context, health); // moves every batch in flight one step or more
 * ```
 */
export async function publishPass(context: PublisherContext, health: HealthCell): Promise<void> {
  const { store, chain, metrics, logger } = context;
  let head: bigint;
  try {
    head = await chain.headBlockNumber();
  } catch (error) {
    health.set({ ...health.get(), rpcUp: false, lastError: describeError(error) });
    throw error;
  }
  const leader = context.isLeader();
  health.set({ rpcUp: true, lastError: health.get().lastError, lastOkAt: context.now(), leader });
  if (!leader) return; // standby: another replica holds the lease and publishes
  let stepFailed = false;
  const batches = await store.listBatchesInStates(["sending", "sent", "mined", "closed"]);
  for (const state of ["closed", "sending", "sent", "mined"] as const) {
    metrics?.batchesByState.set({ state }, batches.filter((batch) => batch.state === state).length);
  }
  for (const state of ORDER) {
    for (const batch of batches) {
      if (batch.state !== state) continue;
      try {
        await step(context, batch, head);
      } catch (error) {
        if (error instanceof LeaseLostError) {
          logger?.warn({ batch: batch.id }, "publisher lease lost mid-pass: stopping before any further write or send");
          return;
        }
        if (isTransportFailure(error)) throw error;
        stepFailed = true;
        health.set({ ...health.get(), lastError: describeError(error) });
        metrics?.txFailures.inc({ kind: "anchor", reason: "error" });
        logger?.error({ batch: batch.id, err: error }, "publisher step failed; will retry");
      }
    }
  }
  // Batches that just reached `mined` in this pass may already have their confirmations.
  if (context.confirmations === 1) {
    for (const batch of await store.listBatchesInStates(["mined"])) {
      try {
        await confirm(context, batch, await chain.headBlockNumber());
      } catch (error) {
        if (error instanceof LeaseLostError) return;
        if (isTransportFailure(error)) throw error;
        stepFailed = true;
        logger?.error({ batch: batch.id, err: error }, "confirmation check failed; will retry");
      }
    }
  }
  // A whole pass without a failure: the error of an earlier one no longer describes the publisher.
  if (!stepFailed) health.set({ ...health.get(), lastError: undefined });
}
