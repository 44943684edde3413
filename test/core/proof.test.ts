import { expect } from "chai";

import {
  attachProof,
  batchIdOf,
  buildTreeFromCredentialHashes,
  chainIdOf,
  CredanchorError,
  credentialHash,
  getProof,
  getRoot,
  parseCredentialStatus,
  parseProof,
  ProofFormatUnknownError,
  proofFormats,
  splitPortableCredential,
  type AnchorRecord,
  type Hex,
} from "../../core/index.ts";
import { credentialHashesFor, expectCredanchorError, expectIssueAt, label, sampleOpenBadge } from "./helpers.ts";

// Tests poke at arbitrary members of JSON documents.
type Json = Record<string, any>;

const REGISTRY = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const CHECKSUMMED = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

/** A credential anchored at leaf 2 of a 7-leaf batch of institution 3. */
function anchored(): { credential: Record<string, unknown>; anchor: AnchorRecord; portable: Json } {
  const credential = sampleOpenBadge();
  const salt = label("proof test salt");
  const hash = credentialHash({ credential, salt });
  const hashes = credentialHashesFor(7, "proof test");
  hashes[2] = hash;
  const tree = buildTreeFromCredentialHashes({ credentialHashes: hashes });
  const anchor: AnchorRecord = {
    chain: 31337,
    registry: REGISTRY,
    institutionId: 3,
    merkleRoot: getRoot({ tree }),
    leafIndex: 2,
    leafCount: 7,
    salt,
    credentialHash: hash,
    proofPath: getProof({ tree, leafIndex: 2 }),
    anchorTransaction: label("tx"),
    anchorBlock: 12,
    created: new Date("2025-07-01T09:30:12Z"),
  };
  return { credential, anchor, portable: attachProof({ credential, anchor }) as Json };
}

function rejectsProof(change: (proof: Json) => void, code: "CA_PROOF_MALFORMED" | "CA_PROOF_FORMAT_UNKNOWN", path: string): CredanchorError {
  const proof = structuredClone(anchored().portable.proof) as Json;
  change(proof);
  const error = expectCredanchorError(() => parseProof({ proof }), code);
  expectIssueAt(error, path);
  return error;
}

describe("core/proof", () => {
  it("attaches a credanchor-proof-v1 proof and status that split back into the hashed credential", () => {
    const { credential, anchor, portable } = anchored();
    expect(portable.proof).to.deep.equal({
      type: "CredanchorMerkleProof",
      format: "credanchor-proof-v1",
      proofPurpose: "assertionMethod",
      created: "2025-07-01T09:30:12.000Z",
      chain: "eip155:31337",
      registry: CHECKSUMMED,
      institutionId: 3,
      batchId: batchIdOf({ institutionId: 3, merkleRoot: anchor.merkleRoot }),
      merkleRoot: anchor.merkleRoot,
      leafIndex: 2,
      leafCount: 7,
      salt: anchor.salt,
      credentialHash: anchor.credentialHash,
      proofPath: anchor.proofPath,
      anchorTransaction: anchor.anchorTransaction,
      anchorBlock: 12,
    });
    expect(portable.credentialStatus).to.deep.equal({
      id: `eip155:31337:${CHECKSUMMED}/${portable.proof.batchId}/2`,
      type: "CredanchorRegistryStatus",
      statusPurpose: ["revocation", "suspension"],
      chain: "eip155:31337",
      registry: CHECKSUMMED,
      batchId: portable.proof.batchId,
      leafIndex: 2,
    });
    const parts = splitPortableCredential({ portableCredential: JSON.parse(JSON.stringify(portable)) });
    expect(parts.credential).to.deep.equal(credential);
    expect(parts.proof).to.deep.equal(portable.proof);
    expect(parts.status).to.deep.equal(portable.credentialStatus);
    expect(credentialHash({ credential: parts.credential, salt: parts.proof.salt })).to.equal(parts.proof.credentialHash);
  });

  it("refuses an anchor that does not fit the credential", () => {
    const { credential, anchor } = anchored();
    const otherHash = expectCredanchorError(
      () => attachProof({ credential: { ...credential, name: "Changed" }, anchor }),
      "CA_INVALID_ARGUMENT",
    );
    expectIssueAt(otherHash, "$.anchor.credentialHash");
    const wrongPath = expectCredanchorError(
      () => attachProof({ credential, anchor: { ...anchor, proofPath: [...anchor.proofPath].reverse() } }),
      "CA_INVALID_ARGUMENT",
    );
    expectIssueAt(wrongPath, "$.anchor.proofPath");
    const wrongBatch = expectCredanchorError(() => attachProof({ credential, anchor: { ...anchor, batchId: label("x") } }), "CA_INVALID_ARGUMENT");
    expectIssueAt(wrongBatch, "$.anchor.batchId");
    // without the check it writes what it is given
    expect(attachProof({ credential: { ...credential, name: "Changed" }, anchor, check: false }).proof).to.have.property("leafIndex", 2);
  });

  it("refuses to anchor an already anchored credential, but keeps other proofs and statuses", () => {
    const { anchor, portable } = anchored();
    expectCredanchorError(() => attachProof({ credential: portable, anchor }), "CA_INVALID_ARGUMENT");
    const signature = { type: "DataIntegrityProof", cryptosuite: "eddsa-rdfc-2022", proofValue: "z..." };
    const signed = { ...sampleOpenBadge(), proof: signature, credentialStatus: { type: "BitstringStatusListEntry" } };
    const both = attachProof({ credential: signed, anchor }) as Json;
    expect(both.proof).to.have.length(2);
    expect(both.proof[0]).to.deep.equal(signature);
    const parts = splitPortableCredential({ portableCredential: both });
    expect(parts.proof.leafIndex).to.equal(2);
    expect(parts.credential).to.not.have.property("proof");
  });

  describe("parseProof", () => {
    it("rejects an unknown format by name and lists the known ones (wording pinned)", () => {
      const error = rejectsProof((proof) => (proof.format = "credanchor-proof-v9"), "CA_PROOF_FORMAT_UNKNOWN", "$.proof.format");
      expect(error).to.be.instanceOf(ProofFormatUnknownError);
      expect(error.message).to.equal('Unknown proof format "credanchor-proof-v9"; known formats: credanchor-proof-v1.');
      expect((error as ProofFormatUnknownError).knownFormats).to.deep.equal([proofFormats.v1]);
      expect(error.details?.[0]?.expected).to.equal('one of "credanchor-proof-v1"');
    });

    it("rejects a missing format, bad hex and wrong lengths with the field's JSON path", () => {
      rejectsProof((proof) => delete proof.format, "CA_PROOF_MALFORMED", "$.proof.format");
      rejectsProof((proof) => (proof.merkleRoot = "0xzz" + proof.merkleRoot.slice(4)), "CA_PROOF_MALFORMED", "$.proof.merkleRoot");
      rejectsProof((proof) => (proof.salt = proof.salt.slice(0, 64)), "CA_PROOF_MALFORMED", "$.proof.salt");
      rejectsProof((proof) => (proof.credentialHash = proof.credentialHash.slice(2)), "CA_PROOF_MALFORMED", "$.proof.credentialHash");
      rejectsProof((proof) => (proof.proofPath[1] = "0x1234"), "CA_PROOF_MALFORMED", "$.proof.proofPath[1]");
      rejectsProof((proof) => (proof.anchorTransaction = 5), "CA_PROOF_MALFORMED", "$.proof.anchorTransaction");
      rejectsProof((proof) => (proof.type = "DataIntegrityProof"), "CA_PROOF_MALFORMED", "$.proof.type");
      rejectsProof((proof) => (proof.chain = "ethereum"), "CA_PROOF_MALFORMED", "$.proof.chain");
      rejectsProof((proof) => (proof.registry = "0x5FBDB2315678afecb367f032d93F642f64180aa3"), "CA_PROOF_MALFORMED", "$.proof.registry");
      rejectsProof((proof) => (proof.institutionId = 0), "CA_PROOF_MALFORMED", "$.proof.institutionId");
      rejectsProof((proof) => (proof.leafCount = 2.5), "CA_PROOF_MALFORMED", "$.proof.leafCount");
      rejectsProof((proof) => (proof.created = "yesterday"), "CA_PROOF_MALFORMED", "$.proof.created");
    });

    it("rejects a proof path of the wrong length for its position, and an index outside the batch", () => {
      const error = rejectsProof((proof) => proof.proofPath.pop(), "CA_PROOF_MALFORMED", "$.proof.proofPath");
      expect(error.details?.[0]?.expected).to.equal("3 sibling hashes");
      rejectsProof((proof) => (proof.leafIndex = 7), "CA_PROOF_MALFORMED", "$.proof.leafIndex");
    });

    it("accepts an all-lowercase registry address", () => {
      const proof = structuredClone(anchored().portable.proof) as Json;
      proof.registry = REGISTRY;
      expect(parseProof({ proof }).registry).to.equal(REGISTRY);
    });
  });

  describe("splitPortableCredential", () => {
    it("needs a credanchor proof", () => {
      expectCredanchorError(() => splitPortableCredential({ portableCredential: sampleOpenBadge() }), "CA_PROOF_MISSING");
      expectCredanchorError(() => splitPortableCredential({ portableCredential: "text" }), "CA_PROOF_MALFORMED");
      const { portable } = anchored();
      delete portable.credentialStatus;
      expectIssueAt(expectCredanchorError(() => splitPortableCredential({ portableCredential: portable }), "CA_PROOF_MALFORMED"), "$.credentialStatus");
    });

    it("rejects a status entry that names another leaf, batch or registry than the proof", () => {
      const { portable } = anchored();
      portable.credentialStatus.leafIndex = 3;
      portable.credentialStatus.id = portable.credentialStatus.id.replace(/\/2$/, "/3");
      expectIssueAt(expectCredanchorError(() => splitPortableCredential({ portableCredential: portable }), "CA_PROOF_MALFORMED"), "$.credentialStatus.leafIndex");
      const other = anchored().portable;
      other.credentialStatus.id = other.credentialStatus.id.replace(/\/2$/, "/5");
      expectIssueAt(expectCredanchorError(() => splitPortableCredential({ portableCredential: other }), "CA_PROOF_MALFORMED"), "$.credentialStatus.id");
    });

    it("finds the credanchor entries inside proof and status sets, naming their index in errors", () => {
      const { portable } = anchored();
      const set = { ...portable, proof: [{ type: "DataIntegrityProof" }, { ...portable.proof, merkleRoot: "0x00" }] };
      expectIssueAt(expectCredanchorError(() => splitPortableCredential({ portableCredential: set }), "CA_PROOF_MALFORMED"), "$.proof[1].merkleRoot");
    });
  });

  it("parses status entries and CAIP-2 chain ids", () => {
    const status = anchored().portable.credentialStatus;
    expect(parseCredentialStatus({ credentialStatus: status }).leafIndex).to.equal(2);
    expectIssueAt(
      expectCredanchorError(() => parseCredentialStatus({ credentialStatus: { ...status, statusPurpose: "revocation" } }), "CA_PROOF_MALFORMED"),
      "$.credentialStatus.statusPurpose",
    );
    expect(chainIdOf({ chain: "eip155:31337" })).to.equal(31337);
    expectCredanchorError(() => chainIdOf({ chain: "eip155:0" }), "CA_INVALID_ARGUMENT");
    expectCredanchorError(() => chainIdOf({ chain: "cosmos:hub" as Hex }), "CA_INVALID_ARGUMENT");
  });
});
