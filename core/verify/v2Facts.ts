/**
 * What only registry v2 records about a credential, for the verification report (issue 14):
 * whether the batch's anchoring power descends from a governance act (hole 1: the key's
 * sticky `viaGovernance` flag), and revocations of the credential that were cleared because
 * a compromised key set them after its cut-off (hole 3: RevocationsCleared). Pending
 * destructive acts (hole 2) are in pendingActs.ts. Version 1 records none of these.
 */
import type { Address, Hex } from "viem";

import { credentialRegistryV2Abi } from "../abi/credentialRegistryV2Abi.ts";
import { rpcRead } from "../registry.ts";
import type { RegistryClient } from "../registryClient.ts";

/** One clearing of a credential's revocation bit. */
export type ClearedRevocation = {
  /** The admin or governor that cleared it. */
  readonly actor: Address;
  /** The compromised key that had set it. */
  readonly compromisedAccount: Address;
  readonly reason: number;
  readonly blockNumber: string;
  readonly transactionHash: Hex;
};

/**
 * True when the anchorer's roles descend from a governance act (v2's `viaGovernance`).
 *
 * @example
 * await readViaGovernance({ client, registry, institutionId: 1, anchorer }) // false
 */
export async function readViaGovernance(parameters: {
  readonly client: RegistryClient;
  readonly registry: Address;
  readonly institutionId: number;
  readonly anchorer: Address;
}): Promise<boolean> {
  const { client, registry, institutionId, anchorer } = parameters;
  const record = await rpcRead(client, () =>
    client.readContract({ address: registry, abi: credentialRegistryV2Abi, functionName: "getKeyRecord", args: [institutionId, anchorer] }),
  );
  return record.viaGovernance;
}

/**
 * The clearings (RevocationsCleared) of one 128-credential window of a v2 batch, each with
 * its mask; {@link clearedFor} picks one credential's.
 */
export async function readClearings(parameters: {
  readonly client: RegistryClient;
  readonly registry: Address;
  readonly batchId: Hex;
  readonly wordIndex: number;
}): Promise<readonly (ClearedRevocation & { readonly mask: bigint })[]> {
  const { client, registry, batchId, wordIndex } = parameters;
  const logs = await rpcRead(client, () =>
    client.getContractEvents({
      address: registry,
      abi: credentialRegistryV2Abi,
      eventName: "RevocationsCleared",
      args: { batchId, wordIndex: BigInt(wordIndex) },
      fromBlock: 0n,
      toBlock: "latest",
    }),
  );
  return logs.map((log) => ({
    actor: log.args.actor!,
    compromisedAccount: log.args.compromisedAccount!,
    reason: log.args.reason ?? 0,
    mask: log.args.mask ?? 0n,
    blockNumber: (log.blockNumber ?? 0n).toString(),
    transactionHash: log.transactionHash ?? "0x",
  }));
}

/** The clearings of `leafIndex` among a window's clearings (`statusWindow` credentials per word). */
export function clearedFor(
  clearings: readonly (ClearedRevocation & { readonly mask: bigint })[],
  leafIndex: number,
  statusWindow: number,
): ClearedRevocation[] {
  const bit = 1n << BigInt(leafIndex % statusWindow);
  return clearings.filter((clearing) => (clearing.mask & bit) !== 0n).map(({ mask: _mask, ...rest }) => rest);
}
