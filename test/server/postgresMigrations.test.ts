/**
 * The PostgreSQL schema's versioned steps (server/store/postgresSchema.ts) on a database
 * that holds data: a database left at an older version by an earlier release is brought to
 * this one by the store at start-up, keeping its rows. (The SQLite steps: store.test.ts.)
 */
import { expect } from "chai";

import { createPostgresStore } from "../../server/store/postgres.ts";
import { POSTGRES_SCHEMA_VERSION, postgresMigrations } from "../../server/store/postgresSchema.ts";
import { createTestDatabase, sql, type TestDatabase } from "./helpers/postgres.ts";

describe("PostgreSQL schema migrations", function () {
  this.timeout(60_000);
  let database: TestDatabase;
  beforeEach(async function () {
    database = await createTestDatabase();
  });
  afterEach(async function () {
    await database.drop();
  });

  it("brings a version 1 database with credentials to status lists: old credentials without an entry, new lists reservable", async function () {
    // Version 1 as credanchor 0.1 left it: one institution, one batch, one credential.
    await sql(database.url, postgresMigrations[0]!);
    await sql(
      database.url,
      `INSERT INTO meta (key, value) VALUES ('schema_version', '1');
       INSERT INTO institutions (id, name, identifier, metadata_uri, admin_address, created_at) VALUES (1, 'I1', 'did:web:a.example', '', '', 0);
       INSERT INTO batches (id, institution_id, state, size, created_at) VALUES (1, 1, 'open', 1, 0);
       INSERT INTO credentials (id, institution_id, batch_id, leaf_index, client_id, credential_hash, leaf_hash, salt, body, created_at, ch_prefix, lh_prefix)
         VALUES ('old-1', 1, 1, 0, 'k1', '\\x${"11".repeat(32)}', '\\x${"22".repeat(32)}', '\\x${"33".repeat(32)}', '{"n":1}', 0, 1, 2);`,
    );
    const store = await createPostgresStore({ url: database.url, poolSize: 2 });
    try {
      const version = await sql(database.url, "SELECT value FROM meta WHERE key = 'schema_version'");
      expect(version.rows[0].value).to.equal(String(POSTGRES_SCHEMA_VERSION));
      expect((await store.getCredential({ institutionId: 1, id: "old-1" }))?.body).to.equal('{"n":1}');
      const columns = await sql(database.url, "SELECT status_list, status_index FROM credentials");
      expect(columns.rows).to.deep.equal([{ status_list: null, status_index: null }]);
      expect(await store.listStatusLists({ institutionId: 1 })).to.deep.equal([]);
      const reserved = await store.reserveStatusPositions({ institutionId: 1, count: 3, listLength: 8, now: 0, newSeed: () => new Uint8Array(32) });
      expect(reserved.map(({ listNumber, firstPosition, count }) => [listNumber, firstPosition, count])).to.deep.equal([[0, 0, 3]]);
    } finally {
      await store.close();
    }
  });
});
