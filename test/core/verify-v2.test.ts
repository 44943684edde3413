/**
 * credanchor-proof-v2 verification on a real chain (Hardhat's in-process network): the
 * issuer signature is part of the verdict, and the anchor proof is one of a kind.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { type PublicClient, createPublicClient, custom } from "viem";

import {
  attachAnchorProof,
  attachProof,
  buildBatchFromHashes,
  canonicalizeSignedCredential,
  createOpenBadgeCredential,
  credentialHashFromCanonical,
  generateSalt,
  getBatchEntry,
  hexToBytes,
  leafHash,
  type DidDocument,
  type Hex,
} from "../../core/index.ts";
import { generateSigningKey, signCredential, type SigningKey } from "../../core/vc/eddsa.ts";
import type { VerificationReport } from "../../core/verify/types.ts";
import { verifyCredential, verifyCredentials } from "../../core/verify/verifyCredentials.ts";

const { ethers, networkHelpers, provider } = await network.create();
const [governor, admin, anchorer, revoker] = await ethers.getSigners();
const client = createPublicClient({ transport: custom(provider) }) as PublicClient;

const didKey = await generateSigningKey();
const webDid = "did:web:uni.example";
const webKey = await generateSigningKey({ controller: webDid, id: `${webDid}#key-1` });
const webDocument: DidDocument = {
  "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
  id: webDid,
  verificationMethod: [{ id: "#key-1", type: "Multikey", controller: webDid, publicKeyMultibase: webKey.publicKeyMultibase }],
  assertionMethod: ["#key-1"],
};

async function deployFixture() {
  const registry = await (await ethers.getContractFactory("CredentialRegistry")).deploy(governor!.address, 0);
  await registry.registerInstitution("Key University", didKey.controller, "", ethers.ZeroHash, admin!.address);
  await registry.registerInstitution("Web University", webDid, "", ethers.ZeroHash, admin!.address);
  for (const id of [1, 2]) {
    await registry.connect(admin).grantRoles(id, anchorer!.address, 2);
    await registry.connect(admin).grantRoles(id, revoker!.address, 4);
  }
  return { registry, address: (await registry.getAddress()) as Hex };
}
type Fixture = Awaited<ReturnType<typeof deployFixture>>;

function credentialFor(issuer: string, n: number, statusIndex: number): Record<string, unknown> {
  return {
    ...createOpenBadgeCredential({
      issuer: { id: issuer, name: "Example" },
      achievement: { id: "https://uni.example/badges/solidity-101", name: "Solidity 101", description: "Wrote a contract.", criteria: { narrative: "Passed." } },
      recipient: { email: `student${n}@uni.example` },
      validFrom: "2020-01-01T00:00:00Z",
    }),
    credentialStatus: {
      id: `https://uni.example/status/1#${statusIndex}`,
      type: "BitstringStatusListEntry",
      statusPurpose: "revocation",
      statusListIndex: String(statusIndex),
      statusListCredential: "https://uni.example/status/1",
    },
  };
}

/** Signs (unless given signed credentials), hashes, anchors and attaches: the service's v2 path. */
async function issue(fixture: Fixture, institutionId: number, signed: Record<string, unknown>[]) {
  const salts = signed.map(() => generateSalt());
  const hashes = signed.map((credential, i) => credentialHashFromCanonical({ canonical: canonicalizeSignedCredential({ credential }), salt: salts[i]! }));
  const batch = buildBatchFromHashes({ credentialHashes: hashes.map((hex) => hexToBytes({ hex })), salts: salts.map((hex) => hexToBytes({ hex })) });
  const receipt = (await (
    await fixture.registry.connect(anchorer).anchor(institutionId, { merkleRoot: batch.merkleRoot, leafCount: batch.leafCount, formatVersion: 1, manifestHash: ethers.ZeroHash })
  ).wait())!;
  const block = (await ethers.provider.getBlock(receipt.blockNumber))!;
  const anchorOf = (i: number) => ({
    chain: 31337,
    registry: fixture.address,
    institutionId,
    merkleRoot: batch.merkleRoot,
    leafCount: batch.leafCount,
    ...getBatchEntry({ batch, leafIndex: i }),
    anchorTransaction: receipt.hash as Hex,
    anchorBlock: receipt.blockNumber,
    created: new Date(block.timestamp * 1000),
  });
  return { anchorOf, portable: signed.map((credential, i) => attachAnchorProof({ credential, anchor: anchorOf(i), check: false })) };
}

async function signAll(key: SigningKey, count: number) {
  return Promise.all(Array.from({ length: count }, (_, i) => signCredential({ credential: credentialFor(key.controller, i, 100 + i), key })));
}

function check(report: VerificationReport, id: string) {
  const found = report.checks.find((entry) => entry.id === id);
  expect(found, `check ${id}`).to.not.equal(undefined);
  return found!;
}

describe("verifyCredential: credanchor-proof-v2", () => {
  it("verify-valid: a did:key issuer's credential passes every check, signature included", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable } = await issue(fixture, 1, await signAll(didKey, 3));
    const report = await verifyCredential({ credential: portable[1], client, trustedRegistries: [fixture.address] });
    expect(report.checks.map((entry) => [entry.id, entry.outcome])).to.deep.equal([
      ["format", "valid"],
      ["integrity", "valid"],
      ["signature", "valid"],
      ["inclusion", "valid"],
      ["validityPeriod", "valid"],
      ["anchored", "valid"],
      ["issuer", "valid"],
      ["status", "valid"],
      ["confirmations", "valid"],
    ]);
    expect(report.status).to.equal("valid");
    expect(check(report, "format").details).to.deep.equal({ format: "credanchor-proof-v2" });
  });

  it("verify-bad-signature: a credential changed after signing but before anchoring is invalid although the anchor matches", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const [signed] = await signAll(didKey, 1);
    const altered = { ...signed!, name: "Solidity 999" };
    const { portable } = await issue(fixture, 1, [altered]);
    const report = await verifyCredential({ credential: portable[0], client, trustedRegistries: [fixture.address] });
    expect(report.status).to.equal("invalid");
    expect(check(report, "integrity").outcome).to.equal("valid");
    expect(check(report, "signature")).to.deep.include({ outcome: "invalid", details: { code: "CA_SIGNATURE_INVALID" } });
    expect(check(report, "anchored").outcome).to.equal("skipped");
  });

  it("verify-signature-stripped: removing the issuer signature fails; an anchor made without one is refused too", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable, anchorOf } = await issue(fixture, 1, await signAll(didKey, 2));
    const stripped = { ...portable[0]!, proof: [(portable[0]!.proof as unknown[])[1]] };
    const strippedReport = await verifyCredential({ credential: stripped, client, trustedRegistries: [fixture.address] });
    expect(strippedReport.status).to.equal("invalid");
    expect(check(strippedReport, "integrity").outcome).to.equal("invalid");

    // A forger anchors an unsigned credential in the v2 shape: the hash fits, the signature is missing.
    const unsigned = credentialFor(didKey.controller, 9, 9);
    const salt = generateSalt();
    const credentialHash = credentialHashFromCanonical({ canonical: canonicalizeSignedCredential({ credential: unsigned }), salt });
    const anchorProof = (attachAnchorProof({ credential: portable[1]!, anchor: { ...anchorOf(1), salt, credentialHash, leafIndex: 0, leafCount: 1, proofPath: [], merkleRoot: leafHash({ leafIndex: 0, credentialHash }) }, check: false }).proof as Record<string, unknown>[])[1]!;
    const forged = { ...unsigned, proof: [anchorProof] };
    const forgedReport = await verifyCredential({ credential: forged, client, trustedRegistries: [fixture.address] });
    expect(forgedReport.status).to.equal("invalid");
    expect(check(forgedReport, "integrity").outcome).to.equal("valid");
    expect(check(forgedReport, "inclusion").outcome).to.equal("valid");
    expect(check(forgedReport, "signature")).to.deep.include({ outcome: "invalid", details: { code: "CA_SIGNATURE_MISSING" } });
  });

  it("verify-two-anchors: a second anchor proof (v2 or v1) makes the credential ambiguous, never silently ignored", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable } = await issue(fixture, 1, await signAll(didKey, 2));
    const other = (portable[1]!.proof as unknown[])[1];
    const twoV2 = { ...portable[0]!, proof: [...(portable[0]!.proof as unknown[]), other] };
    const v1 = attachProof({
      credential: credentialFor(didKey.controller, 5, 5),
      anchor: { chain: 31337, registry: fixture.address, institutionId: 1, merkleRoot: ("0x" + "11".repeat(32)) as Hex, leafIndex: 0, leafCount: 1, salt: ("0x" + "22".repeat(32)) as Hex, credentialHash: ("0x" + "11".repeat(32)) as Hex, proofPath: [], anchorTransaction: ("0x" + "33".repeat(32)) as Hex, anchorBlock: 1, created: "2026-01-01T00:00:00Z" },
      check: false,
    });
    const mixed = { ...portable[0]!, proof: [...(portable[0]!.proof as unknown[]), (v1.proof as unknown[])[0] ?? v1.proof] };
    const v1Twice = { ...v1, proof: [v1.proof, v1.proof] };
    const reports = await verifyCredentials({ credentials: [twoV2, mixed, v1Twice], client, trustedRegistries: [fixture.address] });
    for (const report of reports) {
      expect(report.status).to.equal("invalid");
      expect(check(report, "format")).to.deep.include({ outcome: "invalid" });
      expect(check(report, "format").details).to.include({ code: "CA_ANCHOR_AMBIGUOUS" });
    }
  });

  it("verify-did-web: resolved through the caller's resolver the signature is valid; unresolvable it is skipped and the anchor decides", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable } = await issue(fixture, 2, await signAll(webKey, 1));
    const resolved = await verifyCredential({ credential: portable[0], client, trustedRegistries: [fixture.address], resolveDid: async (did) => (did === webDid ? webDocument : undefined) });
    expect(resolved.status).to.equal("valid");
    expect(check(resolved, "signature").outcome).to.equal("valid");
    const offline = await verifyCredential({ credential: portable[0], client, trustedRegistries: [fixture.address] });
    expect(offline.status).to.equal("valid");
    expect(check(offline, "signature")).to.deep.include({ outcome: "skipped", details: { code: "CA_DID_UNRESOLVABLE" } });
    // A DID document with another key: the signature is invalid, not skipped.
    const otherKey = await generateSigningKey({ controller: webDid, id: `${webDid}#key-1` });
    const wrong = { ...webDocument, verificationMethod: [{ id: "#key-1", type: "Multikey", controller: webDid, publicKeyMultibase: otherKey.publicKeyMultibase }] };
    const forged = await verifyCredential({ credential: portable[0], client, trustedRegistries: [fixture.address], resolveDid: async () => wrong });
    expect(forged.status).to.equal("invalid");
    expect(check(forged, "signature").outcome).to.equal("invalid");
  });

  it("verify-tampered and verify-revoked: content changed after anchoring fails integrity; a revoked one is revoked", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable } = await issue(fixture, 1, await signAll(didKey, 3));
    const tampered = structuredClone(portable[0]) as Record<string, any>;
    tampered.credentialSubject.achievement.name = "Solidity 999";
    const [first] = await verifyCredentials({ credentials: [portable[2]], client, trustedRegistries: [fixture.address] });
    await fixture.registry.connect(revoker).revokeCredentials(first!.anchor!.batchId, [2], 2);
    const [bad, revoked, kept] = await verifyCredentials({ credentials: [tampered, portable[2], portable[1]], client, trustedRegistries: [fixture.address] });
    expect(bad!.status).to.equal("invalid");
    expect(check(bad!, "integrity").outcome).to.equal("invalid");
    expect(revoked!.status).to.equal("invalid");
    expect(check(revoked!, "status").details).to.include({ registryStatus: "revoked" });
    expect(kept!.status).to.equal("valid");
  });
});
