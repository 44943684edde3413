/**
 * Domain assertions: each checks a return value, the stored record and/or the emitted
 * events in one call, so the tests read as statements about the registry.
 */
import { expect } from "chai";
import type { ContractTransactionResponse, Interface, LogDescription } from "ethers";

import type { CredentialRegistry } from "../../../types/ethers-contracts/index.js";
import { Status, type StatusName } from "./fixtures.js";

type Tx = ContractTransactionResponse | Promise<ContractTransactionResponse>;

/** Block timestamp of the block that mined `tx`. */
export async function minedAt(tx: Tx): Promise<bigint> {
  const receipt = await (await tx).wait();
  const block = await receipt!.getBlock();
  return BigInt(block.timestamp);
}

/** getKeyRecord as a plain object. */
export async function keyRecord(registry: CredentialRegistry, institutionId: number, account: string | { address: string }) {
  const record = await registry.getKeyRecord(institutionId, typeof account === "string" ? account : account.address);
  return { roles: record.roles, compromisedFrom: record.compromisedFrom };
}

/** getInstitution as a plain object. */
export async function institution(registry: CredentialRegistry, institutionId: number) {
  const r = await registry.getInstitution(institutionId);
  return {
    status: r.status,
    registeredAt: r.registeredAt,
    metadataHash: r.metadataHash,
    name: r.name,
    identifier: r.identifier,
    metadataURI: r.metadataURI,
  };
}

/** All logs of `tx` emitted by `registry`, decoded, in order. */
export async function decodedLogs(registry: CredentialRegistry, tx: Tx): Promise<LogDescription[]> {
  const receipt = await (await tx).wait();
  const address = (await registry.getAddress()).toLowerCase();
  return receipt!.logs
    .filter((log) => log.address.toLowerCase() === address)
    .map((log) => registry.interface.parseLog(log)!)
    .filter((parsed) => parsed !== null);
}

export interface ExpectedBatch {
  anchorer: string;
  anchoredAt: bigint;
  leafCount: bigint | number;
  institutionId: bigint | number;
  revocation?: { revoked: boolean; revokedAt: bigint; reason: bigint | number };
}

/** getBatch returns exactly these fields (and no whole-batch revocation unless given). */
export async function expectBatch(registry: CredentialRegistry, batchId: string, expected: ExpectedBatch) {
  const [batch, revocation] = await registry.getBatch(batchId);
  expect({
    anchorer: batch.anchorer,
    anchoredAt: batch.anchoredAt,
    leafCount: batch.leafCount,
    institutionId: batch.institutionId,
  }).to.deep.equal({
    anchorer: expected.anchorer,
    anchoredAt: expected.anchoredAt,
    leafCount: BigInt(expected.leafCount),
    institutionId: BigInt(expected.institutionId),
  });
  const wanted = expected.revocation ?? { revoked: false, revokedAt: 0n, reason: 0 };
  expect({ revoked: revocation.revoked, revokedAt: revocation.revokedAt, reason: revocation.reason }).to.deep.equal({
    revoked: wanted.revoked,
    revokedAt: wanted.revokedAt,
    reason: BigInt(wanted.reason),
  });
}

/**
 * Every listed index has the given status, read one at a time with credentialStatus and in
 * one call with credentialStatuses (the two must agree).
 */
export async function expectStatuses(
  registry: CredentialRegistry,
  batchId: string,
  expected: Record<number | string, StatusName>,
) {
  const indices = Object.keys(expected).map((k) => BigInt(k));
  const wanted = Object.values(expected);
  const single: StatusName[] = [];
  for (const index of indices) single.push(statusName(await registry.credentialStatus(batchId, index)));
  const bulk = (await registry.credentialStatuses(batchId, indices)).map(statusName);
  expect(single, "credentialStatus").to.deep.equal(wanted);
  expect(bulk, "credentialStatuses").to.deep.equal(wanted);
}

export function statusName(value: bigint): StatusName {
  const name = (Object.keys(Status) as StatusName[]).find((k) => Status[k] === value);
  if (name === undefined) throw new Error(`unknown status ${value}`);
  return name;
}

/** Groups leaf indices into the {wordIndex → mask} windows the registry flushes, in input order. */
export function windowsOf(indices: readonly (number | bigint)[]): Array<[bigint, bigint]> {
  const windows: Array<[bigint, bigint]> = [];
  for (const raw of indices) {
    const index = BigInt(raw);
    const word = index >> 8n;
    const bit = 1n << (index & 0xffn);
    const last = windows.at(-1);
    if (last && last[0] === word) last[1] |= bit;
    else windows.push([word, bit]);
  }
  return windows;
}

/**
 * `tx` emitted exactly one `eventName` (CredentialsRevoked/Suspended/Reinstated) per
 * 256-index window of `indices`, with the window's mask, `actor` and `reason`, and nothing
 * else of that kind.
 */
export async function expectStatusWindows(
  registry: CredentialRegistry,
  tx: Tx,
  eventName: "CredentialsRevoked" | "CredentialsSuspended" | "CredentialsReinstated",
  expected: { batchId: string; actor: string; reason: number; indices: readonly (number | bigint)[] },
) {
  const logs = (await decodedLogs(registry, tx)).filter((log) => log.name === eventName);
  expect(logs.map((log) => [log.args.batchId, log.args.wordIndex, log.args.actor, log.args.mask, log.args.reason])).to.deep.equal(
    windowsOf(expected.indices).map(([word, mask]) => [expected.batchId, word, expected.actor, mask, BigInt(expected.reason)]),
  );
}

/** `tx` logged GovernanceActedForInstitution(institutionId, governor, selector of `fn`). */
export async function expectGovernanceAction(
  registry: CredentialRegistry,
  tx: Tx,
  institutionId: number,
  governor: string,
  fn: string,
) {
  const selector = (registry.interface as Interface).getFunction(fn)!.selector;
  await expect(tx).to.emit(registry, "GovernanceActedForInstitution").withArgs(institutionId, governor, selector);
}
