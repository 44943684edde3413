/**
 * The Store contract, run against both stores: SQLite (a file) and PostgreSQL (a fresh
 * database on the machine's server). "Another connection" is a second store opened on the
 * same database, as a second process or replica would. SQLite internals (index
 * generations, WAL, its v1 migration) stay in store.test.ts.
 */
import { expect } from "chai";
import { randomBytes, randomUUID } from "node:crypto";

import { bytesToHex, hexToBytes } from "../../core/index.ts";
import { ConfigError } from "../../server/errors.ts";
import { createHashPool } from "../../server/hashing/pool.ts";
import { acceptSubmission, parseJsonSubmission, type SubmissionResult } from "../../server/intake.ts";
import { POSTGRES_SCHEMA_VERSION } from "../../server/store/postgresSchema.ts";
import { SCHEMA_VERSION } from "../../server/store/schema.ts";
import { clientKeyHash } from "../../server/store/sqliteRows.ts";
import { NO_KEYS, type IntakeItem, type IntakeRecord, type RegistryEventRow, type Store, type StatusListReservation } from "../../server/store/types.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { storeKinds as kinds, type StoreKind as Kind } from "./helpers/storeKinds.ts";

const ISSUER = "did:web:demo.credanchor.local";

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

/** Seeds 1, 2, 3, … (32 equal bytes each): which list got which seed is visible. */
const countingSeeds = () => {
  let n = 0;
  return () => new Uint8Array(32).fill(++n);
};
/** A reservation as [list, first position, count]. */
const spans = (reservations: readonly StatusListReservation[]) => reservations.map(({ listNumber, firstPosition, count }) => [listNumber, firstPosition, count]);

/** A credential body as the service signs it: what was submitted, plus its proof and status entry. */
const signedBody = (content: Record<string, unknown>, proofId: string, statusIndex: number) =>
  JSON.stringify({ ...content, credentialStatus: { type: "BitstringStatusListEntry", statusListIndex: String(statusIndex) }, proof: { id: proofId } });

/** A registry event at block `block` (one log per block). */
const registryEvent = (block: number, name: RegistryEventRow["name"], institutionId: number, chainBatchId: `0x${string}` | null = null): RegistryEventRow => ({
  blockNumber: block,
  blockHash: `0x${block.toString(16).padStart(64, "0")}`,
  logIndex: 0,
  txHash: `0x${(block + 1000).toString(16).padStart(64, "0")}`,
  timestamp: 1_700_000_000 + block * 12,
  name,
  institutionId,
  chainBatchId,
  wordIndex: name.startsWith("Credentials") ? 0 : null,
  actor: `0x${"70".repeat(20)}`,
  args: { institutionId },
});

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
        expect(await found(1, result.credentialHash!)).to.deep.equal([result.id]);
        expect(await found(1, result.leafHash!)).to.deep.equal([result.id]);
        expect(await found(2, result.leafHash!), "another institution's lookup").to.deep.equal([]);
      }
      const samePrefix = results[0]!.credentialHash!.slice(0, 14) + "0".repeat(52);
      expect(await found(1, samePrefix), "a hash sharing only the indexed 6-byte prefix").to.deep.equal([]);
      const byIds = await store.getCredentialsByIds({ institutionId: 1, ids: [results[2]!.id, results[0]!.id, randomUUID()] });
      expect(byIds.map((credential) => credential.id)).to.deep.equal([results[2]!.id, results[0]!.id]);
    });

    it("answers anchor lookups made together, each with its own institution's credential only", async function () {
      const items = { 1: rawItems(3, "one"), 2: rawItems(2, "two") };
      const stored = { 1: await rawSubmit(store, items[1], 100), 2: await store.submitCredentials({ institutionId: 2, items: items[2], maxSize: 100, now: Date.now(), leafHash: () => randomBytes(32), newId: randomUUID }) };
      const records = (institution: 1 | 2) => (stored[institution].ok ? stored[institution].records : []);
      const [a, b, c] = records(1);
      const [d] = records(2);
      const lookups: [number, string][] = [
        [1, a!.id],
        [2, a!.id], // another institution's id
        [2, d!.id],
        [1, c!.id],
        [1, randomUUID()], // unknown
        [1, a!.id], // the same lookup twice
        [1, b!.id],
      ];
      const answers = await Promise.all(lookups.map(([institutionId, id]) => store.getCredentialAnchor({ institutionId, id })));
      const expected = (record: IntakeRecord | undefined, item: IntakeItem) => ({
        id: record!.id,
        leafIndex: record!.leafIndex,
        credentialHash: bytesToHex({ bytes: item.credentialHash }),
        salt: bytesToHex({ bytes: item.salt }),
        batchId: record!.batchId,
        batchState: "open",
      });
      const summary = answers.map((anchor) =>
        anchor === undefined
          ? undefined
          : { id: anchor.id, leafIndex: anchor.leafIndex, credentialHash: anchor.credentialHash, salt: anchor.salt, batchId: anchor.batch.id, batchState: anchor.batch.state },
      );
      expect(summary).to.deep.equal([
        expected(a, items[1][0]!),
        undefined,
        expected(d, items[2][0]!),
        expected(c, items[1][2]!),
        undefined,
        expected(a, items[1][0]!),
        expected(b, items[1][1]!),
      ]);
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

    it("reserves consecutive status list positions, and follows a full list with a new one of its own seed", async function () {
      const newSeed = countingSeeds();
      const reserve = (institutionId: number, count: number, now: number) => store.reserveStatusPositions({ institutionId, count, listLength: 8, now, newSeed });
      expect(spans(await reserve(1, 5, 10))).to.deep.equal([[0, 0, 5]]);
      const spilled = await reserve(1, 6, 20);
      expect(spans(spilled), "3 left in list 0, 3 in list 1").to.deep.equal([[0, 5, 3], [1, 0, 3]]);
      expect(spilled.map((reservation) => reservation.seed[0]), "list 0 keeps its seed; list 1 gets a new one").to.deep.equal([1, 2]);
      expect(spans(await reserve(2, 2, 30)), "another institution's lists are its own").to.deep.equal([[0, 0, 2]]);
      expect(spans(await reserve(1, 5, 40)), "list 1 fills exactly").to.deep.equal([[1, 3, 5]]);
      expect(spans(await reserve(1, 1, 50))).to.deep.equal([[2, 0, 1]]);
      const lists = await (await another()).listStatusLists({ institutionId: 1 });
      expect(lists).to.deep.equal([
        { institutionId: 1, listNumber: 0, seed: new Uint8Array(32).fill(1), assigned: 8, createdAt: 10 },
        { institutionId: 1, listNumber: 1, seed: new Uint8Array(32).fill(2), assigned: 8, createdAt: 20 },
        { institutionId: 1, listNumber: 2, seed: new Uint8Array(32).fill(4), assigned: 1, createdAt: 50 },
      ]);
    });

    it("never hands out a status list position twice when connections reserve at once, and creates each list once", async function () {
      const connections = [store, await another(), await another()];
      const listLength = 20;
      const reservations = (
        await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            connections[i % connections.length]!.reserveStatusPositions({ institutionId: 1, count: 7, listLength, now: i, newSeed: () => randomBytes(32) }),
          ),
        )
      ).flat();
      const handedOut = reservations.flatMap(({ listNumber, firstPosition, count }) =>
        Array.from({ length: count }, (_, k) => `${listNumber}/${firstPosition + k}`),
      );
      const expected = Array.from({ length: 12 * 7 }, (_, n) => `${Math.floor(n / listLength)}/${n % listLength}`);
      expect([...handedOut].sort(), "every position of lists 0-4 once").to.deep.equal([...expected].sort());
      const lists = await store.listStatusLists({ institutionId: 1 });
      expect(lists.map((list) => list.assigned)).to.deep.equal([20, 20, 20, 20, 4]);
      for (const reservation of reservations) {
        expect(reservation.seed, `seed of list ${reservation.listNumber}`).to.deep.equal(lists[reservation.listNumber]!.seed);
      }
    });

    it("stores each credential's status entry with it, and lists a registry batch's positions, all or at leaf indices", async function () {
      const items: IntakeItem[] = rawItems(5, "entry").map((item, i) => (i === 4 ? item : { ...item, status: { listNumber: i % 2, index: 100 + i } }));
      expect((await rawSubmit(store, items, 100)).ok).to.equal(true);
      const id = (await store.getOpenBatch(1))!.id;
      await store.sealBatch({ id });
      const chainBatchId = `0x${"0a".repeat(32)}` as const;
      await store.saveClosedBatch({ id, merkleRoot: `0x${"0b".repeat(32)}`, chainBatchId, tree: new Uint8Array(9 * 32), now: 1 });
      const sorted = (positions: { listNumber: number; index: number }[]) => [...positions].sort((x, y) => x.index - y.index);
      const reader = await another();
      expect(sorted(await reader.listStatusPositions({ chainBatchId }))).to.deep.equal([
        { listNumber: 0, index: 100 },
        { listNumber: 1, index: 101 },
        { listNumber: 0, index: 102 },
        { listNumber: 1, index: 103 },
      ]);
      expect(sorted(await reader.listStatusPositions({ chainBatchId, leafIndices: [1, 3, 4] })), "leaf 4 has no entry").to.deep.equal([
        { listNumber: 1, index: 101 },
        { listNumber: 1, index: 103 },
      ]);
      expect(await reader.listStatusPositions({ chainBatchId: `0x${"0c".repeat(32)}` }), "another batch").to.deep.equal([]);
    });

    it("answers a service-signed retry (new proof and status entry) with the stored credential, and other content with a conflict", async function () {
      const content = { type: ["VerifiableCredential"], name: "Course A" };
      const item = (body: string, index: number | undefined, clientId = "signed-1"): IntakeItem => ({
        clientId,
        body,
        salt: randomBytes(32),
        credentialHash: randomBytes(32),
        status: index === undefined ? undefined : { listNumber: 0, index },
      });
      const first = await rawSubmit(store, [item(signedBody(content, "urn:proof:1", 10), 10)], 100);
      if (!first.ok) throw new Error("first submission refused");
      const stored = first.records[0]!;

      const retried = await rawSubmit(await another(), [item(signedBody(content, "urn:proof:2", 11), 11)], 100);
      if (!retried.ok) throw new Error(`retry refused: ${JSON.stringify(retried.conflicts)}`);
      const answer = retried.records[0]!;
      expect([answer.id, answer.existing, answer.batchId, answer.leafIndex]).to.deep.equal([stored.id, true, stored.batchId, stored.leafIndex]);
      expect(new Uint8Array(answer.credentialHash), "the stored credential's hash, not the retry's").to.deep.equal(new Uint8Array(stored.credentialHash));
      expect((await store.getCredential({ institutionId: 1, id: stored.id }))!.body, "the stored body, with its original entry").to.equal(
        signedBody(content, "urn:proof:1", 10),
      );

      const changed = await rawSubmit(store, [item(signedBody({ ...content, name: "Course B" }, "urn:proof:3", 12), 12)], 100);
      expect(changed, "other content under the key").to.deep.equal({ ok: false, conflicts: [{ position: 0, clientId: "signed-1" }] });
      const unsigned = await rawSubmit(store, [item(signedBody(content, "urn:proof:4", 13), undefined)], 100);
      expect(unsigned.ok, "a body that differs without a service entry is other content").to.equal(false);

      const twice = await rawSubmit(store, [item(signedBody(content, "urn:proof:5", 14), 14, "signed-2"), item(signedBody(content, "urn:proof:6", 15), 15, "signed-2")], 100);
      if (!twice.ok) throw new Error("a request repeating one key refused");
      expect(twice.records[1]!.id, "the same key twice in one request: one credential").to.equal(twice.records[0]!.id);
      expect(await store.countPendingCredentials()).to.equal(2);
    });

    it("lists an institution's events and its batches' events in chain order, and no other institution's", async function () {
      const batch = `0x${"ab".repeat(32)}` as const;
      const events = [
        registryEvent(3, "InstitutionRegistered", 1),
        registryEvent(4, "InstitutionRegistered", 2),
        registryEvent(5, "BatchAnchored", 1, batch),
        registryEvent(6, "CredentialsRevoked", 2, `0x${"cd".repeat(32)}`),
        registryEvent(7, "CredentialsRevoked", 1, batch),
        registryEvent(8, "InstitutionSuspended", 1),
      ];
      await store.appendRegistryEvents({ events, cursor: { blockNumber: 8, blockHash: events[5]!.blockHash } });
      const listed = await (await another()).listInstitutionEvents({ institutionId: 1 });
      expect(listed).to.deep.equal([events[0], events[2], events[4], events[5]]);
      expect(await store.listInstitutionEvents({ institutionId: 3 })).to.deep.equal([]);
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
