/**
 * {@link Store} on SQLite through Node's built-in `node:sqlite` (no native addon): WAL
 * mode, synchronous=FULL (a 202 means the credential is on disk), prepared statements,
 * explicit `BEGIN IMMEDIATE` transactions.
 *
 * The API is synchronous underneath; every method runs to completion before it returns
 * its promise, so one connection never interleaves two transactions.
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";

import { encodeHex } from "../../core/hex.ts";
import { startManagedWorker, type ManagedWorker } from "../threads.ts";
import { ConfigError, ServiceError } from "../errors.ts";
import { LOOKUP_GENERATION_BITS, migrations, SCHEMA_VERSION, schemaSql } from "./schema.ts";
import { createIntakeTransaction } from "./sqliteIntake.ts";
import {
  BATCH_COLUMNS,
  clientKeyHash,
  CREDENTIAL_COLUMNS,
  equalBytes,
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
import type {
  BatchPatch,
  BatchRow,
  ChainIdentity,
  CredentialWithBatch,
  IndexCursor,
  StatusListReservation,
  Store,
  StoreHealth,
} from "./types.ts";

/** SQLite's primary result code for "database or disk is full" (also a full max_page_count). */
const SQLITE_FULL = 13;
/** While writes fail for a full disk, a tiny write is tried this often, so readiness recovers without traffic. */
const WRITE_PROBE_INTERVAL_MS = 5_000;

/** node:sqlite errors carry SQLite's extended result code in `errcode` and its text in `errstr`. */
function isDiskFull(error: unknown): error is Error & { errcode: number; errstr?: string } {
  return typeof (error as { errcode?: unknown })?.errcode === "number" && ((error as { errcode: number }).errcode & 0xff) === SQLITE_FULL;
}

/** A lease as stored in meta (key `lease:<key>`). */
type StoredLease = { readonly holder: string; readonly epoch: number; readonly expiresAt: number };
const leaseKey = (key: string): string => `lease:${key}`;
/** True while the lease (meta key, holder, epoch) is held at time ?4 (parameters in that order). */
const LEASE_HELD = `SELECT 1 FROM meta l WHERE l.key = ? AND json_extract(l.value, '$.holder') = ?
  AND json_extract(l.value, '$.epoch') = ? AND json_extract(l.value, '$.expiresAt') > ?`;

/** Parameters of {@link createSqliteStore}. */
export type CreateSqliteStoreParameters = {
  /** Database file; its directory is created if missing. `:memory:` works for experiments. */
  readonly path: string;
  /** Checkpoint the WAL from a worker thread (default true for files). */
  readonly backgroundCheckpoints?: boolean | undefined;
  /**
   * WAL size in bytes past which the writer rewinds the WAL after its commit (default 64 MiB).
   * The WAL never grows past this plus one transaction's pages, whatever the checkpointer does.
   */
  readonly maxWalBytes?: number | undefined;
  /**
   * SQLite page cache of this connection (default 1 GiB, allocated as pages are read). The
   * hot set is the indexes (~150 bytes per credential) plus the table's tail: with 256 MiB,
   * intake at 1M+ credentials cost 73 µs of CPU per credential against 60 µs with 1 GiB
   * (scripts/bench/service-ingest.ts 200000 10000 2 3 1000000).
   */
  readonly cacheBytes?: number | undefined;
  /** Milliseconds between background checkpoints (default 1,000). */
  readonly checkpointIntervalMs?: number | undefined;
};

/**
 * Creates the schema of a new database, or brings an older one to {@link SCHEMA_VERSION}
 * step by step, in one transaction (a crash mid-way leaves the old version intact). A
 * database written by a newer credanchor is refused rather than half understood.
 */
function migrate(db: DatabaseSync, path: string): void {
  db.function("credanchor_client_key", { deterministic: true }, (clientId) => clientKeyHash(String(clientId)));
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as Row | undefined;
    const isNew = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'credentials'").get() === undefined;
    let version = row === undefined ? (isNew ? SCHEMA_VERSION : 1) : Number(row.value);
    if (!Number.isInteger(version) || version < 1 || version > SCHEMA_VERSION) {
      throw new ConfigError({
        message: `Database ${path} has schema version ${String(row?.value)}; this credanchor reads versions 1 to ${SCHEMA_VERSION}.`,
        hints: ["Run the credanchor release that wrote this database, or point CREDANCHOR_DB_PATH at another file."],
      });
    }
    for (; version < SCHEMA_VERSION; version++) db.exec(migrations[version] ?? "");
    db.exec(schemaSql);
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(
      String(SCHEMA_VERSION),
    );
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

/**
 * Opens (and creates or migrates) the SQLite database at `path`.
 *
 * @example
 * ```ts
 * const store = createSqliteStore({ path: "./data/credanchor.db" });
 * ```
 */
export function createSqliteStore(parameters: CreateSqliteStoreParameters): Store {
  if (parameters.path !== ":memory:") mkdirSync(dirname(parameters.path), { recursive: true });
  const db = new DatabaseSync(parameters.path, { timeout: 10_000 });
  // 16 KiB pages (new databases only; an existing file keeps its size): a stored credential
  // is ~1.5 KB, and with SQLite's default 4 KiB pages intake paid for overflow and page
  // splits. Measured with scripts/bench/service-ingest.ts 200000 10000 2: 71-73 µs of CPU per
  // credential at 16 KiB against 73-90 µs at 4 KiB (20,475-21,765 against 15,584-19,120 credentials/s).
  db.exec("PRAGMA page_size = 16384");
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA foreign_keys = ON");
  db.exec(`PRAGMA cache_size = ${-Math.max(1, Math.floor((parameters.cacheBytes ?? 1024 ** 3) / 1024))}`); // KiB when negative
  db.exec("PRAGMA temp_store = MEMORY");
  try {
    migrate(db, parameters.path);
  } catch (error) {
    db.close();
    throw error;
  }
  const maxWalBytes = parameters.maxWalBytes ?? 64 * 2 ** 20;
  // After a rewind, the first commit cuts the WAL file back to this size (SQLite reuses the file
  // rather than truncating it), so the file's size is the WAL's live size up to one transaction.
  db.exec(`PRAGMA journal_size_limit = ${Math.floor(maxWalBytes)}`);
  const walPath = parameters.path === ":memory:" ? undefined : `${parameters.path}-wal`;
  let checkpointer: ManagedWorker | undefined;
  if (walPath !== undefined && (parameters.backgroundCheckpoints ?? true)) {
    db.exec("PRAGMA wal_autocheckpoint = 0");
    checkpointer = startManagedWorker({
      url: new URL("./checkpointer.ts", import.meta.url),
      options: { workerData: { path: parameters.path, intervalMs: parameters.checkpointIntervalMs ?? 1000 } },
    });
    checkpointer.worker.on("error", () => db.exec("PRAGMA wal_autocheckpoint = 1000")); // fall back to inline checkpoints
  }

  const cache = new Map<string, StatementSync>();
  const anchoredBatches = new Map<number, BatchRow>();
  const statement = (sql: string): StatementSync => {
    let prepared = cache.get(sql);
    if (prepared === undefined) {
      prepared = db.prepare(sql);
      cache.set(sql, prepared);
    }
    return prepared;
  };

  let depth = 0;
  const pauseCell = new Int32Array(new SharedArrayBuffer(4)); // Atomics.wait target: a blocking sleep
  /**
   * Keeps the WAL bounded by construction: after each of its own commits the writer looks at
   * the WAL's size (one stat) and, past `maxWalBytes`, runs a RESTART checkpoint itself. No
   * write transaction is open then, so it never waits behind intake, and it copies only what
   * the background checkpointer's PASSIVE runs have not copied yet (all of it, if that thread
   * was never scheduled: the bound does not depend on it). The next commit starts the WAL
   * over and cuts the file back to `journal_size_limit`. Under sustained intake PASSIVE alone
   * never empties the WAL (frames keep arriving while it runs), and a RESTART from the
   * checkpointer thread starved behind back-to-back transactions: 1.1 GB of WAL in 30 s.
   */
  /** The WAL file's size; 0 when it cannot be read (never fail the commit that just happened). */
  function walSize(path: string): number {
    try {
      return statSync(path).size;
    } catch {
      return 0;
    }
  }

  function boundWal(): void {
    if (walPath === undefined || walSize(walPath) <= maxWalBytes) return;
    // A PASSIVE run of the checkpointer thread holds SQLite's checkpoint lock, and a RESTART
    // meeting it answers busy at once (no busy handler for that lock): wait for that run to
    // end rather than commit on past the limit. Each run copies at most the bounded WAL, so
    // the wait is short; the deadline only covers a reader of another process that keeps an
    // old snapshot open (then the next commit tries again).
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        if ((statement("PRAGMA wal_checkpoint(RESTART)").get() as Row).busy === 0) return;
      } catch {
        // SQLITE_BUSY raised rather than reported: the same wait.
      }
      if (Date.now() > deadline) return; // never fail the transaction that just committed
      Atomics.wait(pauseCell, 0, 0, 2);
    }
  }

  let health: StoreHealth = { writable: true };
  let writeProbe: NodeJS.Timeout | undefined;

  /** A full disk: recorded for readiness, answered 503 with a stable code, the SQLite cause kept. */
  function diskFull(error: Error & { errstr?: string }): ServiceError {
    if (health.writable) health = { writable: false, failure: { code: "CA_STORAGE_FULL", message: error.errstr ?? error.message, since: Date.now() } };
    if (writeProbe === undefined && db.isOpen) {
      writeProbe = setInterval(() => {
        try {
          transaction(() => setMeta("write_probe", String(Date.now())));
        } catch {
          // still full: the next probe tries again
        }
      }, WRITE_PROBE_INTERVAL_MS);
      writeProbe.unref();
    }
    return new ServiceError({
      code: "CA_STORAGE_FULL",
      message: `The service cannot store anything right now: ${error.errstr ?? error.message}. Nothing of this request was stored.`,
      cause: error,
    });
  }

  function transaction<T>(body: () => T): T {
    if (depth > 0) return body();
    db.exec("BEGIN IMMEDIATE");
    depth++;
    try {
      const result = body();
      db.exec("COMMIT");
      if (!health.writable) {
        health = { writable: true };
        clearInterval(writeProbe);
        writeProbe = undefined;
      }
      boundWal();
      return result;
    } catch (error) {
      // On a full disk (and some I/O errors) SQLite has already rolled the transaction back;
      // a ROLLBACK then fails with "no transaction is active" and would hide the real cause.
      if (db.isTransaction) {
        try {
          db.exec("ROLLBACK");
        } catch {
          // keep the error that failed the transaction
        }
      }
      throw isDiskFull(error) ? diskFull(error) : error;
    } finally {
      depth--;
    }
  }

  const getMeta = (key: string): string | undefined =>
    (statement("SELECT value FROM meta WHERE key = ?").get(key) as Row | undefined)?.value as string | undefined;
  const setMeta = (key: string, value: string): void => {
    statement("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(
      key,
      value,
    );
  };

  const selectBatch = SELECT_BATCH;
  const submit = createIntakeTransaction({ statement, transaction });

  /**
   * Candidates from both generation-keyed prefix indexes (one probe per generation each,
   * see LOOKUP_GENERATION_BITS), then the full hashes compared.
   */
  function findByHash(institutionId: number, hash: Uint8Array): CredentialWithBatch[] {
    const prefix = hashPrefix(hash);
    const rows = statement(
      `WITH RECURSIVE generation(n) AS (
         SELECT 0 UNION ALL SELECT n + 1 FROM generation
          WHERE n < (SELECT COALESCE(MAX(seq), 0) >> ${LOOKUP_GENERATION_BITS} FROM credentials)),
       hit(seq) AS (
         SELECT c.seq FROM generation g CROSS JOIN credentials c
          WHERE (c.seq >> ${LOOKUP_GENERATION_BITS}) = g.n AND c.ch_prefix = ?1
         UNION
         SELECT c.seq FROM generation g CROSS JOIN credentials c
          WHERE (c.seq >> ${LOOKUP_GENERATION_BITS}) = g.n AND c.lh_prefix = ?1)
       SELECT ${CREDENTIAL_COLUMNS}, ${BATCH_COLUMNS} FROM hit h CROSS JOIN credentials c ON c.seq = h.seq
         JOIN batches b ON b.id = c.batch_id
        WHERE c.institution_id = ?2 ORDER BY c.seq`,
    ).all(prefix, institutionId) as Row[];
    return rows
      .filter((row) => equalBytes(row.credential_hash as Uint8Array, hash) || equalBytes(row.leaf_hash as Uint8Array, hash))
      .map(toCredential);
  }

  const store: Store = {
    async ping() {
      statement("SELECT 1").get();
    },
    health: () => health,
    async close() {
      clearInterval(writeProbe);
      writeProbe = undefined;
      if (checkpointer !== undefined) {
        const thread = checkpointer;
        checkpointer = undefined;
        // Its connection closes before ours, so the TRUNCATE checkpoint below is not busy.
        await thread.stop();
      }
      if (db.isOpen) {
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        db.close();
      }
    },

    async getChainIdentity() {
      const text = getMeta("chain_identity");
      return text === undefined ? undefined : (JSON.parse(text) as ChainIdentity);
    },
    async setChainIdentity(identity) {
      setMeta("chain_identity", JSON.stringify(identity));
    },

    async createInstitution(row) {
      statement(
        `INSERT INTO institutions (id, name, identifier, metadata_uri, admin_address, created_at, status, anchorer_address, revoker_address, signing_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
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
      );
    },
    async updateInstitution(row) {
      return (
        statement(
          `UPDATE institutions SET name = ?, identifier = ?, metadata_uri = ?, admin_address = ?, anchorer_address = ?, revoker_address = ?, signing_key = ?
           WHERE id = ?`,
        ).run(row.name, row.identifier, row.metadataUri, row.adminAddress, row.keys.anchorer, row.keys.revoker, row.keys.signingKey, row.id).changes === 1
      );
    },
    async setInstitutionStatus({ id, status }) {
      return statement("UPDATE institutions SET status = ? WHERE id = ?").run(status, id).changes === 1;
    },
    async getSetting(key) {
      return getMeta(`setting:${key}`);
    },
    async setSetting(key, value) {
      setMeta(`setting:${key}`, value);
    },
    async getInstitution(id) {
      const row = statement("SELECT * FROM institutions WHERE id = ?").get(id) as Row | undefined;
      return row === undefined ? undefined : toInstitution(row);
    },
    async listInstitutions() {
      return (statement("SELECT * FROM institutions ORDER BY id").all() as Row[]).map(toInstitution);
    },

    async createToken({ row, secretHash }) {
      statement(
        "INSERT INTO tokens (id, institution_id, name, scopes, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      ).run(row.id, row.institutionId, row.name, row.scopes.join(","), secretHash, row.createdAt);
    },
    async findTokenBySecretHash(secretHash) {
      const row = statement("SELECT * FROM tokens WHERE secret_hash = ?").get(secretHash) as Row | undefined;
      return row === undefined ? undefined : toToken(row);
    },
    async listTokens(institutionId) {
      return (statement("SELECT * FROM tokens WHERE institution_id = ? ORDER BY created_at, id").all(institutionId) as Row[]).map(
        toToken,
      );
    },
    async revokeToken({ institutionId, id, now }) {
      const exists = statement("SELECT 1 FROM tokens WHERE id = ? AND institution_id = ?").get(id, institutionId);
      if (exists === undefined) return false;
      statement("UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND institution_id = ?").run(
        now,
        id,
        institutionId,
      );
      return true;
    },

    async submitCredentials(parameters) {
      return submit(parameters);
    },
    async getCredential({ institutionId, id }) {
      const row = statement(
        `SELECT ${CREDENTIAL_COLUMNS}, ${BATCH_COLUMNS} FROM credentials c JOIN batches b ON b.id = c.batch_id
         WHERE c.id = ? AND c.institution_id = ?`,
      ).get(id, institutionId) as Row | undefined;
      return row === undefined ? undefined : toCredential(row);
    },
    async getCredentialAnchor({ institutionId, id }) {
      // The proof-query hot path: five columns, and the batch from a cache of anchored
      // batches (their rows no longer change, except through transitionBatch, which evicts).
      const query = statement("SELECT c.id, c.leaf_index, c.credential_hash, c.salt, c.batch_id FROM credentials c WHERE c.id = ? AND c.institution_id = ? /* arrays */");
      query.setReturnArrays(true);
      const row = query.get(id, institutionId) as unknown as [string, number, Uint8Array, Uint8Array, number] | undefined;
      if (row === undefined) return undefined;
      const batchId = row[4];
      let batch = anchoredBatches.get(batchId);
      if (batch === undefined) {
        batch = toBatch(statement(`${selectBatch} WHERE b.id = ?`).get(batchId) as Row);
        if (batch.state === "anchored") {
          if (anchoredBatches.size > 100_000) anchoredBatches.clear();
          anchoredBatches.set(batchId, batch);
        }
      }
      return { id: row[0], leafIndex: row[1], credentialHash: encodeHex(row[2]), salt: encodeHex(row[3]), batch };
    },
    async findCredentialsByHash({ institutionId, hash }) {
      return findByHash(institutionId, hash);
    },
    async getCredentialsByIds({ institutionId, ids }) {
      const query = statement(
        `SELECT ${CREDENTIAL_COLUMNS}, ${BATCH_COLUMNS} FROM credentials c JOIN batches b ON b.id = c.batch_id
         WHERE c.id = ? AND c.institution_id = ?`,
      );
      const out: CredentialWithBatch[] = [];
      for (const id of ids) {
        const row = query.get(id, institutionId) as Row | undefined;
        if (row !== undefined) out.push(toCredential(row));
      }
      return out;
    },
    async countPendingCredentials() {
      const row = statement("SELECT COALESCE(SUM(size), 0) AS n FROM batches WHERE state != 'anchored'").get() as Row;
      return row.n as number;
    },
    async signAwaitingCredentials({ limit, excludeInstitutions, sign }) {
      // Claimed without a lock (one process signs; BEGIN IMMEDIATE across the signing would
      // stall intake): the conditional update below is what keeps one signature per row.
      const claimed = (
        statement(
          `SELECT seq, institution_id, batch_id, leaf_index, body, salt FROM credentials INDEXED BY credentials_awaiting
            WHERE awaiting_signature = 1 AND institution_id NOT IN (SELECT value FROM json_each(?))
            ORDER BY batch_id, leaf_index LIMIT ?`,
        ).all(JSON.stringify(excludeInstitutions), limit) as Row[]
      ).map(toAwaitingRow);
      if (claimed.length === 0) return { claimed: 0, signed: 0, signedBatches: [] };
      const writes = await sign(claimed);
      const batchOf = new Map(claimed.map((row) => [row.seq, row.batchId]));
      return transaction(() => {
        const update = statement(
          `UPDATE credentials SET body = ?, credential_hash = ?, leaf_hash = ?, ch_prefix = ?, lh_prefix = ?, awaiting_signature = 0
            WHERE seq = ? AND awaiting_signature = 1`,
        );
        let signed = 0;
        const batches = new Set<number>();
        for (const write of writes) {
          const changes = update.run(write.body, write.credentialHash, write.leafHash, hashPrefix(write.credentialHash), hashPrefix(write.leafHash), write.seq).changes;
          signed += Number(changes);
          if (changes === 1 || changes === 1n) batches.add(batchOf.get(write.seq)!);
        }
        const left = statement("SELECT 1 FROM credentials INDEXED BY credentials_awaiting WHERE batch_id = ? AND awaiting_signature = 1 LIMIT 1");
        return { claimed: claimed.length, signed, signedBatches: [...batches].filter((batchId) => left.get(batchId) === undefined) };
      });
    },
    async countAwaitingSignature({ batchId }) {
      const row = (
        batchId === undefined
          ? statement("SELECT COUNT(*) AS n FROM credentials INDEXED BY credentials_awaiting WHERE awaiting_signature = 1").get()
          : statement("SELECT COUNT(*) AS n FROM credentials INDEXED BY credentials_awaiting WHERE batch_id = ? AND awaiting_signature = 1").get(batchId)
      ) as Row;
      return Number(row.n);
    },

    async reserveStatusPositions({ institutionId, count, listLength, now, newSeed }) {
      return transaction(() => {
        const reservations: StatusListReservation[] = [];
        let current = statement(
          "SELECT list_number, seed, assigned FROM status_lists WHERE institution_id = ? ORDER BY list_number DESC LIMIT 1",
        ).get(institutionId) as Row | undefined;
        const grow = statement("UPDATE status_lists SET assigned = assigned + ? WHERE institution_id = ? AND list_number = ?");
        const create = statement("INSERT INTO status_lists (institution_id, list_number, seed, assigned, created_at) VALUES (?, ?, ?, 0, ?)");
        let left = count;
        while (left > 0) {
          if (current === undefined || (current.assigned as number) >= listLength) {
            const listNumber = current === undefined ? 0 : (current.list_number as number) + 1;
            const seed = newSeed();
            create.run(institutionId, listNumber, seed, now);
            current = { list_number: listNumber, seed, assigned: 0 };
          }
          const take = Math.min(left, listLength - (current.assigned as number));
          grow.run(take, institutionId, current.list_number as number);
          reservations.push({
            listNumber: current.list_number as number,
            seed: new Uint8Array(current.seed as Uint8Array),
            firstPosition: current.assigned as number,
            count: take,
          });
          current = { ...current, assigned: (current.assigned as number) + take };
          left -= take;
        }
        return reservations;
      });
    },
    async listStatusLists({ institutionId }) {
      const rows = statement("SELECT * FROM status_lists WHERE institution_id = ? ORDER BY list_number").all(institutionId) as Row[];
      return rows.map(toStatusList);
    },
    async listStatusPositions({ chainBatchId, leafIndices }) {
      const rows = (
        leafIndices === undefined
          ? statement(
              `SELECT c.status_list, c.status_index FROM batches b JOIN credentials c ON c.batch_id = b.id
                WHERE b.chain_batch_id = ? AND c.status_list IS NOT NULL`,
            ).all(chainBatchId.toLowerCase())
          : statement(
              `SELECT c.status_list, c.status_index FROM batches b CROSS JOIN json_each(?2) j
                 JOIN credentials c ON c.batch_id = b.id AND c.leaf_index = j.value
                WHERE b.chain_batch_id = ?1 AND c.status_list IS NOT NULL`,
            ).all(chainBatchId.toLowerCase(), JSON.stringify(leafIndices))
      ) as Row[];
      return rows.map(toStatusPosition);
    },

    async getBatch({ institutionId, id }) {
      const row = statement(`${selectBatch} WHERE b.id = ? AND b.institution_id = ?`).get(id, institutionId) as Row | undefined;
      return row === undefined ? undefined : toBatch(row);
    },
    async getBatchById(id) {
      const row = statement(`${selectBatch} WHERE b.id = ?`).get(id) as Row | undefined;
      return row === undefined ? undefined : toBatch(row);
    },
    async listBatches({ institutionId, limit, beforeId }) {
      return (
        statement(`${selectBatch} WHERE b.institution_id = ? AND b.id < ? ORDER BY b.id DESC LIMIT ?`).all(
          institutionId,
          beforeId ?? Number.MAX_SAFE_INTEGER,
          limit,
        ) as Row[]
      ).map(toBatch);
    },
    async listBatchesInStates(states) {
      const placeholders = states.map(() => "?").join(", ");
      return (statement(`${selectBatch} WHERE b.state IN (${placeholders}) ORDER BY b.id`).all(...states) as Row[]).map(
        toBatch,
      );
    },
    async listBatchesDue({ firstAtOrBefore }) {
      return (
        statement(
          `${selectBatch} WHERE b.state = 'full' OR (b.state = 'open' AND b.size > 0 AND b.first_at <= ?) ORDER BY b.id`,
        ).all(firstAtOrBefore) as Row[]
      ).map(toBatch);
    },
    async getOpenBatch(institutionId) {
      const row = statement(`${selectBatch} WHERE b.institution_id = ? AND b.state = 'open'`).get(institutionId) as
        | Row
        | undefined;
      return row === undefined ? undefined : toBatch(row);
    },
    async sealBatch({ id }) {
      return statement("UPDATE batches SET state = 'full' WHERE id = ? AND state = 'open' AND size > 0").run(id).changes === 1;
    },
    async getLeafHashes(batchId) {
      const query = statement("SELECT leaf_index, leaf_hash FROM credentials WHERE batch_id = ? ORDER BY leaf_index /* arrays */");
      query.setReturnArrays(true);
      const rows = query.all(batchId) as unknown as [number, Uint8Array][];
      const out = new Uint8Array(rows.length * 32);
      for (let i = 0; i < rows.length; i++) {
        const [leafIndex, hash] = rows[i]!;
        if (leafIndex !== i) throw new Error(`batch ${batchId}: leaf ${i} missing`);
        out.set(hash, i * 32);
      }
      return out;
    },
    async saveClosedBatch({ id, merkleRoot, chainBatchId, tree, now }) {
      return transaction(() => {
        // A tree over zero leaf hashes would anchor nothing: never close while a row awaits its signature.
        const changed = statement(
          `UPDATE batches SET state = 'closed', merkle_root = ?, chain_batch_id = ?, closed_at = ? WHERE id = ? AND state = 'full'
             AND NOT EXISTS (SELECT 1 FROM credentials INDEXED BY credentials_awaiting WHERE batch_id = batches.id AND awaiting_signature = 1)`,
        ).run(merkleRoot, chainBatchId, now, id).changes;
        if (changed !== 1) return false;
        const size = (statement("SELECT size FROM batches WHERE id = ?").get(id) as Row).size as number;
        statement("INSERT INTO batch_trees (batch_id, leaf_count, tree) VALUES (?, ?, ?)").run(id, size, tree);
        return true;
      });
    },
    async getBatchTree(batchId) {
      const row = statement("SELECT tree FROM batch_trees WHERE batch_id = ?").get(batchId) as Row | undefined;
      return row === undefined ? undefined : (row.tree as Uint8Array);
    },
    async transitionBatch({ id, from, to, patch, fence }) {
      anchoredBatches.delete(id);
      const sets = ["state = ?"];
      const values: (string | number | null)[] = [to];
      for (const [key, value] of Object.entries(patch ?? {})) {
        sets.push(`${PATCH_COLUMNS[key as keyof BatchPatch]} = ?`);
        values.push(value as string | number | null);
      }
      const placeholders = from.map(() => "?").join(", ");
      if (fence !== undefined) {
        // The lease check and the write in one statement: no gap for the lease to expire in.
        return (
          statement(
            `UPDATE batches SET ${sets.join(", ")} WHERE id = ? AND state IN (${placeholders}) AND EXISTS (${LEASE_HELD})`,
          ).run(...values, id, ...from, leaseKey(fence.key), fence.holder, fence.epoch, Date.now()).changes === 1
        );
      }
      return (
        statement(`UPDATE batches SET ${sets.join(", ")} WHERE id = ? AND state IN (${placeholders})`).run(
          ...values,
          id,
          ...from,
        ).changes === 1
      );
    },
    async maxInFlightNonce(fromAddress) {
      const row = statement(
        "SELECT MAX(nonce) AS n FROM batches WHERE state IN ('sending', 'sent') AND from_address = ?",
      ).get(fromAddress) as Row;
      return row.n === null ? undefined : (row.n as number);
    },

    async getIndexCursor() {
      const text = getMeta("index_cursor");
      return text === undefined ? undefined : (JSON.parse(text) as IndexCursor);
    },
    async appendRegistryEvents({ events, cursor }) {
      transaction(() => {
        const insert = statement(
          `INSERT INTO registry_events (block_number, log_index, block_hash, tx_hash, timestamp, name, institution_id, chain_batch_id, word_index, actor, args)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        );
        const batch = statement(
          "INSERT INTO indexed_batches (chain_batch_id, institution_id, block_number) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        );
        for (const event of events) {
          insert.run(
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
          );
          if (event.name === "BatchAnchored") batch.run(event.chainBatchId, event.institutionId, event.blockNumber);
          if (event.name === "BatchesAnchored") {
            for (const id of (event.args.batchIds as string[] | undefined) ?? []) batch.run(id, event.institutionId, event.blockNumber);
          }
        }
        setMeta("index_cursor", JSON.stringify(cursor));
      });
    },
    async rewindRegistryEvents({ afterBlock, cursor }) {
      transaction(() => {
        statement("DELETE FROM registry_events WHERE block_number > ?").run(afterBlock);
        statement("DELETE FROM indexed_batches WHERE block_number > ?").run(afterBlock);
        setMeta("index_cursor", JSON.stringify(cursor));
      });
    },
    async listCredentialEvents({ institutionId, chainBatchId, wordIndex }) {
      const rows = statement(
        // Three index lookups (an OR on word_index would scan every event of the batch).
        `SELECT * FROM registry_events WHERE chain_batch_id = ?1 AND word_index = ?2
         UNION ALL SELECT * FROM registry_events WHERE chain_batch_id = ?1 AND word_index IS NULL
         UNION ALL SELECT * FROM registry_events WHERE institution_id = ?3 AND chain_batch_id IS NULL
         ORDER BY block_number, log_index`,
      ).all(chainBatchId.toLowerCase(), wordIndex, institutionId) as Row[];
      return rows.map(toRegistryEvent);
    },
    async listInstitutionEvents({ institutionId }) {
      // A scan of the event index (one row per anchoring or status transaction, not per credential).
      const rows = statement("SELECT * FROM registry_events WHERE institution_id = ? ORDER BY block_number, log_index").all(institutionId) as Row[];
      return rows.map(toRegistryEvent);
    },
    async listRegistryEvents({ after, limit }) {
      const rows = (
        after === undefined
          ? statement("SELECT * FROM registry_events ORDER BY block_number, log_index LIMIT ?").all(limit)
          : statement(
              "SELECT * FROM registry_events WHERE (block_number, log_index) > (?, ?) ORDER BY block_number, log_index LIMIT ?",
            ).all(after.blockNumber, after.logIndex, limit)
      ) as Row[];
      return rows.map(toRegistryEvent);
    },
    async institutionOfChainBatch(chainBatchId) {
      const row = statement("SELECT institution_id FROM indexed_batches WHERE chain_batch_id = ?").get(chainBatchId.toLowerCase()) as
        | Row
        | undefined;
      return row === undefined ? undefined : (row.institution_id as number);
    },
    async rebindChain({ identity, cursor }) {
      transaction(() => {
        statement("DELETE FROM registry_events").run();
        statement("DELETE FROM indexed_batches").run();
        setMeta("chain_identity", JSON.stringify(identity));
        setMeta("index_cursor", JSON.stringify(cursor));
      });
    },

    // Leases live in meta as JSON (no schema change): one machine, so Date.now() is the clock.
    async acquireLease({ key, holder, ttlMs }) {
      return transaction(() => {
        const text = getMeta(leaseKey(key));
        const current = text === undefined ? undefined : (JSON.parse(text) as StoredLease);
        const now = Date.now();
        if (current !== undefined && current.holder !== holder && current.expiresAt > now) return undefined;
        const epoch = current === undefined ? 1 : current.holder === holder && current.expiresAt > now ? current.epoch : current.epoch + 1;
        setMeta(leaseKey(key), JSON.stringify({ holder, epoch, expiresAt: now + ttlMs } satisfies StoredLease));
        return { key, holder, epoch };
      });
    },
    async renewLease({ fence, ttlMs }) {
      const now = Date.now();
      return (
        statement(
          `UPDATE meta SET value = json_set(value, '$.expiresAt', ?) WHERE key = ? AND EXISTS (${LEASE_HELD})`,
        ).run(now + ttlMs, leaseKey(fence.key), leaseKey(fence.key), fence.holder, fence.epoch, now).changes === 1
      );
    },
    async releaseLease(fence) {
      statement(`UPDATE meta SET value = json_set(value, '$.expiresAt', 0) WHERE key = ? AND EXISTS (${LEASE_HELD})`).run(
        leaseKey(fence.key),
        leaseKey(fence.key),
        fence.holder,
        fence.epoch,
        Date.now(),
      );
    },
  };
  return store;
}
