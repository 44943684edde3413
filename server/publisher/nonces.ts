/**
 * The nonce of a new anchoring transaction. The node's pending count alone is not enough:
 * after a restart, a transaction signed and recorded but never broadcast (a crash between
 * `sending` and the broadcast) holds a nonce the node has not seen. So the next nonce is
 * past both the node's pending count and every nonce the store records in flight.
 */
import type { PublisherContext } from "./context.ts";

/**
 * @example
 * ```ts
 * const nonce = await nextNonce(context); // max(pending count, largest in-flight nonce + 1)
 * ```
 */
export async function nextNonce(context: Pick<PublisherContext, "chain" | "store">): Promise<number> {
  const pending = await context.chain.transactionCount("pending");
  const recorded = await context.store.maxInFlightNonce(context.chain.sender);
  return Math.max(pending, recorded === undefined ? 0 : recorded + 1);
}
