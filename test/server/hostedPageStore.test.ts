/**
 * The hosted pages' storage, the same contract on both stores: SQLite (one machine) and
 * PostgreSQL (replicas sharing a database, where a second instance stands for a second
 * replica and must see the same batches, withdrawals and withdraw-secret key).
 */
import { expect } from "chai";
import { join } from "node:path";

import { createPostgresHostedPageStore } from "../../server/hostedPages/postgresStore.ts";
import { createSqliteHostedPageStore, type HostedPageStore } from "../../server/hostedPages/store.ts";
import { createTestDatabase, type TestDatabase } from "./helpers/postgres.ts";
import { tempDir } from "./helpers/processes.ts";

type Backend = { readonly name: string; setUp(): Promise<{ open(): Promise<HostedPageStore>; tearDown(): Promise<void> }> };

const backends: readonly Backend[] = [
  {
    name: "SQLite",
    async setUp() {
      const path = join(tempDir("hosted-pages"), "service.db");
      return { open: async () => createSqliteHostedPageStore({ path }), tearDown: async () => undefined };
    },
  },
  {
    name: "PostgreSQL",
    async setUp() {
      const database: TestDatabase = await createTestDatabase();
      return { open: () => createPostgresHostedPageStore({ url: database.url }), tearDown: () => database.drop() };
    },
  },
];

for (const backend of backends) {
  describe(`hosted page storage (${backend.name})`, function () {
    this.timeout(60_000);
    let setup: Awaited<ReturnType<Backend["setUp"]>>;
    const opened: HostedPageStore[] = [];
    const open = async () => {
      const store = await setup.open();
      opened.push(store);
      return store;
    };

    beforeEach(async function () {
      setup = await backend.setUp();
    });
    afterEach(async function () {
      for (const store of opened.splice(0)) store.close();
      // The PostgreSQL database is dropped WITH (FORCE): connections still closing are cut.
      await setup.tearDown();
    });

    it("opens a batch once (the first opening kept) and lists its institution", async function () {
      const store = await open();
      expect(await store.isBatchEnabled(7)).to.equal(false);
      await store.enableBatch({ institutionId: 3, batchId: 7, now: 1_000 });
      await store.enableBatch({ institutionId: 3, batchId: 7, now: 2_000 });
      await store.enableBatch({ institutionId: 1, batchId: 9, now: 3_000 });
      expect(await store.isBatchEnabled(7)).to.equal(true);
      expect(await store.isBatchEnabled(8)).to.equal(false);
      expect(await store.institutionsWithPages()).to.deep.equal([1, 3]);
    });

    it("keeps the first withdrawal time of a credential", async function () {
      const store = await open();
      expect(await store.withdrawnAt("urn:uuid:a")).to.equal(undefined);
      expect(await store.withdraw({ credentialId: "urn:uuid:a", now: 5_000 })).to.equal(5_000);
      expect(await store.withdraw({ credentialId: "urn:uuid:a", now: 9_000 })).to.equal(5_000);
      expect(await store.withdrawnAt("urn:uuid:a")).to.equal(5_000);
      expect(await store.withdrawnAt("urn:uuid:b")).to.equal(undefined);
    });

    it("gives a second instance on the same database (another replica) the same state and the same secret key", async function () {
      const first = await open();
      const second = await open();
      const [keyA, keyB] = await Promise.all([first.secretKey(), second.secretKey()]);
      expect(keyA).to.have.length(32);
      expect(Buffer.from(keyB).equals(Buffer.from(keyA))).to.equal(true);
      await first.enableBatch({ institutionId: 2, batchId: 11, now: 1 });
      await first.withdraw({ credentialId: "urn:uuid:c", now: 42 });
      expect(await second.isBatchEnabled(11)).to.equal(true);
      expect(await second.withdrawnAt("urn:uuid:c")).to.equal(42);
    });
  });
}
