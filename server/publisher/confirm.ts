/**
 * mined → anchored once the anchoring block is `confirmations` deep, re-reading the
 * receipt on every pass to notice a reorg: re-included elsewhere → mined again (new
 * block); gone and the registry no longer has the batch → back to closed, sent again.
 */
import type { BatchRow } from "../store/types.ts";
import { adoptIfOnChain, backToClosed, markMined, type PublisherContext } from "./context.ts";

/** The reason recorded (and counted in credanchor_tx_retries_total) when a reorg removed the anchoring. */
export const REORG_REASON = "reorg removed the anchoring transaction";

/** mined: counts confirmations against `head`, or rewinds the batch after a reorg. */
export async function confirm(context: PublisherContext, batch: BatchRow, head: bigint): Promise<void> {
  const { store, metrics, logger } = context;
  const receipt = await context.chain.receiptOf(batch.txHash!);
  if (receipt === undefined || receipt.blockHash !== batch.blockHash) {
    if (receipt !== undefined && receipt.status === "success") {
      await markMined(context, batch, receipt, ["mined"]); // re-included in another block
      return;
    }
    if (await adoptIfOnChain(context, batch, ["mined"])) return;
    await backToClosed(context, batch, REORG_REASON, ["mined"]);
    return;
  }
  const depth = Number(head - receipt.blockNumber) + 1;
  if (depth < context.confirmations) return;
  const anchoredAt = context.now();
  if (await store.transitionBatch({ id: batch.id, from: ["mined"], to: "anchored", patch: { anchoredAt } })) {
    metrics?.batchSize.observe(batch.size);
    if (batch.firstAt !== null) metrics?.anchorLatency.observe((anchoredAt - batch.firstAt) / 1000);
    logger?.info(
      { batch: batch.id, size: batch.size, txHash: batch.txHash, block: batch.blockNumber, confirmations: depth },
      "batch anchored",
    );
  }
}
