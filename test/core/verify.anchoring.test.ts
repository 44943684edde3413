/**
 * Hole 4 of issue 14: backdating through `--at`. Another institution anchors the same root
 * earlier (front-running the visible transaction is enough) and the credential's
 * `proof.anchorTransaction` is pointed at that earlier transaction. The verifier must take the
 * anchoring time and block from the registry's record of the batch, so the forged hint changes
 * neither the `--at` verdict nor the confirmations. Run against v1 (where the attack worked)
 * and v2.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { type PublicClient, createPublicClient, custom } from "viem";

import { buildBatch } from "../../core/batch.ts";
import { createOpenBadgeCredential } from "../../core/openbadge.ts";
import { attachProof } from "../../core/proof.ts";
import { verifyCredential } from "../../core/verify/verifyCredentials.ts";

const ISSUER = { id: "did:web:uni.example", name: "Example University" };
const { ethers, networkHelpers, provider } = await network.create();
const [governor, admin, anchorer, rivalAdmin, rivalAnchorer] = await ethers.getSigners();
const client = createPublicClient({ transport: custom(provider) }) as PublicClient;

for (const version of [1, 2] as const) {
  async function fixture() {
    const registry =
      version === 1
        ? await ethers.deployContract("CredentialRegistry", [governor!.address, 0])
        : await ethers.deployContract("CredentialRegistryV2", [governor!.address, 0, 3600, 1000]);
    await registry.registerInstitution("Example University", ISSUER.id, "", ethers.ZeroHash, admin!.address);
    await registry.connect(admin).grantRoles(1, anchorer!.address, 2);
    await registry.registerInstitution("Rival", "did:web:rival.example", "", ethers.ZeroHash, rivalAdmin!.address);
    await registry.connect(rivalAdmin).grantRoles(2, rivalAnchorer!.address, 2);
    return { registry, address: (await registry.getAddress()) as `0x${string}` };
  }

  describe(`verifier hole 4 on registry v${version}: anchor time from the chain, not from the credential`, () => {
    it("a rival's earlier anchoring of the same root, named as anchorTransaction, does not backdate the credential", async () => {
      const { registry, address } = await networkHelpers.loadFixture(fixture);
      const credential = createOpenBadgeCredential({
        issuer: ISSUER,
        achievement: { id: "https://uni.example/b/1", name: "Badge", description: "d", criteria: { narrative: "n" } },
        recipient: { email: "student@uni.example" },
        validFrom: "2020-01-01T00:00:00Z",
      });
      const batch = buildBatch({ credentials: [credential] });
      const anchorRequest = { merkleRoot: batch.merkleRoot, leafCount: batch.leafCount, formatVersion: 1, manifestHash: ethers.ZeroHash };

      // The rival sees the root and anchors it first, in its own institution, with anchorMany.
      const rivalReceipt = (await (
        await registry.connect(rivalAnchorer).anchorMany(2, 1, ethers.ZeroHash, [batch.merkleRoot], [batch.leafCount])
      ).wait())!;
      const rivalTime = (await ethers.provider.getBlock(rivalReceipt.blockNumber))!.timestamp;
      await networkHelpers.time.increase(1000);
      await networkHelpers.mine(20);
      const realReceipt = (await (await registry.connect(anchorer).anchor(1, anchorRequest)).wait())!;
      const realTime = (await ethers.provider.getBlock(realReceipt.blockNumber))!.timestamp;

      // The holder swaps the hint (outside the hash) for the rival's transaction, whose log
      // lists the same root: what the old lookup accepted.
      const portable = attachProof({
        credential,
        anchor: {
          chain: 31337,
          registry: address,
          institutionId: 1,
          merkleRoot: batch.merkleRoot,
          leafCount: batch.leafCount,
          ...batch.entries[0]!,
          anchorTransaction: rivalReceipt.hash as `0x${string}`,
          anchorBlock: rivalReceipt.blockNumber,
          created: new Date(rivalTime * 1000),
        },
      });
      const rivalLogs = rivalReceipt.logs.map((log) => registry.interface.parseLog(log)!);
      expect(rivalLogs.some((log) => log.name === "BatchesAnchored" && log.args.merkleRoots.includes(batch.merkleRoot))).to.equal(true);

      const between = new Date((rivalTime + 500) * 1000);
      // The attack, as the verifier before the fix ran it: take the block of the transaction
      // the credential names and accept it when any of its logs lists the root. That dates the
      // anchoring at the rival's block, before `between`, so `--at between` read valid.
      const hinted = await ethers.provider.getTransactionReceipt(rivalReceipt.hash); // what the credential now names
      const listsRoot = hinted!.logs
        .map((log) => registry.interface.parseLog(log))
        .some((log) => log !== null && (log.name === "BatchesAnchored" ? log.args.merkleRoots.includes(batch.merkleRoot) : log.args.merkleRoot === batch.merkleRoot));
      const hintedTime = (await ethers.provider.getBlock(hinted!.blockNumber))!.timestamp;
      expect(listsRoot && hintedTime < between.getTime() / 1000).to.equal(true);
      expect(realTime).to.be.greaterThan(between.getTime() / 1000);
      const backdated = await verifyCredential({ credential: portable, client, trustedRegistries: [address], at: between });
      expect(backdated.status).to.equal("invalid");
      const anchored = backdated.checks.find((entry) => entry.id === "anchored")!;
      expect(anchored.outcome).to.equal("invalid");
      expect(anchored.details?.anchoredAt).to.equal(realTime);

      const now = await verifyCredential({ credential: portable, client, trustedRegistries: [address], requiredConfirmations: 1 });
      expect(now.status).to.equal("valid");
      const confirmations = now.checks.find((entry) => entry.id === "confirmations")!;
      const latest = await ethers.provider.getBlockNumber();
      expect(confirmations.details?.anchorBlock).to.equal(String(realReceipt.blockNumber));
      expect(confirmations.details?.confirmations).to.equal(latest - realReceipt.blockNumber + 1);
      expect(now.checks.find((entry) => entry.id === "anchored")!.details?.anchorTransaction).to.equal(realReceipt.hash);
    });

    it("a credential without a usable hint still finds its anchoring block from the stored anchoredAt", async () => {
      const { registry, address } = await networkHelpers.loadFixture(fixture);
      const credential = createOpenBadgeCredential({
        issuer: ISSUER,
        achievement: { id: "https://uni.example/b/2", name: "Badge", description: "d", criteria: { narrative: "n" } },
        recipient: { email: "other@uni.example" },
        validFrom: "2020-01-01T00:00:00Z",
      });
      const batch = buildBatch({ credentials: [credential] });
      await networkHelpers.mine(5);
      const receipt = (await (
        await registry.connect(anchorer).anchorMany(1, 1, ethers.ZeroHash, [batch.merkleRoot], [batch.leafCount])
      ).wait())!;
      await networkHelpers.mine(7);
      const portable = attachProof({
        credential,
        anchor: {
          chain: 31337,
          registry: address,
          institutionId: 1,
          merkleRoot: batch.merkleRoot,
          leafCount: batch.leafCount,
          ...batch.entries[0]!,
          anchorTransaction: `0x${"ab".repeat(32)}`,
          anchorBlock: 1,
          created: new Date(),
        },
      });
      const report = await verifyCredential({ credential: portable, client, trustedRegistries: [address] });
      expect(report.status).to.equal("valid");
      const confirmations = report.checks.find((entry) => entry.id === "confirmations")!;
      expect(confirmations.details?.anchorBlock).to.equal(String(receipt.blockNumber));
      expect(confirmations.details?.confirmations).to.equal(8);
    });
  });
}
