/**
 * SQLite schema of the service (version 6). Plain SQL that maps one to one onto
 * PostgreSQL (BLOB → bytea, INTEGER PRIMARY KEY AUTOINCREMENT → identity); the partial
 * unique indexes are what keep intake exactly-once under concurrency.
 */
export const SCHEMA_VERSION = 6;

/**
 * The hash lookup indexes are keyed by (seq >> LOOKUP_GENERATION_BITS, hash prefix): one
 * generation per 131,072 stored credentials. Why: hash prefixes are random, so with a plain
 * (prefix) index every 10,000-row intake commit dirtied nearly every page of the index, and
 * the WAL bytes written (and fsynced) per credential grew with the table: about 4 KiB per
 * credential at 1M rows for the two indexes. Keyed by generation first, inserts land in the
 * current generation's pages only, so a commit's cost stays flat as the table grows. A
 * lookup by hash pays one index probe per generation (8 at 1M credentials, 763 at 100M).
 */
export const LOOKUP_GENERATION_BITS = 17;

export const schemaSql = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS institutions (
  id INTEGER PRIMARY KEY,                 -- the registry's institution id
  name TEXT NOT NULL,
  identifier TEXT NOT NULL,
  metadata_uri TEXT NOT NULL,
  admin_address TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','disabled')),
  anchorer_address TEXT,                  -- the service's keys for this institution (addresses only)
  revoker_address TEXT,
  signing_key TEXT                        -- reserved: reference to its Ed25519 signing key (never the key)
);

CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  name TEXT NOT NULL,
  scopes TEXT NOT NULL,                   -- comma separated
  secret_hash BLOB NOT NULL UNIQUE,       -- sha256 of the token; the token itself is never stored
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS tokens_institution ON tokens(institution_id);

CREATE TABLE IF NOT EXISTS batches (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  state TEXT NOT NULL CHECK (state IN ('open','full','closed','sending','sent','mined','anchored')),
  size INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  first_at INTEGER,
  closed_at INTEGER,
  merkle_root TEXT,
  chain_batch_id TEXT,
  nonce INTEGER,
  from_address TEXT,
  raw_tx TEXT,
  tx_hash TEXT,
  sent_at INTEGER,
  block_number INTEGER,
  block_hash TEXT,
  tx_index INTEGER,
  mined_at INTEGER,
  anchored_at INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_attempt_at INTEGER
);
-- At most one open batch per institution: intake appends to it.
CREATE UNIQUE INDEX IF NOT EXISTS batches_one_open ON batches(institution_id) WHERE state = 'open';
CREATE INDEX IF NOT EXISTS batches_state ON batches(state);
CREATE INDEX IF NOT EXISTS batches_institution ON batches(institution_id, id);
CREATE UNIQUE INDEX IF NOT EXISTS batches_chain_id ON batches(chain_batch_id) WHERE chain_batch_id IS NOT NULL;

-- One flat tree per batch (every node, 32 bytes each, leaves first, root last):
-- every proof of the batch is read from it in O(log n).
CREATE TABLE IF NOT EXISTS batch_trees (
  batch_id INTEGER PRIMARY KEY REFERENCES batches(id),
  leaf_count INTEGER NOT NULL,
  tree BLOB NOT NULL
);

CREATE TABLE IF NOT EXISTS credentials (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,                -- public id (UUIDv7: time-ordered, cheap to index)
  institution_id INTEGER NOT NULL,
  batch_id INTEGER NOT NULL REFERENCES batches(id),
  leaf_index INTEGER NOT NULL,
  client_id TEXT,                         -- idempotency key
  client_key INTEGER,                     -- 32-bit hash of client_id (sqliteRows.ts clientKeyHash): its index key
  credential_hash BLOB NOT NULL,
  leaf_hash BLOB NOT NULL,
  salt BLOB NOT NULL,
  body TEXT NOT NULL,                     -- the credential, RFC 8785 (JCS) text
  created_at INTEGER NOT NULL,
  ch_prefix INTEGER NOT NULL,             -- first 6 bytes of credential_hash: a small index key
  lh_prefix INTEGER NOT NULL,             -- first 6 bytes of leaf_hash (lookups compare the full hash)
  status_list INTEGER,                    -- its status list (status_lists.list_number of its institution), if it has an entry
  status_index INTEGER,                   -- its index in that list (also in the body's credentialStatus)
  awaiting_signature INTEGER NOT NULL DEFAULT 0, -- 1: stored unsigned, hashes zero until the signer (server/signing/signer.ts) signs it
  UNIQUE (batch_id, leaf_index)
);
-- Idempotency keys, in two levels (a small LSM tree), because a B-tree index with random
-- keys (UUIDv4 credential ids) costs each commit one dirty page per page of the index: the
-- unique text index of version 1 wrote ~4,600 pages (75 MB of WAL) per 10,000-credential
-- commit at 1M credentials. Level 0 is this generation-keyed index: inserts land in the
-- current generation's pages only. Level 1 is client_keys: every complete generation's keys,
-- merged in sorted order once per 131,072 credentials (sqliteIntake.ts). A lookup probes
-- level 1 and the generations not merged yet. Uniqueness is the intake transaction's
-- probe-then-insert under BEGIN IMMEDIATE (SQLite's database write lock, held across
-- connections and processes); a PostgreSQL store keeps UNIQUE (institution_id, client_id).
CREATE INDEX IF NOT EXISTS credentials_client_gen ON credentials((seq >> ${LOOKUP_GENERATION_BITS}), client_key)
  WHERE client_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS client_keys (
  client_key INTEGER NOT NULL,
  seq INTEGER NOT NULL,                   -- credentials.seq
  PRIMARY KEY (client_key, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS credentials_ch_gen ON credentials((seq >> ${LOOKUP_GENERATION_BITS}), ch_prefix);
CREATE INDEX IF NOT EXISTS credentials_lh_gen ON credentials((seq >> ${LOOKUP_GENERATION_BITS}), lh_prefix);
-- What the signer claims (oldest batch first) and what the batcher asks before closing a batch;
-- small: a row leaves it once signed.
CREATE INDEX IF NOT EXISTS credentials_awaiting ON credentials(batch_id, leaf_index) WHERE awaiting_signature = 1;

-- W3C Bitstring Status Lists, per institution (server/statusList/): the n-th position handed
-- out in a list maps to a random index through the permutation its seed keys (permutation.ts).
-- The seed is what keeps indices random to outsiders: it is never served.
CREATE TABLE IF NOT EXISTS status_lists (
  institution_id INTEGER NOT NULL,
  list_number INTEGER NOT NULL,           -- 0, 1, …: a full list is followed by the next
  seed BLOB NOT NULL,                     -- 32 random bytes
  assigned INTEGER NOT NULL,              -- positions handed out
  created_at INTEGER NOT NULL,
  PRIMARY KEY (institution_id, list_number)
) WITHOUT ROWID;

-- Every registry event of an institution or of one of its batches, whoever sent it: the
-- source of credential status and history (server/chain/indexer.ts). Position is
-- (block_number, log_index); args is the decoded event as JSON.
CREATE TABLE IF NOT EXISTS registry_events (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  block_hash TEXT NOT NULL,
  tx_hash TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  name TEXT NOT NULL,
  institution_id INTEGER NOT NULL,
  chain_batch_id TEXT,
  word_index INTEGER,
  actor TEXT NOT NULL,
  args TEXT NOT NULL,
  PRIMARY KEY (block_number, log_index)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS registry_events_batch ON registry_events(chain_batch_id, word_index) WHERE chain_batch_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS registry_events_institution ON registry_events(institution_id) WHERE chain_batch_id IS NULL;
-- Batch id -> institution for every anchored batch seen (status events name only the batch).
CREATE TABLE IF NOT EXISTS indexed_batches (
  chain_batch_id TEXT PRIMARY KEY,
  institution_id INTEGER NOT NULL,
  block_number INTEGER NOT NULL
) WITHOUT ROWID;
`;

/**
 * Steps that bring a database of version `from` to `from + 1`, run in one transaction
 * before {@link schemaSql} (which creates what is new with IF NOT EXISTS).
 */
export const migrations: Readonly<Record<number, string>> = {
  // 1 → 2: the prefix-only hash indexes give way to the generation-keyed ones, and the
  // unique text index of idempotency keys to the two levels of client_key (level 0 holds
  // every existing row; the next intake merges the complete generations into level 1).
  // credanchor_client_key is clientKeyHash, registered on the connection by the store.
  1: `DROP INDEX IF EXISTS credentials_ch; DROP INDEX IF EXISTS credentials_lh; DROP INDEX IF EXISTS credentials_client;
      ALTER TABLE credentials ADD COLUMN client_key INTEGER;
      UPDATE credentials SET client_key = credanchor_client_key(client_id) WHERE client_id IS NOT NULL;`,
  // 2 → 3: institutions get a status and their keys; the registry event index is new
  // (created by schemaSql; the indexer fills it from the deploy block on the next start).
  // The chain_ops journal of versions 1-2 (the service's own actions) is superseded by the
  // index and no longer written; an existing one is left as it is.
  2: `ALTER TABLE institutions ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','disabled'));
      ALTER TABLE institutions ADD COLUMN anchorer_address TEXT;
      ALTER TABLE institutions ADD COLUMN revoker_address TEXT;
      ALTER TABLE institutions ADD COLUMN signing_key TEXT;`,
  // 3 → 4: the `read` scope. Before it every token could use every GET route, so every
  // existing token gets it and keeps working as it did; new tokens get only what they name.
  3: `UPDATE tokens SET scopes = scopes || ',read' WHERE ',' || scopes || ',' NOT LIKE '%,read,%';`,
  // 4 → 5: status list entries (status_lists is created by schemaSql). Existing credentials
  // have none: they were issued without credentialStatus.
  4: `ALTER TABLE credentials ADD COLUMN status_list INTEGER;
      ALTER TABLE credentials ADD COLUMN status_index INTEGER;`,
  // 5 → 6: signing after intake (server/signing/signer.ts). Existing rows are signed (or
  // unsigned v1) already; the index credentials_awaiting is created by schemaSql.
  5: `ALTER TABLE credentials ADD COLUMN awaiting_signature INTEGER NOT NULL DEFAULT 0;`,
};
