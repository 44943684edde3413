/**
 * The verifier on a registry v2: it asks the contract its version, reads status history in
 * v2's 128-credential windows, and reports scheduled destructive acts as pending, anchoring
 * power that came through governance, and revocations cleared after a key compromise.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { type PublicClient, createPublicClient, custom } from "viem";

import { buildBatch } from "../../core/batch.ts";
import { createOpenBadgeCredential } from "../../core/openbadge.ts";
import { attachProof } from "../../core/proof.ts";
import { readRegistryVersion } from "../../core/registry.ts";
import { readRevocationChanges } from "../../core/revocationChanges.ts";
import { verifyCredential } from "../../core/verify/verifyCredentials.ts";

const ISSUER = { id: "did:web:uni.example", name: "Example University" };
const DELAY = 3600;
const { ethers, networkHelpers, provider } = await network.create();
const [governor, admin, anchorer, revoker, recoveryAdmin, recoveryAnchorer] = await ethers.getSigners();
const client = createPublicClient({ transport: custom(provider) }) as PublicClient;

async function fixture() {
  const registry = await ethers.deployContract("CredentialRegistryV2", [governor!.address, 0, DELAY, 1000]);
  const v1 = await ethers.deployContract("CredentialRegistry", [governor!.address, 0]);
  await registry.registerInstitution("Example University", ISSUER.id, "", ethers.ZeroHash, admin!.address);
  await registry.connect(admin).grantRoles(1, anchorer!.address, 2);
  const address = (await registry.getAddress()) as `0x${string}`;
  const credentials = Array.from({ length: 300 }, (_, i) =>
    createOpenBadgeCredential({
      issuer: ISSUER,
      achievement: { id: "https://uni.example/b", name: "Badge", description: "d", criteria: { narrative: "n" } },
      recipient: { email: `s${i}@uni.example` },
      validFrom: "2020-01-01T00:00:00Z",
    }),
  );
  const batch = buildBatch({ credentials });
  const receipt = (await (
    await registry.connect(anchorer).anchor(1, { merkleRoot: batch.merkleRoot, leafCount: batch.leafCount, formatVersion: 1, manifestHash: ethers.ZeroHash })
  ).wait())!;
  const portable = (index: number) =>
    attachProof({
      credential: credentials[index]!,
      anchor: {
        chain: 31337,
        registry: address,
        institutionId: 1,
        merkleRoot: batch.merkleRoot,
        leafCount: batch.leafCount,
        ...batch.entries[index]!,
        anchorTransaction: receipt.hash as `0x${string}`,
        anchorBlock: receipt.blockNumber,
        created: new Date(),
      },
    });
  const batchId = await registry.batchIdOf(1, batch.merkleRoot);
  return { registry, v1Address: (await v1.getAddress()) as `0x${string}`, address, portable, batchId };
}

describe("verifier on registry v2", () => {
  it("asks the contract its version: 2 for v2, 1 for a v1 registry", async () => {
    const { address, v1Address } = await networkHelpers.loadFixture(fixture);
    expect(await readRegistryVersion({ client, registry: address })).to.equal(2);
    expect(await readRegistryVersion({ client, registry: v1Address })).to.equal(1);
  });

  it("a scheduled batch revocation is pending until executed, then invalid", async () => {
    const { registry, address, portable, batchId } = await networkHelpers.loadFixture(fixture);
    await registry.connect(admin).revokeBatch(batchId, 2);
    const scheduled = await verifyCredential({ credential: portable(0), client, trustedRegistries: [address] });
    expect(scheduled.status).to.equal("pending");
    const status = scheduled.checks.find((entry) => entry.id === "status")!;
    expect(status.outcome).to.equal("pending");
    expect(status.reason).to.include("revocation of the whole batch is scheduled");
    await networkHelpers.time.increase(DELAY);
    await registry.executeBatchRevocation(batchId);
    expect((await verifyCredential({ credential: portable(0), client, trustedRegistries: [address] })).status).to.equal("invalid");
  });

  it("a scheduled compromise of the anchoring key reaching back before the batch is pending", async () => {
    const { registry, address, portable } = await networkHelpers.loadFixture(fixture);
    await registry.connect(admin).markKeyCompromised(1, anchorer!.address, 1);
    const report = await verifyCredential({ credential: portable(1), client, trustedRegistries: [address] });
    expect(report.status).to.equal("pending");
    expect(report.checks.find((entry) => entry.id === "status")!.reason).to.include("reported compromised");
    await registry.connect(admin).cancelKeyCompromise(1, anchorer!.address);
    expect((await verifyCredential({ credential: portable(1), client, trustedRegistries: [address] })).status).to.equal("valid");
  });

  it("rebuilds the status as of a past time from v2's 128-credential windows", async () => {
    const { registry, address, portable, batchId } = await networkHelpers.loadFixture(fixture);
    await networkHelpers.time.increase(100);
    const before = new Date((await networkHelpers.time.latest()) * 1000);
    await networkHelpers.time.increase(100);
    // Index 200 is in v2 window 1 (it would be window 0 in v1's 256-credential words).
    await registry.connect(admin).revokeCredentials(batchId, [200], 2);
    const after = new Date(((await networkHelpers.time.latest()) + 1) * 1000);
    await networkHelpers.mine(1);
    const then = await verifyCredential({ credential: portable(200), client, trustedRegistries: [address], at: before });
    expect(then.status).to.equal("valid");
    const later = await verifyCredential({ credential: portable(200), client, trustedRegistries: [address], at: after });
    expect(later.status).to.equal("invalid");
    expect(later.checks.find((entry) => entry.id === "status")!.details?.registryStatus).to.equal("revoked");
  });

  it("reports, per batch, whether the anchoring key's power came through governance (hole 1)", async () => {
    const { registry, address, portable } = await networkHelpers.loadFixture(fixture);
    const own = await verifyCredential({ credential: portable(0), client, trustedRegistries: [address] });
    expect(own.checks.find((entry) => entry.id === "issuer")!.details?.anchoringViaGovernance).to.equal(false);

    // The recovery path: governance installs an admin, that admin grants an anchorer.
    await registry.connect(governor).grantRoles(1, recoveryAdmin!.address, 1);
    await registry.connect(recoveryAdmin).grantRoles(1, recoveryAnchorer!.address, 2);
    const credential = createOpenBadgeCredential({
      issuer: ISSUER,
      achievement: { id: "https://uni.example/b", name: "Badge", description: "d", criteria: { narrative: "n" } },
      recipient: { email: "late@uni.example" },
      validFrom: "2020-01-01T00:00:00Z",
    });
    const batch = buildBatch({ credentials: [credential] });
    const receipt = (await (
      await registry.connect(recoveryAnchorer).anchor(1, { merkleRoot: batch.merkleRoot, leafCount: 1, formatVersion: 1, manifestHash: ethers.ZeroHash })
    ).wait())!;
    const recovered = attachProof({
      credential,
      anchor: {
        chain: 31337,
        registry: address,
        institutionId: 1,
        merkleRoot: batch.merkleRoot,
        leafCount: 1,
        ...batch.entries[0]!,
        anchorTransaction: receipt.hash as `0x${string}`,
        anchorBlock: receipt.blockNumber,
        created: new Date(),
      },
    });
    const report = await verifyCredential({ credential: recovered, client, trustedRegistries: [address] });
    expect(report.status).to.equal("valid");
    const issuer = report.checks.find((entry) => entry.id === "issuer")!;
    expect(issuer.details?.anchoringViaGovernance).to.equal(true);
    expect(issuer.reason).to.include("installed through registry governance");
  });

  it("a revocation a compromised key made after its cut-off, once cleared, verifies valid and is reported; --at before the clearing says revoked (hole 3)", async () => {
    const { registry, address, portable, batchId } = await networkHelpers.loadFixture(fixture);
    await registry.connect(admin).grantRoles(1, revoker!.address, 4);
    const cutoff = (await networkHelpers.time.latest()) + 100;
    await networkHelpers.time.setNextBlockTimestamp(cutoff);
    await registry.connect(revoker).revokeCredentials(batchId, [7], 1); // the thief
    expect((await verifyCredential({ credential: portable(7), client, trustedRegistries: [address] })).status).to.equal("invalid");
    await registry.connect(admin).markKeyCompromised(1, revoker!.address, cutoff);
    await networkHelpers.time.increase(DELAY);
    await registry.executeKeyCompromise(1, revoker!.address);
    const whileRevoked = new Date((await networkHelpers.time.latest()) * 1000);
    await networkHelpers.time.increase(10);
    const history = await readRevocationChanges({ client, registry: address, batchId: batchId as `0x${string}`, wordIndex: 0 });
    expect(history).to.have.length(1);
    await registry.connect(admin).clearCompromisedRevocations(batchId, 0, revoker!.address, history.map((change) => ({ ...change })), 8);
    await networkHelpers.mine(1);

    const now = await verifyCredential({ credential: portable(7), client, trustedRegistries: [address] });
    expect(now.status).to.equal("valid");
    const status = now.checks.find((entry) => entry.id === "status")!;
    expect(status.details?.clearedRevocations).to.deep.equal([
      { actor: admin!.address, compromisedAccount: revoker!.address, reason: 8, blockNumber: (await ethers.provider.getBlockNumber() - 1).toString(), transactionHash: (status.details?.clearedRevocations as { transactionHash: string }[])[0]!.transactionHash },
    ]);
    expect(status.reason).to.include(`compromised key ${revoker!.address}`);
    const then = await verifyCredential({ credential: portable(7), client, trustedRegistries: [address], at: whileRevoked });
    expect(then.status).to.equal("invalid");
    expect(then.checks.find((entry) => entry.id === "status")!.details?.clearedRevocations).to.equal(undefined);
    // History rebuilt after the clearing folds it in (v1's fold would still say revoked).
    const afterClearing = new Date((await networkHelpers.time.latest()) * 1000);
    const later = await verifyCredential({ credential: portable(7), client, trustedRegistries: [address], at: afterClearing });
    expect(later.status).to.equal("valid");
    // A neighbour in the same window that nobody revoked carries no clearing.
    const neighbour = await verifyCredential({ credential: portable(8), client, trustedRegistries: [address] });
    expect(neighbour.checks.find((entry) => entry.id === "status")!.details?.clearedRevocations).to.equal(undefined);
  });
});
