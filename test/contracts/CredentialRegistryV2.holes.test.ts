/**
 * The authority holes of registry version 1 (issue 14), each shown as an attack that works on
 * version 1 and fails on version 2. Hole 4 (backdating through a credential's anchoring
 * transaction) lives in the verifier: test/core/verify.anchoring.test.ts.
 */
import { expect } from "chai";
import { id } from "ethers";
import { network } from "hardhat";

import { ROLE, Status, request } from "./helpers/fixtures.js";
import { ACTION_DELAY, MASS_THRESHOLD, revocationHistory, v1Fixture, v2Fixture } from "./helpers/v2.js";

const { networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

describe("registry v2: the four holes of v1", function () {
  describe("hole 1: governance can anchor", function () {
    it("v1: a governor grants itself ROLE_ANCHORER, anchors a batch that reads Valid, and drops the role", async function () {
      const { registry, governance } = await loadFixture(v1Fixture);
      await registry.connect(governance).grantRoles(1, governance.address, ROLE.ANCHORER);
      const root = id("governance-made-batch");
      await registry.connect(governance).anchor(1, request(root, 1));
      await registry.connect(governance).revokeRoles(1, governance.address, ROLE.ANCHORER);
      const batchId = await registry.batchIdOf(1, root);
      expect(await registry.credentialStatus(batchId, 0)).to.equal(Status.Valid);
      // Nothing in the key record shows how that anchoring power came about.
      expect((await registry.getKeyRecord(1, governance.address)).roles).to.equal(0n);
    });

    it("v2: a governor cannot grant ROLE_ANCHORER, to itself or anyone", async function () {
      const { registry, governance, outsider } = await loadFixture(v2Fixture);
      for (const account of [governance.address, outsider.address]) {
        for (const roles of [ROLE.ANCHORER, ROLE.ANCHORER | ROLE.ADMIN]) {
          await expect(registry.connect(governance).grantRoles(1, account, roles))
            .to.be.revertedWithCustomError(registry, "CredentialRegistryGovernanceCannotGrantAnchoring")
            .withArgs(1, account);
        }
      }
      await expect(registry.connect(governance).anchor(1, request(id("x"), 1)))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryUnauthorized")
        .withArgs(1, governance.address, ROLE.ANCHORER);
    });

    it("v2: anchoring power that descends from a governance act is visible on every batch it anchors", async function () {
      const { registry, governance, admin, outsider, spare } = await loadFixture(v2Fixture);
      // Recovery path: governance installs an admin (allowed), that admin grants an anchorer.
      await registry.connect(governance).grantRoles(1, outsider.address, ROLE.ADMIN);
      expect((await registry.getKeyRecord(1, outsider.address)).viaGovernance).to.equal(true);
      await registry.connect(outsider).grantRoles(1, spare[0]!.address, ROLE.ANCHORER);
      const root = id("recovered-batch");
      await registry.connect(spare[0]!).anchor(1, request(root, 1));
      const [batch] = await registry.getBatch(await registry.batchIdOf(1, root));
      expect((await registry.getKeyRecord(1, batch.anchorer)).viaGovernance).to.equal(true);
      // A key granted by the institution's own admin carries no such mark.
      await registry.connect(admin).grantRoles(1, spare[1]!.address, ROLE.ANCHORER);
      expect((await registry.getKeyRecord(1, spare[1]!.address)).viaGovernance).to.equal(false);
      // Revoker power from governance is allowed and marked, and governance's grant is an event.
      await expect(registry.connect(governance).grantRoles(1, spare[2]!.address, ROLE.REVOKER))
        .to.emit(registry, "GovernanceActedForInstitution");
      expect((await registry.getKeyRecord(1, spare[2]!.address)).viaGovernance).to.equal(true);
    });
  });

  describe("hole 2: one key can permanently void an institution", function () {
    it("v1: one admin key marks the anchorer compromised from time 1 and revokes the batch, at once and for ever", async function () {
      const { registry, admin, secondAdmin, anchorer, batchId } = await loadFixture(v1Fixture);
      await registry.connect(admin).markKeyCompromised(1, anchorer.address, 1);
      expect(await registry.credentialStatus(batchId, 0)).to.equal(Status.AnchoringKeyCompromised);
      // Nobody can undo it: the key can never get roles back, the cut-off only moves earlier.
      await expect(registry.connect(secondAdmin).grantRoles(1, anchorer.address, ROLE.ANCHORER)).to.be.revertedWithCustomError(
        registry,
        "CredentialRegistryKeyCompromised",
      );
      await registry.connect(admin).revokeBatch(batchId, 1);
      const [, revocation] = await registry.getBatch(batchId);
      expect(revocation.revoked).to.equal(true);
    });

    it("v2: a past cut-off is only scheduled; another admin cancels it and the batch stays valid", async function () {
      const { registry, admin, secondAdmin, anchorer, batchId } = await loadFixture(v2Fixture);
      await expect(registry.connect(admin).markKeyCompromised(1, anchorer.address, 1)).to.emit(registry, "KeyCompromiseScheduled");
      expect(await registry.credentialStatus(batchId, 0)).to.equal(Status.Valid);
      const record = await registry.getKeyRecord(1, anchorer.address);
      expect([record.roles, record.compromisedFrom, record.pendingCutoff]).to.deep.equal([0n, 0n, 1n]);
      await expect(registry.connect(anchorer).executeKeyCompromise(1, anchorer.address)).to.be.revertedWithCustomError(
        registry,
        "CredentialRegistryDelayNotPassed",
      );
      await registry.connect(secondAdmin).cancelKeyCompromise(1, anchorer.address);
      await time.increase(ACTION_DELAY);
      await expect(registry.executeKeyCompromise(1, anchorer.address)).to.be.revertedWithCustomError(
        registry,
        "CredentialRegistryNothingScheduled",
      );
      expect(await registry.credentialStatus(batchId, 0)).to.equal(Status.Valid);
      // The key was only stopped (forward-looking): it can be given its role back.
      await registry.connect(secondAdmin).grantRoles(1, anchorer.address, ROLE.ANCHORER);
    });

    it("v2: an uncancelled compromise takes effect after the delay, executed by anyone", async function () {
      const { registry, admin, anchorer, outsider, batchId } = await loadFixture(v2Fixture);
      await registry.connect(admin).markKeyCompromised(1, anchorer.address, 1);
      await time.increase(ACTION_DELAY);
      await expect(registry.connect(outsider).executeKeyCompromise(1, anchorer.address))
        .to.emit(registry, "AnchoringKeyCompromised")
        .withArgs(1, anchorer.address, outsider.address, 1);
      expect(await registry.credentialStatus(batchId, 0)).to.equal(Status.AnchoringKeyCompromised);
    });

    it("v2: a cut-off of now is not past-reaching and applies at once", async function () {
      const { registry, admin, anchorer, batchId } = await loadFixture(v2Fixture);
      const now = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(now);
      await expect(registry.connect(admin).markKeyCompromised(1, anchorer.address, now)).to.emit(registry, "AnchoringKeyCompromised");
      expect((await registry.getKeyRecord(1, anchorer.address)).compromisedFrom).to.equal(now);
      expect(await registry.credentialStatus(batchId, 0)).to.equal(Status.Valid); // anchored before now
    });

    it("v2: a batch revocation waits for the delay and can be cancelled by another admin or governance", async function () {
      const { registry, revoker, secondAdmin, governance, outsider, batchId } = await loadFixture(v2Fixture);
      await expect(registry.connect(revoker).revokeBatch(batchId, 9)).to.emit(registry, "BatchRevocationScheduled");
      expect(await registry.credentialStatus(batchId, 0)).to.equal(Status.Valid);
      const [, pending] = await registry.getBatch(batchId);
      expect([pending.revoked, pending.pendingReason, pending.pendingAfter > 0n]).to.deep.equal([false, 9n, true]);
      await expect(registry.connect(revoker).cancelBatchRevocation(batchId)).to.be.revertedWithCustomError(
        registry,
        "CredentialRegistryUnauthorized",
      );
      await registry.connect(secondAdmin).cancelBatchRevocation(batchId);
      await registry.connect(revoker).revokeBatch(batchId, 9);
      await expect(registry.connect(governance).cancelBatchRevocation(batchId)).to.emit(registry, "GovernanceActedForInstitution");
      await registry.connect(revoker).revokeBatch(batchId, 9);
      await expect(registry.connect(outsider).executeBatchRevocation(batchId)).to.be.revertedWithCustomError(
        registry,
        "CredentialRegistryDelayNotPassed",
      );
      await time.increase(ACTION_DELAY);
      await expect(registry.connect(outsider).executeBatchRevocation(batchId))
        .to.emit(registry, "BatchRevoked")
        .withArgs(batchId, outsider.address, 9);
      expect(await registry.credentialStatus(batchId, 0)).to.equal(Status.BatchRevoked);
    });

    it("v2: revoking more than the threshold at once must be scheduled, and can be cancelled", async function () {
      const { registry, revoker, secondAdmin, outsider, batchId } = await loadFixture(v2Fixture);
      const many = Array.from({ length: Number(MASS_THRESHOLD) + 1 }, (_, i) => i);
      await expect(registry.connect(revoker).revokeCredentials(batchId, many, 1))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryMassRevocationMustWait")
        .withArgs(batchId, many.length, MASS_THRESHOLD);
      const actionId = await registry.massRevocationId(batchId, many, 1);
      await expect(registry.connect(revoker).scheduleMassRevocation(batchId, many, 1))
        .to.emit(registry, "MassRevocationScheduled")
        .withArgs(actionId, batchId, revoker.address, many, 1, (value: bigint) => value > 0n);
      expect((await registry.getBatch(batchId))[1].pendingMassRevocations).to.equal(1n);
      expect(await registry.credentialStatus(batchId, 0)).to.equal(Status.Valid);
      await registry.connect(secondAdmin).cancelMassRevocation(batchId, actionId);
      await time.increase(ACTION_DELAY);
      await expect(registry.connect(outsider).executeMassRevocation(batchId, many, 1)).to.be.revertedWithCustomError(
        registry,
        "CredentialRegistryNothingScheduled",
      );
      // Scheduled again and not cancelled: executed after the delay, recorded as the proposer's.
      await registry.connect(revoker).scheduleMassRevocation(batchId, many, 1);
      await time.increase(ACTION_DELAY);
      await expect(registry.connect(outsider).executeMassRevocation(batchId, many, 1))
        .to.emit(registry, "CredentialsRevoked")
        .withArgs(batchId, 0, revoker.address, (1n << 128n) - 1n, 1);
      expect(await registry.credentialStatus(batchId, MASS_THRESHOLD)).to.equal(Status.Revoked);
      expect((await registry.getBatch(batchId))[1].pendingMassRevocations).to.equal(0n);
    });
  });

  describe("hole 3: a stolen revoker key's damage is permanent", function () {
    it("v1: revocations made with the key after its cut-off stay after it is marked compromised", async function () {
      const { registry, admin, revoker, batchId } = await loadFixture(v1Fixture);
      const cutoff = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(cutoff + 5n);
      await registry.connect(revoker).revokeCredentials(batchId, [0, 1, 2], 1); // the thief
      await registry.connect(admin).markKeyCompromised(1, revoker.address, cutoff);
      expect(await registry.credentialStatus(batchId, 1)).to.equal(Status.Revoked);
      // v1 has no function that could undo a revocation.
      expect(registry.interface.hasFunction("clearCompromisedRevocations")).to.equal(false);
    });

    it("v2: another admin clears exactly the bits the key set after its cut-off; legitimate ones stay", async function () {
      const { registry, admin, secondAdmin, revoker, batchId } = await loadFixture(v2Fixture);
      await registry.connect(admin).revokeCredentials(batchId, [5], 1); // legitimate, by an admin
      await registry.connect(revoker).revokeCredentials(batchId, [6], 1); // legitimate, before the theft
      const cutoff = BigInt(await time.latest()) + 100n;
      await time.setNextBlockTimestamp(cutoff);
      await registry.connect(revoker).revokeCredentials(batchId, [0, 1, 2], 1); // the thief
      await registry.connect(admin).markKeyCompromised(1, revoker.address, cutoff);
      await time.increase(ACTION_DELAY);
      await registry.executeKeyCompromise(1, revoker.address);

      const history = await revocationHistory(registry, batchId, 0n);
      await expect(registry.connect(secondAdmin).clearCompromisedRevocations(batchId, 0, revoker.address, history, 8))
        .to.emit(registry, "RevocationsCleared")
        .withArgs(batchId, 0, secondAdmin.address, revoker.address, 0b111n, 8);
      for (const index of [0, 1, 2]) expect(await registry.credentialStatus(batchId, index)).to.equal(Status.Valid);
      for (const index of [5, 6]) expect(await registry.credentialStatus(batchId, index)).to.equal(Status.Revoked);
      // A second clearing finds nothing left, and a history that leaves out a change is rejected.
      const after = await revocationHistory(registry, batchId, 0n);
      await expect(
        registry.connect(secondAdmin).clearCompromisedRevocations(batchId, 0, revoker.address, after, 8),
      ).to.be.revertedWithCustomError(registry, "CredentialRegistryNothingToClear");
      await expect(
        registry.connect(secondAdmin).clearCompromisedRevocations(batchId, 0, revoker.address, after.slice(1), 8),
      ).to.be.revertedWithCustomError(registry, "CredentialRegistryHistoryMismatch");
    });

    it("v2: only an admin or governance clears, and only for a key whose compromise was applied", async function () {
      const { registry, admin, revoker, outsider, governance, batchId } = await loadFixture(v2Fixture);
      await registry.connect(revoker).revokeCredentials(batchId, [3], 1);
      const history = await revocationHistory(registry, batchId, 0n);
      await expect(
        registry.connect(admin).clearCompromisedRevocations(batchId, 0, revoker.address, history, 8),
      ).to.be.revertedWithCustomError(registry, "CredentialRegistryNotCompromised");
      await registry.connect(admin).markKeyCompromised(1, revoker.address, 1);
      await expect(
        registry.connect(admin).clearCompromisedRevocations(batchId, 0, revoker.address, history, 8),
      ).to.be.revertedWithCustomError(registry, "CredentialRegistryNotCompromised"); // still only scheduled
      await time.increase(ACTION_DELAY);
      await registry.executeKeyCompromise(1, revoker.address);
      await expect(
        registry.connect(outsider).clearCompromisedRevocations(batchId, 0, revoker.address, history, 8),
      ).to.be.revertedWithCustomError(registry, "CredentialRegistryUnauthorized");
      await expect(registry.connect(revoker).clearCompromisedRevocations(batchId, 0, revoker.address, history, 8))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryUnauthorized"); // the stolen key lost its roles
      await expect(registry.connect(governance).clearCompromisedRevocations(batchId, 0, revoker.address, history, 8))
        .to.emit(registry, "GovernanceActedForInstitution");
      expect(await registry.credentialStatus(batchId, 3)).to.equal(Status.Valid);
    });
  });

  describe("suspended institutions (decided: status changes stay allowed)", function () {
    it("v2: a revoker revokes, suspends and reinstates while its institution is suspended; anchoring is refused", async function () {
      const { registry, governance, revoker, anchorer, batchId } = await loadFixture(v2Fixture);
      await registry.connect(governance).suspendInstitution(1, 1);
      await registry.connect(revoker).revokeCredentials(batchId, [0], 1);
      await registry.connect(revoker).suspendCredentials(batchId, [1], 1);
      await registry.connect(revoker).reinstateCredentials(batchId, [1], 1);
      await expect(registry.connect(anchorer).anchor(1, request(id("while-suspended"), 1))).to.be.revertedWithCustomError(
        registry,
        "CredentialRegistryInstitutionSuspended",
      );
      await registry.connect(governance).reinstateInstitution(1, 1);
      expect(await registry.credentialStatus(batchId, 0)).to.equal(Status.Revoked);
      expect(await registry.credentialStatus(batchId, 1)).to.equal(Status.Valid);
    });
  });

  describe("role boundaries of the new functions", function () {
    it("revokers and outsiders cannot cancel; outsiders cannot schedule", async function () {
      const { registry, revoker, outsider, anchorer, admin, batchId } = await loadFixture(v2Fixture);
      await registry.connect(admin).markKeyCompromised(1, anchorer.address, 1);
      for (const caller of [revoker, outsider]) {
        await expect(registry.connect(caller).cancelKeyCompromise(1, anchorer.address)).to.be.revertedWithCustomError(
          registry,
          "CredentialRegistryUnauthorized",
        );
      }
      await expect(registry.connect(outsider).revokeBatch(batchId, 1)).to.be.revertedWithCustomError(
        registry,
        "CredentialRegistryUnauthorized",
      );
      await expect(registry.connect(outsider).scheduleMassRevocation(batchId, [1], 1)).to.be.revertedWithCustomError(
        registry,
        "CredentialRegistryUnauthorized",
      );
      await expect(registry.connect(outsider).markKeyCompromised(1, revoker.address, 1)).to.be.revertedWithCustomError(
        registry,
        "CredentialRegistryUnauthorized",
      );
      await expect(registry.connect(revoker).markKeyCompromised(1, anchorer.address, 1)).to.be.revertedWithCustomError(
        registry,
        "CredentialRegistryUnauthorized",
      );
    });

    it("reports its version and window", async function () {
      const { registry } = await loadFixture(v2Fixture);
      expect(await registry.REGISTRY_VERSION()).to.equal(2n);
      expect(await registry.STATUS_WINDOW()).to.equal(128n);
      expect(await registry.actionDelay()).to.equal(ACTION_DELAY);
    });
  });
});
