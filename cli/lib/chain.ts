/**
 * Connecting to the chain (viem) and finding the registry on it.
 */
import { type Address, type Chain, type PublicClient, createPublicClient, defineChain, getAddress, http } from "viem";

import { hasRegistryCode, readChainId } from "../../core/registry.ts";
import type { ChainConfig } from "./config.ts";
import { type Deployment, readDeployments } from "./deployments.ts";
import { CliError } from "./errors.ts";
import { nodeHttpTransport } from "./rpcTransport.ts";

/** A connection to one chain. */
export type ChainContext = {
  readonly client: PublicClient;
  readonly chain: Chain;
  readonly chainId: number;
  /** CAIP-2, e.g. "eip155:31337". */
  readonly caip2: string;
  readonly rpcUrl: string;
};

/** The registry a command talks to, and how it was found. */
export type RegistryTarget = {
  readonly address: Address;
  /** "--registry", "CREDANCHOR_REGISTRY_ADDRESS" or the deployment file. */
  readonly source: string;
  readonly deployment: Deployment | undefined;
};

/** A viem public client for `rpcUrl` (no request is made). */
export function createClient(rpcUrl: string, chain?: Chain): PublicClient {
  return createPublicClient({
    chain,
    // http(s) over node:http (rpcTransport.ts: starts faster than fetch); anything else, viem's http().
    transport: /^https?:/i.test(rpcUrl) ? nodeHttpTransport(rpcUrl, { timeoutMs: 15_000, retryCount: 1 }) : http(rpcUrl, { timeout: 15_000, retryCount: 1 }),
    batch: { multicall: false },
  }) as PublicClient;
}

/**
 * Connects to the RPC and reads its chain id. An endpoint that does not answer is an
 * infrastructure error (core's RpcUnavailableError), reported with exit code 2.
 */
export async function connect(config: Pick<ChainConfig, "rpcUrl">): Promise<ChainContext> {
  const probe = createClient(config.rpcUrl);
  const caip2 = await readChainId({ client: probe });
  const chainId = Number(caip2.slice("eip155:".length));
  const chain = defineChain({
    id: chainId,
    name: caip2,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  });
  return { client: createClient(config.rpcUrl, chain), chain, chainId, caip2, rpcUrl: config.rpcUrl };
}

/** Deployment records of the chain `ctx` serves, newest first. */
export async function deploymentsFor(ctx: Pick<ChainContext, "chainId">, deploymentsDir: string): Promise<Deployment[]> {
  const all = await readDeployments(deploymentsDir);
  return all.filter((record) => record.chainId === ctx.chainId).sort((a, b) => (b.deployBlock ?? 0) - (a.deployBlock ?? 0));
}

/**
 * The registry to use: the explicit address, else the newest deployment record for the
 * RPC's chain. Either way there must be contract code at the address on this chain, so a
 * wrong RPC or a restarted development chain is caught before any transaction.
 */
export async function resolveRegistry(ctx: ChainContext, config: ChainConfig, source = "--registry"): Promise<RegistryTarget> {
  if (config.registry !== undefined) {
    const address = getAddress(config.registry);
    if (!(await hasRegistryCode({ client: ctx.client, registry: address }))) {
      throw new CliError({
        code: "CA_CLI_REGISTRY_NOT_FOUND",
        message: `No contract at ${address} on ${ctx.caip2} (${ctx.rpcUrl}).`,
        hints: ["Check that --rpc serves the chain the registry was deployed on, and the address."],
      });
    }
    return { address, source, deployment: undefined };
  }
  const matching = await deploymentsFor(ctx, config.deploymentsDir);
  const newest = matching[0];
  if (newest === undefined) {
    const others = (await readDeployments(config.deploymentsDir)).map((record) => `${record.name}.json (eip155:${record.chainId})`);
    throw new CliError({
      code: others.length > 0 ? "CA_CLI_WRONG_CHAIN" : "CA_CLI_REGISTRY_NOT_FOUND",
      message: `No registry deployment for ${ctx.caip2} in ${config.deploymentsDir}/.`,
      hints: [
        ...(others.length > 0 ? [`Deployments found for other chains: ${others.join(", ")}; is --rpc the right endpoint?`] : []),
        "Pass --registry <address> (or CREDANCHOR_REGISTRY_ADDRESS), or deploy one with `credanchor deploy`.",
      ],
    });
  }
  if (!(await hasRegistryCode({ client: ctx.client, registry: newest.address }))) {
    throw new CliError({
      code: "CA_CLI_REGISTRY_NOT_FOUND",
      message: `${newest.file} names ${newest.address} on ${ctx.caip2}, but there is no contract there.`,
      hints: [
        "A local development chain forgets everything when it stops: deploy again with `credanchor deploy`.",
        "Otherwise check that --rpc serves the chain the registry was deployed on.",
      ],
    });
  }
  return { address: getAddress(newest.address), source: newest.file, deployment: newest };
}
