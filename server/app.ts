/**
 * The HTTP API as an express 5 app, without listening: `createApp(deps)` wires routes
 * and middleware to the pieces it is given (store, hashing pool, batcher, chain client,
 * revoker key). server/main.ts is the one place that builds real ones; tests build their
 * own and run the real thing.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

import express, { type Express } from "express";
import type { Chain, PublicClient } from "viem";

import type { RegistryVersion } from "../core/registry.ts";
import type { PrivateKeyAccount } from "viem/accounts";
import type { Logger } from "pino";

import type { Batcher } from "./batcher.ts";
import { registerDidDocumentRoutes } from "./routes/didDocuments.ts";
import { registerStatusListRoutes } from "./routes/statusLists.ts";
import { createStatusListAssigner } from "./statusList/assigner.ts";
import { createStatusListPublisher } from "./statusList/publisher.ts";
import type { StatusListSettings } from "./config.ts";
import { createKeyring, type Keyring } from "./signing/keyring.ts";
import type { Signer } from "./signing/signer.ts";
import type { RpcHealth } from "./chain/rpcMonitor.ts";
import { ServiceError } from "./errors.ts";
import type { HashPool } from "./hashing/pool.ts";
import { createSqliteHostedPageStore, type HostedPageStore } from "./hostedPages/store.ts";
import { authenticate, createAuthenticator } from "./http/auth.ts";
import { errorHandler } from "./http/errorHandler.ts";
import { createFastPath, type FastPath } from "./http/fastPath.ts";
import { observe } from "./http/observe.ts";
import { createRateLimiter, rateLimit } from "./http/rateLimit.ts";
import type { ServiceMetrics } from "./metrics.ts";
import { createProofService } from "./proofs.ts";
import type { PublisherHealth } from "./publisher.ts";
import { registerBatchRoutes } from "./routes/batches.ts";
import type { RouteContext, RouteSettings } from "./routes/context.ts";
import { registerCredentialRoutes } from "./routes/credentials.ts";
import { registerHealthRoutes } from "./routes/health.ts";
import { registerHostedPageOptIn, registerHostedPageRoutes } from "./routes/hostedPages.ts";
import { registerPathwayRoutes } from "./routes/pathways.ts";
import { registerSiteRoutes } from "./routes/site.ts";
import { registerStatusRoutes } from "./routes/status.ts";
import { registerTokenRoutes } from "./routes/tokens.ts";
import { registerVerifyRoutes } from "./routes/verify.ts";
import { createStatusChanger } from "./statusChanges.ts";
import type { RegistryIndex } from "./routes/context.ts";
import type { Store } from "./store/types.ts";
import { createTokenAuthenticator } from "./tokens.ts";

/** What {@link createApp} needs. */
export type AppDeps = {
  readonly store: Store;
  readonly pool: HashPool;
  readonly batcher: Batcher;
  /** Health of the anchoring side, for /readyz (optional: an API-only replica has none). */
  readonly publisherHealth?: (() => PublisherHealth | undefined) | undefined;
  /** The RPC monitor's state, for /readyz (without one, the RPC counts as unknown, not ready). */
  readonly rpcHealth?: (() => RpcHealth) | undefined;
  readonly chain: {
    readonly client: PublicClient;
    readonly chain: Chain;
    readonly chainId: number;
    readonly registry: `0x${string}`;
    /** The registry's version (default 1): its status window and whether batch revocations are scheduled. */
    readonly registryVersion?: RegistryVersion | undefined;
    /** Registries to trust when verifying (default: `registry` alone). */
    readonly trustedRegistries?: readonly `0x${string}`[] | undefined;
  };
  /** The registry event index credential status is answered from. */
  readonly index: RegistryIndex;
  /** The key that sends revocations; without it status changes answer 503. */
  readonly revoker?: PrivateKeyAccount | undefined;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  readonly settings: RouteSettings;
  /** Bytes of batch trees cached for proofs (default 256 MiB). */
  readonly proofCacheBytes?: number | undefined;
  /** Institutions' signing keys (credanchor-proof-v2); none: credentials are issued unsigned. */
  readonly keyring?: Keyring | undefined;
  /** Sign unsigned credentials at intake with the keyring's key (default true). */
  readonly sign?: boolean | undefined;
  /**
   * Signing after intake (server/signing/signer.ts): intake stores the credentials the
   * service signs unsigned and answers at once; none: intake signs them itself.
   */
  readonly signer?: Pick<Signer, "kick" | "health"> | undefined;
  /** Status list re-derivation and caching (default: every 1,000 ms at most, max-age 10 s). */
  readonly statusLists?: StatusListSettings | undefined;
  /** Hosted credential pages' storage (default: in memory, gone with the process). */
  readonly hostedPages?: HostedPageStore | undefined;
};

/**
 * The request listener to serve: the proof-query fast path (http/fastPath.ts) in front of
 * the express app.
 *
 * @example
 * ```ts
 * http.createServer(requestListener(createApp(deps))).listen(8787);
 * ```
 */
export function requestListener(app: Express): (req: IncomingMessage, res: ServerResponse) => void {
  const fast = app.locals.fastPath as FastPath | undefined;
  return (req, res) => {
    if (fast === undefined || !fast(req, res)) app(req, res);
  };
}

/**
 * Builds the app.
 *
 * @example
 * ```ts
 * const app = createApp({ store, pool, batcher, chain, revoker, metrics, logger, settings });
 * const server = app.listen(0, "127.0.0.1");
 * ```
 */
export function createApp(deps: AppDeps): Express {
  const context: RouteContext = {
    store: deps.store,
    pool: deps.pool,
    batcher: deps.batcher,
    publisherHealth: deps.publisherHealth ?? (() => undefined),
    rpcHealth: deps.rpcHealth ?? (() => ({ up: false, block: undefined, checkedAt: undefined, error: "not monitored" })),
    chain: deps.chain,
    statusChanger: createStatusChanger({
      client: deps.chain.client,
      chain: deps.chain.chain,
      registry: deps.chain.registry,
      registryVersion: deps.chain.registryVersion,
      revoker: deps.revoker,
      metrics: deps.metrics,
      // The response to a status change reflects it: the index reads up to its block first.
      afterChange: (blockNumber) => deps.index.syncTo(blockNumber),
    }),
    index: deps.index,
    proofs: createProofService({
      store: deps.store,
      chainId: deps.chain.chainId,
      registry: deps.chain.registry,
      cacheBytes: deps.proofCacheBytes ?? 256 * 1024 * 1024,
    }),
    tokens: createTokenAuthenticator({ store: deps.store }),
    metrics: deps.metrics,
    logger: deps.logger,
    settings: deps.settings,
    keyring: deps.keyring ?? createKeyring([]),
    sign: deps.sign ?? true,
    statusLists: createStatusListAssigner({ store: deps.store, publicUrl: deps.settings.publicSite?.url }),
    hostedPages: deps.hostedPages ?? createSqliteHostedPageStore({ path: ":memory:" }),
    signer: deps.signer,
  };
  const statusListSettings = deps.statusLists ?? { refreshMs: 1_000, maxAgeSeconds: 10 };
  const statusListPublisher = createStatusListPublisher({
    store: deps.store,
    keyring: context.keyring,
    publicUrl: deps.settings.publicSite?.url,
    refreshMs: statusListSettings.refreshMs,
  });

  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  app.use(observe({ logger: deps.logger, metrics: deps.metrics, timeoutMs: deps.settings.limits.requestTimeoutMs }));

  const authenticator = createAuthenticator({ tokens: context.tokens, store: deps.store });
  const limiter = createRateLimiter({ perSecond: deps.settings.limits.rateLimitPerSecond, burst: deps.settings.limits.rateLimitBurst });
  app.locals.fastPath = createFastPath({
    store: deps.store,
    proofs: context.proofs,
    authenticator,
    limiter,
    metrics: deps.metrics,
    logger: deps.logger,
  }) satisfies FastPath;

  registerHealthRoutes(app, context);
  registerDidDocumentRoutes(app, context.keyring);
  registerStatusListRoutes(app, statusListPublisher, statusListSettings);
  registerSiteRoutes(app, context);
  registerHostedPageRoutes(app, context);
  // Public (token optional): registered before the /v1 authentication below.
  registerVerifyRoutes(app, context, { authenticator, tokenLimiter: limiter });
  app.use("/v1", authenticate(authenticator), rateLimit(limiter));
  registerCredentialRoutes(app, context);
  registerStatusRoutes(app, context);
  registerBatchRoutes(app, context);
  registerTokenRoutes(app, context);
  registerPathwayRoutes(app, context);
  registerHostedPageOptIn(app, context);

  app.use((req, _res, next) => {
    next(
      new ServiceError({
        code: "CA_ROUTE_NOT_FOUND",
        message: `No route ${req.method} ${req.path}.`,
      }),
    );
  });
  app.use(errorHandler({ logger: deps.logger }));
  return app;
}
