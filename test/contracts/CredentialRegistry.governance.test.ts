/**
 * Registry governance: institutions (register, update, suspend, reinstate) and the
 * OpenZeppelin AccessControlDefaultAdminRules layer that manages GOVERNOR_ROLE.
 */
import { expect } from "chai";
import { id, ZeroAddress } from "ethers";
import { network } from "hardhat";

import {
  ADMIN_TRANSFER_DELAY,
  INSTITUTION_1,
  INSTITUTION_2,
  InstitutionStatus,
  REASON,
  registryFixture,
  request,
  ROLE,
  ZERO_HASH,
} from "./helpers/fixtures.js";
import { institution, keyRecord, minedAt } from "./helpers/expectations.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const DEFAULT_ADMIN_ROLE = ZERO_HASH;
/** Storage slot of `_institutionCount` (after AccessControl's 1 slot and DefaultAdminRules' 2). */
const INSTITUTION_COUNT_SLOT = 3;

describe("CredentialRegistry: governance", function () {
  describe("deployment", function () {
    it("makes the governance admin the default admin (with the transfer delay) and the first governor", async function () {
      const { registry, governanceAdmin, GOVERNOR_ROLE } = await loadFixture(registryFixture);
      expect(await registry.defaultAdmin()).to.equal(governanceAdmin.address);
      expect(await registry.defaultAdminDelay()).to.equal(ADMIN_TRANSFER_DELAY);
      expect(await registry.hasRole(DEFAULT_ADMIN_ROLE, governanceAdmin)).to.equal(true);
      expect(await registry.hasRole(GOVERNOR_ROLE, governanceAdmin)).to.equal(true);
      expect(await registry.getRoleAdmin(GOVERNOR_ROLE)).to.equal(DEFAULT_ADMIN_ROLE);
    });

    it("exposes the role constants of the spec", async function () {
      const { registry } = await loadFixture(registryFixture);
      expect(await registry.GOVERNOR_ROLE()).to.equal(id("credanchor.GOVERNOR_ROLE"));
      expect(await registry.ROLE_ADMIN()).to.equal(BigInt(ROLE.ADMIN));
      expect(await registry.ROLE_ANCHORER()).to.equal(BigInt(ROLE.ANCHORER));
      expect(await registry.ROLE_REVOKER()).to.equal(BigInt(ROLE.REVOKER));
    });

    it("reports ERC-165 support for IAccessControl and IAccessControlDefaultAdminRules", async function () {
      const { registry } = await loadFixture(registryFixture);
      expect(await registry.supportsInterface("0x01ffc9a7")).to.equal(true); // IERC165
      expect(await registry.supportsInterface("0x7965db0b")).to.equal(true); // IAccessControl
      expect(await registry.supportsInterface("0x31498786")).to.equal(true); // IAccessControlDefaultAdminRules
      expect(await registry.supportsInterface("0xffffffff")).to.equal(false);
    });

    it("rejects a zero governance admin", async function () {
      const factory = await ethers.getContractFactory("CredentialRegistry");
      await expect(factory.deploy(ZeroAddress, ADMIN_TRANSFER_DELAY))
        .to.be.revertedWithCustomError(factory, "AccessControlInvalidDefaultAdmin")
        .withArgs(ZeroAddress);
    });
  });

  describe("registerInstitution", function () {
    it("assigns increasing ids from 1, stores the record and installs the first admin", async function () {
      const { registry, governor, outsider } = await loadFixture(registryFixture);
      expect(await registry.institutionCount()).to.equal(2n);
      const args = ["Third", "https://third.example", "ipfs://meta", id("meta3"), outsider.address] as const;
      expect(await registry.connect(governor).registerInstitution.staticCall(...args)).to.equal(3n);

      const tx = registry.connect(governor).registerInstitution(...args);
      await expect(tx)
        .to.emit(registry, "InstitutionRegistered")
        .withArgs(3, outsider.address, governor.address, "Third", "https://third.example", "ipfs://meta", id("meta3"));
      await expect(tx).to.emit(registry, "InstitutionRolesGranted").withArgs(3, outsider.address, governor.address, ROLE.ADMIN);

      expect(await registry.institutionCount()).to.equal(3n);
      expect(await institution(registry, 3)).to.deep.equal({
        status: InstitutionStatus.Active,
        registeredAt: await minedAt(tx),
        metadataHash: id("meta3"),
        name: "Third",
        identifier: "https://third.example",
        metadataURI: "ipfs://meta",
      });
      expect(await keyRecord(registry, 3, outsider)).to.deep.equal({ roles: 1n, compromisedFrom: 0n });
    });

    it("stores the fixture's institutions as given", async function () {
      const { registry } = await loadFixture(registryFixture);
      for (const i of [INSTITUTION_1, INSTITUTION_2]) {
        const record = await registry.getInstitution(i.id);
        expect([record.status, record.name, record.identifier, record.metadataURI, record.metadataHash]).to.deep.equal([
          InstitutionStatus.Active,
          i.name,
          i.identifier,
          i.metadataURI,
          i.metadataHash,
        ]);
      }
    });

    it("rejects an empty name, an empty identifier and a zero admin", async function () {
      const { registry, outsider } = await loadFixture(registryFixture);
      await expect(registry.registerInstitution("", "x.example", "", ZERO_HASH, outsider))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryEmptyInstitutionField")
        .withArgs("name");
      await expect(registry.registerInstitution("X", "", "", ZERO_HASH, outsider))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryEmptyInstitutionField")
        .withArgs("identifier");
      await expect(
        registry.registerInstitution("X", "x.example", "", ZERO_HASH, ZeroAddress),
      ).to.be.revertedWithCustomError(registry, "CredentialRegistryZeroAddress");
    });

    it("reverts with InstitutionLimitReached once id 2^24 - 1 is used", async function () {
      const { registry, outsider } = await loadFixture(registryFixture);
      const max = 2n ** 24n - 1n;
      const registryAddress = await registry.getAddress();
      await networkHelpers.setStorageAt(registryAddress, INSTITUTION_COUNT_SLOT, max - 1n);
      expect(await registry.institutionCount()).to.equal(max - 1n); // the slot is the right one

      await expect(registry.registerInstitution("Last", "last.example", "", ZERO_HASH, outsider))
        .to.emit(registry, "InstitutionRegistered")
        .withArgs(max, outsider.address, await registry.defaultAdmin(), "Last", "last.example", "", ZERO_HASH);
      await expect(
        registry.registerInstitution("One more", "more.example", "", ZERO_HASH, outsider),
      ).to.be.revertedWithCustomError(registry, "CredentialRegistryInstitutionLimitReached");
    });
  });

  describe("getInstitution", function () {
    it("reverts for id 0 and for an id not yet registered", async function () {
      const { registry } = await loadFixture(registryFixture);
      for (const unknown of [0, 3, 2 ** 24 - 1]) {
        await expect(registry.getInstitution(unknown))
          .to.be.revertedWithCustomError(registry, "CredentialRegistryUnknownInstitution")
          .withArgs(unknown);
      }
    });
  });

  describe("updateInstitutionMetadata", function () {
    it("replaces name, identifier, URI and hash, keeping status and registration time", async function () {
      const { registry, governor } = await loadFixture(registryFixture);
      const before = await registry.getInstitution(1);
      const tx = registry.connect(governor).updateInstitutionMetadata(1, "Renamed U", "did:web:renamed.edu", "https://r", id("m2"));
      await expect(tx)
        .to.emit(registry, "InstitutionMetadataUpdated")
        .withArgs(1, governor.address, "Renamed U", "did:web:renamed.edu", "https://r", id("m2"));
      expect(await institution(registry, 1)).to.deep.equal({
        status: InstitutionStatus.Active,
        registeredAt: before.registeredAt,
        metadataHash: id("m2"),
        name: "Renamed U",
        identifier: "did:web:renamed.edu",
        metadataURI: "https://r",
      });
    });

    it("rejects unknown institutions and empty fields", async function () {
      const { registry } = await loadFixture(registryFixture);
      await expect(registry.updateInstitutionMetadata(9, "A", "a", "", ZERO_HASH))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryUnknownInstitution")
        .withArgs(9);
      await expect(registry.updateInstitutionMetadata(1, "", "a", "", ZERO_HASH))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryEmptyInstitutionField")
        .withArgs("name");
      await expect(registry.updateInstitutionMetadata(1, "A", "", "", ZERO_HASH))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryEmptyInstitutionField")
        .withArgs("identifier");
    });
  });

  describe("suspendInstitution / reinstateInstitution", function () {
    it("suspends: status Suspended, event with reason, and the institution can no longer anchor", async function () {
      const { registry, governor, anchorer1 } = await loadFixture(registryFixture);
      await expect(registry.connect(governor).suspendInstitution(1, REASON.FRAUD))
        .to.emit(registry, "InstitutionSuspended")
        .withArgs(1, governor.address, REASON.FRAUD);
      expect((await registry.getInstitution(1)).status).to.equal(InstitutionStatus.Suspended);
      await expect(registry.connect(anchorer1).anchor(1, request(id("r"), 1)))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryInstitutionSuspended")
        .withArgs(1);
      await expect(registry.connect(anchorer1).anchorMany(1, 1, ZERO_HASH, [id("r")], [1]))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryInstitutionSuspended")
        .withArgs(1);
    });

    it("leaves other institutions untouched", async function () {
      const { registry, anchorer2 } = await loadFixture(registryFixture);
      await registry.suspendInstitution(1, REASON.FRAUD);
      expect((await registry.getInstitution(2)).status).to.equal(InstitutionStatus.Active);
      await expect(registry.connect(anchorer2).anchor(2, request(id("r"), 1))).to.emit(registry, "BatchAnchored");
    });

    it("reinstates: status Active again, event with reason, and anchoring works again", async function () {
      const { registry, governor, anchorer1 } = await loadFixture(registryFixture);
      await registry.suspendInstitution(1, REASON.FRAUD);
      await expect(registry.connect(governor).reinstateInstitution(1, 3))
        .to.emit(registry, "InstitutionReinstated")
        .withArgs(1, governor.address, 3);
      expect((await registry.getInstitution(1)).status).to.equal(InstitutionStatus.Active);
      await expect(registry.connect(anchorer1).anchor(1, request(id("r"), 1))).to.emit(registry, "BatchAnchored");
    });

    it("rejects suspending twice, reinstating an active institution, and unknown ids", async function () {
      const { registry } = await loadFixture(registryFixture);
      await expect(registry.reinstateInstitution(1, 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryInstitutionNotSuspended")
        .withArgs(1);
      await registry.suspendInstitution(1, 0);
      await expect(registry.suspendInstitution(1, 0))
        .to.be.revertedWithCustomError(registry, "CredentialRegistryInstitutionSuspended")
        .withArgs(1);
      for (const call of [registry.suspendInstitution(7, 0), registry.reinstateInstitution(7, 0)]) {
        await expect(call).to.be.revertedWithCustomError(registry, "CredentialRegistryUnknownInstitution").withArgs(7);
      }
    });
  });

  describe("GOVERNOR_ROLE management (AccessControlDefaultAdminRules)", function () {
    it("lets the default admin grant and revoke GOVERNOR_ROLE", async function () {
      const { registry, governanceAdmin, outsider, GOVERNOR_ROLE } = await loadFixture(registryFixture);
      await expect(registry.grantRole(GOVERNOR_ROLE, outsider))
        .to.emit(registry, "RoleGranted")
        .withArgs(GOVERNOR_ROLE, outsider.address, governanceAdmin.address);
      await expect(registry.connect(outsider).suspendInstitution(1, 0)).to.emit(registry, "InstitutionSuspended");

      await expect(registry.revokeRole(GOVERNOR_ROLE, outsider))
        .to.emit(registry, "RoleRevoked")
        .withArgs(GOVERNOR_ROLE, outsider.address, governanceAdmin.address);
      await expect(registry.connect(outsider).reinstateInstitution(1, 0))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, GOVERNOR_ROLE);
    });

    it("does not let a plain governor (or anyone else) manage GOVERNOR_ROLE", async function () {
      const { registry, governor, admin1, outsider, GOVERNOR_ROLE } = await loadFixture(registryFixture);
      for (const caller of [governor, admin1, outsider]) {
        await expect(registry.connect(caller).grantRole(GOVERNOR_ROLE, outsider))
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, DEFAULT_ADMIN_ROLE);
        await expect(registry.connect(caller).revokeRole(GOVERNOR_ROLE, governor))
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, DEFAULT_ADMIN_ROLE);
      }
    });

    it("lets a governor renounce its own role", async function () {
      const { registry, governor, GOVERNOR_ROLE } = await loadFixture(registryFixture);
      await expect(registry.connect(governor).renounceRole(GOVERNOR_ROLE, governor))
        .to.emit(registry, "RoleRevoked")
        .withArgs(GOVERNOR_ROLE, governor.address, governor.address);
      expect(await registry.hasRole(GOVERNOR_ROLE, governor)).to.equal(false);
    });

    it("rejects renouncing a role on behalf of another account", async function () {
      const { registry, governor, outsider, GOVERNOR_ROLE } = await loadFixture(registryFixture);
      await expect(registry.connect(outsider).renounceRole(GOVERNOR_ROLE, governor)).to.be.revertedWithCustomError(
        registry,
        "AccessControlBadConfirmation",
      );
    });

    it("refuses to grant the default admin role directly", async function () {
      const { registry, outsider } = await loadFixture(registryFixture);
      await expect(registry.grantRole(DEFAULT_ADMIN_ROLE, outsider)).to.be.revertedWithCustomError(
        registry,
        "AccessControlEnforcedDefaultAdminRules",
      );
    });

    it("transfers the default admin role in two steps, only after the delay", async function () {
      const { registry, governanceAdmin, outsider, GOVERNOR_ROLE } = await loadFixture(registryFixture);
      const begin = registry.beginDefaultAdminTransfer(outsider);
      const schedule = (await minedAt(begin)) + ADMIN_TRANSFER_DELAY;
      await expect(begin).to.emit(registry, "DefaultAdminTransferScheduled").withArgs(outsider.address, schedule);

      await expect(registry.connect(outsider).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(registry, "AccessControlEnforcedDefaultAdminDelay")
        .withArgs(schedule);
      await expect(registry.connect(governanceAdmin).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(registry, "AccessControlInvalidDefaultAdmin")
        .withArgs(governanceAdmin.address);

      await time.increaseTo(schedule + 1n);
      await registry.connect(outsider).acceptDefaultAdminTransfer();
      expect(await registry.defaultAdmin()).to.equal(outsider.address);

      // The new default admin manages governors; the old one no longer can.
      await expect(registry.connect(outsider).grantRole(GOVERNOR_ROLE, outsider)).to.emit(registry, "RoleGranted");
      await expect(registry.connect(governanceAdmin).grantRole(GOVERNOR_ROLE, governanceAdmin))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(governanceAdmin.address, DEFAULT_ADMIN_ROLE);
    });
  });
});
