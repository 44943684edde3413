/**
 * Credential status: revokeCredentials, suspendCredentials, reinstateCredentials,
 * revokeBatch, credentialStatus(es) and the precedence between batch-wide and per-credential
 * statuses. The fixture's batch has 700 leaves, so indices span three 256-index windows.
 */
import { expect } from "chai";
import { id, MaxUint256 } from "ethers";
import { network } from "hardhat";

import { anchoredFixture, REASON, request, type AnchoredFixture, type StatusName } from "./helpers/fixtures.js";
import { expectBatch, expectStatuses, expectStatusWindows, minedAt, statusName } from "./helpers/expectations.js";
import { proofOf } from "./helpers/merkle.js";

const { networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

const LEAVES = 700;

describe("CredentialRegistry: credential status", function () {
  describe("revokeCredentials", function () {
    it("revokes one credential: one event with its bit, neighbours untouched", async function () {
      const { registry, revoker1, batchId } = await loadFixture(anchoredFixture);
      const tx = registry.connect(revoker1).revokeCredentials(batchId, [300], REASON.FRAUD);
      await expect(tx)
        .to.emit(registry, "CredentialsRevoked")
        .withArgs(batchId, 1, revoker1.address, 1n << 44n, REASON.FRAUD);
      await expectStatuses(registry, batchId, { 299: "Valid", 300: "Revoked", 301: "Valid", 44: "Valid", 556: "Valid" });
    });

    it("revokes across several windows with one event per window carrying that window's mask", async function () {
      const { registry, admin1, batchId } = await loadFixture(anchoredFixture);
      const indices = [3, 7, 255, 256, 300, 511, 699, 512];
      const tx = registry.connect(admin1).revokeCredentials(batchId, indices, REASON.KEY_LOST);
      await expectStatusWindows(registry, tx, "CredentialsRevoked", {
        batchId,
        actor: admin1.address,
        reason: REASON.KEY_LOST,
        indices,
      });
      // The masks, spelled out: window 0 {3,7,255}, window 1 {0,44,255}, window 2 {187,0}.
      const logs = (await (await tx).wait())!.logs.map((l) => registry.interface.parseLog(l)!);
      expect(logs.map((l) => [l.args.wordIndex, l.args.mask])).to.deep.equal([
        [0n, (1n << 3n) | (1n << 7n) | (1n << 255n)],
        [1n, 1n | (1n << 44n) | (1n << 255n)],
        [2n, (1n << 187n) | 1n],
      ]);
      const expected: Record<number, StatusName> = {};
      for (let i = 0; i < LEAVES; i++) expected[i] = indices.includes(i) ? "Revoked" : "Valid";
      await expectStatuses(registry, batchId, expected);
    });

    it("flushes a window again when the list comes back to it (unsorted input)", async function () {
      const { registry, admin1, batchId } = await loadFixture(anchoredFixture);
      const indices = [5, 600, 6];
      const tx = registry.connect(admin1).revokeCredentials(batchId, indices, 0);
      await expectStatusWindows(registry, tx, "CredentialsRevoked", { batchId, actor: admin1.address, reason: 0, indices });
      await expectStatuses(registry, batchId, { 5: "Revoked", 6: "Revoked", 600: "Revoked", 7: "Valid" });
    });

    it("rejects an index listed twice, in the same window or after visiting another", async function () {
      const { registry, admin1, batchId } = await loadFixture(anchoredFixture);
      for (const indices of [[5, 9, 5], [5, 300, 5], [700 - 1, 699]]) {
        await expect(registry.connect(admin1).revokeCredentials(batchId, indices, 0))
          .to.be.revertedWithCustomError(registry, "CredentialRegistryAlreadyRevoked")
          .withArgs(batchId, indices.at(-1)!);
      }
      await expectStatuses(registry, batchId, { 5: "Valid", 9: "Valid", 300: "Valid", 699: "Valid" });
    });

    it("rejects an already revoked credential and keeps the rest of the call unapplied", async function () {
      const { registry, admin1, batchId } = await loadFixture(anchoredFixture);
      await registry.connect(admin1).revokeCredentials(batchId, [11, 12], 0);
      await expect(registry.connect(admin1).revokeCredentials(batchId, [10, 12, 13], 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryAlreadyRevoked")
        .withArgs(batchId, 12);
      await expectStatuses(registry, batchId, { 10: "Valid", 11: "Revoked", 12: "Revoked", 13: "Valid" });
    });

    it("rejects an index at or past the leaf count", async function () {
      const { registry, admin1, batchId } = await loadFixture(anchoredFixture);
      for (const bad of [700n, 701n, 256n * 3n, MaxUint256]) {
        await expect(registry.connect(admin1).revokeCredentials(batchId, [1, bad], 0))
          .to.be.revertedWithCustomError(registry, "CredentialRegistryLeafIndexOutOfRange")
          .withArgs(batchId, bad, LEAVES);
      }
    });

    it("rejects an empty index list and an unknown batch", async function () {
      const { registry, admin1, batchId } = await loadFixture(anchoredFixture);
      await expect(registry.connect(admin1).revokeCredentials(batchId, [], 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryEmptyIndexList")
        .withArgs(batchId);
      const unknown = id("unknown batch");
      await expect(registry.connect(admin1).revokeCredentials(unknown, [0], 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryUnknownBatch")
        .withArgs(unknown);
    });

    it("revokes a suspended credential (revocation wins over suspension)", async function () {
      const { registry, admin1, batchId } = await loadFixture(anchoredFixture);
      await registry.connect(admin1).suspendCredentials(batchId, [20], 0);
      await registry.connect(admin1).revokeCredentials(batchId, [20], REASON.FRAUD);
      await expectStatuses(registry, batchId, { 20: "Revoked" });
      // Lifting the suspension afterwards does not un-revoke it.
      await registry.connect(admin1).reinstateCredentials(batchId, [20], 0);
      await expectStatuses(registry, batchId, { 20: "Revoked" });
    });
  });

  describe("suspendCredentials", function () {
    it("suspends per window with one event each", async function () {
      const { registry, revoker1, batchId } = await loadFixture(anchoredFixture);
      const indices = [0, 255, 256, 699];
      const tx = registry.connect(revoker1).suspendCredentials(batchId, indices, REASON.KEY_LOST);
      await expectStatusWindows(registry, tx, "CredentialsSuspended", {
        batchId,
        actor: revoker1.address,
        reason: REASON.KEY_LOST,
        indices,
      });
      await expectStatuses(registry, batchId, { 0: "Suspended", 1: "Valid", 255: "Suspended", 256: "Suspended", 698: "Valid", 699: "Suspended" });
    });

    it("rejects a revoked credential with AlreadyRevoked", async function () {
      const { registry, admin1, batchId } = await loadFixture(anchoredFixture);
      await registry.connect(admin1).revokeCredentials(batchId, [40], 0);
      await expect(registry.connect(admin1).suspendCredentials(batchId, [39, 40], 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryAlreadyRevoked")
        .withArgs(batchId, 40);
      await expectStatuses(registry, batchId, { 39: "Valid", 40: "Revoked" });
    });

    it("rejects an already suspended credential and a duplicate index", async function () {
      const { registry, admin1, batchId } = await loadFixture(anchoredFixture);
      await registry.connect(admin1).suspendCredentials(batchId, [50], 0);
      await expect(registry.connect(admin1).suspendCredentials(batchId, [51, 50], 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryAlreadySuspended")
        .withArgs(batchId, 50);
      await expect(registry.connect(admin1).suspendCredentials(batchId, [60, 61, 60], 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryAlreadySuspended")
        .withArgs(batchId, 60);
    });

    it("rejects out-of-range indices, an empty list and an unknown batch", async function () {
      const { registry, admin1, batchId } = await loadFixture(anchoredFixture);
      await expect(registry.connect(admin1).suspendCredentials(batchId, [700], 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryLeafIndexOutOfRange")
        .withArgs(batchId, 700, LEAVES);
      await expect(registry.connect(admin1).suspendCredentials(batchId, [], 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryEmptyIndexList")
        .withArgs(batchId);
      await expect(registry.connect(admin1).suspendCredentials(id("x"), [0], 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryUnknownBatch")
        .withArgs(id("x"));
    });
  });

  describe("reinstateCredentials", function () {
    it("lifts suspensions per window with one event each", async function () {
      const { registry, admin1, revoker1, batchId } = await loadFixture(anchoredFixture);
      await registry.connect(admin1).suspendCredentials(batchId, [1, 2, 257, 600], 0);
      const indices = [2, 257, 600];
      const tx = registry.connect(revoker1).reinstateCredentials(batchId, indices, 9);
      await expectStatusWindows(registry, tx, "CredentialsReinstated", { batchId, actor: revoker1.address, reason: 9, indices });
      await expectStatuses(registry, batchId, { 1: "Suspended", 2: "Valid", 257: "Valid", 600: "Valid" });
    });

    it("rejects a credential that is not suspended, naming the lowest offending index", async function () {
      const { registry, admin1, batchId } = await loadFixture(anchoredFixture);
      await registry.connect(admin1).suspendCredentials(batchId, [70], 0);
      await expect(registry.connect(admin1).reinstateCredentials(batchId, [70, 72, 71], 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryNotSuspended")
        .withArgs(batchId, 71);
      await expectStatuses(registry, batchId, { 70: "Suspended" });
    });

    it("rejects a revoked (never suspended) credential and a duplicate index", async function () {
      const { registry, admin1, batchId } = await loadFixture(anchoredFixture);
      await registry.connect(admin1).revokeCredentials(batchId, [80], 0);
      await expect(registry.connect(admin1).reinstateCredentials(batchId, [80], 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryNotSuspended")
        .withArgs(batchId, 80);
      await registry.connect(admin1).suspendCredentials(batchId, [81], 0);
      await expect(registry.connect(admin1).reinstateCredentials(batchId, [81, 81], 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryNotSuspended")
        .withArgs(batchId, 81);
      await expect(registry.connect(admin1).reinstateCredentials(batchId, [81, 400, 81], 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryNotSuspended")
        .withArgs(batchId, 400);
    });

    it("rejects out-of-range indices, an empty list and an unknown batch", async function () {
      const { registry, admin1, batchId } = await loadFixture(anchoredFixture);
      await expect(registry.connect(admin1).reinstateCredentials(batchId, [MaxUint256], 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryLeafIndexOutOfRange")
        .withArgs(batchId, MaxUint256, LEAVES);
      await expect(registry.connect(admin1).reinstateCredentials(batchId, [], 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryEmptyIndexList")
        .withArgs(batchId);
      await expect(registry.connect(admin1).reinstateCredentials(id("x"), [0], 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryUnknownBatch")
        .withArgs(id("x"));
    });
  });

  describe("revokeBatch", function () {
    it("records the revocation, logs it and turns every in-range credential to BatchRevoked", async function () {
      const { registry, revoker1, anchorer1, batchId } = await loadFixture(anchoredFixture);
      const [before] = await registry.getBatch(batchId);
      const tx = registry.connect(revoker1).revokeBatch(batchId, REASON.FRAUD);
      await expect(tx).to.emit(registry, "BatchRevoked").withArgs(batchId, revoker1.address, REASON.FRAUD);
      await expectBatch(registry, batchId, {
        anchorer: anchorer1.address,
        anchoredAt: before.anchoredAt,
        leafCount: LEAVES,
        institutionId: 1,
        revocation: { revoked: true, revokedAt: await minedAt(tx), reason: REASON.FRAUD },
      });
      await expectStatuses(registry, batchId, { 0: "BatchRevoked", 699: "BatchRevoked", 700: "IndexOutOfRange" });
    });

    it("rejects a second revocation and an unknown batch", async function () {
      const { registry, admin1, batchId } = await loadFixture(anchoredFixture);
      await registry.connect(admin1).revokeBatch(batchId, 0);
      await expect(registry.connect(admin1).revokeBatch(batchId, 1))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryBatchAlreadyRevoked")
        .withArgs(batchId);
      await expect(registry.connect(admin1).revokeBatch(id("x"), 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryUnknownBatch")
        .withArgs(id("x"));
    });

    it("does not touch other batches", async function () {
      const { registry, admin1, batchId, otherBatchId, anchorer1 } = await loadFixture(anchoredFixture);
      await registry.connect(anchorer1).anchor(1, request(id("sibling batch"), 3));
      await registry.connect(admin1).revokeBatch(batchId, 0);
      await expectStatuses(registry, await registry.batchIdOf(1, id("sibling batch")), { 0: "Valid" });
      await expectStatuses(registry, otherBatchId, { 0: "Valid" });
    });
  });

  describe("credentialStatus / credentialStatuses", function () {
    it("report UnknownBatch for every index of an unknown batch, and [] for no indices", async function () {
      const { registry, batchId } = await loadFixture(anchoredFixture);
      await expectStatuses(registry, id("no such batch"), { 0: "UnknownBatch", 5: "UnknownBatch" });
      expect(await registry.credentialStatus(id("no such batch"), MaxUint256)).to.equal(0n);
      expect(await registry.credentialStatuses(batchId, [])).to.deep.equal([]);
    });

    it("report mixed statuses and out-of-range indices in the order given", async function () {
      const { registry, admin1, batchId } = await loadFixture(anchoredFixture);
      await registry.connect(admin1).revokeCredentials(batchId, [1, 600], 0);
      await registry.connect(admin1).suspendCredentials(batchId, [2, 300], 0);
      const indices = [600n, 0n, 1n, 700n, 2n, MaxUint256, 300n, 699n, 1n];
      const statuses = (await registry.credentialStatuses(batchId, indices)).map(statusName);
      expect(statuses).to.deep.equal([
        "Revoked",
        "Valid",
        "Revoked",
        "IndexOutOfRange",
        "Suspended",
        "IndexOutOfRange",
        "Suspended",
        "Valid",
        "Revoked",
      ]);
    });
  });

  describe("status precedence", function () {
    /**
     * The contract's order (credentialStatus, _batchWideStatus, _leafStatus):
     * UnknownBatch > IndexOutOfRange > AnchoringKeyCompromised > BatchRevoked >
     * InstitutionSuspended > Revoked > Suspended > Valid.
     * Layers are added one at a time; after each, every probe shows the most severe one.
     */
    const PROBES = { 0: "valid", 1: "revoked", 2: "suspended", 3: "revoked after suspension", 700: "out of range" } as const;

    async function layeredFixture(connection: Parameters<typeof anchoredFixture>[0]) {
      const f = await anchoredFixture(connection);
      await f.registry.connect(f.admin1).suspendCredentials(f.batchId, [2, 3], 0);
      await f.registry.connect(f.admin1).revokeCredentials(f.batchId, [1, 3], 0);
      return f;
    }

    async function expectEverywhere(f: AnchoredFixture, leaf: StatusName | null) {
      const expected: Record<number, StatusName> = leaf
        ? { 0: leaf, 1: leaf, 2: leaf, 3: leaf, 700: "IndexOutOfRange" }
        : { 0: "Valid", 1: "Revoked", 2: "Suspended", 3: "Revoked", 700: "IndexOutOfRange" };
      await expectStatuses(f.registry, f.batchId, expected);
      // verify with a correct proof agrees with credentialStatus for in-range leaves.
      for (const index of [0, 1, 2, 3]) {
        const [valid, status] = await f.registry.verify(f.batchId, index, f.tree.credentialHashes[index]!, proofOf(f.tree, index));
        expect([valid, statusName(status)], `verify(${PROBES[index as 0]})`).to.deep.equal([
          expected[index] === "Valid",
          expected[index],
        ]);
      }
    }

    it("Revoked beats Suspended, per credential", async function () {
      await expectEverywhere(await loadFixture(layeredFixture), null);
    });

    it("InstitutionSuspended beats Revoked and Suspended", async function () {
      const f = await loadFixture(layeredFixture);
      await f.registry.suspendInstitution(1, 0);
      await expectEverywhere(f, "InstitutionSuspended");
    });

    it("BatchRevoked beats InstitutionSuspended", async function () {
      const f = await loadFixture(layeredFixture);
      await f.registry.connect(f.admin1).revokeBatch(f.batchId, 0);
      await f.registry.suspendInstitution(1, 0);
      await expectEverywhere(f, "BatchRevoked");
    });

    it("AnchoringKeyCompromised beats BatchRevoked (and InstitutionSuspended)", async function () {
      const f = await loadFixture(layeredFixture);
      await f.registry.connect(f.admin1).revokeBatch(f.batchId, 0);
      await f.registry.suspendInstitution(1, 0);
      await f.registry.connect(f.governor).markKeyCompromised(1, f.anchorer1, 1);
      await expectEverywhere(f, "AnchoringKeyCompromised");
      await f.registry.reinstateInstitution(1, 0);
      await expectEverywhere(f, "AnchoringKeyCompromised");
    });

    it("IndexOutOfRange beats every batch-wide status, and UnknownBatch beats everything", async function () {
      const f = await loadFixture(layeredFixture);
      await f.registry.connect(f.governor).markKeyCompromised(1, f.anchorer1, 1);
      expect(await f.registry.credentialStatus(f.batchId, 700)).to.equal(1n);
      expect([...(await f.registry.verify(f.batchId, 700, f.tree.credentialHashes[0]!, []))]).to.deep.equal([false, 1n]);
      expect([...(await f.registry.verify(id("nope"), 0, f.tree.credentialHashes[0]!, proofOf(f.tree, 0)))]).to.deep.equal([
        false,
        0n,
      ]);
    });

    it("reinstating the institution restores the per-credential statuses", async function () {
      const f = await loadFixture(layeredFixture);
      await f.registry.suspendInstitution(1, 0);
      await f.registry.reinstateInstitution(1, 0);
      await expectEverywhere(f, null);
    });
  });
});
