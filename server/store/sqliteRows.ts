/**
 * Row mapping for the SQLite store: column lists and row → record conversions. The
 * PostgreSQL store (postgres.ts) shares them: both schemas use the same column names.
 */
import { encodeHex } from "../../core/hex.ts";
import type {
  AwaitingSignatureRow,
  BatchPatch,
  BatchRow,
  BatchState,
  CredentialWithBatch,
  InstitutionRow,
  IntakeItem,
  IntakeRecord,
  RegistryEventRow,
  StatusListPosition,
  StatusListRow,
  SubmitCredentialsParameters,
  TokenRow,
  TokenScope,
} from "./types.ts";

/** A row as node:sqlite returns it. */
export type Row = Record<string, unknown>;

/** Batch columns, aliased `b_*` so they can be joined with credential columns. */
export const BATCH_COLUMNS = `b.id AS b_id, b.institution_id AS b_institution_id, b.state AS b_state, b.size AS b_size,
  b.created_at AS b_created_at, b.first_at AS b_first_at, b.closed_at AS b_closed_at, b.merkle_root AS b_merkle_root,
  b.chain_batch_id AS b_chain_batch_id, b.nonce AS b_nonce, b.from_address AS b_from_address, b.raw_tx AS b_raw_tx,
  b.tx_hash AS b_tx_hash, b.sent_at AS b_sent_at, b.block_number AS b_block_number, b.block_hash AS b_block_hash,
  b.tx_index AS b_tx_index, b.mined_at AS b_mined_at, b.anchored_at AS b_anchored_at, b.attempts AS b_attempts,
  b.last_error AS b_last_error, b.next_attempt_at AS b_next_attempt_at`;

/** Credential columns (table alias `c`). */
export const CREDENTIAL_COLUMNS = `c.seq, c.id, c.institution_id, c.batch_id, c.leaf_index, c.client_id, c.credential_hash,
  c.leaf_hash, c.salt, c.body, c.created_at, c.awaiting_signature`;

/** Patch field → column. */
/** `SELECT <batch columns> FROM batches b`. */
export const SELECT_BATCH = `SELECT ${BATCH_COLUMNS} FROM batches b`;

export const PATCH_COLUMNS: Record<keyof BatchPatch, string> = {
  nonce: "nonce",
  fromAddress: "from_address",
  rawTx: "raw_tx",
  txHash: "tx_hash",
  sentAt: "sent_at",
  blockNumber: "block_number",
  blockHash: "block_hash",
  txIndex: "tx_index",
  minedAt: "mined_at",
  anchoredAt: "anchored_at",
  attempts: "attempts",
  lastError: "last_error",
  nextAttemptAt: "next_attempt_at",
};

export function toBatch(row: Row): BatchRow {
  return {
    id: row.b_id as number,
    institutionId: row.b_institution_id as number,
    state: row.b_state as BatchState,
    size: row.b_size as number,
    createdAt: row.b_created_at as number,
    firstAt: row.b_first_at as number | null,
    closedAt: row.b_closed_at as number | null,
    merkleRoot: row.b_merkle_root as `0x${string}` | null,
    chainBatchId: row.b_chain_batch_id as `0x${string}` | null,
    nonce: row.b_nonce as number | null,
    fromAddress: row.b_from_address as string | null,
    rawTx: row.b_raw_tx as `0x${string}` | null,
    txHash: row.b_tx_hash as `0x${string}` | null,
    sentAt: row.b_sent_at as number | null,
    blockNumber: row.b_block_number as number | null,
    blockHash: row.b_block_hash as `0x${string}` | null,
    txIndex: row.b_tx_index as number | null,
    minedAt: row.b_mined_at as number | null,
    anchoredAt: row.b_anchored_at as number | null,
    attempts: row.b_attempts as number,
    lastError: row.b_last_error as string | null,
    nextAttemptAt: row.b_next_attempt_at as number | null,
  };
}

export function toCredential(row: Row): CredentialWithBatch {
  return {
    seq: row.seq as number,
    id: row.id as string,
    institutionId: row.institution_id as number,
    batchId: row.batch_id as number,
    leafIndex: row.leaf_index as number,
    clientId: row.client_id as string | null,
    credentialHash: encodeHex(row.credential_hash as Uint8Array),
    leafHash: encodeHex(row.leaf_hash as Uint8Array),
    salt: encodeHex(row.salt as Uint8Array),
    body: row.body as string,
    createdAt: row.created_at as number,
    // SQLite answers 0/1, PostgreSQL a boolean.
    awaitingSignature: Boolean(row.awaiting_signature),
    batch: toBatch(row),
  };
}

/** An intake answer for a credential stored earlier under the same idempotency key (both stores). */
export function toExistingRecord(row: Row): IntakeRecord {
  const credential = toCredential(row);
  return {
    id: credential.id,
    clientId: credential.clientId,
    credentialHash: row.credential_hash as Uint8Array,
    batchId: credential.batchId,
    leafIndex: credential.leafIndex,
    leafHash: row.leaf_hash as Uint8Array,
    batchState: credential.batch.state,
    existing: true,
    awaitingSignature: credential.awaitingSignature,
  };
}

/** A claimed row (both stores; the salt copied out of the driver's buffer). */
export function toAwaitingRow(row: Row): AwaitingSignatureRow {
  return {
    seq: Number(row.seq),
    institutionId: Number(row.institution_id),
    batchId: Number(row.batch_id),
    leafIndex: row.leaf_index as number,
    body: row.body as string,
    salt: new Uint8Array(row.salt as Uint8Array),
  };
}

export function toToken(row: Row): TokenRow {
  return {
    id: row.id as string,
    institutionId: row.institution_id as number,
    name: row.name as string,
    scopes: String(row.scopes).split(",").filter(Boolean) as TokenScope[],
    createdAt: row.created_at as number,
    revokedAt: row.revoked_at as number | null,
  };
}

export function toInstitution(row: Row): InstitutionRow {
  return {
    id: row.id as number,
    name: row.name as string,
    identifier: row.identifier as string,
    metadataUri: row.metadata_uri as string,
    adminAddress: row.admin_address as string,
    createdAt: row.created_at as number,
    status: (row.status as InstitutionRow["status"] | undefined) ?? "active",
    keys: {
      anchorer: (row.anchorer_address as string | null | undefined) ?? null,
      revoker: (row.revoker_address as string | null | undefined) ?? null,
      signingKey: (row.signing_key as string | null | undefined) ?? null,
    },
  };
}

export function toRegistryEvent(row: Row): RegistryEventRow {
  return {
    blockNumber: row.block_number as number,
    blockHash: row.block_hash as `0x${string}`,
    logIndex: row.log_index as number,
    txHash: row.tx_hash as `0x${string}`,
    timestamp: row.timestamp as number,
    name: row.name as RegistryEventRow["name"],
    institutionId: row.institution_id as number,
    chainBatchId: row.chain_batch_id as `0x${string}` | null,
    wordIndex: row.word_index as number | null,
    actor: row.actor as `0x${string}`,
    args: JSON.parse(row.args as string) as Record<string, unknown>,
  };
}

/** A `status_lists` row (the seed copied out of the driver's buffer, so both stores return plain bytes). */
export function toStatusList(row: Row): StatusListRow {
  return {
    institutionId: row.institution_id as number,
    listNumber: row.list_number as number,
    seed: new Uint8Array(row.seed as Uint8Array),
    assigned: row.assigned as number,
    createdAt: row.created_at as number,
  };
}

/** A credential's `status_list`, `status_index` columns. */
export function toStatusPosition(row: Row): StatusListPosition {
  return { listNumber: row.status_list as number, index: row.status_index as number };
}

/** The credential and leaf hash of a row stored awaiting its signature (both stores). */
export const UNSIGNED_HASH: Uint8Array = new Uint8Array(32);

/** Parameters of {@link placeItem}. */
export type PlaceItemParameters = {
  readonly item: IntakeItem;
  readonly id: string;
  readonly batchId: number;
  readonly leafIndex: number;
  readonly batchState: BatchState;
  readonly leafHash: SubmitCredentialsParameters["leafHash"];
};

/**
 * A fresh item at its leaf position, as both stores' intake write and answer it: its
 * credential and leaf hashes ({@link UNSIGNED_HASH} for both while it awaits the signer,
 * which writes them), and the record the request is answered with.
 *
 * @example
 * ```ts
 * const { credentialHash, leaf, record } = placeItem({ item, id: newId(), batchId, leafIndex, batchState: state, leafHash });
 * ```
 */
export function placeItem(parameters: PlaceItemParameters): { credentialHash: Uint8Array; leaf: Uint8Array; record: IntakeRecord } {
  const { item, id, batchId, leafIndex, batchState } = parameters;
  const awaitingSignature = item.awaitingSignature === true;
  const credentialHash = awaitingSignature ? UNSIGNED_HASH : item.credentialHash;
  const leaf = awaitingSignature ? UNSIGNED_HASH : parameters.leafHash(leafIndex, credentialHash);
  return {
    credentialHash,
    leaf,
    record: { id, clientId: item.clientId, credentialHash, batchId, leafIndex, leafHash: leaf, batchState, existing: false, awaitingSignature },
  };
}

/** First 6 bytes of a hash as a safe integer: the key of the hash indexes. */
export function hashPrefix(hash: Uint8Array): number {
  return hash[0]! * 2 ** 40 + hash[1]! * 2 ** 32 + ((hash[2]! << 24) >>> 0) + (hash[3]! << 16) + (hash[4]! << 8) + hash[5]!;
}

/**
 * 32-bit FNV-1a of an idempotency key's UTF-16 code units: the key of the idempotency
 * index (collisions only cost a row read; lookups compare the full key).
 */
export function clientKeyHash(clientId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < clientId.length; i++) hash = Math.imul(hash ^ clientId.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

