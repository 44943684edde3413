import { expect } from "chai";
import { randomBytes, randomUUID } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

import { hexToBytes } from "../../core/index.ts";
import { ConfigError } from "../../server/errors.ts";
import { createHashPool } from "../../server/hashing/pool.ts";
import { acceptSubmission, parseJsonSubmission, type SubmissionResult } from "../../server/intake.ts";
import { LOOKUP_GENERATION_BITS, SCHEMA_VERSION } from "../../server/store/schema.ts";
import { createSqliteStore } from "../../server/store/sqlite.ts";
import { clientKeyHash } from "../../server/store/sqliteRows.ts";
import { createApiToken, createTokenAuthenticator } from "../../server/tokens.ts";
import { NO_KEYS, type Store } from "../../server/store/types.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { tempDir } from "./helpers/processes.ts";

const ISSUER = "did:web:demo.credanchor.local";

/** A store at `path` holding `count` credentials of institution 1 (and institution 2, empty). */
async function storeWithCredentials(path: string, count: number): Promise<{ store: Store; results: SubmissionResult[] }> {
  const store = createSqliteStore({ path, backgroundCheckpoints: false });
  for (const id of [1, 2]) {
    await store.createInstitution({ id, name: `I${id}`, identifier: id === 1 ? ISSUER : "did:web:other.example", metadataUri: "", adminAddress: "", createdAt: 0, status: "active", keys: NO_KEYS });
  }
  const results = count === 0 ? [] : await submit(store, Array.from({ length: count }, (_, n) => sampleCredential({ n })));
  return { store, results };
}

/** Submits credentials of institution 1 in one request. */
async function submit(store: Store, credentials: readonly Record<string, unknown>[]): Promise<SubmissionResult[]> {
  const pool = createHashPool({ size: 0 });
  try {
    return await acceptSubmission({
      store,
      pool,
      institution: (await store.getInstitution(1))!,
      submission: parseJsonSubmission({ text: JSON.stringify({ credentials }), maxItems: 100 }),
      maxSize: 100,
    });
  } finally {
    await pool.close();
  }
}

/** Edits a closed store's file directly (what a test needs that the Store API does not offer). */
function editDatabase(path: string, edit: (raw: DatabaseSync) => void): void {
  const raw = new DatabaseSync(path);
  try {
    edit(raw);
  } finally {
    raw.close();
  }
}

const bytes = (hex: string) => hexToBytes({ hex, size: 32 });
const idsFound = async (store: Store, institutionId: number, hex: string) =>
  (await store.findCredentialsByHash({ institutionId, hash: bytes(hex) })).map((credential) => credential.id);

const indexNames = (db: DatabaseSync) =>
  (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'credentials' AND sql IS NOT NULL ORDER BY name").all() as { name: string }[]).map(
    (row) => row.name,
  );

// The Store API contract (both stores) is in storeContract.test.ts; these are SQLite internals.

/** What version 5 added (status lists), undone to turn a database back into an older version. */
/** What version 6 added (signing after intake), undone likewise. */
const VERSION_6_UNDONE = "DROP INDEX credentials_awaiting; ALTER TABLE credentials DROP COLUMN awaiting_signature;";
const VERSION_5_UNDONE = `${VERSION_6_UNDONE} ALTER TABLE credentials DROP COLUMN status_list; ALTER TABLE credentials DROP COLUMN status_index; DROP TABLE status_lists;`;

describe("SQLite store", function () {
  describe("lookup by hash", function () {
    it("finds each credential by its credential hash and by its leaf hash, in whatever generation of the index it sits", async function () {
      const path = join(tempDir(), "db.sqlite");
      const { store, results } = await storeWithCredentials(path, 4);
      await store.close();
      // Spread the rows over generations 0, 1, 5 and 40 (rows keep their hashes; the indexes follow).
      editDatabase(path, (raw) => {
        const seqs = [3, 2 ** LOOKUP_GENERATION_BITS + 1, 5 * 2 ** LOOKUP_GENERATION_BITS + 7, 40 * 2 ** LOOKUP_GENERATION_BITS];
        for (let i = 3; i >= 0; i--) raw.prepare("UPDATE credentials SET seq = ? WHERE id = ?").run(seqs[i]!, results[i]!.id);
      });

      const reopened = createSqliteStore({ path, backgroundCheckpoints: false });
      for (const result of results) {
        expect(await idsFound(reopened, 1, result.credentialHash!), `credential hash of ${result.id}`).to.deep.equal([result.id]);
        expect(await idsFound(reopened, 1, result.leafHash!), `leaf hash of ${result.id}`).to.deep.equal([result.id]);
        expect(await idsFound(reopened, 2, result.leafHash!), "another institution's lookup").to.deep.equal([]);
      }
      await reopened.close();
    });

    it("compares the full hash: a row sharing only the indexed prefix is not returned", async function () {
      const path = join(tempDir(), "db.sqlite");
      const { store, results } = await storeWithCredentials(path, 2);
      await store.close();
      editDatabase(path, (raw) => {
        raw.prepare("UPDATE credentials SET ch_prefix = (SELECT ch_prefix FROM credentials WHERE id = ?) WHERE id = ?").run(results[0]!.id, results[1]!.id);
      });
      const reopened = createSqliteStore({ path, backgroundCheckpoints: false });
      expect(await idsFound(reopened, 1, results[0]!.credentialHash!)).to.deep.equal([results[0]!.id]);
      const unknown = results[0]!.credentialHash!.slice(0, 14) + "0".repeat(52); // same 6-byte prefix, another hash
      expect(await idsFound(reopened, 1, unknown)).to.deep.equal([]);
      await reopened.close();
    });
  });

  describe("idempotency keys", function () {
    it("finds stored keys in both levels, before and after complete generations are merged into level 1", async function () {
      const path = join(tempDir(), "db.sqlite");
      const { store, results } = await storeWithCredentials(path, 3);
      await store.close();
      editDatabase(path, (raw) => {
        raw.prepare("UPDATE credentials SET seq = ? WHERE id = ?").run(2 * 2 ** LOOKUP_GENERATION_BITS + 5, results[2]!.id);
        raw.prepare("UPDATE credentials SET seq = ? WHERE id = ?").run(2 ** LOOKUP_GENERATION_BITS + 1, results[1]!.id);
      });

      const reopened = createSqliteStore({ path, backgroundCheckpoints: false });
      // Generations 0 and 1 are complete but not merged yet: found in level 0.
      const [first] = await submit(reopened, [sampleCredential({ n: 0 })]);
      expect([first!.id, first!.existing]).to.deep.equal([results[0]!.id, true]);
      const check = new DatabaseSync(path);
      const level1 = check.prepare("SELECT seq FROM client_keys ORDER BY seq").all() as { seq: number }[];
      expect(level1.map((row) => row.seq), "generations 0 and 1 merged by that intake").to.deep.equal([1, 2 ** LOOKUP_GENERATION_BITS + 1]);
      expect((check.prepare("SELECT value FROM meta WHERE key = 'client_keys_merged_below'").get() as { value: string }).value).to.equal("2");
      check.close();
      // Rows 0 and 1 are now found through level 1, row 2 through level 0.
      const again = await submit(reopened, [0, 1, 2].map((n) => sampleCredential({ n })));
      expect(again.map((result) => [result.id, result.existing])).to.deep.equal(results.map((result) => [result.id, true]));
      const [fresh] = await submit(reopened, [sampleCredential({ n: 9 })]);
      expect(fresh!.existing).to.equal(undefined);
      expect(results.map((result) => result.id)).to.not.include(fresh!.id);
      await reopened.close();
    });
  });

  describe("WAL checkpoints", function () {
    const maxWalBytes = 2 * 2 ** 20;
    const itemsPerCommit = 500;
    const body = JSON.stringify({ pad: "x".repeat(2000) });

    /** Writes 48 MiB of credentials in back-to-back commits; returns the largest WAL file seen. */
    async function largestWalUnderIntake(checkpointIntervalMs: number): Promise<number> {
      const path = join(tempDir(), "db.sqlite");
      const store = createSqliteStore({ path, maxWalBytes, checkpointIntervalMs });
      await store.createInstitution({ id: 1, name: "I1", identifier: ISSUER, metadataUri: "", adminAddress: "", createdAt: 0, status: "active", keys: NO_KEYS });
      let largest = 0;
      let counter = 0;
      for (let written = 0; written < 48 * 2 ** 20; written += itemsPerCommit * body.length) {
        const items = Array.from({ length: itemsPerCommit }, () => ({
          clientId: `key-${counter++}`,
          body,
          salt: randomBytes(32),
          credentialHash: randomBytes(32),
        }));
        const result = await store.submitCredentials({ institutionId: 1, items, maxSize: 10_000, now: 0, leafHash: () => randomBytes(32), newId: randomUUID });
        expect(result.ok).to.equal(true);
        largest = Math.max(largest, statSync(`${path}-wal`).size);
      }
      await store.close();
      return largest;
    }

    // The bound is the limit plus one commit's pages. A commit of 500 credentials of 2 KB writes
    // about 2 MB of WAL (rows, overflow and index pages of 16 KiB), the same on any machine, so
    // four times the body bytes of a commit is a margin that timing cannot eat. Without the
    // writer's own rewind the WAL holds everything written: 48 MiB and more.
    const bound = maxWalBytes + 4 * itemsPerCommit * body.length;

    it("keeps the WAL bounded by construction when the checkpointer thread never runs", async function () {
      this.timeout(120_000);
      // An hour between background checkpoints: only the writer's own rewinds can bound the WAL.
      expect(await largestWalUnderIntake(3_600_000), "largest WAL seen").to.be.at.most(bound);
    });

    it("keeps the WAL bounded while the checkpointer thread copies pages in the background", async function () {
      this.timeout(120_000);
      expect(await largestWalUnderIntake(20), "largest WAL seen").to.be.at.most(bound);
    });
  });

  describe("schema versions", function () {
    it("migrates a version-1 database: prefix-only hash indexes replaced, rows kept and found", async function () {
      const path = join(tempDir(), "db.sqlite");
      const { store, results } = await storeWithCredentials(path, 3);
      await store.close();
      // Turn the file back into what version 1 wrote.
      editDatabase(path, (raw) => {
        raw.exec(`DROP INDEX credentials_ch_gen; DROP INDEX credentials_lh_gen; DROP INDEX credentials_client_gen; DROP TABLE client_keys;
          ALTER TABLE credentials DROP COLUMN client_key;
          CREATE INDEX credentials_ch ON credentials(ch_prefix); CREATE INDEX credentials_lh ON credentials(lh_prefix);
          CREATE UNIQUE INDEX credentials_client ON credentials(institution_id, client_id) WHERE client_id IS NOT NULL;
          DROP TABLE registry_events; DROP TABLE indexed_batches;
          ALTER TABLE institutions DROP COLUMN status; ALTER TABLE institutions DROP COLUMN anchorer_address;
          ALTER TABLE institutions DROP COLUMN revoker_address; ALTER TABLE institutions DROP COLUMN signing_key;
          ${VERSION_5_UNDONE}
          UPDATE meta SET value = '1' WHERE key = 'schema_version';`);
      });

      const migrated = createSqliteStore({ path, backgroundCheckpoints: false });
      expect(await idsFound(migrated, 1, results[2]!.leafHash!)).to.deep.equal([results[2]!.id]);
      // Idempotency keys written by version 1 still match after the migration.
      const again = await submit(migrated, [0, 1, 2].map((n) => sampleCredential({ n })));
      expect(again.map((result) => [result.id, result.existing])).to.deep.equal(results.map((result) => [result.id, true]));
      await migrated.close();
      const check = new DatabaseSync(path);
      expect((check.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string }).value).to.equal(String(SCHEMA_VERSION));
      expect(indexNames(check)).to.include.members(["credentials_ch_gen", "credentials_lh_gen", "credentials_client_gen"]);
      // Version 3: institutions keep their rows and gain a status (active) and key columns.
      expect(check.prepare("SELECT id, status, anchorer_address FROM institutions ORDER BY id").all()).to.deep.equal([
        { id: 1, status: "active", anchorer_address: null },
        { id: 2, status: "active", anchorer_address: null },
      ]);
      for (const old of ["credentials_ch", "credentials_lh", "credentials_client"]) expect(indexNames(check)).to.not.include(old);
      const keys = check.prepare("SELECT client_id, client_key FROM credentials ORDER BY seq").all() as { client_id: string; client_key: number }[];
      expect(keys.map((row) => row.client_key)).to.deep.equal(keys.map((row) => clientKeyHash(row.client_id)));
      expect(keys).to.have.length(3);
      check.close();
    });

    it("migrates a version-3 database: every token made before the read scope existed gets it, new tokens only what they name", async function () {
      const path = join(tempDir(), "db.sqlite");
      const store = createSqliteStore({ path, backgroundCheckpoints: false });
      await store.createInstitution({ id: 1, name: "U", identifier: "did:web:u.example", metadataUri: "", adminAddress: "0x0000000000000000000000000000000000000001", createdAt: 0, status: "active", keys: NO_KEYS });
      const old = await createApiToken({ store, institutionId: 1, scopes: ["issue"], name: "before" });
      const both = await createApiToken({ store, institutionId: 1, scopes: ["admin", "revoke"], name: "before too" });
      await store.close();
      editDatabase(path, (raw) => {
        raw.exec(`UPDATE tokens SET scopes = REPLACE(REPLACE(scopes, ',read', ''), 'read,', ''); ${VERSION_5_UNDONE} UPDATE meta SET value = '3' WHERE key = 'schema_version';`);
      });
      const migrated = createSqliteStore({ path, backgroundCheckpoints: false });
      const tokens = createTokenAuthenticator({ store: migrated });
      expect((await tokens.authenticate(old.token))!.scopes).to.have.members(["issue", "read"]);
      expect((await tokens.authenticate(both.token))!.scopes).to.have.members(["admin", "revoke", "read"]);
      const fresh = await createApiToken({ store: migrated, institutionId: 1, scopes: ["issue"], name: "after" });
      expect((await tokens.authenticate(fresh.token))!.scopes).to.deep.equal(["issue"]);
      await migrated.close();
    });

    it("migrates a version-4 database: credentials gain empty status list columns, status lists start empty", async function () {
      const path = join(tempDir(), "db.sqlite");
      const { store, results } = await storeWithCredentials(path, 2);
      await store.close();
      editDatabase(path, (raw) => raw.exec(`${VERSION_5_UNDONE} UPDATE meta SET value = '4' WHERE key = 'schema_version';`));
      const migrated = createSqliteStore({ path, backgroundCheckpoints: false });
      expect(await idsFound(migrated, 1, results[1]!.leafHash!)).to.deep.equal([results[1]!.id]);
      expect(await migrated.listStatusLists({ institutionId: 1 })).to.deep.equal([]);
      const reserved = await migrated.reserveStatusPositions({ institutionId: 1, count: 3, listLength: 8, now: 0, newSeed: () => new Uint8Array(32) });
      expect(reserved.map(({ listNumber, firstPosition, count }) => [listNumber, firstPosition, count])).to.deep.equal([[0, 0, 3]]);
      await migrated.close();
      const check = new DatabaseSync(path);
      expect(check.prepare("SELECT status_list, status_index FROM credentials ORDER BY seq").all()).to.deep.equal([
        { status_list: null, status_index: null },
        { status_list: null, status_index: null },
      ]);
      check.close();
    });

    it("migrates a version-5 database: every credential is signed or unsigned v1 already, none awaits a signature", async function () {
      const path = join(tempDir(), "db.sqlite");
      const { store, results } = await storeWithCredentials(path, 2);
      await store.close();
      editDatabase(path, (raw) => raw.exec(`${VERSION_6_UNDONE} UPDATE meta SET value = '5' WHERE key = 'schema_version';`));
      const migrated = createSqliteStore({ path, backgroundCheckpoints: false });
      expect(await migrated.countAwaitingSignature({})).to.equal(0);
      expect((await migrated.getCredential({ institutionId: 1, id: results[0]!.id }))!.awaitingSignature).to.equal(false);
      expect(await idsFound(migrated, 1, results[1]!.leafHash!)).to.deep.equal([results[1]!.id]);
      await migrated.close();
      const check = new DatabaseSync(path);
      expect(indexNames(check)).to.include("credentials_awaiting");
      check.close();
    });

    it("refuses a database written by a newer schema version, and leaves it untouched", async function () {
      const path = join(tempDir(), "db.sqlite");
      const { store } = await storeWithCredentials(path, 1);
      await store.close();
      editDatabase(path, (raw) => {
        raw.exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'; DROP INDEX credentials_lh_gen;");
      });

      let thrown: unknown;
      try {
        createSqliteStore({ path, backgroundCheckpoints: false });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(ConfigError);
      expect((thrown as ConfigError).message).to.contain("schema version 99").and.contain(`versions 1 to ${SCHEMA_VERSION}`);
      const check = new DatabaseSync(path);
      expect(indexNames(check), "no index recreated in a refused database").to.not.include("credentials_lh_gen");
      check.close();
    });
  });
});
