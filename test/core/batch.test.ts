import { expect } from "chai";

import {
  attachProof,
  buildBatch,
  buildBatchFromHashes,
  credentialHash,
  getBatchEntry,
  hashCredentials,
  isHex,
  iterateBatchEntries,
  splitPortableCredential,
  verifyProof,
  type Hex,
} from "../../core/index.ts";
import { expectCredanchorError, expectIssueAt, label, sampleOpenBadge, sampleVerifiableCredential } from "./helpers.ts";

const credentials = Array.from({ length: 11 }, (_, i) => (i === 4 ? sampleVerifiableCredential() : sampleOpenBadge(i)));
const salts = credentials.map((_, i) => label(`batch salt ${i}`));

describe("core/batch", () => {
  it("hashes every credential with its salt and proves every entry, keeping input order", () => {
    const batch = buildBatch({ credentials, salts });
    expect(batch.leafCount).to.equal(11);
    expect(batch.entries).to.have.length(11);
    batch.entries.forEach((entry, i) => {
      expect(entry.leafIndex).to.equal(i);
      expect(entry.salt).to.equal(salts[i]);
      expect(entry.credentialHash).to.equal(credentialHash({ credential: credentials[i]!, salt: salts[i]! }));
      expect(verifyProof({ root: batch.merkleRoot, leafCount: 11, ...entry, proof: entry.proofPath })).to.equal(true);
    });
  });

  it("is deterministic for given salts and draws fresh random salts otherwise", () => {
    expect(buildBatch({ credentials, salts }).merkleRoot).to.equal(buildBatch({ credentials, salts }).merkleRoot);
    const first = buildBatch({ credentials });
    const second = buildBatch({ credentials });
    expect(first.merkleRoot).to.not.equal(second.merkleRoot);
    expect(new Set(first.entries.map((entry) => entry.salt)).size).to.equal(11);
    for (const entry of first.entries) expect(isHex({ value: entry.salt, size: 32 })).to.equal(true);
  });

  it("gives attachProof everything it needs", () => {
    const batch = buildBatch({ credentials, salts });
    const entry = batch.entries[7]!;
    const portable = attachProof({
      credential: credentials[7]!,
      anchor: {
        ...entry,
        chain: 31337,
        registry: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
        institutionId: 1,
        merkleRoot: batch.merkleRoot,
        leafCount: batch.leafCount,
        anchorTransaction: label("tx"),
        anchorBlock: 3,
        created: "2025-07-01T00:00:00Z",
      },
    });
    expect(splitPortableCredential({ portableCredential: portable }).proof.leafIndex).to.equal(7);
  });

  it("builds the same batch from chunks hashed separately (as the service's workers do)", () => {
    const whole = buildBatch({ credentials, salts });
    const first = hashCredentials({ credentials: credentials.slice(0, 6), salts: salts.slice(0, 6) });
    const second = hashCredentials({ credentials: credentials.slice(6), salts: salts.slice(6), firstIndex: 6 });
    const joined = (a: Uint8Array, b: Uint8Array) => new Uint8Array([...a, ...b]);
    const batch = buildBatchFromHashes({
      credentialHashes: joined(first.credentialHashes, second.credentialHashes),
      salts: joined(first.salts, second.salts),
    });
    expect(batch.merkleRoot).to.equal(whole.merkleRoot);
    expect(Array.from(iterateBatchEntries({ batch }))).to.deep.equal(whole.entries);
    expect(getBatchEntry({ batch, leafIndex: 10 })).to.deep.equal(whole.entries[10]);
    const fromHex = buildBatchFromHashes({ credentialHashes: whole.entries.map((entry) => entry.credentialHash), salts });
    expect(fromHex.merkleRoot).to.equal(whole.merkleRoot);
  });

  it("reports every invalid credential by its index in the batch", () => {
    const broken = credentials.map((credential) => structuredClone(credential)) as Record<string, any>[];
    delete broken[2]!.credentialSubject.achievement.name;
    broken[9]!.validFrom = "tomorrow";
    const error = expectCredanchorError(() => buildBatch({ credentials: broken }), "CA_CREDENTIAL_INVALID");
    expectIssueAt(error, "$[2].credentialSubject.achievement.name");
    expectIssueAt(error, "$[9].validFrom");
    expect(error.hints[0]).to.equal("2 of 11 credentials are invalid.");
    const chunk = expectCredanchorError(() => hashCredentials({ credentials: broken.slice(8), firstIndex: 8 }), "CA_CREDENTIAL_INVALID");
    expectIssueAt(chunk, "$[9].validFrom");
  });

  it("refuses an empty batch and salts that do not match the credentials", () => {
    expectCredanchorError(() => buildBatch({ credentials: [] }), "CA_BATCH_EMPTY");
    expectCredanchorError(() => buildBatch({ credentials, salts: salts.slice(1) }), "CA_INVALID_ARGUMENT");
    expectCredanchorError(() => buildBatch({ credentials, salts: ["0x12" as Hex, ...salts.slice(1)] }), "CA_HEX_INVALID");
    expectCredanchorError(
      () => buildBatchFromHashes({ credentialHashes: new Uint8Array(64), salts: new Uint8Array(32) }),
      "CA_INVALID_ARGUMENT",
    );
  });
});
