/**
 * A credential's status history, rebuilt from the registry's events: the reason codes
 * behind a "revoked" or "suspended" answer, and the status as of a past moment.
 *
 * Every status change is an event indexed by batch id and 256-index window, so the
 * history of one credential is three indexed log queries, never a scan of the chain.
 */
import type { Address, Hex } from "viem";

import { credentialRegistryAbi } from "./abi/credentialRegistryAbi.ts";
import { credentialRegistryV2Abi } from "./abi/credentialRegistryV2Abi.ts";
import { type CredentialStatusName, type RegistryLocation, type RegistryVersion, rpcRead } from "./registry.ts";

/** One change that touched a credential (or its whole batch, institution or anchoring key). */
export type StatusEvent = {
  readonly kind:
    | "revoked"
    | "suspended"
    | "reinstated"
    | "batchRevoked"
    | "institutionSuspended"
    | "institutionReinstated"
    | "anchoringKeyCompromised"
    /** Registry v2: a revocation set by a compromised key after its cut-off was cleared. */
    | "revocationCleared";
  readonly reason: number;
  readonly actor: Address;
  readonly blockNumber: bigint;
  readonly logIndex: number;
  readonly transactionHash: Hex;
  /** For anchoringKeyCompromised: the cut-off timestamp (seconds). */
  readonly compromisedFrom?: number;
  /** For revocationCleared: the compromised key whose revocation was cleared. */
  readonly compromisedAccount?: Address;
};

/** What {@link readStatusHistory} needs. */
export type ReadStatusHistoryParameters = RegistryLocation & {
  readonly batchId: Hex;
  readonly leafIndex: number;
  readonly institutionId: number;
  readonly anchorer: Address;
  /** Only events up to this block (inclusive); default: latest. */
  readonly toBlock?: bigint | undefined;
  /** Credentials per status word of the registry's version (registryVersions; default v1's 256). */
  readonly statusWindow?: number | undefined;
  /** The registry's version (default 1): version 2 also has cleared revocations (RevocationsCleared). */
  readonly version?: RegistryVersion | undefined;
};

/**
 * Every event that changed the status of one credential, oldest first.
 *
 * @example
 * const events = await readStatusHistory({ client, registry, batchId, leafIndex: 3, institutionId: 1, anchorer });
 * events.at(-1) // { kind: "revoked", reason: 2, actor: "0x…", blockNumber: 41n, … }
 */
export async function readStatusHistory(parameters: ReadStatusHistoryParameters): Promise<StatusEvent[]> {
  const { client, registry, batchId, leafIndex, institutionId, anchorer } = parameters;
  const range = { fromBlock: 0n, toBlock: parameters.toBlock ?? ("latest" as const) };
  const window = parameters.statusWindow ?? 256;
  const wordIndex = BigInt(Math.floor(leafIndex / window));
  const bit = 1n << BigInt(leafIndex % window);
  const base = { address: registry, abi: credentialRegistryAbi, ...range } as const;

  const [revoked, suspended, reinstated, batchRevoked, instSuspended, instReinstated, compromised] = await rpcRead(
    client,
    () =>
      Promise.all([
        client.getContractEvents({ ...base, eventName: "CredentialsRevoked", args: { batchId, wordIndex } }),
        client.getContractEvents({ ...base, eventName: "CredentialsSuspended", args: { batchId, wordIndex } }),
        client.getContractEvents({ ...base, eventName: "CredentialsReinstated", args: { batchId, wordIndex } }),
        client.getContractEvents({ ...base, eventName: "BatchRevoked", args: { batchId } }),
        client.getContractEvents({ ...base, eventName: "InstitutionSuspended", args: { institutionId } }),
        client.getContractEvents({ ...base, eventName: "InstitutionReinstated", args: { institutionId } }),
        client.getContractEvents({
          ...base,
          eventName: "AnchoringKeyCompromised",
          args: { institutionId, account: anchorer },
        }),
      ]),
  );

  const events: StatusEvent[] = [];
  const position = (log: { blockNumber: bigint | null; logIndex: number | null; transactionHash: Hex | null }) => ({
    blockNumber: log.blockNumber ?? 0n,
    logIndex: log.logIndex ?? 0,
    transactionHash: log.transactionHash ?? "0x",
  });
  for (const log of revoked) {
    if ((log.args.mask ?? 0n) & bit) {
      events.push({ kind: "revoked", reason: log.args.reason ?? 0, actor: log.args.actor!, ...position(log) });
    }
  }
  for (const log of suspended) {
    if ((log.args.mask ?? 0n) & bit) {
      events.push({ kind: "suspended", reason: log.args.reason ?? 0, actor: log.args.actor!, ...position(log) });
    }
  }
  for (const log of reinstated) {
    if ((log.args.mask ?? 0n) & bit) {
      events.push({ kind: "reinstated", reason: log.args.reason ?? 0, actor: log.args.actor!, ...position(log) });
    }
  }
  for (const log of batchRevoked) {
    events.push({ kind: "batchRevoked", reason: log.args.reason ?? 0, actor: log.args.actor!, ...position(log) });
  }
  for (const log of instSuspended) {
    events.push({ kind: "institutionSuspended", reason: log.args.reason ?? 0, actor: log.args.actor!, ...position(log) });
  }
  for (const log of instReinstated) {
    events.push({
      kind: "institutionReinstated",
      reason: log.args.reason ?? 0,
      actor: log.args.actor!,
      ...position(log),
    });
  }
  if (parameters.version === 2) {
    const cleared = await rpcRead(client, () =>
      client.getContractEvents({ address: registry, abi: credentialRegistryV2Abi, ...range, eventName: "RevocationsCleared", args: { batchId, wordIndex } }),
    );
    for (const log of cleared) {
      if ((log.args.mask ?? 0n) & bit) {
        events.push({ kind: "revocationCleared", reason: log.args.reason ?? 0, actor: log.args.actor!, compromisedAccount: log.args.compromisedAccount!, ...position(log) });
      }
    }
  }
  for (const log of compromised) {
    events.push({
      kind: "anchoringKeyCompromised",
      reason: 3,
      actor: log.args.actor!,
      compromisedFrom: Number(log.args.compromisedFrom ?? 0),
      ...position(log),
    });
  }
  events.sort((a, b) =>
    a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
  );
  return events;
}

/**
 * Folds a history into the status it implies, with the same precedence as the registry's
 * `credentialStatus` (key compromise, batch revoked, institution suspended, revoked,
 * suspended). `anchoredAt` is the batch's anchoring timestamp, compared with compromise
 * cut-offs exactly as the contract does.
 *
 * @returns the status and the event that decided it (undefined when valid).
 */
export function statusFromHistory({
  events,
  anchoredAt,
}: {
  readonly events: readonly StatusEvent[];
  readonly anchoredAt: number;
}): { status: CredentialStatusName; decidedBy: StatusEvent | undefined } {
  let compromised: StatusEvent | undefined;
  let batchRevoked: StatusEvent | undefined;
  let institutionSuspended: StatusEvent | undefined;
  let revoked: StatusEvent | undefined;
  let suspended: StatusEvent | undefined;
  for (const event of events) {
    switch (event.kind) {
      case "anchoringKeyCompromised":
        if (anchoredAt >= (event.compromisedFrom ?? Number.POSITIVE_INFINITY)) compromised = event;
        break;
      case "batchRevoked":
        batchRevoked ??= event;
        break;
      case "institutionSuspended":
        institutionSuspended = event;
        break;
      case "institutionReinstated":
        institutionSuspended = undefined;
        break;
      case "revoked":
        revoked ??= event;
        break;
      case "revocationCleared":
        revoked = undefined;
        break;
      case "suspended":
        suspended = event;
        break;
      case "reinstated":
        suspended = undefined;
        break;
    }
  }
  if (compromised) return { status: "anchoringKeyCompromised", decidedBy: compromised };
  if (batchRevoked) return { status: "batchRevoked", decidedBy: batchRevoked };
  if (institutionSuspended) return { status: "institutionSuspended", decidedBy: institutionSuspended };
  if (revoked) return { status: "revoked", decidedBy: revoked };
  if (suspended) return { status: "suspended", decidedBy: suspended };
  return { status: "valid", decidedBy: undefined };
}

/**
 * The number of the last block mined at or before `timestamp` (seconds), by binary search
 * over block headers: O(log n) RPC calls. Returns -1n if the chain started later.
 */
export async function blockAtTimestamp({
  client,
  timestamp,
}: Pick<RegistryLocation, "client"> & { readonly timestamp: number }): Promise<bigint> {
  const target = BigInt(timestamp);
  const latest = await rpcRead(client, () => client.getBlock({ blockTag: "latest" }));
  if (latest.timestamp <= target) return latest.number;
  let low = 0n;
  let high = latest.number;
  const genesis = await rpcRead(client, () => client.getBlock({ blockNumber: 0n }));
  if (genesis.timestamp > target) return -1n;
  // Invariant: block `low` is at or before the target, block `high` after it.
  while (high - low > 1n) {
    const middle = (low + high) / 2n;
    const block = await rpcRead(client, () => client.getBlock({ blockNumber: middle }));
    if (block.timestamp <= target) low = middle;
    else high = middle;
  }
  return low;
}
