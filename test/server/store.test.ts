import { expect } from "chai";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

import { hexToBytes } from "../../core/index.ts";
import { ConfigError } from "../../server/errors.ts";
import { createHashPool } from "../../server/hashing/pool.ts";
import { acceptSubmission, parseJsonSubmission, type SubmissionResult } from "../../server/intake.ts";
import { LOOKUP_GENERATION_BITS, SCHEMA_VERSION } from "../../server/store/schema.ts";
import { createSqliteStore } from "../../server/store/sqlite.ts";
import type { Store } from "../../server/store/types.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { tempDir } from "./helpers/processes.ts";

const ISSUER = "did:web:demo.credanchor.local";

/** A store at `path` holding `count` credentials of institution 1 (and institution 2, empty). */
async function storeWithCredentials(path: string, count: number): Promise<{ store: Store; results: SubmissionResult[] }> {
  const store = createSqliteStore({ path, backgroundCheckpoints: false });
  for (const id of [1, 2]) {
    await store.createInstitution({ id, name: `I${id}`, identifier: id === 1 ? ISSUER : "did:web:other.example", metadataUri: "", adminAddress: "", createdAt: 0 });
  }
  const pool = createHashPool({ size: 0 });
  const body = JSON.stringify({ credentials: Array.from({ length: count }, (_, n) => sampleCredential({ n })) });
  const results = await acceptSubmission({
    store,
    pool,
    institution: (await store.getInstitution(1))!,
    submission: parseJsonSubmission({ text: body, maxItems: 100 }),
    maxSize: 100,
  });
  await pool.close();
  return { store, results };
}

const bytes = (hex: string) => hexToBytes({ hex, size: 32 });
const idsFound = async (store: Store, institutionId: number, hex: string) =>
  (await store.findCredentialsByHash({ institutionId, hash: bytes(hex) })).map((credential) => credential.id);

const indexNames = (db: DatabaseSync) =>
  (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'credentials' AND sql IS NOT NULL ORDER BY name").all() as { name: string }[]).map(
    (row) => row.name,
  );

describe("SQLite store", function () {
  describe("lookup by hash", function () {
    it("finds each credential by its credential hash and by its leaf hash, in whatever generation of the index it sits", async function () {
      const path = join(tempDir(), "db.sqlite");
      const { store, results } = await storeWithCredentials(path, 4);
      await store.close();
      // Spread the rows over generations 0, 1, 5 and 40 (rows keep their hashes; the indexes follow).
      const raw = new DatabaseSync(path);
      const seqs = [3, 2 ** LOOKUP_GENERATION_BITS + 1, 5 * 2 ** LOOKUP_GENERATION_BITS + 7, 40 * 2 ** LOOKUP_GENERATION_BITS];
      for (let i = 3; i >= 0; i--) raw.prepare("UPDATE credentials SET seq = ? WHERE id = ?").run(seqs[i]!, results[i]!.id);
      raw.close();

      const reopened = createSqliteStore({ path, backgroundCheckpoints: false });
      for (const result of results) {
        expect(await idsFound(reopened, 1, result.credentialHash), `credential hash of ${result.id}`).to.deep.equal([result.id]);
        expect(await idsFound(reopened, 1, result.leafHash), `leaf hash of ${result.id}`).to.deep.equal([result.id]);
        expect(await idsFound(reopened, 2, result.leafHash), "another institution's lookup").to.deep.equal([]);
      }
      await reopened.close();
    });

    it("compares the full hash: a row sharing only the indexed prefix is not returned", async function () {
      const path = join(tempDir(), "db.sqlite");
      const { store, results } = await storeWithCredentials(path, 2);
      await store.close();
      const raw = new DatabaseSync(path);
      raw.prepare("UPDATE credentials SET ch_prefix = (SELECT ch_prefix FROM credentials WHERE id = ?) WHERE id = ?").run(results[0]!.id, results[1]!.id);
      raw.close();
      const reopened = createSqliteStore({ path, backgroundCheckpoints: false });
      expect(await idsFound(reopened, 1, results[0]!.credentialHash)).to.deep.equal([results[0]!.id]);
      const unknown = results[0]!.credentialHash.slice(0, 14) + "0".repeat(52); // same 6-byte prefix, another hash
      expect(await idsFound(reopened, 1, unknown)).to.deep.equal([]);
      await reopened.close();
    });
  });

  describe("schema versions", function () {
    it("migrates a version-1 database: prefix-only hash indexes replaced, rows kept and found", async function () {
      const path = join(tempDir(), "db.sqlite");
      const { store, results } = await storeWithCredentials(path, 3);
      await store.close();
      // Turn the file back into what version 1 wrote.
      const raw = new DatabaseSync(path);
      raw.exec(`DROP INDEX credentials_ch_gen; DROP INDEX credentials_lh_gen;
        CREATE INDEX credentials_ch ON credentials(ch_prefix); CREATE INDEX credentials_lh ON credentials(lh_prefix);
        UPDATE meta SET value = '1' WHERE key = 'schema_version';`);
      raw.close();

      const migrated = createSqliteStore({ path, backgroundCheckpoints: false });
      expect(await idsFound(migrated, 1, results[2]!.leafHash)).to.deep.equal([results[2]!.id]);
      await migrated.close();
      const check = new DatabaseSync(path);
      expect((check.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string }).value).to.equal(String(SCHEMA_VERSION));
      expect(indexNames(check)).to.include.members(["credentials_ch_gen", "credentials_lh_gen"]).and.not.include.members(["credentials_ch"]);
      expect(indexNames(check)).to.not.include("credentials_lh");
      expect((check.prepare("SELECT COUNT(*) AS n FROM credentials").get() as { n: number }).n).to.equal(3);
      check.close();
    });

    it("refuses a database written by a newer schema version, and leaves it untouched", async function () {
      const path = join(tempDir(), "db.sqlite");
      const { store } = await storeWithCredentials(path, 1);
      await store.close();
      const raw = new DatabaseSync(path);
      raw.exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'; DROP INDEX credentials_lh_gen;");
      raw.close();

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
