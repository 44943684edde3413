/**
 * The intake transaction of the SQLite store (Store.submitCredentials): idempotency keys,
 * leaf positions reserved in the institution's open batch (spilling into new batches at
 * maxSize), inserts. Exactly-once rests on the unique indexes and the row update of the
 * open batch, as a PostgreSQL implementation would do it.
 */
import type { StatementSync } from "node:sqlite";

import type { BatchRow, BatchState, IntakeRecord, SubmitCredentialsParameters, SubmitResult } from "./types.ts";
import { BATCH_COLUMNS, CREDENTIAL_COLUMNS, hashPrefix, SELECT_BATCH, toBatch, toCredential, type Row } from "./sqliteRows.ts";

/** True for the unique-constraint failure of an idempotency key. */
function isClientIdConflict(error: unknown): boolean {
  const message = (error as Error | undefined)?.message ?? "";
  return /UNIQUE constraint failed: credentials\.institution_id, credentials\.client_id/.test(message);
}

/**
 * Builds the intake transaction over the store's statement cache and transaction helper.
 *
 * @example
 * ```ts
 * const submit = createIntakeTransaction({ statement, transaction });
 * const result = submit({ institutionId: 1, items, maxSize: 10_000, now: Date.now(), leafHash, newId });
 * ```
 */
export function createIntakeTransaction(parameters: {
  readonly statement: (sql: string) => StatementSync;
  readonly transaction: <T>(body: () => T) => T;
}): (parameters: SubmitCredentialsParameters) => SubmitResult {
  const { statement, transaction } = parameters;
  const selectBatch = SELECT_BATCH;

  function openBatchFor(institutionId: number, now: number): BatchRow {
    const row = statement(`${selectBatch} WHERE b.institution_id = ? AND b.state = 'open'`).get(institutionId) as
      | Row
      | undefined;
    if (row !== undefined) return toBatch(row);
    const { lastInsertRowid } = statement(
      "INSERT INTO batches (institution_id, state, size, created_at) VALUES (?, 'open', 0, ?)",
    ).run(institutionId, now);
    return toBatch(statement(`${selectBatch} WHERE b.id = ?`).get(Number(lastInsertRowid)) as Row);
  }

  /**
   * Optimistic first: insert without looking each idempotency key up (the unique index
   * on (institution, client_id) is the guard). A resubmitted key makes the insert fail;
   * then the transaction is rolled back and run again looking every key up. New keys,
   * the common case, so cost no extra index probe.
   */
  function submit(parameters: SubmitCredentialsParameters): SubmitResult {
    try {
      return submitOnce(parameters, false);
    } catch (error) {
      if (!isClientIdConflict(error)) throw error;
      return submitOnce(parameters, true);
    }
  }

  function submitOnce(parameters: SubmitCredentialsParameters, probe: boolean): SubmitResult {
    const { institutionId, items, maxSize, now, leafHash, newId } = parameters;
    return transaction((): SubmitResult => {
      const records: (IntakeRecord | undefined)[] = new Array(items.length);
      const conflicts: { position: number; clientId: string }[] = [];
      const fresh: number[] = [];
      const firstByKey = new Map<string, number>();
      const aliases: [number, number][] = []; // [position, position of the first with that key]
      const byClient = statement(
        `SELECT ${CREDENTIAL_COLUMNS}, ${BATCH_COLUMNS} FROM credentials c JOIN batches b ON b.id = c.batch_id
         WHERE c.institution_id = ? AND c.client_id = ?`,
      );
      for (let position = 0; position < items.length; position++) {
        const item = items[position]!;
        if (item.clientId === null) {
          fresh.push(position);
          continue;
        }
        const first = firstByKey.get(item.clientId);
        if (first !== undefined) {
          if (items[first]!.body === item.body) aliases.push([position, first]);
          else conflicts.push({ position, clientId: item.clientId });
          continue;
        }
        firstByKey.set(item.clientId, position);
        const existing = probe ? (byClient.get(institutionId, item.clientId) as Row | undefined) : undefined;
        if (existing === undefined) {
          fresh.push(position);
        } else if (existing.body !== item.body) {
          conflicts.push({ position, clientId: item.clientId });
        } else {
          const credential = toCredential(existing);
          records[position] = {
            id: credential.id,
            clientId: credential.clientId,
            credentialHash: existing.credential_hash as Uint8Array,
            batchId: credential.batchId,
            leafIndex: credential.leafIndex,
            leafHash: existing.leaf_hash as Uint8Array,
            batchState: credential.batch.state,
            existing: true,
          };
        }
      }
      if (conflicts.length > 0) return { ok: false, conflicts };

      const filledBatches: number[] = [];
      const grow = statement(
        "UPDATE batches SET size = size + ?, first_at = COALESCE(first_at, ?) WHERE id = ? AND state = 'open' RETURNING size",
      );
      const markFull = statement("UPDATE batches SET state = 'full' WHERE id = ? AND state = 'open'");
      const insert = statement(
        `INSERT INTO credentials (id, institution_id, batch_id, leaf_index, client_id, credential_hash, leaf_hash, salt,
           body, created_at, ch_prefix, lh_prefix) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      let cursor = 0;
      while (cursor < fresh.length) {
        const batch = openBatchFor(institutionId, now);
        const take = Math.min(fresh.length - cursor, maxSize - batch.size);
        if (take <= 0) {
          // Capacity lowered since the batch opened: seal it and open the next.
          markFull.run(batch.id);
          filledBatches.push(batch.id);
          continue;
        }
        const grown = grow.get(take, now, batch.id) as Row;
        const end = grown.size as number;
        let leafIndex = end - take;
        const state: BatchState = end >= maxSize ? "full" : "open";
        for (let k = 0; k < take; k++, leafIndex++) {
          const position = fresh[cursor + k]!;
          const item = items[position]!;
          const leaf = leafHash(leafIndex, item.credentialHash);
          const id = newId();
          insert.run(
            id,
            institutionId,
            batch.id,
            leafIndex,
            item.clientId,
            item.credentialHash,
            leaf,
            item.salt,
            item.body,
            now,
            hashPrefix(item.credentialHash),
            hashPrefix(leaf),
          );
          records[position] = {
            id,
            clientId: item.clientId,
            credentialHash: item.credentialHash,
            batchId: batch.id,
            leafIndex,
            leafHash: leaf,
            batchState: state,
            existing: false,
          };
        }
        cursor += take;
        if (state === "full") {
          markFull.run(batch.id);
          filledBatches.push(batch.id);
        }
      }
      for (const [position, first] of aliases) records[position] = { ...records[first]!, existing: true };
      return { ok: true, records: records as IntakeRecord[], filledBatches };
    });
  }

  return submit;
}
