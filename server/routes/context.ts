/**
 * What every route module receives from createApp.
 */
import type { Keyring } from "../signing/keyring.ts";
import type { StatusListAssigner } from "../statusList/assigner.ts";
import type { Chain, PublicClient } from "viem";

import type { RegistryVersion } from "../../core/registry.ts";
import type { Logger } from "pino";

import type { Batcher } from "../batcher.ts";
import type { RegistryIndexer } from "../chain/indexer.ts";
import type { PublicSiteSettings } from "../config.ts";
import type { HashPool } from "../hashing/pool.ts";
import type { RpcHealth } from "../chain/rpcMonitor.ts";
import type { ServiceMetrics } from "../metrics.ts";
import type { ProofService } from "../proofs.ts";
import type { PublisherHealth } from "../publisher.ts";
import type { StatusChanger } from "../statusChanges.ts";
import type { HostedPageStore } from "../hostedPages/store.ts";
import type { Store } from "../store/types.ts";
import type { TokenAuthenticator } from "../tokens.ts";

/** Settings the routes read. */
export type RouteSettings = {
  readonly batchMaxSize: number;
  readonly confirmations: number;
  readonly allowedChainIds: readonly number[] | undefined;
  /** The public verifier site and token-less verification (optional: default limits, no public URL). */
  readonly publicSite?: PublicSiteSettings | undefined;
  readonly limits: {
    readonly bodyLimitBytes: number;
    readonly ndjsonLimitBytes: number;
    readonly maxCredentialsPerRequest: number;
    readonly rateLimitPerSecond: number;
    readonly rateLimitBurst: number;
    readonly requestTimeoutMs: number;
  };
};

import type { Signer } from "../signing/signer.ts";

/** The chain the service anchors on. */
export type ChainContext = {
  readonly client: PublicClient;
  readonly chain: Chain;
  readonly chainId: number;
  readonly registry: `0x${string}`;
  /** The registry's version (default 1). */
  readonly registryVersion?: RegistryVersion | undefined;
  /** Registries to trust when verifying (default: `registry` alone); the deployment record's v1 and v2. */
  readonly trustedRegistries?: readonly `0x${string}`[] | undefined;
};

/** What the routes need of the registry event index (server/chain/indexer.ts). */
export type RegistryIndex = Pick<RegistryIndexer, "syncTo" | "cursor">;

/** Dependencies of the routes. */
export type RouteContext = {
  readonly store: Store;
  readonly pool: HashPool;
  readonly batcher: Batcher;
  readonly publisherHealth: () => PublisherHealth | undefined;
  readonly rpcHealth: () => RpcHealth;
  readonly chain: ChainContext;
  readonly statusChanger: StatusChanger;
  readonly index: RegistryIndex;
  readonly proofs: ProofService;
  readonly tokens: TokenAuthenticator;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  readonly settings: RouteSettings;
  /** Institutions' signing keys by DID (credanchor-proof-v2). */
  readonly keyring: Keyring;
  /** Whether intake signs unsigned credentials with the keyring's keys. */
  readonly sign: boolean;
  /** Status list entries for the credentials intake signs (server/statusList/). */
  readonly statusLists: StatusListAssigner;
  /** Hosted credential pages (/c/<id>): opted-in batches, withdrawals. */
  readonly hostedPages: HostedPageStore;
  /** Signing after intake (server/signing/signer.ts): when present, intake stores credentials unsigned and kicks it. */
  readonly signer?: Pick<Signer, "kick" | "health"> | undefined;
};
