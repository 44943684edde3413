/**
 * The hosted pages' storage on PostgreSQL, for replicas that share one database
 * (CREDANCHOR_DATABASE_URL): every replica sees the same opened batches, the same
 * withdrawals and the same withdraw-secret key, so a withdraw link made by one replica
 * works on all. Same tables and rules as the SQLite twin (./store.ts): created if missing,
 * touching nothing else.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

import type { HostedPageStore } from "./store.ts";

const schema = `
CREATE TABLE IF NOT EXISTS hosted_page_batches (
  batch_id BIGINT PRIMARY KEY,
  institution_id BIGINT NOT NULL,
  enabled_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS hosted_page_withdrawals (
  credential_id TEXT PRIMARY KEY,
  withdrawn_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS hosted_page_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  secret BYTEA NOT NULL
);
`;

/**
 * @example
 * ```ts
 * const hostedPages = await createPostgresHostedPageStore({ url: process.env.CREDANCHOR_DATABASE_URL! });
 * await hostedPages.enableBatch({ institutionId: 1, batchId: 7, now: Date.now() });
 * ```
 */
export async function createPostgresHostedPageStore(parameters: { readonly url: string }): Promise<HostedPageStore> {
  // A small pool of its own: page views are rare next to intake and proof queries.
  const pool = new pg.Pool({ connectionString: parameters.url, max: 2, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
  pool.on("error", () => undefined); // an idle connection cut by a restart: the next query reconnects
  pool.on("connect", (client) => client.on("error", () => undefined));
  // Two replicas starting together may race on CREATE TABLE IF NOT EXISTS; one lock orders them.
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('credanchor.hosted_pages.schema'))");
    await client.query(schema);
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext('credanchor.hosted_pages.schema'))").catch(() => undefined);
    client.release();
  }
  let key: Uint8Array | undefined;
  const withdrawnAt = async (credentialId: string): Promise<number | undefined> => {
    const { rows } = await pool.query<{ at: string }>("SELECT withdrawn_at AS at FROM hosted_page_withdrawals WHERE credential_id = $1", [credentialId]);
    return rows[0] === undefined ? undefined : Number(rows[0].at);
  };
  return {
    async enableBatch({ institutionId, batchId, now }) {
      await pool.query(
        "INSERT INTO hosted_page_batches (batch_id, institution_id, enabled_at) VALUES ($1, $2, $3) ON CONFLICT (batch_id) DO NOTHING",
        [batchId, institutionId, now],
      );
    },
    async isBatchEnabled(batchId) {
      const { rowCount } = await pool.query("SELECT 1 FROM hosted_page_batches WHERE batch_id = $1", [batchId]);
      return (rowCount ?? 0) > 0;
    },
    async institutionsWithPages() {
      const { rows } = await pool.query<{ id: string }>("SELECT DISTINCT institution_id AS id FROM hosted_page_batches ORDER BY institution_id");
      return rows.map((row) => Number(row.id));
    },
    withdrawnAt,
    async withdraw({ credentialId, now }) {
      await pool.query("INSERT INTO hosted_page_withdrawals (credential_id, withdrawn_at) VALUES ($1, $2) ON CONFLICT (credential_id) DO NOTHING", [
        credentialId,
        now,
      ]);
      return (await withdrawnAt(credentialId))!;
    },
    async secretKey() {
      if (key === undefined) {
        // Replicas racing here all read back the one row that won.
        await pool.query("INSERT INTO hosted_page_key (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING", [randomBytes(32)]);
        const { rows } = await pool.query<{ secret: Buffer }>("SELECT secret FROM hosted_page_key WHERE id = 1");
        key = new Uint8Array(rows[0]!.secret);
      }
      return key;
    },
    close() {
      void pool.end().catch(() => undefined);
    },
  };
}
