/**
 * viem clients for the configured chain, and one helper that sends a registry call and
 * waits for its receipt (dev setup, revocations, replay). Anchoring has its own
 * crash-safe path in publisher.ts.
 */
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Chain,
  type PublicClient,
  type TransactionReceipt,
} from "viem";
import type { PrivateKeyAccount } from "viem/accounts";

import type { RegistryVersion } from "../../core/registry.ts";
import { registryAbiFor } from "./registryAbi.ts";

/** Parameters of {@link createChainClient}. */
export type CreateChainClientParameters = { readonly rpcUrl: string; readonly chainId: number };

/**
 * A public client bound to the chain (few transport retries: the publisher has its own
 * backoff and readiness must notice an outage quickly).
 *
 * @example
 * ```ts
 * const { client, chain } = createChainClient({ rpcUrl, chainId: 31337 });
 * ```
 */
export function createChainClient(parameters: CreateChainClientParameters): { client: PublicClient; chain: Chain } {
  const chain = defineChain({
    id: parameters.chainId,
    name: parameters.chainId === 31337 ? "Hardhat" : `chain ${parameters.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [parameters.rpcUrl] } },
  });
  const client = createPublicClient({
    chain,
    transport: http(parameters.rpcUrl, { retryCount: 1, retryDelay: 100, timeout: 10_000 }),
    pollingInterval: 100,
    cacheTime: 0,
  }) as PublicClient;
  return { client, chain };
}

/** A contract call that reverted, with the decoded registry error. */
export class RegistryRevertError extends Error {
  override name = "RegistryRevertError";
  readonly errorName: string | undefined;
  readonly args: readonly unknown[];
  constructor(errorName: string | undefined, args: readonly unknown[], cause: unknown) {
    super(`registry call reverted: ${errorName ?? "unknown reason"}`, { cause });
    this.errorName = errorName;
    this.args = args;
  }
}

/** Decodes a viem error into a {@link RegistryRevertError} when it is a revert. */
export function asRevert(error: unknown): RegistryRevertError | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const revert = error.walk((inner) => inner instanceof ContractFunctionRevertedError);
  if (!(revert instanceof ContractFunctionRevertedError)) return undefined;
  return new RegistryRevertError(revert.data?.errorName, (revert.data?.args ?? []) as readonly unknown[], error);
}

/** Parameters of {@link sendRegistryCall}. */
export type SendRegistryCallParameters = {
  readonly client: PublicClient;
  readonly chain: Chain;
  readonly account: PrivateKeyAccount;
  readonly registry: `0x${string}`;
  readonly functionName: string;
  readonly args: readonly unknown[];
  /** The registry's version (default 1): picks the ABI that encodes the call and decodes its errors. */
  readonly version?: RegistryVersion | undefined;
};

/**
 * Simulates (so reverts come back decoded, as {@link RegistryRevertError}), sends, and
 * waits for the receipt of one registry call.
 *
 * @example
 * ```ts
 * const { receipt, result } = await sendRegistryCall({ client, chain, account, registry,
 *   functionName: "revokeCredentials", args: [batchId, [3n], 1] });
 * ```
 */
export async function sendRegistryCall(
  parameters: SendRegistryCallParameters,
): Promise<{ receipt: TransactionReceipt; result: unknown }> {
  const { client, chain, account, registry, functionName, args } = parameters;
  let simulation;
  try {
    simulation = await client.simulateContract({
      address: registry,
      abi: registryAbiFor(parameters.version ?? 1),
      functionName: functionName as never,
      args: args as never,
      account,
    });
  } catch (error) {
    throw asRevert(error) ?? error;
  }
  const wallet = createWalletClient({ account, chain, transport: http(chain.rpcUrls.default.http[0], { retryCount: 1 }) });
  const hash = await wallet.writeContract(simulation.request as never);
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 120_000 });
  if (receipt.status !== "success") throw new RegistryRevertError(undefined, [], new Error(`transaction ${hash} reverted`));
  return { receipt, result: simulation.result };
}
