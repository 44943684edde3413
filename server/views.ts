/**
 * JSON shapes the API answers with for credentials and batches.
 */
import { lifecycleOf, type CredentialLifecycle } from "./intake.ts";
import type { BatchRow, CredentialWithBatch } from "./store/types.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A batch as the API shows it. `head` (latest block) gives the confirmation count. */
export function batchView(batch: BatchRow, head: bigint | undefined) {
  const confirmations =
    batch.blockNumber === null || head === undefined ? null : Math.max(0, Number(head) - batch.blockNumber + 1);
  return {
    id: batch.id,
    state: batch.state,
    size: batch.size,
    merkleRoot: batch.merkleRoot,
    chainBatchId: batch.chainBatchId,
    createdAt: iso(batch.createdAt),
    closedAt: iso(batch.closedAt),
    transaction:
      batch.txHash === null
        ? null
        : { hash: batch.txHash, nonce: batch.nonce, from: batch.fromAddress, sentAt: iso(batch.sentAt) },
    block: batch.blockNumber === null ? null : { number: batch.blockNumber, hash: batch.blockHash, timestamp: iso(batch.minedAt) },
    confirmations,
    anchoredAt: iso(batch.anchoredAt),
    attempts: batch.attempts,
    lastError: batch.lastError,
  };
}

/** A credential's record; `credential` is the portable one once anchored. */
export function credentialView(credential: CredentialWithBatch, document: Record<string, unknown>) {
  const status: CredentialLifecycle = lifecycleOf(credential.batch.state, credential.awaitingSignature);
  return {
    id: credential.id,
    clientId: credential.clientId,
    status,
    batch: credential.batchId,
    batchState: credential.batch.state,
    leafIndex: credential.leafIndex,
    // Not known before the service signs it (status `signing`).
    credentialHash: credential.awaitingSignature ? null : credential.credentialHash,
    leafHash: credential.awaitingSignature ? null : credential.leafHash,
    createdAt: iso(credential.createdAt),
    anchor:
      credential.batch.state === "anchored"
        ? {
            chainBatchId: credential.batch.chainBatchId,
            merkleRoot: credential.batch.merkleRoot,
            transactionHash: credential.batch.txHash,
            blockNumber: credential.batch.blockNumber,
          }
        : null,
    credential: document,
  };
}
