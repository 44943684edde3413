/**
 * The Store contract, run against both stores: SQLite (a file) and PostgreSQL (a fresh
 * database on the machine's server). "Another connection" is a second store opened on the
 * same database, as a second process or replica would. SQLite internals (index
 * generations, WAL, its v1 migration) stay in store.test.ts.
 */
import { expect } from "chai";
import { randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

import { hexToBytes } from "../../core/index.ts";
import { ConfigError } from "../../server/errors.ts";
import { createHashPool } from "../../server/hashing/pool.ts";
import { acceptSubmission, parseJsonSubmission, type SubmissionResult } from "../../server/intake.ts";
import { createPostgresStore } from "../../server/store/postgres.ts";
import { POSTGRES_SCHEMA_VERSION } from "../../server/store/postgresSchema.ts";
import { SCHEMA_VERSION } from "../../server/store/schema.ts";
import { createSqliteStore } from "../../server/store/sqlite.ts";
import { clientKeyHash } from "../../server/store/sqliteRows.ts";
import { NO_KEYS, type IntakeItem, type Store } from "../../server/store/types.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { createTestDatabase, sql, type TestDatabase } from "./helpers/postgres.ts";
import { tempDir } from "./helpers/processes.ts";

const ISSUER = "did:web:demo.credanchor.local";

/** One store kind: how to open a database and a second connection to it. */
type Kind = {
  readonly name: string;
  /** A new empty database; `open()` returns a store on it (each call: a new connection). */
  create(): Promise<{ open(): Promise<Store>; setSchemaVersion(version: number): Promise<void>; drop(): Promise<void> }>;
};

const kinds: readonly Kind[] = [
  {
    name: "SQLite",
    async create() {
      const path = join(tempDir(), "db.sqlite");
      return {
        open: async () => createSqliteStore({ path, backgroundCheckpoints: false }),
        async setSchemaVersion(version) {
          const raw = new DatabaseSync(path);
          raw.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(version));
          raw.close();
        },
        drop: async () => undefined,
      };
    },
  },
  {
    name: "PostgreSQL",
    async create() {
      const database: TestDatabase = await createTestDatabase();
      return {
        open: () => createPostgresStore({ url: database.url, poolSize: 4 }),
        setSchemaVersion: async (version) => void (await sql(database.url, `UPDATE meta SET value = '${version}' WHERE key = 'schema_version'`)),
        drop: () => database.drop(),
      };
    },
  },
];

/** Submits credentials of institution 1 in one request. */
async function submit(store: Store, credentials: readonly Record<string, unknown>[], maxSize = 100): Promise<SubmissionResult[]> {
  const pool = createHashPool({ size: 0 });
  try {
    return await acceptSubmission({
      store,
      pool,
      institution: (await store.getInstitution(1))!,
      submission: parseJsonSubmission({ text: JSON.stringify({ credentials }), maxItems: 1000 }),
      maxSize,
    });
  } finally {
    await pool.close();
  }
}

/** Two distinct credential ids with equal clientKeyHash (a birthday search: ~80,000 tries). */
function collidingKeys(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const key = `urn:uuid:00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
    const other = seen.get(clientKeyHash(key));
    if (other !== undefined) return [other, key];
    seen.set(clientKeyHash(key), key);
  }
}

/** Raw intake items (no hashing pool): random hashes, distinct keys. */
const rawItems = (count: number, prefix: string): IntakeItem[] =>
  Array.from({ length: count }, (_, i) => ({ clientId: `${prefix}-${i}`, body: `{"n":${i}}`, salt: randomBytes(32), credentialHash: randomBytes(32) }));
const rawSubmit = (store: Store, items: IntakeItem[], maxSize: number) =>
  store.submitCredentials({ institutionId: 1, items, maxSize, now: Date.now(), leafHash: () => randomBytes(32), newId: randomUUID });

const bytes = (hex: string) => hexToBytes({ hex, size: 32 });

for (const kind of kinds) {
  describe(`Store contract: ${kind.name}`, function () {
    this.timeout(60_000);
    let database: Awaited<ReturnType<Kind["create"]>>;
    let store: Store;
    const others: Store[] = [];
    const another = async () => {
      const opened = await database.open();
      others.push(opened);
      return opened;
    };

    beforeEach(async function () {
      database = await kind.create();
      store = await database.open();
      for (const id of [1, 2]) {
        await store.createInstitution({ id, name: `I${id}`, identifier: id === 1 ? ISSUER : "did:web:other.example", metadataUri: "", adminAddress: "", createdAt: 0, status: "active", keys: NO_KEYS });
      }
    });
    afterEach(async function () {
      for (const opened of others.splice(0)) await opened.close();
      await store.close();
      await database.drop();
    });

    it("finds credentials by credential hash and by leaf hash, compares the full hash, and keeps institutions apart", async function () {
      const results = await submit(store, [0, 1, 2].map((n) => sampleCredential({ n })));
      const found = async (institutionId: number, hex: string) =>
        (await store.findCredentialsByHash({ institutionId, hash: bytes(hex) })).map((credential) => credential.id);
      for (const result of results) {
        expect(await found(1, result.credentialHash)).to.deep.equal([result.id]);
        expect(await found(1, result.leafHash)).to.deep.equal([result.id]);
        expect(await found(2, result.leafHash), "another institution's lookup").to.deep.equal([]);
      }
      const samePrefix = results[0]!.credentialHash.slice(0, 14) + "0".repeat(52);
      expect(await found(1, samePrefix), "a hash sharing only the indexed 6-byte prefix").to.deep.equal([]);
      const byIds = await store.getCredentialsByIds({ institutionId: 1, ids: [results[2]!.id, results[0]!.id, randomUUID()] });
      expect(byIds.map((credential) => credential.id)).to.deep.equal([results[2]!.id, results[0]!.id]);
    });

    it("tells apart two idempotency keys whose 32-bit index hash collides", async function () {
      const [first, second] = collidingKeys();
      const [a] = await submit(store, [sampleCredential({ n: 1, extra: { id: first } })]);
      const [b] = await submit(store, [sampleCredential({ n: 2, extra: { id: second } })]);
      expect(b!.existing, "a key with the same hash is a new key").to.equal(undefined);
      expect(b!.id).to.not.equal(a!.id);
      const [bAgain] = await submit(store, [sampleCredential({ n: 2, extra: { id: second } })]);
      const [aAgain] = await submit(store, [sampleCredential({ n: 1, extra: { id: first } })]);
      expect([aAgain!.id, aAgain!.existing, bAgain!.id, bAgain!.existing]).to.deep.equal([a!.id, true, b!.id, true]);
    });

    it("stores one credential per idempotency key when two connections submit it at once", async function () {
      const second = await another();
      const credentials = Array.from({ length: 20 }, (_, n) => sampleCredential({ n }));
      const [left, right] = await Promise.all([submit(store, credentials), submit(second, [...credentials].reverse())]);
      const ids = new Set([...left!, ...right!].map((result) => result.id));
      expect(ids.size, "one credential per key").to.equal(20);
      expect(left!.map((result) => result.id)).to.deep.equal(right!.map((result) => result.id).reverse());
      expect(await store.countPendingCredentials()).to.equal(20);
    });

    it("hands out every leaf position once under concurrent intake from two connections, with one open batch", async function () {
      const second = await another();
      const maxSize = 50;
      const submissions = await Promise.all(
        Array.from({ length: 8 }, (_, i) => rawSubmit(i % 2 === 0 ? store : second, rawItems(17, `k${i}`), maxSize)),
      );
      const records = submissions.flatMap((result) => (result.ok ? result.records : []));
      expect(records).to.have.length(8 * 17);
      const byBatch = new Map<number, number[]>();
      for (const record of records) byBatch.set(record.batchId, [...(byBatch.get(record.batchId) ?? []), record.leafIndex]);
      for (const [batchId, positions] of byBatch) {
        const batch = (await store.getBatchById(batchId))!;
        expect([...positions].sort((x, y) => x - y), `batch ${batchId}`).to.deep.equal(Array.from({ length: batch.size }, (_, i) => i));
        expect(batch.size).to.be.at.most(maxSize);
      }
      const open = (await store.listBatchesInStates(["open"])).filter((batch) => batch.institutionId === 1);
      expect(open, "one open batch").to.have.length(1);
      expect((await store.listBatchesInStates(["full"])).map((batch) => batch.size)).to.deep.equal([50, 50]);
    });

    it("seals and closes a batch once when two connections race", async function () {
      const second = await another();
      const submitted = await rawSubmit(store, rawItems(3, "seal"), 100);
      expect(submitted.ok).to.equal(true);
      const id = (await store.getOpenBatch(1))!.id;
      const sealed = await Promise.all([store.sealBatch({ id }), second.sealBatch({ id })]);
      expect(sealed.filter(Boolean)).to.have.length(1);
      const tree = new Uint8Array(5 * 32).fill(7);
      const save = (target: Store) => target.saveClosedBatch({ id, merkleRoot: `0x${"07".repeat(32)}`, chainBatchId: `0x${"09".repeat(32)}`, tree, now: 1 });
      const closed = await Promise.all([save(store), save(second)]);
      expect(closed.filter(Boolean)).to.have.length(1);
      expect((await store.getBatchById(id))!.state).to.equal("closed");
      expect(await second.getBatchTree(id)).to.deep.equal(tree);
      expect((await store.getLeafHashes(id)).length).to.equal(3 * 32);
      const moved = await Promise.all([
        store.transitionBatch({ id, from: ["closed"], to: "sending", patch: { nonce: 4, fromAddress: "0xa" } }),
        second.transitionBatch({ id, from: ["closed"], to: "sending", patch: { nonce: 5, fromAddress: "0xa" } }),
      ]);
      expect(moved.filter(Boolean)).to.have.length(1);
      expect(await store.maxInFlightNonce("0xa")).to.be.oneOf([4, 5]);
      expect(await store.maxInFlightNonce("0xb")).to.equal(undefined);
    });

    it("gives a lease to one holder at a time, with a new epoch on takeover, and fences batch writes by it", async function () {
      const second = await another();
      const key = "anchorer:test";
      // Leases long enough that no pause of a loaded machine ends them; expiry is forced below.
      const LONG = 120_000;
      const a = await store.acquireLease({ key, holder: "a", ttlMs: LONG });
      expect(a).to.not.equal(undefined);
      expect(await second.acquireLease({ key, holder: "b", ttlMs: LONG }), "taken while a's lease runs").to.equal(undefined);
      expect(await store.renewLease({ fence: a!, ttlMs: LONG })).to.equal(true);

      await rawSubmit(store, rawItems(1, "lease"), 100);
      const id = (await store.getOpenBatch(1))!.id;
      await store.sealBatch({ id });
      expect(await store.transitionBatch({ id, from: ["full"], to: "full", fence: a })).to.equal(true);

      // a's lease ends 1 ms after this renewal; waiting longer than that can only make it more expired.
      expect(await store.renewLease({ fence: a!, ttlMs: 1 })).to.equal(true);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await store.transitionBatch({ id, from: ["full"], to: "full", fence: a }), "expired fence").to.equal(false);
      expect(await store.renewLease({ fence: a!, ttlMs: LONG }), "an expired lease is not renewed").to.equal(false);
      const b = await second.acquireLease({ key, holder: "b", ttlMs: LONG });
      expect(b?.epoch).to.be.greaterThan(a!.epoch);
      expect(await store.renewLease({ fence: a!, ttlMs: LONG }), "a cannot renew a lease b took").to.equal(false);
      expect(await store.acquireLease({ key, holder: "a", ttlMs: LONG })).to.equal(undefined);
      expect(await store.transitionBatch({ id, from: ["full"], to: "full", fence: a }), "old epoch").to.equal(false);
      expect(await second.transitionBatch({ id, from: ["full"], to: "full", fence: b })).to.equal(true);

      await second.releaseLease(b!);
      const again = await store.acquireLease({ key, holder: "a", ttlMs: LONG });
      expect(again?.epoch, "released: taken at once").to.be.greaterThan(b!.epoch);
    });

    it("refuses a database written by a newer schema version, with the versions in the message", async function () {
      await store.close();
      await database.setSchemaVersion(99);
      let thrown: unknown;
      try {
        store = await database.open();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(ConfigError);
      expect((thrown as ConfigError).message).to.contain("schema version 99");
      if (kind.name === "PostgreSQL") expect((thrown as ConfigError).message).to.contain(`up to ${POSTGRES_SCHEMA_VERSION}`);
      await database.setSchemaVersion(kind.name === "PostgreSQL" ? POSTGRES_SCHEMA_VERSION : SCHEMA_VERSION);
      store = await database.open(); // afterEach closes it
    });
  });
}
