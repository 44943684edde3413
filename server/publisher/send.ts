/**
 * The forward path of a batch: closed ──sign──▶ sending ──broadcast──▶ sent ──receipt──▶ mined.
 * The signed transaction and its hash are recorded (`sending`) BEFORE the broadcast, so a
 * crash at any point leaves either nothing sent or a transaction the store knows.
 */
import type { BatchRow } from "../store/types.ts";
import type { AnchorReceipt } from "./anchorChain.ts";
import { ALREADY_ANCHORED, adoptIfOnChain, backToClosed, describeError, failWithBackoff, markMined, type PublisherContext, endsThePass } from "./context.ts";
import { nextNonce } from "./nonces.ts";

/** Node refusals meaning the nonce is used (by our transaction, or by another one). */
const NONCE_USED = /nonce too low|nonce has already been used|nonce.*lower than/i;
/** Node refusals meaning it already has this very transaction. */
const ALREADY_KNOWN = /already known|known transaction|already imported|already in/i;

/**
 * closed → sending → sent (→ mined when the receipt is already there). Adopts the batch
 * instead when the registry already has it; a simulated revert fails it with backoff.
 */
export async function sendClosed(context: PublisherContext, batch: BatchRow): Promise<void> {
  if (await adoptIfOnChain(context, batch, ["closed"])) return;
  const revert = await context.chain.simulateAnchor(batch);
  if (revert !== undefined) {
    if (revert === ALREADY_ANCHORED && (await adoptIfOnChain(context, batch, ["closed"]))) return;
    await failWithBackoff(context, batch, `reverted: ${revert}`, ["closed"]);
    return;
  }
  const sending = await recordSigned(context, batch);
  if (sending === undefined) return;
  context.faults?.hit("before-send");
  await broadcast(context, sending);
}

/**
 * closed → sending: takes the next nonce, signs, and records nonce, raw transaction and
 * hash. Returns the batch to broadcast, or undefined if another pass moved it first.
 */
export async function recordSigned(context: PublisherContext, batch: BatchRow): Promise<BatchRow | undefined> {
  const nonce = await nextNonce(context);
  const { rawTx, txHash } = await context.chain.signAnchor({ batch, nonce });
  const fromAddress = context.chain.sender;
  const recorded = await context.store.transitionBatch({
    id: batch.id,
    from: ["closed"],
    to: "sending",
    patch: { nonce, fromAddress, rawTx, txHash, attempts: batch.attempts + 1, nextAttemptAt: null },
  });
  if (!recorded) return undefined;
  // `attempts` as before this send: if the broadcast fails, failWithBackoff counts this attempt once.
  return { ...batch, state: "sending", nonce, rawTx, txHash, fromAddress };
}

/**
 * sending → sent: broadcasts the recorded raw transaction (again, after a crash: same
 * bytes, same hash, so a no-op if it was sent). A used nonce without our receipt means
 * another transaction took it (→ closed, sent anew); any other refusal fails with backoff.
 */
export async function broadcast(context: PublisherContext, batch: BatchRow): Promise<void> {
  const { chain, store, faults, logger } = context;
  try {
    await chain.sendRawTransaction(batch.rawTx!);
  } catch (error) {
    if (endsThePass(error)) throw error;
    const message = describeError(error);
    if (NONCE_USED.test(message)) {
      const receipt = await chain.receiptOf(batch.txHash!);
      if (receipt === undefined && !(await adoptIfOnChain(context, batch, ["sending"]))) {
        await backToClosed(context, batch, "nonce taken by another transaction", ["sending"]);
        return;
      }
    } else if (!ALREADY_KNOWN.test(message)) {
      await failWithBackoff(context, batch, `send failed: ${message}`, ["sending"]);
      return;
    }
  }
  faults?.hit("after-send");
  await store.transitionBatch({ id: batch.id, from: ["sending"], to: "sent", patch: { sentAt: context.now() } });
  logger?.info({ batch: batch.id, txHash: batch.txHash, nonce: batch.nonce }, "anchoring transaction sent");
  faults?.hit("before-receipt");
  const receipt = await chain.receiptOf(batch.txHash!);
  if (receipt !== undefined) await onReceipt(context, { ...batch, state: "sent" }, receipt);
}

/**
 * A receipt arrived: success → mined. A revert is either "already anchored" (an earlier
 * transaction of ours won; adopt it) or a real failure (→ closed with backoff).
 */
export async function onReceipt(context: PublisherContext, batch: BatchRow, receipt: AnchorReceipt): Promise<void> {
  if (receipt.status === "success") {
    await markMined(context, batch, receipt, [batch.state]);
    return;
  }
  if (await adoptIfOnChain(context, batch, [batch.state])) return;
  const revert = await context.chain.simulateAnchor(batch);
  await failWithBackoff(context, batch, `reverted: ${revert ?? "(passes when simulated now)"}`, [batch.state]);
}
