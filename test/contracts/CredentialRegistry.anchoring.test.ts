/**
 * Anchoring: anchor, anchorMany, batchIdOf and the one-slot batch record read by getBatch.
 */
import { expect } from "chai";
import { id, toBeHex } from "ethers";
import { network } from "hardhat";

import { FORMAT_V1, registryFixture, request, ROLE, ZERO_HASH } from "./helpers/fixtures.js";
import { expectBatch, minedAt } from "./helpers/expectations.js";
import { batchIdOf, buildTree, credentialHashes } from "./helpers/merkle.js";

const { networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const TREE = buildTree(credentialHashes(8, "anchoring"));
const MANIFEST = id("manifest");
const roots = (n: number, label = "root") => Array.from({ length: n }, (_, i) => id(`${label}-${i}`));

describe("CredentialRegistry: anchoring", function () {
  describe("batchIdOf", function () {
    it("equals keccak256(abi.encode(uint256 institutionId, bytes32 root)) computed off-chain", async function () {
      const { registry } = await loadFixture(registryFixture);
      for (const [institutionId, root] of [
        [1, TREE.root],
        [2, TREE.root],
        [0, ZERO_HASH],
        [2 ** 24 - 1, toBeHex(2n ** 256n - 1n, 32)],
      ] as const) {
        expect(await registry.batchIdOf(institutionId, root)).to.equal(batchIdOf(institutionId, root));
      }
      expect(batchIdOf(1, TREE.root)).not.to.equal(batchIdOf(2, TREE.root));
    });
  });

  describe("anchor", function () {
    it("returns the batch id, logs BatchAnchored and writes exactly anchorer, time, leaf count and institution", async function () {
      const { registry, anchorer1 } = await loadFixture(registryFixture);
      const req = request(TREE.root, TREE.leafCount, MANIFEST, 3);
      const expectedId = batchIdOf(1, TREE.root);
      expect(await registry.connect(anchorer1).anchor.staticCall(1, req)).to.equal(expectedId);

      const tx = registry.connect(anchorer1).anchor(1, req);
      await expect(tx)
        .to.emit(registry, "BatchAnchored")
        .withArgs(expectedId, 1, anchorer1.address, TREE.root, TREE.leafCount, 3, MANIFEST);
      await expectBatch(registry, expectedId, {
        anchorer: anchorer1.address,
        anchoredAt: await minedAt(tx),
        leafCount: TREE.leafCount,
        institutionId: 1,
      });
    });

    it("packs non-trivial values into the batch slot without bleeding between fields", async function () {
      const { registry, anchorer2 } = await loadFixture(registryFixture);
      const anchoredAt = 0x12_3456_789an; // a 40-bit timestamp far in the future
      await time.setNextBlockTimestamp(anchoredAt);
      await registry.connect(anchorer2).anchor(2, request(id("packed"), 0xdead_beefn));
      await expectBatch(registry, batchIdOf(2, id("packed")), {
        anchorer: anchorer2.address,
        anchoredAt,
        leafCount: 0xdead_beefn,
        institutionId: 2,
      });
    });

    it("returns an all-zero record for an unknown batch id", async function () {
      const { registry } = await loadFixture(registryFixture);
      await expectBatch(registry, id("nothing"), { anchorer: "0x" + "00".repeat(20), anchoredAt: 0n, leafCount: 0, institutionId: 0 });
    });

    it("lets two institutions anchor the same root under different ids", async function () {
      const { registry, anchorer1, anchorer2 } = await loadFixture(registryFixture);
      await registry.connect(anchorer1).anchor(1, request(TREE.root, 8));
      await expect(registry.connect(anchorer2).anchor(2, request(TREE.root, 8)))
        .to.emit(registry, "BatchAnchored")
        .withArgs(batchIdOf(2, TREE.root), 2, anchorer2.address, TREE.root, 8, FORMAT_V1, ZERO_HASH);
      expect((await registry.getBatch(batchIdOf(1, TREE.root)))[0].institutionId).to.equal(1n);
      expect((await registry.getBatch(batchIdOf(2, TREE.root)))[0].institutionId).to.equal(2n);
    });

    it("rejects a zero root, a zero leaf count and a root the institution already anchored", async function () {
      const { registry, anchorer1 } = await loadFixture(registryFixture);
      await expect(registry.connect(anchorer1).anchor(1, request(ZERO_HASH, 1)))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryZeroMerkleRoot")
        .withArgs(1);
      await expect(registry.connect(anchorer1).anchor(1, request(TREE.root, 0)))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryZeroLeafCount")
        .withArgs(1, TREE.root);
      await registry.connect(anchorer1).anchor(1, request(TREE.root, 8));
      await expect(registry.connect(anchorer1).anchor(1, request(TREE.root, 9)))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryBatchAlreadyAnchored")
        .withArgs(batchIdOf(1, TREE.root), TREE.root);
    });

    it("rejects an unknown institution", async function () {
      const { registry, anchorer1 } = await loadFixture(registryFixture);
      for (const unknown of [0, 3]) {
        await expect(registry.connect(anchorer1).anchor(unknown, request(TREE.root, 8)))
          .to.be.revertedWithCustomError(registry, "CredentialRegistryUnknownInstitution")
          .withArgs(unknown);
      }
    });

    it("rejects an anchorer of another institution", async function () {
      const { registry, anchorer2 } = await loadFixture(registryFixture);
      await expect(registry.connect(anchorer2).anchor(1, request(TREE.root, 8)))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryUnauthorized")
        .withArgs(1, anchorer2.address, ROLE.ANCHORER);
    });
  });

  describe("anchorMany", function () {
    it("returns one id per root in order, writes each record and logs one BatchesAnchored", async function () {
      const { registry, anchorer1 } = await loadFixture(registryFixture);
      const rs = roots(4);
      const counts = [1, 2, 300, 2 ** 32 - 1];
      const ids = rs.map((r) => batchIdOf(1, r));
      expect(await registry.connect(anchorer1).anchorMany.staticCall(1, 2, MANIFEST, rs, counts)).to.deep.equal(ids);

      const tx = registry.connect(anchorer1).anchorMany(1, 2, MANIFEST, rs, counts);
      await expect(tx).to.emit(registry, "BatchesAnchored").withArgs(1, anchorer1.address, 2, MANIFEST, rs);
      await expect(tx).not.to.emit(registry, "BatchAnchored");
      const anchoredAt = await minedAt(tx);
      for (const [i, batchId] of ids.entries()) {
        await expectBatch(registry, batchId, { anchorer: anchorer1.address, anchoredAt, leafCount: counts[i]!, institutionId: 1 });
      }
    });

    it("is all or nothing: a duplicate in the middle reverts the whole call", async function () {
      const { registry, anchorer1 } = await loadFixture(registryFixture);
      const [a, b, c] = roots(3);
      await expect(registry.connect(anchorer1).anchorMany(1, 1, ZERO_HASH, [a!, b!, b!, c!], [1, 1, 1, 1]))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryBatchAlreadyAnchored")
        .withArgs(batchIdOf(1, b!), b!);
      for (const r of [a!, b!, c!]) expect((await registry.getBatch(batchIdOf(1, r)))[0].anchorer).to.equal("0x" + "00".repeat(20));
    });

    it("reverts the whole call when one root was anchored before", async function () {
      const { registry, anchorer1 } = await loadFixture(registryFixture);
      const [a, b, c] = roots(3);
      await registry.connect(anchorer1).anchor(1, request(b!, 1));
      await expect(registry.connect(anchorer1).anchorMany(1, 1, ZERO_HASH, [a!, b!, c!], [1, 1, 1]))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryBatchAlreadyAnchored")
        .withArgs(batchIdOf(1, b!), b!);
      expect((await registry.getBatch(batchIdOf(1, a!)))[0].leafCount).to.equal(0n);
    });

    it("reverts the whole call for a zero root or zero leaf count in the middle", async function () {
      const { registry, anchorer1 } = await loadFixture(registryFixture);
      const [a, b] = roots(2);
      await expect(registry.connect(anchorer1).anchorMany(1, 1, ZERO_HASH, [a!, ZERO_HASH, b!], [1, 1, 1]))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryZeroMerkleRoot")
        .withArgs(1);
      await expect(registry.connect(anchorer1).anchorMany(1, 1, ZERO_HASH, [a!, b!], [5, 0]))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryZeroLeafCount")
        .withArgs(1, b!);
      expect((await registry.getBatch(batchIdOf(1, a!)))[0].leafCount).to.equal(0n);
    });

    it("rejects an empty list and mismatched array lengths", async function () {
      const { registry, anchorer1 } = await loadFixture(registryFixture);
      await expect(registry.connect(anchorer1).anchorMany(1, 1, ZERO_HASH, [], []))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryEmptyAnchorList")
        .withArgs(1);
      await expect(registry.connect(anchorer1).anchorMany(1, 1, ZERO_HASH, roots(2), [1]))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryAnchorLengthMismatch")
        .withArgs(2, 1);
      await expect(registry.connect(anchorer1).anchorMany(1, 1, ZERO_HASH, roots(1), [1, 2]))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryAnchorLengthMismatch")
        .withArgs(1, 2);
    });

    it("rejects unknown and suspended institutions", async function () {
      const { registry, anchorer1 } = await loadFixture(registryFixture);
      await expect(registry.connect(anchorer1).anchorMany(5, 1, ZERO_HASH, roots(1), [1]))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryUnknownInstitution")
        .withArgs(5);
      await registry.suspendInstitution(1, 0);
      await expect(registry.connect(anchorer1).anchorMany(1, 1, ZERO_HASH, roots(1), [1]))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryInstitutionSuspended")
        .withArgs(1);
    });
  });

  describe("the hand-packed batch slot at its limits", function () {
    // Runs last in this file: it moves the chain clock to the end of uint40.
    it("round-trips an all-ones record: anchorer 0xff..ff, time 2^40-1, leafCount 2^32-1, institution 2^24-1", async function () {
      const { ethers, registry, governor } = await loadFixture(registryFixture);
      const maxId = 2n ** 24n - 1n;
      await networkHelpers.setStorageAt(await registry.getAddress(), 3, maxId - 1n); // _institutionCount
      const maxAddress = "0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF";
      await networkHelpers.impersonateAccount(maxAddress);
      await networkHelpers.setBalance(maxAddress, 10n ** 18n);
      const maxSigner = await ethers.getSigner(maxAddress);
      await registry.connect(governor).registerInstitution("Max", "max.example", "", ZERO_HASH, governor);
      await registry.connect(governor).grantRoles(Number(maxId), maxAddress, ROLE.ANCHORER);

      const maxTime = 2n ** 40n - 1n;
      await time.setNextBlockTimestamp(maxTime);
      const root = toBeHex(2n ** 256n - 1n, 32);
      await registry.connect(maxSigner).anchor(maxId, request(root, 2n ** 32n - 1n));
      const batchId = batchIdOf(maxId, root);
      await expectBatch(registry, batchId, {
        anchorer: maxAddress,
        anchoredAt: maxTime,
        leafCount: 2n ** 32n - 1n,
        institutionId: maxId,
      });
      expect(await registry.credentialStatus(batchId, 2n ** 32n - 2n)).to.equal(2n);
      expect(await registry.credentialStatus(batchId, 2n ** 32n - 1n)).to.equal(1n);
    });
  });
});
