/**
 * Role boundaries, table-driven: every guarded function is called by every kind of actor,
 * with arguments that would otherwise succeed, so the caller is the only variable.
 */
import { expect } from "chai";
import type { ContractTransactionResponse, Signer } from "ethers";
import { id } from "ethers";
import { network } from "hardhat";

import {
  anchoredFixture,
  INSTITUTION_1,
  REASON,
  request,
  ROLE,
  STATUS_ROLES,
  ZERO_HASH,
  type AnchoredFixture,
} from "./helpers/fixtures.js";
import { expectGovernanceAction } from "./helpers/expectations.js";

const { networkHelpers } = await network.create();

const ACTORS = ["admin1", "anchorer1", "revoker1", "governor", "admin2", "anchorer2", "outsider"] as const;
type Actor = (typeof ACTORS)[number];

/** Who may call: governance only, the institution's admins (or a governor), its admins and revokers (or a governor), or its anchorers only. */
type Guard = "governance" | "institutionAdmin" | "statusChange" | "anchorer";

const ALLOWED: Record<Guard, readonly Actor[]> = {
  governance: ["governor"],
  institutionAdmin: ["admin1", "governor"],
  statusChange: ["admin1", "revoker1", "governor"],
  anchorer: ["anchorer1"],
};

const NEEDED_ROLES: Record<Exclude<Guard, "governance">, number> = {
  institutionAdmin: ROLE.ADMIN,
  statusChange: STATUS_ROLES,
  anchorer: ROLE.ANCHORER,
};

interface GuardedCall {
  fn: string;
  guard: Guard;
  event: string;
  prepare?: (f: AnchoredFixture) => Promise<unknown>;
  call: (f: AnchoredFixture, caller: Signer) => Promise<ContractTransactionResponse>;
}

const I1 = INSTITUTION_1.id;

const GUARDED: GuardedCall[] = [
  {
    fn: "registerInstitution",
    guard: "governance",
    event: "InstitutionRegistered",
    call: (f, s) => f.registry.connect(s).registerInstitution("New", "new.example", "", ZERO_HASH, f.outsider),
  },
  {
    fn: "updateInstitutionMetadata",
    guard: "governance",
    event: "InstitutionMetadataUpdated",
    call: (f, s) => f.registry.connect(s).updateInstitutionMetadata(I1, "Renamed", "did:web:example.edu", "", ZERO_HASH),
  },
  {
    fn: "suspendInstitution",
    guard: "governance",
    event: "InstitutionSuspended",
    call: (f, s) => f.registry.connect(s).suspendInstitution(I1, REASON.FRAUD),
  },
  {
    fn: "reinstateInstitution",
    guard: "governance",
    event: "InstitutionReinstated",
    prepare: (f) => f.registry.connect(f.governor).suspendInstitution(I1, REASON.FRAUD),
    call: (f, s) => f.registry.connect(s).reinstateInstitution(I1, 0),
  },
  {
    fn: "grantRoles",
    guard: "institutionAdmin",
    event: "InstitutionRolesGranted",
    call: (f, s) => f.registry.connect(s).grantRoles(I1, f.outsider, ROLE.REVOKER),
  },
  {
    fn: "revokeRoles",
    guard: "institutionAdmin",
    event: "InstitutionRolesRevoked",
    call: (f, s) => f.registry.connect(s).revokeRoles(I1, f.revoker1, ROLE.REVOKER),
  },
  {
    fn: "markKeyCompromised",
    guard: "institutionAdmin",
    event: "AnchoringKeyCompromised",
    call: (f, s) => f.registry.connect(s).markKeyCompromised(I1, f.anchorer1, 1),
  },
  {
    fn: "anchor",
    guard: "anchorer",
    event: "BatchAnchored",
    call: (f, s) => f.registry.connect(s).anchor(I1, request(id("fresh root"), 4)),
  },
  {
    fn: "anchorMany",
    guard: "anchorer",
    event: "BatchesAnchored",
    call: (f, s) => f.registry.connect(s).anchorMany(I1, 1, ZERO_HASH, [id("r1"), id("r2")], [1, 2]),
  },
  {
    fn: "revokeCredentials",
    guard: "statusChange",
    event: "CredentialsRevoked",
    call: (f, s) => f.registry.connect(s).revokeCredentials(f.batchId, [1, 300], REASON.FRAUD),
  },
  {
    fn: "suspendCredentials",
    guard: "statusChange",
    event: "CredentialsSuspended",
    call: (f, s) => f.registry.connect(s).suspendCredentials(f.batchId, [2], REASON.FRAUD),
  },
  {
    fn: "reinstateCredentials",
    guard: "statusChange",
    event: "CredentialsReinstated",
    prepare: (f) => f.registry.connect(f.admin1).suspendCredentials(f.batchId, [3], REASON.FRAUD),
    call: (f, s) => f.registry.connect(s).reinstateCredentials(f.batchId, [3], 0),
  },
  {
    fn: "revokeBatch",
    guard: "statusChange",
    event: "BatchRevoked",
    call: (f, s) => f.registry.connect(s).revokeBatch(f.batchId, REASON.FRAUD),
  },
];

describe("CredentialRegistry: role boundaries", function () {
  for (const guarded of GUARDED) {
    describe(`${guarded.fn} (${guarded.guard})`, function () {
      for (const actor of ACTORS) {
        const allowed = ALLOWED[guarded.guard].includes(actor);
        const viaGovernance = allowed && actor === "governor" && guarded.guard !== "governance";
        const title = allowed
          ? viaGovernance
            ? `lets a governor act for institution 1 and logs GovernanceActedForInstitution(${guarded.fn})`
            : `lets ${actor} call it without a governance log`
          : `rejects ${actor}`;

        it(title, async function () {
          const f = await networkHelpers.loadFixture(anchoredFixture);
          await guarded.prepare?.(f);
          const caller = f[actor];
          const tx = guarded.call(f, caller);
          if (!allowed) {
            if (guarded.guard === "governance") {
              await expect(tx)
                .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
                .withArgs(caller.address, f.GOVERNOR_ROLE);
            } else {
              await expect(tx)
                .to.be.revertedWithCustomError(f.registry, "CredentialRegistryUnauthorized")
                .withArgs(I1, caller.address, NEEDED_ROLES[guarded.guard]);
            }
            return;
          }
          await expect(tx).to.emit(f.registry, guarded.event);
          if (viaGovernance) {
            await expectGovernanceAction(f.registry, tx, I1, caller.address, guarded.fn);
          } else {
            await expect(tx).not.to.emit(f.registry, "GovernanceActedForInstitution");
          }
        });
      }
    });
  }

  it("gives an admin of institution 1 no power over institution 2's batches", async function () {
    const f = await networkHelpers.loadFixture(anchoredFixture);
    for (const call of [
      f.registry.connect(f.admin1).revokeCredentials(f.otherBatchId, [0], 0),
      f.registry.connect(f.admin1).suspendCredentials(f.otherBatchId, [0], 0),
      f.registry.connect(f.admin1).reinstateCredentials(f.otherBatchId, [0], 0),
      f.registry.connect(f.admin1).revokeBatch(f.otherBatchId, 0),
    ]) {
      await expect(call)
        .to.be.revertedWithCustomError(f.registry, "CredentialRegistryUnauthorized")
        .withArgs(2, f.admin1.address, STATUS_ROLES);
    }
  });

  it("never lets governance anchor, even for an institution it can otherwise act for", async function () {
    const f = await networkHelpers.loadFixture(anchoredFixture);
    await expect(f.registry.connect(f.governanceAdmin).anchor(I1, request(id("gov root"), 1)))
      .to.be.revertedWithCustomError(f.registry, "CredentialRegistryUnauthorized")
      .withArgs(I1, f.governanceAdmin.address, ROLE.ANCHORER);
  });

  it("lets a governor that also holds an institution role act without a governance log", async function () {
    const f = await networkHelpers.loadFixture(anchoredFixture);
    await f.registry.connect(f.admin1).grantRoles(I1, f.governor, ROLE.REVOKER);
    const tx = f.registry.connect(f.governor).revokeCredentials(f.batchId, [5], 0);
    await expect(tx).to.emit(f.registry, "CredentialsRevoked");
    await expect(tx).not.to.emit(f.registry, "GovernanceActedForInstitution");
  });
});
