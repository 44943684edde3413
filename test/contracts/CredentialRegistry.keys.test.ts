/**
 * Institution keys: grantRoles, revokeRoles, markKeyCompromised and the views over them
 * (getKeyRecord, hasInstitutionRoles), including key rotation and key compromise.
 */
import { expect } from "chai";
import { id, ZeroAddress } from "ethers";
import { network } from "hardhat";

import { anchoredFixture, ALL_ROLES, registryFixture, request, ROLE } from "./helpers/fixtures.js";
import { expectBatch, expectGovernanceAction, expectStatuses, keyRecord, minedAt } from "./helpers/expectations.js";
import { buildTree, credentialHashes, proofOf } from "./helpers/merkle.js";

const { networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const TREE = buildTree(credentialHashes(3, "keys"));

describe("CredentialRegistry: institution keys", function () {
  describe("grantRoles", function () {
    it("adds roles to the account's bit set and logs them", async function () {
      const { registry, admin1, outsider } = await loadFixture(registryFixture);
      await expect(registry.connect(admin1).grantRoles(1, outsider, ROLE.ANCHORER))
        .to.emit(registry, "InstitutionRolesGranted")
        .withArgs(1, outsider.address, admin1.address, ROLE.ANCHORER);
      await registry.connect(admin1).grantRoles(1, outsider, ROLE.REVOKER);
      expect(await keyRecord(registry, 1, outsider)).to.deep.equal({
        roles: BigInt(ROLE.ANCHORER | ROLE.REVOKER),
        compromisedFrom: 0n,
      });
      // Roles are per institution.
      expect((await registry.getKeyRecord(2, outsider)).roles).to.equal(0n);
    });

    it("accepts every combination of the three role bits", async function () {
      const { registry, admin1, spare } = await loadFixture(registryFixture);
      for (let roles = 1; roles <= ALL_ROLES; roles++) {
        await registry.connect(admin1).grantRoles(1, spare[roles]!, roles);
        expect((await registry.getKeyRecord(1, spare[roles]!)).roles).to.equal(BigInt(roles));
      }
    });

    it("rejects zero roles and bits outside ADMIN | ANCHORER | REVOKER", async function () {
      const { registry, admin1, outsider } = await loadFixture(registryFixture);
      for (const roles of [0, 8, 9, 0x80, 0xff]) {
        await expect(registry.connect(admin1).grantRoles(1, outsider, roles))
          .to.be.revertedWithCustomError(registry, "CredentialRegistryInvalidRoles")
          .withArgs(roles);
      }
    });

    it("rejects the zero address", async function () {
      const { registry, admin1 } = await loadFixture(registryFixture);
      await expect(
        registry.connect(admin1).grantRoles(1, ZeroAddress, ROLE.ANCHORER),
      ).to.be.revertedWithCustomError(registry, "CredentialRegistryZeroAddress");
    });

    it("reports an unknown institution before checking the caller", async function () {
      const { registry, outsider, governor } = await loadFixture(registryFixture);
      for (const caller of [outsider, governor]) {
        await expect(registry.connect(caller).grantRoles(3, outsider, ROLE.ADMIN))
          .to.be.revertedWithCustomError(registry, "CredentialRegistryUnknownInstitution")
          .withArgs(3);
        await expect(registry.connect(caller).revokeRoles(0, outsider, ROLE.ADMIN))
          .to.be.revertedWithCustomError(registry, "CredentialRegistryUnknownInstitution")
          .withArgs(0);
        await expect(registry.connect(caller).markKeyCompromised(3, outsider, 1))
          .to.be.revertedWithCustomError(registry, "CredentialRegistryUnknownInstitution")
          .withArgs(3);
      }
    });

    it("lets an admin add a second admin who can then manage keys", async function () {
      const { registry, admin1, outsider, spare } = await loadFixture(registryFixture);
      await registry.connect(admin1).grantRoles(1, outsider, ROLE.ADMIN);
      await expect(registry.connect(outsider).grantRoles(1, spare[0]!, ROLE.ANCHORER))
        .to.emit(registry, "InstitutionRolesGranted")
        .withArgs(1, spare[0]!.address, outsider.address, ROLE.ANCHORER);
    });
  });

  describe("hasInstitutionRoles", function () {
    it("is true only when every requested bit is held, and false for zero roles", async function () {
      const { registry, admin1, anchorer1 } = await loadFixture(registryFixture);
      await registry.connect(admin1).grantRoles(1, anchorer1, ROLE.REVOKER);
      const held = ROLE.ANCHORER | ROLE.REVOKER;
      expect(await registry.hasInstitutionRoles(1, anchorer1, ROLE.ANCHORER)).to.equal(true);
      expect(await registry.hasInstitutionRoles(1, anchorer1, held)).to.equal(true);
      expect(await registry.hasInstitutionRoles(1, anchorer1, held | ROLE.ADMIN)).to.equal(false);
      expect(await registry.hasInstitutionRoles(1, anchorer1, ROLE.ADMIN)).to.equal(false);
      expect(await registry.hasInstitutionRoles(1, anchorer1, 0)).to.equal(false);
      expect(await registry.hasInstitutionRoles(2, anchorer1, ROLE.ANCHORER)).to.equal(false);
    });
  });

  describe("revokeRoles", function () {
    it("removes only the given bits and logs them", async function () {
      const { registry, admin1, anchorer1 } = await loadFixture(registryFixture);
      await registry.connect(admin1).grantRoles(1, anchorer1, ROLE.REVOKER);
      await expect(registry.connect(admin1).revokeRoles(1, anchorer1, ROLE.ANCHORER))
        .to.emit(registry, "InstitutionRolesRevoked")
        .withArgs(1, anchorer1.address, admin1.address, ROLE.ANCHORER);
      expect((await registry.getKeyRecord(1, anchorer1)).roles).to.equal(BigInt(ROLE.REVOKER));
    });

    it("rejects invalid role sets", async function () {
      const { registry, admin1, anchorer1 } = await loadFixture(registryFixture);
      for (const roles of [0, 8, 0xf8]) {
        await expect(registry.connect(admin1).revokeRoles(1, anchorer1, roles))
          .to.be.revertedWithCustomError(registry, "CredentialRegistryInvalidRoles")
          .withArgs(roles);
      }
    });

    it("lets an admin remove its own admin role, after which only governance can restore one", async function () {
      const { registry, admin1, governor, outsider } = await loadFixture(registryFixture);
      await registry.connect(admin1).revokeRoles(1, admin1, ROLE.ADMIN);
      await expect(registry.connect(admin1).grantRoles(1, outsider, ROLE.ADMIN))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryUnauthorized")
        .withArgs(1, admin1.address, ROLE.ADMIN);

      const recovery = registry.connect(governor).grantRoles(1, outsider, ROLE.ADMIN);
      await expect(recovery)
        .to.emit(registry, "InstitutionRolesGranted")
        .withArgs(1, outsider.address, governor.address, ROLE.ADMIN);
      await expectGovernanceAction(registry, recovery, 1, governor.address, "grantRoles");
    });

    it("keeps the batches of a removed anchorer valid (key rotation)", async function () {
      const { registry, admin1, anchorer1 } = await loadFixture(registryFixture);
      const tx = registry.connect(anchorer1).anchor(1, request(TREE.root, TREE.leafCount));
      const anchoredAt = await minedAt(tx);
      const batchId = await registry.batchIdOf(1, TREE.root);

      await registry.connect(admin1).revokeRoles(1, anchorer1, ROLE.ANCHORER);

      await expectBatch(registry, batchId, { anchorer: anchorer1.address, anchoredAt, leafCount: 3, institutionId: 1 });
      await expectStatuses(registry, batchId, { 0: "Valid", 1: "Valid", 2: "Valid" });
      expect([...(await registry.verify(batchId, 2, TREE.credentialHashes[2]!, proofOf(TREE, 2)))]).to.deep.equal([
        true,
        2n,
      ]);
      await expect(registry.connect(anchorer1).anchor(1, request(id("after rotation"), 1)))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryUnauthorized")
        .withArgs(1, anchorer1.address, ROLE.ANCHORER);
    });
  });

  describe("markKeyCompromised", function () {
    /** anchorer1 anchors three batches in three blocks; returns their ids and timestamps. */
    async function threeBatchesFixture(connection: Parameters<typeof anchoredFixture>[0]) {
      const base = await registryFixture(connection);
      const batches: { batchId: string; anchoredAt: bigint }[] = [];
      for (const label of ["a", "b", "c"]) {
        const root = id(`root-${label}`);
        const anchoredAt = await minedAt(base.registry.connect(base.anchorer1).anchor(1, request(root, 10)));
        batches.push({ batchId: await base.registry.batchIdOf(1, root), anchoredAt });
        await time.increase(100);
      }
      return { ...base, batches };
    }

    it("removes all roles, records the cut-off and logs both", async function () {
      const { registry, admin1, anchorer1, batches } = await loadFixture(threeBatchesFixture);
      await registry.connect(admin1).grantRoles(1, anchorer1, ROLE.REVOKER);
      const cutoff = batches[1]!.anchoredAt;
      const tx = registry.connect(admin1).markKeyCompromised(1, anchorer1, cutoff);
      await expect(tx)
        .to.emit(registry, "InstitutionRolesRevoked")
        .withArgs(1, anchorer1.address, admin1.address, ROLE.ANCHORER | ROLE.REVOKER);
      await expect(tx)
        .to.emit(registry, "AnchoringKeyCompromised")
        .withArgs(1, anchorer1.address, admin1.address, cutoff);
      expect(await keyRecord(registry, 1, anchorer1)).to.deep.equal({ roles: 0n, compromisedFrom: cutoff });
      expect(await registry.hasInstitutionRoles(1, anchorer1, ROLE.ANCHORER)).to.equal(false);
    });

    it("flags batches anchored at or after the cut-off and leaves earlier ones valid", async function () {
      const { registry, admin1, anchorer1, batches } = await loadFixture(threeBatchesFixture);
      const [a, b, c] = batches;
      await registry.connect(admin1).markKeyCompromised(1, anchorer1, b!.anchoredAt);
      await expectStatuses(registry, a!.batchId, { 0: "Valid", 9: "Valid", 10: "IndexOutOfRange" });
      await expectStatuses(registry, b!.batchId, { 0: "AnchoringKeyCompromised", 9: "AnchoringKeyCompromised", 10: "IndexOutOfRange" });
      await expectStatuses(registry, c!.batchId, { 0: "AnchoringKeyCompromised" });
    });

    it("treats a batch anchored one second before the cut-off as valid", async function () {
      const { registry, admin1, anchorer1, batches } = await loadFixture(threeBatchesFixture);
      await registry.connect(admin1).markKeyCompromised(1, anchorer1, batches[1]!.anchoredAt + 1n);
      await expectStatuses(registry, batches[1]!.batchId, { 0: "Valid" });
      await expectStatuses(registry, batches[2]!.batchId, { 0: "AnchoringKeyCompromised" });
    });

    it("lets the cut-off move earlier but never later or to the same time", async function () {
      const { registry, admin1, anchorer1, batches } = await loadFixture(threeBatchesFixture);
      const [a, b, c] = batches;
      await registry.connect(admin1).markKeyCompromised(1, anchorer1, b!.anchoredAt);
      for (const later of [b!.anchoredAt, c!.anchoredAt]) {
        await expect(registry.connect(admin1).markKeyCompromised(1, anchorer1, later))
          .to.be.revertedWithCustomError(registry, "CredentialRegistryCompromiseNotEarlier")
          .withArgs(1, anchorer1.address, b!.anchoredAt, later);
      }
      // Moving earlier re-logs the compromise but no roles (there are none left).
      const earlier = registry.connect(admin1).markKeyCompromised(1, anchorer1, a!.anchoredAt);
      await expect(earlier)
        .to.emit(registry, "AnchoringKeyCompromised")
        .withArgs(1, anchorer1.address, admin1.address, a!.anchoredAt);
      await expect(earlier).not.to.emit(registry, "InstitutionRolesRevoked");
      await expectStatuses(registry, a!.batchId, { 0: "AnchoringKeyCompromised" });
    });

    it("stores a cut-off of 0 as 1 and then flags every batch of the account", async function () {
      const { registry, admin1, anchorer1, batches } = await loadFixture(threeBatchesFixture);
      await expect(registry.connect(admin1).markKeyCompromised(1, anchorer1, 0))
        .to.emit(registry, "AnchoringKeyCompromised")
        .withArgs(1, anchorer1.address, admin1.address, 1);
      expect((await registry.getKeyRecord(1, anchorer1)).compromisedFrom).to.equal(1n);
      for (const { batchId } of batches) await expectStatuses(registry, batchId, { 0: "AnchoringKeyCompromised" });
      await expect(registry.connect(admin1).markKeyCompromised(1, anchorer1, 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryCompromiseNotEarlier")
        .withArgs(1, anchorer1.address, 1, 1);
    });

    it("accepts the current block time and rejects a cut-off in the future", async function () {
      const { registry, admin1, anchorer1, outsider } = await loadFixture(registryFixture);
      const now = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(now);
      await expect(registry.connect(admin1).markKeyCompromised(1, anchorer1, now + 1n))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryCompromiseInFuture")
        .withArgs(now + 1n, now);
      await time.setNextBlockTimestamp(now + 1n);
      await expect(registry.connect(admin1).markKeyCompromised(1, outsider, now + 1n))
        .to.emit(registry, "AnchoringKeyCompromised")
        .withArgs(1, outsider.address, admin1.address, now + 1n);
    });

    it("marks an account that holds no role, logging only the compromise", async function () {
      const { registry, admin1, outsider } = await loadFixture(registryFixture);
      const tx = registry.connect(admin1).markKeyCompromised(1, outsider, 1);
      await expect(tx).to.emit(registry, "AnchoringKeyCompromised").withArgs(1, outsider.address, admin1.address, 1);
      await expect(tx).not.to.emit(registry, "InstitutionRolesRevoked");
    });

    it("rejects the zero address", async function () {
      const { registry, admin1 } = await loadFixture(registryFixture);
      await expect(registry.connect(admin1).markKeyCompromised(1, ZeroAddress, 1)).to.be.revertedWithCustomError(
        registry,
        "CredentialRegistryZeroAddress",
      );
    });

    it("makes the account ineligible for any role again, even when governance grants it", async function () {
      const { registry, admin1, governor, anchorer1, batches } = await loadFixture(threeBatchesFixture);
      const cutoff = batches[0]!.anchoredAt;
      await registry.connect(admin1).markKeyCompromised(1, anchorer1, cutoff);
      for (const caller of [admin1, governor]) {
        for (const roles of [ROLE.ADMIN, ROLE.ANCHORER, ROLE.REVOKER]) {
          await expect(registry.connect(caller).grantRoles(1, anchorer1, roles))
            .to.be.revertedWithCustomError(registry, "CredentialRegistryKeyCompromised")
            .withArgs(1, anchorer1.address, cutoff);
        }
      }
      await expect(registry.connect(anchorer1).anchor(1, request(id("late"), 1)))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryUnauthorized")
        .withArgs(1, anchorer1.address, ROLE.ANCHORER);
    });

    it("strips a compromised admin of its powers", async function () {
      const { registry, admin1, governor, outsider } = await loadFixture(anchoredFixture);
      const tx = registry.connect(governor).markKeyCompromised(1, admin1, 1);
      await expectGovernanceAction(registry, tx, 1, governor.address, "markKeyCompromised");
      await expect(tx).to.emit(registry, "InstitutionRolesRevoked").withArgs(1, admin1.address, governor.address, ROLE.ADMIN);
      await expect(registry.connect(admin1).grantRoles(1, outsider, ROLE.ANCHORER))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryUnauthorized")
        .withArgs(1, admin1.address, ROLE.ADMIN);
    });

    it("is scoped to one institution: the same account stays trusted in another", async function () {
      const { registry, admin1, admin2, anchorer1, otherTree } = await loadFixture(anchoredFixture);
      await registry.connect(admin2).grantRoles(2, anchorer1, ROLE.ANCHORER);
      await registry.connect(anchorer1).anchor(2, request(id("inst2 by anchorer1"), 4));
      await registry.connect(admin1).markKeyCompromised(1, anchorer1, 1);

      const inst2Batch = await registry.batchIdOf(2, id("inst2 by anchorer1"));
      await expectStatuses(registry, inst2Batch, { 0: "Valid" });
      expect(await registry.hasInstitutionRoles(2, anchorer1, ROLE.ANCHORER)).to.equal(true);
      await expect(registry.connect(anchorer1).anchor(2, request(otherTree.levels[0]![0]!, 1))).to.emit(
        registry,
        "BatchAnchored",
      );
    });
  });
});
