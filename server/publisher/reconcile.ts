/**
 * Batches found in flight at the start of a pass (after a crash, or still waiting):
 * `sending` (recorded, perhaps never broadcast) and `sent` (waiting for a receipt, which
 * may never come: dropped, replaced, or stuck under too low a fee).
 */
import type { BatchRow } from "../store/types.ts";
import type { Fees } from "./anchorChain.ts";
import { adoptIfOnChain, backToClosed, describeError, type PublisherContext, endsThePass } from "./context.ts";
import { replacementFees } from "./fees.ts";
import { broadcast, onReceipt } from "./send.ts";

/** sending: crashed between recording and confirming the broadcast. Adopt, take the receipt, or broadcast again. */
export async function reconcileSending(context: PublisherContext, batch: BatchRow): Promise<void> {
  if (await adoptIfOnChain(context, batch, ["sending"])) return;
  const receipt = await context.chain.receiptOf(batch.txHash!);
  if (receipt !== undefined) {
    await onReceipt(context, batch, receipt);
    return;
  }
  context.metrics?.txRetries.inc({ reason: "rebroadcast" });
  await broadcast(context, batch);
}

/**
 * sent: waiting for the receipt. A transaction the node still has is replaced with higher
 * fees once older than `resendAfterMs`; one it dropped is rebroadcast while its nonce is
 * free, and sent anew (→ closed) once another transaction used the nonce.
 */
export async function reconcileSent(context: PublisherContext, batch: BatchRow): Promise<void> {
  const { chain, metrics, logger } = context;
  const receipt = await chain.receiptOf(batch.txHash!);
  if (receipt !== undefined) {
    await onReceipt(context, batch, receipt);
    return;
  }
  if (await adoptIfOnChain(context, batch, ["sent"])) return;
  const pending = await chain.transactionOf(batch.txHash!);
  if (pending !== undefined) {
    if (batch.sentAt !== null && context.now() - batch.sentAt > context.resendAfterMs) await replaceStuck(context, batch, pending);
    return;
  }
  const mined = await chain.transactionCount("latest");
  if (batch.nonce !== null && mined > batch.nonce) {
    await backToClosed(context, batch, "dropped or replaced", ["sent"]);
    return;
  }
  metrics?.txRetries.inc({ reason: "rebroadcast" });
  try {
    await chain.sendRawTransaction(batch.rawTx!);
  } catch (error) {
    if (endsThePass(error)) throw error;
    logger?.warn({ batch: batch.id, error: describeError(error) }, "rebroadcast refused");
  }
}

/**
 * sent → sending → sent: replaces a stuck transaction (same nonce, fees from
 * {@link replacementFees}). The old one may still be mined instead; whichever is, the
 * registry's record finds it ({@link adoptIfOnChain}).
 */
export async function replaceStuck(context: PublisherContext, batch: BatchRow, stuck: Fees): Promise<void> {
  const fees = replacementFees({ stuck, estimate: await context.chain.estimateFees() });
  const { rawTx, txHash } = await context.chain.signAnchor({ batch, nonce: batch.nonce!, fees });
  context.metrics?.txRetries.inc({ reason: "fee-bump" });
  context.logger?.warn({ batch: batch.id, oldTx: batch.txHash, txHash }, "anchoring transaction stuck: replacing with higher fees");
  if (await context.store.transitionBatch({ id: batch.id, from: ["sent"], to: "sending", patch: { rawTx, txHash } })) {
    await broadcast(context, { ...batch, state: "sending", rawTx, txHash });
  }
}
