/**
 * Start-up against the chain: make sure a node answers (dev: start one), check the chain
 * id against the allow-list, find or deploy the registry, and bind the database to
 * (chain id, genesis hash, registry). A database whose chain was reset (different
 * genesis, or no registry code) is replayed onto the fresh chain in dev mode, and refused
 * with a clear message in production. Nothing is ever discarded silently. What only dev
 * mode does (spawning a node, compiling, deploying, replaying) lives in server/dev/.
 */
import { join } from "node:path";

import { createPublicClient, http, type Chain, type PublicClient } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import type { Logger } from "pino";

import { anchoringRegistryOf, defaultDeploymentName, registriesOf } from "../../core/deployment.ts";
import { hasRegistryCode, readRegistryVersion, type RegistryVersion } from "../../core/registry.ts";
import { readDeploymentFile } from "../../node/deployments.ts";
import type { ServiceConfig, ServiceKeys } from "../config.ts";
import { ConfigError } from "../errors.ts";
import type { Store } from "../store/types.ts";
import { createChainClient } from "./clients.ts";
import { devAccounts } from "../dev/devAccounts.ts";
import { rpcAnswers, startHardhatNode, type HardhatNode } from "../dev/devNode.ts";
import { deployDevRegistry } from "../dev/deployRegistry.ts";
import { replayDevChain, type ReplayReport } from "../dev/replay.ts";
import { describeRpcUrl, isLoopbackUrl } from "./rpcUrl.ts";

/** The keys the service signs with. */
export type ServiceAccounts = {
  readonly anchorer: PrivateKeyAccount;
  readonly revoker: PrivateKeyAccount | undefined;
  /** Dev mode only: Hardhat #0 (governance) and #1 (institution admin). */
  readonly governance: PrivateKeyAccount | undefined;
  readonly admin: PrivateKeyAccount | undefined;
};

/** What start-up established. */
export type ConnectedChain = {
  readonly client: PublicClient;
  readonly chain: Chain;
  readonly chainId: number;
  /** The registry the database is bound to: all its batches are anchored there. */
  readonly registry: `0x${string}`;
  /** That registry's version (asked from the contract at start-up). */
  readonly registryVersion: RegistryVersion;
  /**
   * Every registry of this chain the service's verifiers trust (the deployment record's v1
   * and v2, and the bound one), oldest version first.
   */
  readonly registries: readonly { readonly address: `0x${string}`; readonly version: RegistryVersion }[];
  readonly genesisHash: `0x${string}`;
  readonly accounts: ServiceAccounts;
  /** The node the service started (dev), to stop on exit. */
  readonly devNode: HardhatNode | undefined;
  readonly deployed: boolean;
  readonly replay: ReplayReport | undefined;
};

/** Parameters of {@link connectChain}. */
export type ConnectChainParameters = {
  readonly config: ServiceConfig;
  readonly keys: ServiceKeys;
  readonly store: Store;
  readonly logger: Logger;
};

async function ensureNode(config: ServiceConfig, logger: Logger): Promise<HardhatNode | undefined> {
  if (await rpcAnswers({ url: config.rpcUrl })) return undefined;
  const url = new URL(config.rpcUrl);
  if (config.spawnNode && isLoopbackUrl(url)) {
    const port = Number(url.port || 8545);
    logger.info({ port }, "nothing answers at the RPC URL: starting a local Hardhat node (dev mode)");
    return startHardhatNode({
      repoRoot: config.repoRoot,
      host: url.hostname === "localhost" ? "127.0.0.1" : url.hostname,
      port,
      logFile: join(config.dataDir, "hardhat-node.log"),
    });
  }
  // Production (or a remote dev RPC): wait for it; the operator sees why we are not up.
  for (let attempt = 1; ; attempt++) {
    logger.warn({ rpc: describeRpcUrl(config.rpcUrl), attempt }, "RPC endpoint does not answer; waiting");
    await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1_000 * attempt)));
    if (await rpcAnswers({ url: config.rpcUrl })) return undefined;
  }
}

/**
 * @example
 * ```ts
 * const connected = await connectChain({ config, keys, store, logger });
 * ```
 */
export async function connectChain(parameters: ConnectChainParameters): Promise<ConnectedChain> {
  const { config, keys, store, logger } = parameters;
  const devNode = await ensureNode(config, logger);
  try {
    const bound = await bind(parameters, devNode);
    return { ...bound, registries: await knownRegistries(parameters.config, bound) };
  } catch (error) {
    await devNode?.stop();
    throw error;
  }
}

/**
 * The registries verifiers of this service trust: every registry the deployment record
 * lists for this chain (v1 and v2), and the one the database is bound to.
 */
async function knownRegistries(config: ServiceConfig, bound: Omit<ConnectedChain, "registries">): Promise<ConnectedChain["registries"]> {
  let record: ReturnType<typeof readDeploymentFile>;
  try {
    record = readDeploymentFile({ dir: config.deploymentsDir, name: config.network ?? defaultDeploymentName(bound.chainId) });
  } catch {
    record = undefined; // start-up already read it; a file changed since is not a reason to stop
  }
  const listed = record === undefined || record.chainId !== bound.chainId ? [] : registriesOf({ record }).map((entry) => ({ address: entry.address, version: entry.version }));
  const others = listed.filter((entry) => entry.address.toLowerCase() !== bound.registry.toLowerCase());
  return [...others, { address: bound.registry, version: bound.registryVersion }].sort((a, b) => a.version - b.version);
}

async function bind(parameters: ConnectChainParameters, devNode: HardhatNode | undefined): Promise<Omit<ConnectedChain, "registries">> {
  const { config, keys, store, logger } = parameters;
  const probe = createPublicClient({ transport: http(config.rpcUrl) });
  const chainId = await probe.getChainId();
  if (config.allowedChainIds !== undefined && !config.allowedChainIds.includes(chainId)) {
    throw new ConfigError({
      message: `The RPC endpoint serves chain ${chainId}, which is not in the allow-list (${config.allowedChainIds.join(", ")}).`,
      hints: ["Point CREDANCHOR_RPC_URL at an allowed chain, or extend CREDANCHOR_CHAIN_IDS."],
    });
  }
  const { client, chain } = createChainClient({ rpcUrl: config.rpcUrl, chainId });
  const genesisHash = (await client.getBlock({ blockNumber: 0n })).hash!;

  const dev = devAccounts();
  const accounts: ServiceAccounts = config.dev
    ? { anchorer: keys.anchorer ?? dev.anchorer, revoker: keys.revoker ?? dev.revoker, governance: dev.governance, admin: dev.admin }
    : { anchorer: keys.anchorer!, revoker: keys.revoker, governance: undefined, admin: undefined };

  const identity = await store.getChainIdentity();
  if (identity !== undefined) {
    if (identity.chainId !== chainId) {
      throw new ConfigError({
        message: `The database at ${config.dbPath} belongs to chain ${identity.chainId}, but the RPC endpoint serves chain ${chainId}.`,
        hints: ["Use the database of this chain (CREDANCHOR_DB_PATH), or the RPC endpoint of chain " + identity.chainId + "."],
      });
    }
    if (config.registryAddress !== undefined && config.registryAddress.toLowerCase() !== identity.registryAddress.toLowerCase()) {
      throw new ConfigError({
        message: `The database is bound to registry ${identity.registryAddress}, but CREDANCHOR_REGISTRY_ADDRESS is ${config.registryAddress}.`,
        hints: ["A database holds the batches of one registry; use another CREDANCHOR_DB_PATH for another registry."],
      });
    }
    const code = await hasRegistryCode({ client, registry: identity.registryAddress });
    if (identity.genesisHash === genesisHash && code) {
      const registryVersion = await readRegistryVersion({ client, registry: identity.registryAddress });
      return { client, chain, chainId, registry: identity.registryAddress, registryVersion, genesisHash, accounts, devNode, deployed: false, replay: undefined };
    }
    const what = identity.genesisHash !== genesisHash ? "its genesis block changed (the chain was reset)" : `there is no registry code at ${identity.registryAddress}`;
    if (!config.dev) {
      throw new ConfigError({
        message: `Refusing to start: the database's batches are anchored on chain ${chainId} at registry ${identity.registryAddress}, but ${what}.`,
        hints: [
          "Nothing was changed. Point CREDANCHOR_RPC_URL at the chain the database belongs to.",
          "Replaying a database onto a fresh chain is a dev-mode feature (CREDANCHOR_DEV=1).",
        ],
      });
    }
    logger.warn({ chainId, registry: identity.registryAddress, reason: what }, "DEV MODE: chain reset detected; replaying the registry state from the database");
    const replay = await replayDevChain({ config, store, client, chain, previous: identity, genesisHash, accounts, logger });
    const registryVersion = await readRegistryVersion({ client, registry: replay.identity.registryAddress });
    return { client, chain, chainId, registry: replay.identity.registryAddress, registryVersion, genesisHash, accounts, devNode, deployed: replay.deployed, replay };
  }

  // A fresh database: bind it to the registry new credentials are anchored in (v2 when the
  // deployment record has one, else v1), or deploy both in dev mode.
  const network = config.network ?? defaultDeploymentName(chainId);
  const fromFile = readDeploymentFile({ dir: config.deploymentsDir, name: network });
  const recorded = fromFile !== undefined && fromFile.chainId === chainId ? anchoringRegistryOf({ record: fromFile }) : undefined;
  const candidate = config.registryAddress ?? recorded?.address;
  let registry: `0x${string}` | undefined;
  // Where the index starts reading: the deploy block of whichever recorded registry it is.
  const entry = fromFile === undefined ? undefined : registriesOf({ record: fromFile }).find((item) => item.address.toLowerCase() === candidate?.toLowerCase());
  let deployBlock = entry?.deployBlock ?? 0;
  let deployed = false;
  if (candidate !== undefined && (await hasRegistryCode({ client, registry: candidate }))) {
    registry = candidate;
  } else if (config.registryAddress !== undefined && !config.dev) {
    throw new ConfigError({ message: `There is no contract code at CREDANCHOR_REGISTRY_ADDRESS ${config.registryAddress} on chain ${chainId}.`, hints: ["Check the address and the RPC URL."] });
  } else if (!config.dev) {
    throw new ConfigError({
      message: `No registry for chain ${chainId}: deployments/${network}.json is missing or has no code on this chain.`,
      hints: ["Deploy with scripts/deploy.ts or `credanchor deploy`, or set CREDANCHOR_REGISTRY_ADDRESS."],
    });
  } else {
    ({ registry, deployBlock } = await deployDevRegistry({ config, client, chain, governance: accounts.governance!, logger }));
    deployed = true;
  }
  const registryVersion = await readRegistryVersion({ client, registry });
  await store.setChainIdentity({ chainId, genesisHash, registryAddress: registry, deployBlock });
  return { client, chain, chainId, registry, registryVersion, genesisHash, accounts, devNode, deployed, replay: undefined };
}
