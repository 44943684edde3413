/**
 * Signing after intake (server/signing/signer.ts), on both stores: intake stores a
 * credential the service signs unsigned and answers `signing`; the signer signs it in the
 * hashing pool and writes its hashes; what could fail to sign later is signed (or refused)
 * at intake; the batcher waits for the last signature; retries
 * match before and after signing; a restart signs what was left; a missing key leaves the
 * rows stored and is reported; two signers never store two signatures for one row.
 */
import { expect } from "chai";

import { canonicalizeSignedCredential, credentialHashFromCanonical, leafHash } from "../../core/index.ts";
import { generateSigningKey, verifyIssuerSignature, type SigningKey } from "../../core/vc/eddsa.ts";
import { createBatcher } from "../../server/batcher.ts";
import { createHashPool, type HashPool } from "../../server/hashing/pool.ts";
import { acceptSubmission, parseJsonSubmission, type SubmissionResult } from "../../server/intake.ts";
import { didDocumentOf } from "../../server/signing/didDocument.ts";
import { createKeyring, type Keyring } from "../../server/signing/keyring.ts";
import { createSigner } from "../../server/signing/signer.ts";
import { createStatusListAssigner } from "../../server/statusList/assigner.ts";
import { NO_KEYS, type Store } from "../../server/store/types.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { storeKinds } from "./helpers/storeKinds.ts";

const ISSUER = "did:web:demo.credanchor.local";
const key: SigningKey = await generateSigningKey({ controller: ISSUER, id: `${ISSUER}#key-1` });
const resolveDid = async (did: string) => (did === ISSUER ? didDocumentOf({ did: ISSUER, keys: [key] }) : undefined);

for (const kind of storeKinds) {
  describe(`signing after intake: ${kind.name}`, function () {
    this.timeout(120_000);
    let database: Awaited<ReturnType<(typeof kind)["create"]>>;
    let store: Store;
    let pool: HashPool;
    const opened: Store[] = [];

    beforeEach(async function () {
      database = await kind.create();
      store = await database.open();
      await store.createInstitution({ id: 1, name: "Demo", identifier: ISSUER, metadataUri: "", adminAddress: "", createdAt: 0, status: "active", keys: NO_KEYS });
      // Two workers: the signer's chunks go through the real worker threads.
      pool = createHashPool({ size: 2, inlineBelow: 8 });
    });
    afterEach(async function () {
      await pool.close();
      for (const other of opened.splice(0)) await other.close();
      await store.close();
      await database.drop();
    });

    /** Submits credentials n = first … first + count - 1 the way the service does with signing after intake. */
    async function submit(on: Store, first: number, count: number, maxSize = 1_000): Promise<SubmissionResult[]> {
      const credentials = Array.from({ length: count }, (_, i) => sampleCredential({ n: first + i }));
      return acceptSubmission({
        store: on,
        pool,
        institution: (await on.getInstitution(1))!,
        submission: parseJsonSubmission({ text: JSON.stringify({ credentials }), maxItems: 10_000 }),
        maxSize,
        signingKeys: [key],
        statusLists: createStatusListAssigner({ store: on, publicUrl: "https://status.example/" }),
        signAfterIntake: true,
      });
    }
    const signerOn = (on: Store, keyring: Keyring = createKeyring([key]), onBatchesSigned?: (ids: readonly number[]) => void) =>
      createSigner({ store: on, pool, keyring, chunkSize: 16, onBatchesSigned });

    it("answers 202 without hashes, then signs, hashes and binds each leaf to its index", async function () {
      const results = await submit(store, 1, 40);
      expect(results.map((result) => result.status)).to.deep.equal(new Array(40).fill("signing"));
      expect(results.some((result) => "credentialHash" in result || "leafHash" in result)).to.equal(false);
      const before = (await store.getCredential({ institutionId: 1, id: results[0]!.id }))!;
      expect(before.awaitingSignature).to.equal(true);
      expect(JSON.parse(before.body)).to.have.property("credentialStatus").and.not.to.have.property("proof" as never);
      expect(await store.countAwaitingSignature({})).to.equal(40);

      const signedBatches: number[] = [];
      const signed = await signerOn(store, undefined, (ids) => signedBatches.push(...ids)).drain();
      expect(signed).to.equal(40);
      expect(signedBatches).to.deep.equal([results[0]!.batch]);
      expect(await store.countAwaitingSignature({})).to.equal(0);
      for (const result of [results[0]!, results[39]!]) {
        const row = (await store.getCredential({ institutionId: 1, id: result.id }))!;
        expect(row.awaitingSignature).to.equal(false);
        const credential = JSON.parse(row.body) as Record<string, unknown>;
        expect(await verifyIssuerSignature({ credential, resolveDid })).to.deep.include({ outcome: "valid" });
        const expected = credentialHashFromCanonical({ canonical: canonicalizeSignedCredential({ credential }), salt: row.salt });
        expect(row.credentialHash).to.equal(expected);
        expect(row.leafHash).to.equal(leafHash({ leafIndex: result.leafIndex, credentialHash: expected }));
        expect((await store.findCredentialsByHash({ institutionId: 1, hash: Buffer.from(expected.slice(2), "hex") })).map((found) => found.id)).to.deep.equal([result.id]);
      }
    });

    it("signs at intake what could fail to sign later: a term no context defines is a 422, never a 202 that blocks its batch", async function () {
      const credential = { ...sampleCredential({ n: 90 }), credentialSchema: [{ id: "https://schema.example/s.json", type: "UndefinedValidator2019" }] };
      const refused = await acceptSubmission({
        store,
        pool,
        institution: (await store.getInstitution(1))!,
        submission: parseJsonSubmission({ text: JSON.stringify(credential), maxItems: 1 }),
        maxSize: 1_000,
        signingKeys: [key],
        signAfterIntake: true,
      }).then(
        () => undefined,
        (error: { code?: string }) => error.code,
      );
      expect(refused).to.equal("CA_CREDENTIALS_INVALID");
      expect(await store.countAwaitingSignature({})).to.equal(0);
    });

    it("keeps a full batch open to closing until its last credential is signed", async function () {
      const results = await submit(store, 1, 20, 20); // exactly fills batch 1
      const batcher = createBatcher({ maxSize: 20, maxWaitMs: 60_000, store });
      expect(await batcher.tick()).to.deep.equal([]);
      expect((await store.getBatchById(results[0]!.batch))!.state).to.equal("full");
      // Half signed: still waiting.
      const half = await store.signAwaitingCredentials({ limit: 10, excludeInstitutions: [], sign: async () => [] });
      expect(half).to.deep.equal({ claimed: 10, signed: 0, signedBatches: [] });
      await signerOn(store).drain();
      const closed = await batcher.tick();
      expect(closed.map((batch) => [batch.id, batch.state, batch.size])).to.deep.equal([[results[0]!.batch, "closed", 20]]);
      const tree = (await store.getBatchTree(results[0]!.batch))!;
      const first = (await store.getCredential({ institutionId: 1, id: results[0]!.id }))!;
      expect(`0x${Buffer.from(tree.subarray(0, 32)).toString("hex")}`).to.equal(first.leafHash);
    });

    it("answers a retry with the stored credential before and after it is signed", async function () {
      const [first] = await submit(store, 7, 1);
      const [retryBefore] = await submit(store, 7, 1);
      expect(retryBefore).to.deep.equal({ ...first, existing: true });
      await signerOn(store).drain();
      const [retryAfter] = await submit(store, 7, 1);
      const row = (await store.getCredential({ institutionId: 1, id: first!.id }))!;
      expect(retryAfter).to.deep.include({ id: first!.id, batch: first!.batch, leafIndex: first!.leafIndex, existing: true, credentialHash: row.credentialHash, leafHash: row.leafHash });
      expect(await store.countAwaitingSignature({})).to.equal(0);
    });

    it("signs after a restart what was left awaiting a signature", async function () {
      const results = await submit(store, 1, 12);
      await store.close();
      store = await database.open();
      expect(await store.countAwaitingSignature({})).to.equal(12);
      expect(await signerOn(store).drain()).to.equal(12);
      const row = (await store.getCredential({ institutionId: 1, id: results[11]!.id }))!;
      expect(await verifyIssuerSignature({ credential: JSON.parse(row.body), resolveDid })).to.deep.include({ outcome: "valid" });
    });

    it("leaves the rows stored and reports the institution when its key is missing, then signs once it is there", async function () {
      await submit(store, 1, 5);
      const keyless = signerOn(store, createKeyring([]));
      expect(await keyless.drain()).to.equal(0);
      expect(keyless.health().failing.map((failure) => [failure.institutionId, failure.rows])).to.deep.equal([[1, 5]]);
      expect(await store.countAwaitingSignature({})).to.equal(5);
      expect(await signerOn(store).drain()).to.equal(5);
    });

    it("stores one signature per row when two connections sign at once", async function () {
      const results = await submit(store, 1, 60);
      const other = await database.open();
      opened.push(other);
      const counts = await Promise.all([signerOn(store).drain(), signerOn(other).drain()]);
      expect(counts[0]! + counts[1]!).to.equal(60);
      expect(await store.countAwaitingSignature({})).to.equal(0);
      const rows = await store.getCredentialsByIds({ institutionId: 1, ids: results.map((result) => result.id) });
      for (const row of rows) {
        const expected = credentialHashFromCanonical({ canonical: canonicalizeSignedCredential({ credential: JSON.parse(row.body) }), salt: row.salt });
        expect(row.credentialHash, row.id).to.equal(expected);
      }
    });
  });
}
