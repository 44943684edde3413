/**
 * Verification scenarios on a real chain (Hardhat's in-process EDR network, reached by
 * viem through its EIP-1193 provider): each scenario issues through the real registry
 * and checks the report's verdict and the check that decided it.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { type PublicClient, createPublicClient, custom, http } from "viem";

import { attachProof } from "../../core/proof.ts";
import { buildBatchFromHashes, hashCredentials, iterateBatchEntries } from "../../core/batch.ts";
import { createOpenBadgeCredential } from "../../core/openbadge.ts";
import { ANCHOR_FORMAT_VERSION } from "../../core/roles.ts";
import { verifyCredential, verifyCredentials } from "../../core/verify/verifyCredentials.ts";
import type { VerificationReport } from "../../core/verify/types.ts";
import { registrySelectorsOf } from "./helpers.ts";
import { SNAPSHOT_MAX_LEAVES_PER_CALL } from "../../core/registrySnapshot.ts";
import { createRegistryClient } from "../../core/registryClient.ts";
import { readTimeline } from "../../core/timeline.ts";

const ISSUER = { id: "did:web:uni.example", name: "Example University" };
const ACHIEVEMENT = {
  id: "https://uni.example/badges/solidity-101",
  name: "Solidity 101",
  description: "Wrote and tested a smart contract.",
  criteria: { narrative: "Passed the final project." },
};

const { ethers, networkHelpers, provider } = await network.create();
const [governor, admin, anchorer, revoker] = await ethers.getSigners();
const client = createPublicClient({ transport: custom(provider) }) as PublicClient;

async function deployFixture() {
  const registry = await (await ethers.getContractFactory("CredentialRegistry")).deploy(governor!.address, 0);
  await registry.registerInstitution("Example University", ISSUER.id, "", ethers.ZeroHash, admin!.address);
  await registry.connect(admin).grantRoles(1, anchorer!.address, 2);
  await registry.connect(admin).grantRoles(1, revoker!.address, 4);
  return { registry, address: (await registry.getAddress()) as `0x${string}` };
}

type Fixture = Awaited<ReturnType<typeof deployFixture>>;

/** Builds, anchors and attaches proofs: the path the service and `issue --local` take. */
async function issue(
  fixture: Fixture,
  count: number,
  overrides: { validFrom?: string; validUntil?: string; edit?: (credential: Record<string, unknown>, index: number) => void } = {},
) {
  const credentials = Array.from({ length: count }, (_, i) => {
    const credential = createOpenBadgeCredential({
      issuer: ISSUER,
      achievement: ACHIEVEMENT,
      recipient: { email: `student${i}@uni.example` },
      validFrom: overrides.validFrom ?? "2020-01-01T00:00:00Z",
      validUntil: overrides.validUntil,
    });
    overrides.edit?.(credential as Record<string, unknown>, i);
    return credential;
  });
  // An edited credential may be one our own issuing paths would refuse (as another tool could
  // issue it), so edited batches skip the schema validation of buildBatch.
  const built = buildBatchFromHashes(hashCredentials({ credentials, validate: overrides.edit === undefined }));
  const batch = { ...built, entries: [...iterateBatchEntries({ batch: built })] };
  const tx = await fixture.registry
    .connect(anchorer)
    .anchor(1, { merkleRoot: batch.merkleRoot, leafCount: batch.leafCount, formatVersion: ANCHOR_FORMAT_VERSION, manifestHash: ethers.ZeroHash });
  const receipt = (await tx.wait())!;
  const block = (await ethers.provider.getBlock(receipt.blockNumber))!;
  const portable = batch.entries.map((entry, i) =>
    attachProof({
      credential: credentials[i]!,
      anchor: {
        chain: 31337,
        registry: fixture.address,
        institutionId: 1,
        merkleRoot: batch.merkleRoot,
        leafCount: batch.leafCount,
        ...entry,
        anchorTransaction: receipt.hash as `0x${string}`,
        anchorBlock: receipt.blockNumber,
        created: new Date(block.timestamp * 1000),
      },
    }),
  );
  const batchId = await fixture.registry.batchIdOf(1, batch.merkleRoot);
  return { portable, batchId };
}

function check(report: VerificationReport, id: string) {
  const found = report.checks.find((entry) => entry.id === id);
  expect(found, `check ${id}`).to.not.equal(undefined);
  return found!;
}

describe("verifyCredential on a real chain", () => {
  it("verify-valid: reports every check valid for a freshly anchored credential", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable } = await issue(fixture, 3);
    const report = await verifyCredential({ credential: portable[1], client, trustedRegistries: [fixture.address] });
    expect(report.status).to.equal("valid");
    expect(report.checks.map((entry) => [entry.id, entry.outcome])).to.deep.equal([
      ["format", "valid"],
      ["integrity", "valid"],
      ["signature", "skipped"],
      ["inclusion", "valid"],
      ["validityPeriod", "valid"],
      ["anchored", "valid"],
      ["issuer", "valid"],
      ["status", "valid"],
      ["confirmations", "valid"],
    ]);
    expect(check(report, "issuer").reason).to.include("Example University");
  });

  it("verify-tampered: one changed field fails integrity and skips the chain", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable } = await issue(fixture, 2);
    const tampered = structuredClone(portable[0]) as Record<string, any>;
    tampered.credentialSubject.achievement.name = "Solidity 999";
    const report = await verifyCredential({ credential: tampered, client, trustedRegistries: [fixture.address] });
    expect(report.status).to.equal("invalid");
    expect(check(report, "integrity").outcome).to.equal("invalid");
    expect(check(report, "anchored").outcome).to.equal("skipped");
  });

  it("verify-revoked: reports the revocation with its reason code", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable, batchId } = await issue(fixture, 4);
    await fixture.registry.connect(revoker).revokeCredentials(batchId, [2], 2);
    const [kept, revoked] = await verifyCredentials({ credentials: [portable[1], portable[2]], client, trustedRegistries: [fixture.address] });
    expect(kept!.status).to.equal("valid");
    expect(revoked!.status).to.equal("invalid");
    expect(check(revoked!, "status").reason).to.equal("revoked by the issuer: superseded by a newer credential (reason 2)");
    expect(check(revoked!, "status").details).to.include({ registryStatus: "revoked", reasonCode: 2 });
  });

  it("the page's narrow client (createRegistryClient) reaches the same reports and history as a full PublicClient", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable, batchId } = await issue(fixture, 4);
    await fixture.registry.connect(revoker).revokeCredentials(batchId, [2], 2);
    const narrow = createRegistryClient({ transport: custom(provider) });
    expect(narrow).to.not.have.property("verifyMessage"); // only the actions core calls
    const options = { credentials: [portable[1], portable[2]], trustedRegistries: [fixture.address] };
    const viaNarrow = await verifyCredentials({ ...options, client: narrow });
    const viaFull = await verifyCredentials({ ...options, client });
    expect(viaNarrow.map((report) => report.status)).to.deep.equal(["valid", "invalid"]);
    expect(viaNarrow).to.deep.equal(viaFull);
    const history = await readTimeline({ client: narrow, report: viaNarrow[1]! });
    expect(history).to.deep.equal(await readTimeline({ client, report: viaFull[1]! }));
    expect(history.length).to.be.greaterThan(1); // anchored, then revoked
  });

  it("verify-suspended: invalid while suspended, valid again once reinstated", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable, batchId } = await issue(fixture, 2);
    await fixture.registry.connect(revoker).suspendCredentials(batchId, [0], 8);
    const suspended = await verifyCredential({ credential: portable[0], client, trustedRegistries: [fixture.address] });
    expect(suspended.status).to.equal("invalid");
    expect(check(suspended, "status").reason).to.include("suspended by the issuer: under investigation (reason 8)");
    await fixture.registry.connect(revoker).reinstateCredentials(batchId, [0], 10);
    expect((await verifyCredential({ credential: portable[0], client, trustedRegistries: [fixture.address] })).status).to.equal("valid");
  });

  it("verify-batch-revoked: every credential of the batch is invalid", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable, batchId } = await issue(fixture, 3);
    await fixture.registry.connect(admin).revokeBatch(batchId, 1);
    const reports = await verifyCredentials({ credentials: portable, client, trustedRegistries: [fixture.address] });
    for (const report of reports) {
      expect(report.status).to.equal("invalid");
      expect(check(report, "status").reason).to.equal("the whole batch was revoked: issued in error (reason 1)");
    }
  });

  it("verify-institution-suspended: the issuer check fails while governance suspends it", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable } = await issue(fixture, 1);
    await fixture.registry.connect(governor).suspendInstitution(1, 5);
    const report = await verifyCredential({ credential: portable[0], client, trustedRegistries: [fixture.address] });
    expect(report.status).to.equal("invalid");
    expect(check(report, "issuer").reason).to.include("is suspended by registry governance");
    expect(check(report, "status").details).to.include({ registryStatus: "institutionSuspended" });
  });

  it("verify-key-compromised: batches before the cut-off stay valid, later ones fail", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const before = await issue(fixture, 1);
    await networkHelpers.time.increase(3600);
    const cutoff = (await networkHelpers.time.latest()) + 1;
    await networkHelpers.time.setNextBlockTimestamp(cutoff);
    const after = await issue(fixture, 1);
    await fixture.registry.connect(admin).markKeyCompromised(1, anchorer!.address, cutoff);
    const [early, late] = await verifyCredentials({ credentials: [before.portable[0], after.portable[0]], client, trustedRegistries: [fixture.address] });
    expect(early!.status).to.equal("valid");
    expect(check(early!, "issuer").details).to.include({ anchorerCompromisedLater: true });
    expect(late!.status).to.equal("invalid");
    expect(check(late!, "issuer").reason).to.include("was reported compromised");
    expect(check(late!, "status").details).to.include({ registryStatus: "anchoringKeyCompromised" });
  });

  it("verify-expired and verify-not-yet-valid: judged against `now`", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable } = await issue(fixture, 1, { validFrom: "2026-01-01T00:00:00Z", validUntil: "2027-01-01T00:00:00Z" });
    const expired = await verifyCredential({ credential: portable[0], client, trustedRegistries: [fixture.address], now: new Date("2027-06-01T00:00:00Z") });
    expect(expired.status).to.equal("invalid");
    expect(check(expired, "validityPeriod").reason).to.equal("expired on 2027-01-01T00:00:00Z");
    const early = await verifyCredential({ credential: portable[0], client, trustedRegistries: [fixture.address], now: new Date("2025-06-01T00:00:00Z") });
    expect(check(early, "validityPeriod").reason).to.equal("not yet valid: valid from 2026-01-01T00:00:00Z");
    const inside = await verifyCredential({ credential: portable[0], client, trustedRegistries: [fixture.address], now: new Date("2026-06-01T00:00:00Z") });
    expect(inside.status).to.equal("valid");
  });

  it("verify-unparseable-dates: a validFrom or validUntil that is not a date-time is invalid, not \"no expiry\"", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const bad: Array<[string, unknown]> = [
      ["validUntil", "2020-13-45"],
      ["validUntil", 1767225600],
      ["validUntil", "tomorrow"],
      ["validFrom", "2020-02-30T00:00:00Z"],
      ["validFrom", "2020-01-01"],
    ];
    const { portable } = await issue(fixture, bad.length, {
      edit: (credential, i) => {
        credential[bad[i]![0]] = bad[i]![1];
      },
    });
    const reports = await verifyCredentials({ credentials: portable, client, trustedRegistries: [fixture.address], now: new Date("2026-06-01T00:00:00Z") });
    reports.forEach((report, i) => {
      expect(check(report, "integrity").outcome, `case ${i}`).to.equal("valid"); // the dates are what was anchored
      expect(report.status, `case ${i}`).to.equal("invalid");
      expect(check(report, "validityPeriod").details, `case ${i}`).to.deep.include({ code: "CA_CREDENTIAL_INVALID", field: bad[i]![0] });
    });
    expect(check(reports[0]!, "validityPeriod").reason).to.match(/^validUntil "2020-13-45" is not a date-time/);
  });

  it("verify-pending: fewer confirmations than required is pending, not valid", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable } = await issue(fixture, 1);
    const pending = await verifyCredential({ credential: portable[0], client, trustedRegistries: [fixture.address], requiredConfirmations: 3 });
    expect(pending.status).to.equal("pending");
    expect(check(pending, "confirmations").reason).to.equal("1 of 3 required confirmations so far; check again later");
    await networkHelpers.mine(2);
    expect((await verifyCredential({ credential: portable[0], client, trustedRegistries: [fixture.address], requiredConfirmations: 3 })).status).to.equal("valid");
  });

  it("verify-wrong-chain: an RPC serving another chain is an error, never invalid", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable } = await issue(fixture, 1);
    const other = await network.create({ override: { chainId: 5151 } });
    const otherClient = createPublicClient({ transport: custom(other.provider) }) as PublicClient;
    const report = await verifyCredential({ credential: portable[0], client: otherClient, trustedRegistries: [fixture.address] });
    expect(report.status).to.equal("error");
    expect(check(report, "anchored").reason).to.include("serves eip155:5151");
    await other.close();
  });

  it("verify-chain-not-allowed: a credential from a chain outside the allow-list is invalid", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable } = await issue(fixture, 1);
    const report = await verifyCredential({ credential: portable[0], client, trustedRegistries: [fixture.address], allowedChains: ["eip155:1"] });
    expect(report.status).to.equal("invalid");
    expect(check(report, "anchored").reason).to.include("not an allowed chain");
  });

  it("verify-wrong-registry: an untrusted or empty registry address is invalid", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable } = await issue(fixture, 1);
    const untrusted = await verifyCredential({
      credential: portable[0],
      client,
      trustedRegistries: ["0x000000000000000000000000000000000000dEaD"],
    });
    expect(untrusted.status).to.equal("invalid");
    expect(check(untrusted, "anchored").reason).to.include("is not one of the trusted registries");

    const moved = structuredClone(portable[0]) as Record<string, any>;
    moved.proof.registry = "0x000000000000000000000000000000000000dead";
    moved.credentialStatus.registry = moved.proof.registry;
    moved.credentialStatus.id = `eip155:31337:${moved.proof.registry}/${moved.proof.batchId}/${moved.proof.leafIndex}`;
    const empty = await verifyCredential({ credential: moved, client, trustedRegistries: [moved.proof.registry] });
    expect(empty.status).to.equal("invalid");
    expect(check(empty, "anchored").reason).to.include("there is no registry contract");
  });

  it("bulk verification settles each registry and batch on its own: an untrusted or empty registry leaves the others valid", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const first = await issue(fixture, 3);
    const second = await issue(fixture, 2);
    const elsewhere = (registry: string) => {
      const moved = structuredClone(first.portable[0]) as Record<string, any>;
      moved.proof.registry = registry;
      moved.credentialStatus.registry = registry;
      moved.credentialStatus.id = `eip155:31337:${registry}/${moved.proof.batchId}/${moved.proof.leafIndex}`;
      return moved;
    };
    const untrusted = elsewhere("0x000000000000000000000000000000000000bEEF");
    const noCode = elsewhere("0x000000000000000000000000000000000000dEaD");
    const reports = await verifyCredentials({
      credentials: [untrusted, ...first.portable, noCode, ...second.portable],
      client,
      trustedRegistries: [fixture.address, noCode.proof.registry],
    });
    expect(reports.map((report) => report.status)).to.deep.equal(["invalid", "valid", "valid", "valid", "invalid", "valid", "valid"]);
    expect(check(reports[0]!, "anchored").details).to.include({ code: "CA_REGISTRY_UNTRUSTED" });
    expect(check(reports[4]!, "anchored").reason).to.include("there is no registry contract");
  });

  it("verify-look-alike-registry: a copy of the registry with a look-alike institution passes only where it is trusted", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    // An attacker deploys the same contract, registers an institution with the victim's DID
    // and anchors a credential of their own making: every on-chain fact checks out there.
    const forger = (await ethers.getSigners())[9]!;
    const copy = await (await ethers.getContractFactory("CredentialRegistry")).connect(forger).deploy(forger.address, 0);
    await copy.registerInstitution("Example University", ISSUER.id, "", ethers.ZeroHash, forger.address);
    await copy.grantRoles(1, anchorer!.address, 2);
    const forged = (await issue({ registry: copy, address: (await copy.getAddress()) as `0x${string}` }, 1)).portable[0];

    const pinned = await verifyCredential({ credential: forged, client, trustedRegistries: [fixture.address] });
    expect(pinned.status).to.equal("invalid");
    expect(check(pinned, "anchored").details).to.include({ code: "CA_REGISTRY_UNTRUSTED" });
    expect(check(pinned, "issuer").outcome).to.equal("skipped");

    const nothingTrusted = await verifyCredential({ credential: forged, client, trustedRegistries: [] });
    expect(nothingTrusted.status).to.equal("invalid");
    expect(check(nothingTrusted, "anchored").reason).to.include("no trusted registry was given");

    // Only an explicit "any" accepts it, and the report says the registry was not checked.
    const anything = await verifyCredential({ credential: forged, client, trustedRegistries: "any" });
    expect(anything.status).to.equal("valid");
    expect(check(anything, "anchored").reason).to.include("NOT checked against a trusted list");
    expect(check(anything, "anchored").details).to.include({ registryTrusted: false });
  });

  it("verify-rpc-unreachable: reports error on the chain checks, never revoked or invalid", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable } = await issue(fixture, 1);
    const dead = createPublicClient({ transport: http("http://127.0.0.1:9", { retryCount: 0, timeout: 2_000 }) });
    const report = await verifyCredential({ credential: portable[0], client: dead as PublicClient, trustedRegistries: [fixture.address] });
    expect(report.status).to.equal("error");
    expect(check(report, "integrity").outcome).to.equal("valid");
    expect(check(report, "anchored").outcome).to.equal("error");
    expect(check(report, "anchored").reason).to.include("could not reach the chain");
    expect(report.checks.some((entry) => entry.outcome === "invalid")).to.equal(false);
  });

  it("reports the status as of a past moment from the registry's events", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable, batchId } = await issue(fixture, 2);
    await networkHelpers.time.increase(100);
    const beforeRevocation = new Date((await networkHelpers.time.latest()) * 1000);
    await networkHelpers.time.increase(100);
    await fixture.registry.connect(revoker).revokeCredentials(batchId, [0], 5);
    const past = await verifyCredential({ credential: portable[0], client, trustedRegistries: [fixture.address], at: beforeRevocation });
    expect(past.status).to.equal("valid");
    expect(check(past, "status").reason).to.include("as of");
    const present = await verifyCredential({ credential: portable[0], client, trustedRegistries: [fixture.address] });
    expect(present.status).to.equal("invalid");
  });

  it("bulk verification makes one status call per batch, not one per credential", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const first = await issue(fixture, 40);
    const second = await issue(fixture, 25);
    const calls: string[] = [];
    const methods: string[] = [];
    let ethCalls = 0;
    const counting = createPublicClient({
      transport: custom({
        request: async (request: { method: string; params?: unknown }) => {
          methods.push(request.method);
          if (request.method === "eth_call") {
            const data = ((request.params as [{ data?: string; input?: string }])[0].data ??
              (request.params as [{ input?: string }])[0].input) as string;
            ethCalls += 1;
            calls.push(...registrySelectorsOf(data));
          }
          return provider.request(request as never);
        },
      }),
    }) as PublicClient;
    const reports = await verifyCredentials({ credentials: [...first.portable, ...second.portable], client: counting, trustedRegistries: [fixture.address] });
    expect(reports.every((report) => report.status === "valid")).to.equal(true);
    const statusSelector = fixture.registry.interface.getFunction("credentialStatuses")!.selector;
    expect(calls.filter((selector) => selector === statusSelector)).to.have.length(2);
    // One combined read for the registry (version, both batches with their statuses, the
    // institution) and one for the anchoring key, not one eth_call per fact.
    expect(ethCalls).to.equal(2);
    // Each anchoring is found from its transaction's receipt, without a block or log search.
    expect(methods.filter((method) => method === "eth_getLogs" || method === "eth_getBlockByNumber")).to.deep.equal([]);
    expect(methods.length).to.be.lessThan(10);
  });

  it("a batch with more credentials than one combined read carries gets its own status call, and every credential verifies", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const large = await issue(fixture, SNAPSHOT_MAX_LEAVES_PER_CALL + 400);
    const small = await issue(fixture, 3);
    const calls: string[] = [];
    const counting = createPublicClient({
      transport: custom({
        request: async (request: { method: string; params?: unknown }) => {
          if (request.method === "eth_call") {
            const [call] = request.params as [{ data?: string; input?: string }];
            calls.push(...registrySelectorsOf(call.data ?? call.input ?? ""));
          }
          return provider.request(request as never);
        },
      }),
    }) as PublicClient;
    const reports = await verifyCredentials({ credentials: [...large.portable, ...small.portable], client: counting, trustedRegistries: [fixture.address] });
    expect(reports.filter((report) => report.status !== "valid").map((report) => report.checks.filter((check) => check.outcome !== "valid"))).to.deep.equal([]);
    // One status read per batch: the small one inside the combined read, the large one alone
    // (a deployless call returns its answers as contract code, capped at 24,576 bytes by
    // EIP-170: with 912 statuses the combined read would fail and every batch be read again).
    const statusSelector = fixture.registry.interface.getFunction("credentialStatuses")!.selector;
    expect(calls.filter((selector) => selector === statusSelector)).to.have.length(2);
  });

  it("with statusWindow 256, credentials of one status word make the same status call, and each gets its own status", async () => {
    const fixture = await networkHelpers.loadFixture(deployFixture);
    const { portable, batchId } = await issue(fixture, 5);
    await fixture.registry.connect(revoker).revokeCredentials(batchId, [3], 2);
    const statusSelector = fixture.registry.interface.getFunction("credentialStatuses")!.selector;
    const statusCalls: string[] = [];
    const recording = createPublicClient({
      transport: custom({
        request: async (request: { method: string; params?: unknown }) => {
          const data = request.method === "eth_call" ? (request.params as [{ data?: string; input?: string }])[0] : undefined;
          const input = data?.data ?? data?.input;
          // Direct, or inside the combined (multicall) registry read.
          if (input?.includes(statusSelector.slice(2))) statusCalls.push(input);
          return provider.request(request as never);
        },
      }),
    }) as PublicClient;
    // One credential per call, as separate public requests would come.
    const verifyOne = (credential: unknown, statusWindow?: number) =>
      verifyCredential({ credential, client: recording, trustedRegistries: [fixture.address], statusWindow });
    const [first, revoked, last] = [await verifyOne(portable[0], 256), await verifyOne(portable[3], 256), await verifyOne(portable[4], 256)];
    expect([first.status, revoked.status, last.status]).to.deep.equal(["valid", "invalid", "valid"]);
    expect(check(revoked, "status").details).to.include({ registryStatus: "revoked", reasonCode: 2 });
    expect(statusCalls).to.have.length(3);
    expect(new Set(statusCalls).size, "one and the same call").to.equal(1);
    // Leaves past the batch's end (5 of a 256-window) read as out of range, without a revert.
    statusCalls.length = 0;
    await verifyOne(portable[0]);
    await verifyOne(portable[4]);
    expect(new Set(statusCalls).size, "by default, the exact leaf").to.equal(2);
  });
});
