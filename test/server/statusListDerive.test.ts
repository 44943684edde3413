/**
 * The revocation bits derived from indexed registry events (server/statusList/derive.ts),
 * on hand-made event rows: which chain statuses set a bit (revoked, batch revoked, key
 * compromised before the anchoring) and which leave it clear (suspended, reinstated after
 * a suspension, institution suspended, a compromise cut-off after the anchoring or of
 * another key).
 */
import { expect } from "chai";

import { deriveRevokedPositions } from "../../server/statusList/derive.ts";
import type { RegistryEventName, RegistryEventRow, StatusListPosition } from "../../server/store/types.ts";

const ANCHORER = "0x00000000000000000000000000000000000000a1";
const OTHER_KEY = "0x00000000000000000000000000000000000000b2";
const BATCH_A = `0x${"aa".repeat(32)}` as const;
const BATCH_B = `0x${"bb".repeat(32)}` as const;

let position = 0;
function event(name: RegistryEventName, fields: Partial<RegistryEventRow> & { args?: Record<string, unknown> }): RegistryEventRow {
  position++;
  return {
    blockNumber: position,
    blockHash: `0x${position.toString(16).padStart(64, "0")}`,
    logIndex: 0,
    txHash: `0x${position.toString(16).padStart(64, "0")}`,
    timestamp: 1_000 + position,
    name,
    institutionId: 1,
    chainBatchId: null,
    wordIndex: null,
    actor: ANCHORER,
    ...fields,
    args: fields.args ?? {},
  };
}
const anchored = (chainBatchId: `0x${string}`) => event("BatchAnchored", { chainBatchId, args: { anchorer: ANCHORER } });
/** A Credentials* event over leaves in window 0. */
const leaves = (name: RegistryEventName, chainBatchId: `0x${string}`, indices: number[]) =>
  event(name, { chainBatchId, wordIndex: 0, args: { mask: indices.reduce((mask, index) => mask | (1n << BigInt(index)), 0n).toString(), reason: 1 } });

/** Every credential of a batch sits at list 0, index = 1000 × batch + leaf (batch A = 1, B = 2). */
function storeWith(events: RegistryEventRow[]) {
  const batchNumber = (id: string) => (id === BATCH_A ? 1 : 2);
  return {
    listInstitutionEvents: async () => events,
    listStatusPositions: async ({ chainBatchId, leafIndices }: { chainBatchId: `0x${string}`; leafIndices?: readonly number[] | undefined }): Promise<StatusListPosition[]> =>
      (leafIndices ?? [0, 1, 2, 3]).map((leaf) => ({ listNumber: 0, index: 1000 * batchNumber(chainBatchId) + leaf })),
  };
}
const bitsOf = async (events: RegistryEventRow[]) => [...((await deriveRevokedPositions({ store: storeWith(events), institutionId: 1 })).get(0) ?? [])].sort((a, b) => a - b);

describe("status list bits derived from the event index", function () {
  it("sets revoked credentials' bits only, not suspended ones, nor ones suspended and reinstated", async function () {
    const events = [anchored(BATCH_A), leaves("CredentialsRevoked", BATCH_A, [1]), leaves("CredentialsSuspended", BATCH_A, [2, 3]), leaves("CredentialsReinstated", BATCH_A, [3])];
    expect(await bitsOf(events)).to.deep.equal([1001]);
  });

  it("keeps a revocation when the credential is later 'reinstated' (reinstatement lifts suspensions only)", async function () {
    expect(await bitsOf([anchored(BATCH_A), leaves("CredentialsRevoked", BATCH_A, [0]), leaves("CredentialsReinstated", BATCH_A, [0])])).to.deep.equal([1000]);
  });

  it("sets every bit of a revoked batch, and none of another batch", async function () {
    expect(await bitsOf([anchored(BATCH_A), anchored(BATCH_B), event("BatchRevoked", { chainBatchId: BATCH_B, args: { reason: 1 } })])).to.deep.equal([2000, 2001, 2002, 2003]);
  });

  it("leaves every bit clear while the institution is suspended (reversible)", async function () {
    expect(await bitsOf([anchored(BATCH_A), event("InstitutionSuspended", { args: { reason: 6 } })])).to.deep.equal([]);
  });

  it("sets the bits of batches its compromised anchoring key anchored at or after the cut-off, not before, not another key's", async function () {
    const early = anchored(BATCH_A); // timestamp 1000 + position
    const late = anchored(BATCH_B);
    const cutOff = late.timestamp; // batch B at the cut-off: compromised; batch A before it: stays valid
    expect(await bitsOf([early, late, event("AnchoringKeyCompromised", { args: { account: ANCHORER, compromisedFrom: cutOff } })])).to.deep.equal([2000, 2001, 2002, 2003]);
    expect(await bitsOf([early, late, event("AnchoringKeyCompromised", { args: { account: OTHER_KEY, compromisedFrom: 0 } })])).to.deep.equal([]);
  });

  it("ignores status events of a batch whose anchoring the index has not seen", async function () {
    expect(await bitsOf([leaves("CredentialsRevoked", BATCH_A, [1])])).to.deep.equal([]);
  });
});
