/**
 * What hosted credential pages (`/c/<id>`) keep: which batches their institution opened
 * to pages, which credentials' holders withdrew theirs, and the key withdraw secrets are
 * derived from. SQLite, in the service's database file through a connection of its own;
 * its tables are created if missing and touch nothing else, so a database without them
 * (an older one) simply has no hosted pages yet, and an older release ignores them.
 */
import { randomBytes } from "node:crypto";
import { DatabaseSync } from "node:sqlite";

/** The storage of hosted pages. */
export type HostedPageStore = {
  /** Opens a batch's credentials to hosted pages (idempotent; the first time is kept). */
  enableBatch(parameters: { institutionId: number; batchId: number; now: number }): Promise<void>;
  /** Whether the batch's institution opened it to pages. */
  isBatchEnabled(batchId: number): Promise<boolean>;
  /** Institutions with at least one batch opened to pages. */
  institutionsWithPages(): Promise<number[]>;
  /** When the holder withdrew the credential's page (ms since epoch), if they did. */
  withdrawnAt(credentialId: string): Promise<number | undefined>;
  /** Records a withdrawal (idempotent: the first time is kept); returns its time. */
  withdraw(parameters: { credentialId: string; now: number }): Promise<number>;
  /** The key withdraw secrets are derived from (created, at random, on first use). */
  secretKey(): Promise<Uint8Array>;
  close(): void;
};

const schema = `
CREATE TABLE IF NOT EXISTS hosted_page_batches (
  batch_id INTEGER PRIMARY KEY,            -- the service's batch id
  institution_id INTEGER NOT NULL,
  enabled_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS hosted_page_withdrawals (
  credential_id TEXT PRIMARY KEY,
  withdrawn_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS hosted_page_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  secret BLOB NOT NULL                     -- HMAC key of the withdraw secrets (never logged)
);
`;

/**
 * @example
 * ```ts
 * const hostedPages = createSqliteHostedPageStore({ path: config.dbPath });
 * await hostedPages.enableBatch({ institutionId: 1, batchId: 7, now: Date.now() });
 * ```
 */
export function createSqliteHostedPageStore(parameters: { readonly path: string }): HostedPageStore {
  const db = new DatabaseSync(parameters.path, { timeout: 10_000 });
  db.exec(schema);
  const enable = db.prepare("INSERT INTO hosted_page_batches (batch_id, institution_id, enabled_at) VALUES (?, ?, ?) ON CONFLICT(batch_id) DO NOTHING");
  const enabled = db.prepare("SELECT 1 AS yes FROM hosted_page_batches WHERE batch_id = ?");
  const institutions = db.prepare("SELECT DISTINCT institution_id AS id FROM hosted_page_batches ORDER BY institution_id");
  const withdrawal = db.prepare("SELECT withdrawn_at AS at FROM hosted_page_withdrawals WHERE credential_id = ?");
  const withdraw = db.prepare("INSERT INTO hosted_page_withdrawals (credential_id, withdrawn_at) VALUES (?, ?) ON CONFLICT(credential_id) DO NOTHING");
  const readKey = db.prepare("SELECT secret FROM hosted_page_key WHERE id = 1");
  const writeKey = db.prepare("INSERT INTO hosted_page_key (id, secret) VALUES (1, ?) ON CONFLICT(id) DO NOTHING");
  let key: Uint8Array | undefined;
  return {
    async enableBatch({ institutionId, batchId, now }) {
      enable.run(batchId, institutionId, now);
    },
    async isBatchEnabled(batchId) {
      return enabled.get(batchId) !== undefined;
    },
    async institutionsWithPages() {
      return (institutions.all() as { id: number }[]).map((row) => Number(row.id));
    },
    async withdrawnAt(credentialId) {
      const row = withdrawal.get(credentialId) as { at: number } | undefined;
      return row === undefined ? undefined : Number(row.at);
    },
    async withdraw({ credentialId, now }) {
      withdraw.run(credentialId, now);
      return Number((withdrawal.get(credentialId) as { at: number }).at);
    },
    async secretKey() {
      if (key === undefined) {
        // Two replicas racing here both read back the one row that won.
        writeKey.run(randomBytes(32));
        key = new Uint8Array((readKey.get() as { secret: Uint8Array }).secret);
      }
      return key;
    },
    close() {
      db.close();
    },
  };
}
