/**
 * The history registry v2's `clearCompromisedRevocations` needs: every change to one
 * 128-credential revocation word, oldest first, rebuilt from its CredentialsRevoked and
 * RevocationsCleared events with their block times (the contract checks it against the hash
 * chain it keeps in the word). Shared by the CLI's `credanchor clear` and tests.
 */
import type { Address, Hex } from "viem";

import { credentialRegistryV2Abi } from "./abi/credentialRegistryV2Abi.ts";
import { type RegistryLocation, rpcRead } from "./registry.ts";

/** One change to a revocation word, as the contract's RevocationChange struct. */
export type RevocationChange = {
  readonly actor: Address;
  /** Block time, seconds. */
  readonly at: number;
  readonly cleared: boolean;
  readonly mask: bigint;
};

/**
 * Reads every change of word `wordIndex` of a v2 batch, oldest first.
 *
 * @example
 * const history = await readRevocationChanges({ client, registry, batchId, wordIndex: 0 });
 */
export async function readRevocationChanges(
  parameters: RegistryLocation & { readonly batchId: Hex; readonly wordIndex: number },
): Promise<RevocationChange[]> {
  const { client, registry, batchId } = parameters;
  const base = { address: registry, abi: credentialRegistryV2Abi, fromBlock: 0n, toBlock: "latest" as const };
  const wordIndex = BigInt(parameters.wordIndex);
  const [revoked, cleared] = await rpcRead(client, () =>
    Promise.all([
      client.getContractEvents({ ...base, eventName: "CredentialsRevoked", args: { batchId, wordIndex } }),
      client.getContractEvents({ ...base, eventName: "RevocationsCleared", args: { batchId, wordIndex } }),
    ]),
  );
  const logs = [...revoked.map((log) => ({ log, cleared: false })), ...cleared.map((log) => ({ log, cleared: true }))];
  const times = new Map<bigint, number>();
  for (const blockNumber of new Set(logs.map(({ log }) => log.blockNumber ?? 0n))) {
    const block = await rpcRead(client, () => client.getBlock({ blockNumber }));
    times.set(blockNumber, Number(block.timestamp));
  }
  logs.sort((a, b) => Number((a.log.blockNumber ?? 0n) - (b.log.blockNumber ?? 0n)) || (a.log.logIndex ?? 0) - (b.log.logIndex ?? 0));
  return logs.map(({ log, cleared: isClearing }) => ({
    actor: log.args.actor!,
    at: times.get(log.blockNumber ?? 0n)!,
    cleared: isClearing,
    mask: log.args.mask ?? 0n,
  }));
}
