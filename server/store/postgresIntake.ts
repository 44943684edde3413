/**
 * The intake transaction of the PostgreSQL store (Store.submitCredentials), safe with any
 * number of replicas writing at once:
 * - leaf positions come from the open batch's row, locked (SELECT … FOR UPDATE) and grown
 *   in the transaction, so two replicas never hand out the same position;
 * - a new open batch is inserted with ON CONFLICT DO NOTHING against the partial unique
 *   index (one open batch per institution), and the loser locks the winner's;
 * - idempotency keys are looked up first and held by UNIQUE (institution_id, client_id):
 *   the same key sent to two replicas at once makes the second transaction fail on that
 *   constraint once the first commits, and it is run again, finding the first's credential;
 * - a key already stored answers the stored credential when sameSubmission says it is the
 *   same one (a service-signed retry differs only in its proof and status entry).
 */
import type { PoolClient } from "pg";

import { binaryCopyStatement, copyBinaryInto, createBinaryCopyEncoder, type BinaryCopyColumn } from "./pgBinaryCopy.ts";
import { planIntake } from "./sameSubmission.ts";
import type { BatchState, IntakeRecord, SubmitCredentialsParameters, SubmitResult } from "./types.ts";
import { BATCH_COLUMNS, CREDENTIAL_COLUMNS, hashPrefix, placeItem, type Row } from "./sqliteRows.ts";

/** The constraint a concurrent submission of the same idempotency key trips. */
export const CLIENT_KEY_CONSTRAINT = "credentials_institution_id_client_id_key";

/** The columns intake writes (each row below names its values). */
const CREDENTIAL_COPY_COLUMNS = [
  { name: "id", type: "text" },
  { name: "institution_id", type: "int8" },
  { name: "batch_id", type: "int8" },
  { name: "leaf_index", type: "int4" },
  { name: "client_id", type: "text" },
  { name: "credential_hash", type: "bytea" },
  { name: "leaf_hash", type: "bytea" },
  { name: "salt", type: "bytea" },
  { name: "body", type: "text" },
  { name: "created_at", type: "int8" },
  { name: "ch_prefix", type: "int8" },
  { name: "lh_prefix", type: "int8" },
  { name: "status_list", type: "int4" },
  { name: "status_index", type: "int4" },
  { name: "awaiting_signature", type: "bool" },
] as const satisfies readonly BinaryCopyColumn[];
const COPY_CREDENTIALS = binaryCopyStatement("credentials", CREDENTIAL_COPY_COLUMNS);

/**
 * One attempt of the intake transaction on `client` (BEGIN/COMMIT are the caller's).
 *
 * @example
 * ```ts
 * await client.query("BEGIN");
 * const result = await submitOnce(client, parameters);
 * await client.query("COMMIT");
 * ```
 */
export async function submitOnce(client: PoolClient, parameters: SubmitCredentialsParameters): Promise<SubmitResult> {
  const { institutionId, items, maxSize, now, leafHash, newId } = parameters;
  const keys = [...new Set(items.flatMap((item) => (item.clientId === null ? [] : [item.clientId])))];
  const known = new Map<string, Row>();
  if (keys.length > 0) {
    const { rows } = await client.query({
      name: "intake-known-keys",
      text: `SELECT ${CREDENTIAL_COLUMNS}, c.status_list, ${BATCH_COLUMNS} FROM credentials c JOIN batches b ON b.id = c.batch_id
              WHERE c.institution_id = $1 AND c.client_id = ANY($2::text[])`,
      values: [institutionId, keys],
    });
    for (const row of rows as Row[]) known.set(row.client_id as string, row);
  }
  const { records, conflicts, fresh, aliases } = planIntake(items, (clientId) => known.get(clientId));
  if (conflicts.length > 0) return { ok: false, conflicts };

  const filledBatches: number[] = [];
  // Sized for the texts (ASCII JSON: a byte per character) and the fixed columns (~300 bytes
  // a row): no regrowth in the usual case.
  let textChars = 0;
  for (const position of fresh) textChars += items[position]!.body.length + (items[position]!.clientId?.length ?? 0);
  const rows = createBinaryCopyEncoder({ columns: CREDENTIAL_COPY_COLUMNS, initialBytes: textChars + fresh.length * 384 });
  let cursor = 0;
  while (cursor < fresh.length) {
    const locked = await client.query({
      name: "intake-lock-open",
      text: "SELECT id, size FROM batches WHERE institution_id = $1 AND state = 'open' FOR UPDATE",
      values: [institutionId],
    });
    let batch = locked.rows[0] as { id: number; size: number } | undefined;
    if (batch === undefined) {
      const inserted = await client.query({
        name: "intake-open-batch",
        text: `INSERT INTO batches (institution_id, state, size, created_at) VALUES ($1, 'open', 0, $2)
               ON CONFLICT (institution_id) WHERE state = 'open' DO NOTHING RETURNING id, size`,
        values: [institutionId, now],
      });
      batch = inserted.rows[0] as { id: number; size: number } | undefined;
      if (batch === undefined) continue; // another replica opened it first: lock theirs
    }
    const take = Math.min(fresh.length - cursor, maxSize - batch.size);
    if (take <= 0) {
      // Capacity lowered since the batch opened: seal it and open the next.
      await client.query({ name: "intake-mark-full", text: "UPDATE batches SET state = 'full' WHERE id = $1", values: [batch.id] });
      filledBatches.push(batch.id);
      continue;
    }
    const end = batch.size + take;
    const state: BatchState = end >= maxSize ? "full" : "open";
    await client.query({
      name: "intake-grow",
      text: "UPDATE batches SET size = $1, first_at = COALESCE(first_at, $2), state = $3 WHERE id = $4",
      values: [end, now, state, batch.id],
    });
    let leafIndex = batch.size;
    for (let k = 0; k < take; k++, leafIndex++) {
      const position = fresh[cursor + k]!;
      const item = items[position]!;
      const id = newId();
      const { credentialHash, leaf, record } = placeItem({ item, id, batchId: batch.id, leafIndex, batchState: state, leafHash });
      rows.row({
        id,
        institution_id: institutionId,
        batch_id: batch.id,
        leaf_index: leafIndex,
        client_id: item.clientId,
        credential_hash: credentialHash,
        leaf_hash: leaf,
        salt: item.salt,
        body: item.body,
        created_at: now,
        ch_prefix: hashPrefix(credentialHash),
        lh_prefix: hashPrefix(leaf),
        status_list: item.status?.listNumber ?? null,
        status_index: item.status?.index ?? null,
        awaiting_signature: item.awaitingSignature === true,
      });
      records[position] = record;
    }
    cursor += take;
    if (state === "full") filledBatches.push(batch.id);
  }
  if (rows.rows > 0) {
    // One binary COPY for the whole request, in this transaction (pgBinaryCopy.ts says why
    // not an INSERT); UNIQUE (institution_id, client_id) still decides a concurrent race.
    await copyBinaryInto({ client, statement: COPY_CREDENTIALS, data: rows.finish() });
  }
  for (const [position, first] of aliases) records[position] = { ...records[first]!, existing: true };
  return { ok: true, records: records as IntakeRecord[], filledBatches };
}
