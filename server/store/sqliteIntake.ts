/**
 * The intake transaction of the SQLite store (Store.submitCredentials): idempotency keys,
 * leaf positions reserved in the institution's open batch (spilling into new batches at
 * maxSize), inserts. Exactly-once rests on SQLite's database write lock (BEGIN IMMEDIATE,
 * held across connections and processes): every key is looked up and inserted inside it,
 * and leaf positions come from the row update of the open batch. A PostgreSQL store does
 * the same under a UNIQUE (institution_id, client_id) constraint.
 */
import type { StatementSync } from "node:sqlite";

import type { BatchRow, BatchState, IntakeRecord, SubmitCredentialsParameters, SubmitResult } from "./types.ts";
import { planIntake } from "./sameSubmission.ts";
import { LOOKUP_GENERATION_BITS } from "./schema.ts";
import { BATCH_COLUMNS, clientKeyHash, CREDENTIAL_COLUMNS, hashPrefix, placeItem, SELECT_BATCH, toBatch, type Row } from "./sqliteRows.ts";

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

  const generationOf = (seq: number): number => Math.floor(seq / 2 ** LOOKUP_GENERATION_BITS);
  const maxSeq = (): number => (statement("SELECT COALESCE(MAX(seq), 0) AS seq FROM credentials").get() as Row).seq as number;
  /** Generations below this one have their idempotency keys in level 1 (client_keys). */
  const mergedBelow = (): number =>
    Number((statement("SELECT value FROM meta WHERE key = 'client_keys_merged_below'").get() as Row | undefined)?.value ?? 0);

  /**
   * Which of the items' idempotency keys the institution has stored already: one query for
   * the whole request (json_each over the key hashes; level 1, then level 0 for the
   * generations not merged yet: about two index probes per key), then the texts of the rare
   * hash matches compared.
   */
  function storedClientIds(institutionId: number, items: SubmitCredentialsParameters["items"]): Map<string, number> {
    const hashes: number[] = [];
    for (const item of items) if (item.clientId !== null) hashes.push(clientKeyHash(item.clientId));
    const known = new Map<string, number>(); // client id → seq
    if (hashes.length === 0) return known;
    const rows = statement(
      `WITH RECURSIVE generation(n) AS (
         SELECT ?3 UNION ALL SELECT n + 1 FROM generation WHERE n < ?4)
       SELECT c.client_id, c.seq FROM json_each(?1) j CROSS JOIN client_keys k CROSS JOIN credentials c
        WHERE k.client_key = j.value AND c.seq = k.seq AND c.institution_id = ?2
       UNION ALL
       SELECT c.client_id, c.seq FROM generation g CROSS JOIN json_each(?1) j CROSS JOIN credentials c
        WHERE (c.seq >> ${LOOKUP_GENERATION_BITS}) = g.n AND c.client_key = j.value AND c.institution_id = ?2`,
    ).all(JSON.stringify(hashes), institutionId, mergedBelow(), generationOf(maxSeq())) as Row[];
    for (const row of rows) known.set(row.client_id as string, row.seq as number);
    return known;
  }

  /**
   * Moves the idempotency keys of every complete generation (all but the one being filled;
   * seq only grows: rows are never deleted) from level 0 to level 1, in key order from the
   * level-0 index. Runs inside the intake transaction, so the move and the marker commit or
   * roll back together.
   */
  function mergeCompleteGenerations(): void {
    const current = generationOf(maxSeq());
    let generation = mergedBelow();
    if (generation >= current) return;
    const merge = statement(
      `INSERT INTO client_keys (client_key, seq)
       SELECT client_key, seq FROM credentials INDEXED BY credentials_client_gen
        WHERE (seq >> ${LOOKUP_GENERATION_BITS}) = ? AND client_key IS NOT NULL`,
    );
    for (; generation < current; generation++) merge.run(generation);
    statement(
      "INSERT INTO meta (key, value) VALUES ('client_keys_merged_below', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ).run(String(current));
  }

  function submit(parameters: SubmitCredentialsParameters): SubmitResult {
    const { institutionId, items, maxSize, now, leafHash, newId } = parameters;
    return transaction((): SubmitResult => {
      const known = storedClientIds(institutionId, items);
      const storedRow = statement(
        `SELECT ${CREDENTIAL_COLUMNS}, c.status_list, ${BATCH_COLUMNS} FROM credentials c JOIN batches b ON b.id = c.batch_id WHERE c.seq = ?`,
      );
      const { records, conflicts, fresh, aliases } = planIntake(items, (clientId) => {
        const seq = known.get(clientId);
        return seq === undefined ? undefined : (storedRow.get(seq) as Row | undefined);
      });
      if (conflicts.length > 0) return { ok: false, conflicts };

      const filledBatches: number[] = [];
      const grow = statement(
        "UPDATE batches SET size = size + ?, first_at = COALESCE(first_at, ?) WHERE id = ? AND state = 'open' RETURNING size",
      );
      const markFull = statement("UPDATE batches SET state = 'full' WHERE id = ? AND state = 'open'");
      const insert = statement(
        `INSERT INTO credentials (id, institution_id, batch_id, leaf_index, client_id, client_key, credential_hash, leaf_hash,
           salt, body, created_at, ch_prefix, lh_prefix, status_list, status_index, awaiting_signature)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
          const id = newId();
          const { credentialHash, leaf, record } = placeItem({ item, id, batchId: batch.id, leafIndex, batchState: state, leafHash });
          insert.run(
            id,
            institutionId,
            batch.id,
            leafIndex,
            item.clientId,
            item.clientId === null ? null : clientKeyHash(item.clientId),
            credentialHash,
            leaf,
            item.salt,
            item.body,
            now,
            hashPrefix(credentialHash),
            hashPrefix(leaf),
            item.status?.listNumber ?? null,
            item.status?.index ?? null,
            item.awaitingSignature === true ? 1 : 0,
          );
          records[position] = record;
        }
        cursor += take;
        if (state === "full") {
          markFull.run(batch.id);
          filledBatches.push(batch.id);
        }
      }
      mergeCompleteGenerations();
      for (const [position, first] of aliases) records[position] = { ...records[first]!, existing: true };
      return { ok: true, records: records as IntakeRecord[], filledBatches };
    });
  }

  return submit;
}
