/**
 * {@link Store} on PostgreSQL (`pg`), selected by CREDANCHOR_DATABASE_URL=postgres://…: any
 * number of API replicas share it, and nothing that exactly-once rests on lives in a
 * replica's memory. Intake is one transaction (postgresIntake.ts); batch state changes are
 * compare-and-set updates; the publisher's writes are fenced by its lease row (one SQL
 * statement checks the lease and writes, in the database's clock).
 *
 * A failure that means "the database is unavailable" (connection refused or cut, server
 * restarting) becomes CA_STORE_UNAVAILABLE: 503 with Retry-After, never a 500. Committed
 * work is durable at COMMIT (synchronous_commit is left on), so a 202 survives a restart.
 */
import pg from "pg";

import { ConfigError, ServiceError } from "../errors.ts";
import { createPostgresAnchorLookup } from "./postgresAnchors.ts";
import { isUnavailable, storeUnavailable } from "./postgresErrors.ts";
import { CLIENT_KEY_CONSTRAINT, submitOnce } from "./postgresIntake.ts";
import { MIGRATION_LOCK_KEY, POSTGRES_SCHEMA_VERSION, postgresMigrations } from "./postgresSchema.ts";
import { reserveStatusPositionsOnce } from "./postgresStatusLists.ts";
import {
  BATCH_COLUMNS,
  CREDENTIAL_COLUMNS,
  hashPrefix,
  PATCH_COLUMNS,
  SELECT_BATCH,
  toAwaitingRow,
  toBatch,
  toCredential,
  toInstitution,
  toRegistryEvent,
  toStatusList,
  toStatusPosition,
  toToken,
  type Row,
} from "./sqliteRows.ts";
import type { BatchPatch, ChainIdentity, IndexCursor, LeaseFence, Store, StoreHealth } from "./types.ts";

/** Parameters of {@link createPostgresStore}. */
export type CreatePostgresStoreParameters = {
  /** postgres://user:password@host:port/database */
  readonly url: string;
  /** Connections this process keeps at most (default 10). */
  readonly poolSize?: number | undefined;
  /**
   * What to do with a database older than this release: "migrate" it (start-up default,
   * under an advisory lock) or "refuse" (the operator runs `credanchor db migrate`).
   */
  readonly onOlderSchema?: "migrate" | "refuse" | undefined;
};

/** int8 (BIGINT, COUNT, SUM) as a JS number: every value the service stores is a safe integer. */
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID || oid === NUMERIC_OID ? (text: string) => Number(text) : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

/**
 * A transaction idle this long on the server is a stalled replica's: the server ends it.
 * Generous, so a replica merely starved of CPU (an overloaded machine) is not cut.
 */
const IDLE_IN_TRANSACTION_MS = 15_000;
/** Longer than {@link IDLE_IN_TRANSACTION_MS}: a stalled replica's locks are gone by then. */
const LOCK_TIMEOUT_MS = 20_000;

/** SQLSTATE disk_full: the server could not extend a file (the write was rolled back). */
const DISK_FULL = "53100";
function isDiskFull(error: unknown): error is Error & { code: string } {
  return error instanceof Error && (error as { code?: unknown }).code === DISK_FULL;
}
/** Statements that write nothing (a success of anything else shows the storage takes writes). */
const READ_ONLY = /^\s*SELECT\b/i;

/** Shown instead of the URL (it may hold a password). */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return "(unparseable URL)";
  }
}

async function schemaVersionOf(client: pg.ClientBase): Promise<number> {
  const table = await client.query("SELECT to_regclass('meta') IS NOT NULL AS present");
  if (!(table.rows[0] as { present: boolean }).present) return 0;
  const row = (await client.query("SELECT value FROM meta WHERE key = 'schema_version'")).rows[0] as { value: string } | undefined;
  return row === undefined ? 0 : Number(row.value);
}

/**
 * Brings the database at `url` to {@link POSTGRES_SCHEMA_VERSION} (each step in its own
 * transaction, under an advisory lock so concurrent runs migrate once) and returns the
 * versions before and after. A database written by a newer release is refused.
 *
 * @example
 * ```ts
 * const { from, to } = await migratePostgres({ url: process.env.CREDANCHOR_DATABASE_URL! });
 * ```
 */
export async function migratePostgres(parameters: { readonly url: string; readonly refuseOlder?: boolean | undefined }): Promise<{ from: number; to: number }> {
  const client = new pg.Client({ connectionString: parameters.url, types });
  client.on("error", () => undefined); // a cut connection fails the pending query instead
  try {
    await client.connect();
  } catch (cause) {
    throw new ConfigError({
      message: `Cannot connect to PostgreSQL at ${describeUrl(parameters.url)}: ${(cause as Error).message}.`,
      hints: ["Check CREDANCHOR_DATABASE_URL (postgres://user:password@host:port/database) and that the server is running."],
    });
  }
  try {
    const from = await schemaVersionOf(client);
    let version = from;
    refuseNewer(version, parameters.url);
    if (version < POSTGRES_SCHEMA_VERSION && parameters.refuseOlder === true) {
      throw new ConfigError({
        message: `Database ${describeUrl(parameters.url)} has schema version ${version}; this credanchor needs version ${POSTGRES_SCHEMA_VERSION}.`,
        hints: ["Run `credanchor db migrate` with this release, then start the service."],
      });
    }
    while (version < POSTGRES_SCHEMA_VERSION) {
      await client.query("BEGIN");
      try {
        await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY.toString()]);
        version = await schemaVersionOf(client); // another process may have migrated meanwhile
        refuseNewer(version, parameters.url);
        if (version < POSTGRES_SCHEMA_VERSION) {
          await client.query(postgresMigrations[version]!);
          version++;
          await client.query(
            "INSERT INTO meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [String(version)],
          );
        }
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    }
    return { from, to: version };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function refuseNewer(version: number, url: string): void {
  if (!Number.isInteger(version) || version < 0 || version > POSTGRES_SCHEMA_VERSION) {
    throw new ConfigError({
      message: `Database ${describeUrl(url)} has schema version ${version}; this credanchor reads versions up to ${POSTGRES_SCHEMA_VERSION}.`,
      hints: ["Run the credanchor release that wrote this database (or a newer one), or point CREDANCHOR_DATABASE_URL at another database."],
    });
  }
}

/**
 * Connects, checks (and by default migrates) the schema, and returns the store.
 *
 * @example
 * ```ts
 * const store = await createPostgresStore({ url: "postgres://postgres@127.0.0.1:5432/credanchor" });
 * ```
 */
export async function createPostgresStore(parameters: CreatePostgresStoreParameters): Promise<Store> {
  await migratePostgres({ url: parameters.url, refuseOlder: parameters.onOlderSchema === "refuse" });
  const pool = new pg.Pool({
    connectionString: parameters.url,
    max: parameters.poolSize ?? 10,
    types,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // No transaction of this store waits on anything but the database, so one left idle is
    // a stalled replica (paused, frozen VM): the server ends it and frees its row locks,
    // which would otherwise stop every other replica's intake on that batch for good.
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    // A lock still not granted after this is held by such a replica: 503, retry.
    lock_timeout: LOCK_TIMEOUT_MS,
  });
  // An idle connection cut by a server restart is reported here; the pool drops it and the
  // next query connects anew. Without a listener the process would exit.
  pool.on("error", () => undefined);
  // A connection cut while checked out (a restart, or the server ending a transaction left
  // idle) also emits 'error' on its client, where the pool listens no more: the failure
  // reaches the caller through its pending query (a 503); unheard, it would end the process.
  pool.on("connect", (client) => client.on("error", () => undefined));

  let health: StoreHealth = { writable: true };

  /**
   * What a failed statement becomes: a full disk (SQLSTATE 53100) is recorded for
   * readiness and answered CA_STORAGE_FULL; other unavailability is the 503 error.
   */
  function failure(error: unknown): unknown {
    if (isDiskFull(error)) {
      if (health.writable) health = { writable: false, failure: { code: "CA_STORAGE_FULL", message: error.message, since: Date.now() } };
      return new ServiceError({
        code: "CA_STORAGE_FULL",
        message: `The database cannot store anything right now: ${error.message}. Nothing of this request was stored.`,
        cause: error,
      });
    }
    return isUnavailable(error) ? storeUnavailable(error) : error;
  }
  /** A write committed: the storage takes writes again. */
  function committed(): void {
    if (!health.writable) health = { writable: true };
  }

  /** Runs one query; unavailability becomes the 503 error. */
  async function query(text: string, values: readonly unknown[] = [], name?: string): Promise<Row[]> {
    try {
      const result = await pool.query({ text, values: values as unknown[], ...(name === undefined ? {} : { name }) });
      if (!READ_ONLY.test(text)) committed();
      return result.rows as Row[];
    } catch (error) {
      throw failure(error);
    }
  }

  async function setMetaIn(client: pg.ClientBase, key: string, value: string): Promise<void> {
    await client.query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value]);
  }

  async function transaction<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw failure(error);
    }
    let broken = false;
    try {
      await client.query("BEGIN");
      const result = await body(client);
      await client.query("COMMIT");
      committed();
      return result;
    } catch (error) {
      broken = isUnavailable(error) && !isDiskFull(error);
      if (!broken) await client.query("ROLLBACK").catch(() => (broken = true));
      throw failure(error);
    } finally {
      client.release(broken);
    }
  }

  /** {@link query} with rows as arrays (no object per row): for the hot paths. */
  async function queryArrays(text: string, values: readonly unknown[], name: string): Promise<unknown[][]> {
    try {
      return (await pool.query({ text, values: values as unknown[], name, rowMode: "array" })).rows as unknown[][];
    } catch (error) {
      throw failure(error);
    }
  }
  const anchors = createPostgresAnchorLookup({ queryArrays, query });
  const selectBatch = SELECT_BATCH;
  const one = async (text: string, values: readonly unknown[] = [], name?: string): Promise<Row | undefined> =>
    (await query(text, values, name))[0];
  const fenceHeld = (first: number) =>
    `EXISTS (SELECT 1 FROM leases l WHERE l.key = $${first} AND l.holder = $${first + 1} AND l.epoch = $${first + 2}
       AND l.expires_at > clock_timestamp())`;

  const store: Store = {
    async ping() {
      await query("SELECT 1");
    },
    health: () => health,
    async close() {
      await pool.end();
    },

    async getChainIdentity() {
      const row = await one("SELECT value FROM meta WHERE key = 'chain_identity'");
      return row === undefined ? undefined : (JSON.parse(row.value as string) as ChainIdentity);
    },
    async setChainIdentity(identity) {
      await query("INSERT INTO meta (key, value) VALUES ('chain_identity', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [
        JSON.stringify(identity),
      ]);
    },

    async createInstitution(row) {
      await query(
        `INSERT INTO institutions (id, name, identifier, metadata_uri, admin_address, created_at, status, anchorer_address, revoker_address, signing_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          row.id,
          row.name,
          row.identifier,
          row.metadataUri,
          row.adminAddress,
          row.createdAt,
          row.status,
          row.keys.anchorer,
          row.keys.revoker,
          row.keys.signingKey,
        ],
      );
    },
    async updateInstitution(row) {
      const rows = await query(
        `UPDATE institutions SET name = $1, identifier = $2, metadata_uri = $3, admin_address = $4, anchorer_address = $5,
           revoker_address = $6, signing_key = $7 WHERE id = $8 RETURNING id`,
        [row.name, row.identifier, row.metadataUri, row.adminAddress, row.keys.anchorer, row.keys.revoker, row.keys.signingKey, row.id],
      );
      return rows.length === 1;
    },
    async setInstitutionStatus({ id, status }) {
      return (await query("UPDATE institutions SET status = $1 WHERE id = $2 RETURNING id", [status, id])).length === 1;
    },
    async getSetting(key) {
      const row = await one("SELECT value FROM meta WHERE key = $1", [`setting:${key}`]);
      return row === undefined ? undefined : (row.value as string);
    },
    async setSetting(key, value) {
      await query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [
        `setting:${key}`,
        value,
      ]);
    },
    async getInstitution(id) {
      const row = await one("SELECT * FROM institutions WHERE id = $1", [id], "get-institution");
      return row === undefined ? undefined : toInstitution(row);
    },
    async listInstitutions() {
      return (await query("SELECT * FROM institutions ORDER BY id")).map(toInstitution);
    },

    async createToken({ row, secretHash }) {
      await query("INSERT INTO tokens (id, institution_id, name, scopes, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)", [
        row.id,
        row.institutionId,
        row.name,
        row.scopes.join(","),
        Buffer.from(secretHash),
        row.createdAt,
      ]);
    },
    async findTokenBySecretHash(secretHash) {
      const row = await one("SELECT * FROM tokens WHERE secret_hash = $1", [Buffer.from(secretHash)], "find-token");
      return row === undefined ? undefined : toToken(row);
    },
    async listTokens(institutionId) {
      return (await query("SELECT * FROM tokens WHERE institution_id = $1 ORDER BY created_at, id", [institutionId])).map(toToken);
    },
    async revokeToken({ institutionId, id, now }) {
      const rows = await query(
        "UPDATE tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND institution_id = $3 RETURNING id",
        [now, id, institutionId],
      );
      return rows.length === 1;
    },

    async submitCredentials(parameters) {
      // A concurrent submission of the same idempotency key (another replica) commits first:
      // run again, and the key is found. Bounded: each retry means a key was just stored.
      for (let attempt = 1; ; attempt++) {
        try {
          return await transaction((client) => submitOnce(client, parameters));
        } catch (error) {
          const constraint = (error as { constraint?: string }).constraint;
          if (constraint !== CLIENT_KEY_CONSTRAINT || attempt >= 5) throw error;
        }
      }
    },
    async getCredential({ institutionId, id }) {
      const row = await one(
        `SELECT ${CREDENTIAL_COLUMNS}, ${BATCH_COLUMNS} FROM credentials c JOIN batches b ON b.id = c.batch_id
          WHERE c.id = $1 AND c.institution_id = $2`,
        [id, institutionId],
        "get-credential",
      );
      return row === undefined ? undefined : toCredential(row);
    },
    async getCredentialAnchor(parameters) {
      return anchors.lookup(parameters);
    },
    async findCredentialsByHash({ institutionId, hash }) {
      const rows = await query(
        `SELECT ${CREDENTIAL_COLUMNS}, ${BATCH_COLUMNS} FROM credentials c JOIN batches b ON b.id = c.batch_id
          WHERE c.institution_id = $1 AND (c.ch_prefix = $2 AND c.credential_hash = $3 OR c.lh_prefix = $2 AND c.leaf_hash = $3)
          ORDER BY c.seq`,
        [institutionId, hashPrefix(hash), Buffer.from(hash)],
        "find-by-hash",
      );
      return rows.map(toCredential);
    },
    async getCredentialsByIds({ institutionId, ids }) {
      const rows = await query(
        `SELECT ${CREDENTIAL_COLUMNS}, ${BATCH_COLUMNS} FROM credentials c JOIN batches b ON b.id = c.batch_id
          WHERE c.id = ANY($1::text[]) AND c.institution_id = $2`,
        [[...ids], institutionId],
      );
      const byId = new Map(rows.map((row) => [row.id as string, toCredential(row)]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },
    async countPendingCredentials() {
      const row = await one("SELECT COALESCE(SUM(size), 0) AS n FROM batches WHERE state != 'anchored'");
      return row!.n as number;
    },
    async signAwaitingCredentials({ limit, excludeInstitutions, sign }) {
      // The claim holds its rows' locks while they are signed: other replicas skip them and
      // sign the next ones; the update is still conditional (a row signed and committed by
      // another replica between two claims is never signed again).
      const outcome = await transaction(async (client) => {
        const { rows } = await client.query({
          name: "signer-claim",
          text: `SELECT seq, institution_id, batch_id, leaf_index, body, salt FROM credentials
                  WHERE awaiting_signature AND NOT (institution_id = ANY($1::bigint[]))
                  ORDER BY batch_id, leaf_index LIMIT $2 FOR UPDATE SKIP LOCKED`,
          values: [[...excludeInstitutions], limit],
        });
        const claimed = (rows as Row[]).map(toAwaitingRow);
        if (claimed.length === 0) return { claimed: 0, signed: 0, batches: [] as number[] };
        const writes = await sign(claimed);
        if (writes.length === 0) return { claimed: claimed.length, signed: 0, batches: [] as number[] };
        const updated = await client.query({
          name: "signer-write",
          text: `UPDATE credentials c SET body = u.body, credential_hash = u.credential_hash, leaf_hash = u.leaf_hash,
                   ch_prefix = u.ch_prefix, lh_prefix = u.lh_prefix, awaiting_signature = false
                   FROM unnest($1::bigint[], $2::text[], $3::bytea[], $4::bytea[], $5::bigint[], $6::bigint[])
                     AS u(seq, body, credential_hash, leaf_hash, ch_prefix, lh_prefix)
                  WHERE c.seq = u.seq AND c.awaiting_signature RETURNING c.batch_id`,
          values: [
            writes.map((write) => write.seq),
            writes.map((write) => write.body),
            writes.map((write) => Buffer.from(write.credentialHash)),
            writes.map((write) => Buffer.from(write.leafHash)),
            writes.map((write) => hashPrefix(write.credentialHash)),
            writes.map((write) => hashPrefix(write.leafHash)),
          ],
        });
        return { claimed: claimed.length, signed: updated.rows.length, batches: [...new Set((updated.rows as Row[]).map((row) => Number(row.batch_id)))] };
      });
      if (outcome.batches.length === 0) return { claimed: outcome.claimed, signed: outcome.signed, signedBatches: [] };
      // After the commit: a batch whose last rows another replica signs at the same time is
      // reported by one of the two, or found by the batcher's next tick.
      const done = await query(
        `SELECT b FROM unnest($1::bigint[]) AS b
          WHERE NOT EXISTS (SELECT 1 FROM credentials WHERE batch_id = b AND awaiting_signature)`,
        [outcome.batches],
      );
      return { claimed: outcome.claimed, signed: outcome.signed, signedBatches: done.map((row) => Number(row.b)) };
    },
    async countAwaitingSignature({ batchId }) {
      const row =
        batchId === undefined
          ? await one("SELECT COUNT(*)::int AS n FROM credentials WHERE awaiting_signature")
          : await one("SELECT COUNT(*)::int AS n FROM credentials WHERE batch_id = $1 AND awaiting_signature", [batchId]);
      return row!.n as number;
    },

    async reserveStatusPositions(parameters) {
      return transaction((client) => reserveStatusPositionsOnce(client, parameters));
    },
    async listStatusLists({ institutionId }) {
      return (await query("SELECT * FROM status_lists WHERE institution_id = $1 ORDER BY list_number", [institutionId])).map(toStatusList);
    },
    async listStatusPositions({ chainBatchId, leafIndices }) {
      const rows =
        leafIndices === undefined
          ? await query(
              `SELECT c.status_list, c.status_index FROM batches b JOIN credentials c ON c.batch_id = b.id
                WHERE b.chain_batch_id = $1 AND c.status_list IS NOT NULL`,
              [chainBatchId.toLowerCase()],
            )
          : await query(
              `SELECT c.status_list, c.status_index FROM batches b JOIN credentials c ON c.batch_id = b.id
                WHERE b.chain_batch_id = $1 AND c.leaf_index = ANY($2::int[]) AND c.status_list IS NOT NULL`,
              [chainBatchId.toLowerCase(), [...leafIndices]],
            );
      return rows.map(toStatusPosition);
    },

    async getBatch({ institutionId, id }) {
      const row = await one(`${selectBatch} WHERE b.id = $1 AND b.institution_id = $2`, [id, institutionId]);
      return row === undefined ? undefined : toBatch(row);
    },
    async getBatchById(id) {
      const row = await one(`${selectBatch} WHERE b.id = $1`, [id], "get-batch-by-id");
      return row === undefined ? undefined : toBatch(row);
    },
    async listBatches({ institutionId, limit, beforeId }) {
      return (
        await query(`${selectBatch} WHERE b.institution_id = $1 AND b.id < $2 ORDER BY b.id DESC LIMIT $3`, [
          institutionId,
          beforeId ?? Number.MAX_SAFE_INTEGER,
          limit,
        ])
      ).map(toBatch);
    },
    async listBatchesInStates(states) {
      return (await query(`${selectBatch} WHERE b.state = ANY($1::text[]) ORDER BY b.id`, [[...states]])).map(toBatch);
    },
    async listBatchesDue({ firstAtOrBefore }) {
      return (
        await query(`${selectBatch} WHERE b.state = 'full' OR (b.state = 'open' AND b.size > 0 AND b.first_at <= $1) ORDER BY b.id`, [
          firstAtOrBefore,
        ])
      ).map(toBatch);
    },
    async getOpenBatch(institutionId) {
      const row = await one(`${selectBatch} WHERE b.institution_id = $1 AND b.state = 'open'`, [institutionId]);
      return row === undefined ? undefined : toBatch(row);
    },
    async sealBatch({ id }) {
      // Waits for an intake transaction holding the open batch's row: the seal sees its leaves.
      return (await query("UPDATE batches SET state = 'full' WHERE id = $1 AND state = 'open' AND size > 0 RETURNING id", [id])).length === 1;
    },
    async getLeafHashes(batchId) {
      const rows = await query("SELECT leaf_index, leaf_hash FROM credentials WHERE batch_id = $1 ORDER BY leaf_index", [batchId]);
      const out = new Uint8Array(rows.length * 32);
      for (let i = 0; i < rows.length; i++) {
        if ((rows[i]!.leaf_index as number) !== i) throw new Error(`batch ${batchId}: leaf ${i} missing`);
        out.set(rows[i]!.leaf_hash as Uint8Array, i * 32);
      }
      return out;
    },
    async saveClosedBatch({ id, merkleRoot, chainBatchId, tree, now }) {
      return transaction(async (client) => {
        const changed = await client.query(
          // A tree over zero leaf hashes would anchor nothing: never close while a row awaits its signature.
          `UPDATE batches SET state = 'closed', merkle_root = $1, chain_batch_id = $2, closed_at = $3 WHERE id = $4 AND state = 'full'
             AND NOT EXISTS (SELECT 1 FROM credentials WHERE batch_id = batches.id AND awaiting_signature) RETURNING size`,
          [merkleRoot, chainBatchId, now, id],
        );
        if (changed.rows.length !== 1) return false;
        await client.query("INSERT INTO batch_trees (batch_id, leaf_count, tree) VALUES ($1, $2, $3)", [
          id,
          (changed.rows[0] as Row).size,
          Buffer.from(tree.buffer, tree.byteOffset, tree.byteLength),
        ]);
        return true;
      });
    },
    async getBatchTree(batchId) {
      const row = await one("SELECT tree FROM batch_trees WHERE batch_id = $1", [batchId]);
      return row === undefined ? undefined : (row.tree as Uint8Array);
    },
    async transitionBatch({ id, from, to, patch, fence }) {
      anchors.forgetBatch(id);
      const sets = ["state = $1"];
      const values: unknown[] = [to];
      for (const [key, value] of Object.entries(patch ?? {})) {
        values.push(value);
        sets.push(`${PATCH_COLUMNS[key as keyof BatchPatch]} = $${values.length}`);
      }
      values.push(id, [...from]);
      let where = `id = $${values.length - 1} AND state = ANY($${values.length}::text[])`;
      if (fence !== undefined) {
        values.push(fence.key, fence.holder, fence.epoch);
        where += ` AND ${fenceHeld(values.length - 2)}`;
      }
      return (await query(`UPDATE batches SET ${sets.join(", ")} WHERE ${where} RETURNING id`, values)).length === 1;
    },
    async maxInFlightNonce(fromAddress) {
      const row = await one("SELECT MAX(nonce) AS n FROM batches WHERE state IN ('sending', 'sent') AND from_address = $1", [fromAddress]);
      return row?.n === null || row?.n === undefined ? undefined : (row.n as number);
    },

    async getIndexCursor() {
      const row = await one("SELECT value FROM meta WHERE key = 'index_cursor'");
      return row === undefined ? undefined : (JSON.parse(row.value as string) as IndexCursor);
    },
    async appendRegistryEvents({ events, cursor }) {
      await transaction(async (client) => {
        for (const event of events) {
          await client.query(
            `INSERT INTO registry_events (block_number, log_index, block_hash, tx_hash, "timestamp", name, institution_id, chain_batch_id, word_index, actor, args)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
            [
              event.blockNumber,
              event.logIndex,
              event.blockHash,
              event.txHash,
              event.timestamp,
              event.name,
              event.institutionId,
              event.chainBatchId,
              event.wordIndex,
              event.actor,
              JSON.stringify(event.args),
            ],
          );
          const anchored =
            event.name === "BatchAnchored"
              ? [event.chainBatchId]
              : event.name === "BatchesAnchored"
                ? ((event.args.batchIds as string[] | undefined) ?? [])
                : [];
          for (const id of anchored) {
            await client.query(
              "INSERT INTO indexed_batches (chain_batch_id, institution_id, block_number) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
              [id, event.institutionId, event.blockNumber],
            );
          }
        }
        await setMetaIn(client, "index_cursor", JSON.stringify(cursor));
      });
    },
    async rewindRegistryEvents({ afterBlock, cursor }) {
      await transaction(async (client) => {
        await client.query("DELETE FROM registry_events WHERE block_number > $1", [afterBlock]);
        await client.query("DELETE FROM indexed_batches WHERE block_number > $1", [afterBlock]);
        await setMetaIn(client, "index_cursor", JSON.stringify(cursor));
      });
    },
    async listCredentialEvents({ institutionId, chainBatchId, wordIndex }) {
      const rows = await query(
        // Three index lookups (an OR on word_index would scan every event of the batch).
        `SELECT * FROM registry_events WHERE chain_batch_id = $1 AND word_index = $2
         UNION ALL SELECT * FROM registry_events WHERE chain_batch_id = $1 AND word_index IS NULL
         UNION ALL SELECT * FROM registry_events WHERE institution_id = $3 AND chain_batch_id IS NULL
         ORDER BY block_number, log_index`,
        [chainBatchId.toLowerCase(), wordIndex, institutionId],
        "list-credential-events",
      );
      return rows.map(toRegistryEvent);
    },
    async listInstitutionEvents({ institutionId }) {
      // One ordered index range (registry_events_institution_all): one row per anchoring or status transaction.
      const rows = await query("SELECT * FROM registry_events WHERE institution_id = $1 ORDER BY block_number, log_index", [institutionId]);
      return rows.map(toRegistryEvent);
    },
    async listRegistryEvents({ after, limit }) {
      const rows =
        after === undefined
          ? await query("SELECT * FROM registry_events ORDER BY block_number, log_index LIMIT $1", [limit])
          : await query(
              "SELECT * FROM registry_events WHERE (block_number, log_index) > ($1, $2) ORDER BY block_number, log_index LIMIT $3",
              [after.blockNumber, after.logIndex, limit],
            );
      return rows.map(toRegistryEvent);
    },
    async institutionOfChainBatch(chainBatchId) {
      const row = await one("SELECT institution_id FROM indexed_batches WHERE chain_batch_id = $1", [chainBatchId.toLowerCase()]);
      return row === undefined ? undefined : (row.institution_id as number);
    },
    async rebindChain({ identity, cursor }) {
      await transaction(async (client) => {
        await client.query("DELETE FROM registry_events");
        await client.query("DELETE FROM indexed_batches");
        await setMetaIn(client, "chain_identity", JSON.stringify(identity));
        await setMetaIn(client, "index_cursor", JSON.stringify(cursor));
      });
    },

    async acquireLease({ key, holder, ttlMs }) {
      // One statement: take a free or expired lease (new epoch), or extend our own.
      const row = await one(
        `INSERT INTO leases AS l (key, holder, epoch, expires_at)
         VALUES ($1, $2, 1, clock_timestamp() + $3 * interval '1 millisecond')
         ON CONFLICT (key) DO UPDATE
           SET holder = excluded.holder,
               epoch = CASE WHEN l.holder = excluded.holder AND l.expires_at > clock_timestamp() THEN l.epoch ELSE l.epoch + 1 END,
               expires_at = excluded.expires_at
           WHERE l.holder = excluded.holder OR l.expires_at <= clock_timestamp()
         RETURNING epoch`,
        [key, holder, ttlMs],
      );
      return row === undefined ? undefined : ({ key, holder, epoch: row.epoch as number } satisfies LeaseFence);
    },
    async renewLease({ fence, ttlMs }) {
      const rows = await query(
        `UPDATE leases SET expires_at = clock_timestamp() + $4 * interval '1 millisecond'
          WHERE key = $1 AND holder = $2 AND epoch = $3 AND expires_at > clock_timestamp() RETURNING key`,
        [fence.key, fence.holder, fence.epoch, ttlMs],
      );
      return rows.length === 1;
    },
    async releaseLease(fence) {
      await query("UPDATE leases SET expires_at = clock_timestamp() WHERE key = $1 AND holder = $2 AND epoch = $3", [
        fence.key,
        fence.holder,
        fence.epoch,
      ]);
    },
  };
  return store;
}
