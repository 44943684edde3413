/**
 * The composition root: `npm start` (node --import tsx server/main.ts).
 *
 * Reads the configuration, opens the database, connects to the chain (dev mode: starts
 * a Hardhat node if none answers, deploys the registry, registers the demo institution,
 * replays the database onto a reset chain), and starts the HTTP API, the batcher, the
 * publisher and the registry event index. Everything else receives its dependencies from here.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";

import type { Logger } from "pino";
import { createPublicClient, http } from "viem";

import { keccakReady } from "../core/index.ts";
import { createApp, requestListener } from "./app.ts";
import { describeKeyring, loadKeyring } from "./signing/keyring.ts";
import { createBatcher } from "./batcher.ts";
import { createSigner } from "./signing/signer.ts";
import { connectChain, type ConnectedChain } from "./chain/connect.ts";
import { createRpcMonitor } from "./chain/rpcMonitor.ts";
import { describeRpcUrl } from "./chain/rpcUrl.ts";
import { describeConfig, loadConfig, resolveKeys, type ServiceConfig } from "./config.ts";
import { ServiceError } from "./errors.ts";
import { createLeaseKeeper, type LeaseKeeper } from "./election.ts";
import { createFaults } from "./faults.ts";
import { createHashPool } from "./hashing/pool.ts";
import { SERVICE_KEY_SETTINGS } from "./admin.ts";
import { createRegistryIndexer } from "./chain/indexer.ts";
import { checkServiceRoles, registerInstitution } from "./institutions.ts";
import { createLogger, prettyLogs } from "./logger.ts";
import { createMetrics } from "./metrics.ts";
import { createPublisher } from "./publisher.ts";
import { createPostgresHostedPageStore } from "./hostedPages/postgresStore.ts";
import { createSqliteHostedPageStore } from "./hostedPages/store.ts";
import { createPostgresStore } from "./store/postgres.ts";
import { createSqliteStore } from "./store/sqlite.ts";
import type { InstitutionRow, Store } from "./store/types.ts";
import { createApiToken, createTokenAuthenticator } from "./tokens.ts";

/**
 * Idle keep-alive connections stay open this long. Load balancers reuse idle connections
 * for up to 60 s (AWS ALB's default idle timeout; GCP's is 600 s and wants a longer one set
 * there): a server that closes first races the balancer's next request ("other side
 * closed"), so the server must outlast it.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 75_000;

/** An RPC probe not answered by then marks the RPC down (readiness, credanchor_rpc_up). */
const RPC_PROBE_TIMEOUT_MS = 3_000;

/** The demo institution of dev mode. */
export const DEMO_INSTITUTION = { name: "Demo University", identifier: "did:web:demo.credanchor.local" } as const;

/** A running service. */
export type RunningService = {
  readonly url: string;
  readonly server: Server;
  readonly store: Store;
  readonly chain: ConnectedChain;
  readonly demo: { institution: InstitutionRow; token: string } | undefined;
  stop(): Promise<void>;
};

function banner(lines: readonly string[]): string {
  const width = Math.max(...lines.map((line) => line.length)) + 4;
  const bar = "=".repeat(width);
  return `\n${bar}\n${lines.map((line) => `  ${line}`).join("\n")}\n${bar}\n\n`;
}

async function ensureDemo(config: ServiceConfig, store: Store, chain: ConnectedChain): Promise<{ institution: InstitutionRow; token: string }> {
  let institution = (await store.listInstitutions()).find((row) => row.identifier === DEMO_INSTITUTION.identifier);
  if (institution === undefined) {
    institution = await registerInstitution({
      store,
      client: chain.client,
      chain: chain.chain,
      registry: chain.registry,
      governance: chain.accounts.governance!,
      admin: chain.accounts.admin!,
      anchorer: chain.accounts.anchorer.address,
      revoker: chain.accounts.revoker?.address,
      ...DEMO_INSTITUTION,
    });
  }
  const file = join(config.dataDir, "demo-token");
  if (existsSync(file)) {
    const saved = readFileSync(file, "utf8").trim();
    const record = await createTokenAuthenticator({ store }).authenticate(saved);
    if (record !== undefined && record.institutionId === institution.id) return { institution, token: saved };
  }
  const { token } = await createApiToken({ store, institutionId: institution.id, scopes: ["read", "issue", "revoke", "admin"], name: "demo token (dev mode)" });
  // On PostgreSQL nothing else creates the data directory (the SQLite store does).
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { institution, token };
}

/** Logs, for every active institution, a role the service's keys lack there (anchoring or revoking would fail). */
async function warnAboutMissingRoles(store: Store, chain: ConnectedChain, logger: Logger): Promise<void> {
  for (const institution of await store.listInstitutions()) {
    if (institution.status !== "active") continue;
    const missing = await checkServiceRoles({
      client: chain.client,
      registry: chain.registry,
      institutionId: institution.id,
      anchorer: chain.accounts.anchorer.address,
      revoker: chain.accounts.revoker?.address,
    });
    for (const item of missing) {
      logger.warn({ institution: institution.id, role: item.role, account: item.account, problem: item.problem, grantWith: item.command }, "the service's key lacks a role in this institution");
    }
  }
}

/**
 * Starts everything; resolves once the API listens.
 *
 * @example
 * ```ts
 * const service = await startService({ config: loadConfig() });
 * await service.stop();
 * ```
 */
export async function startService(parameters: {
  readonly config: ServiceConfig;
  readonly logger?: Logger | undefined;
  /** Print the dev-mode banners to stdout (default true). */
  readonly banners?: boolean | undefined;
}): Promise<RunningService> {
  const { config } = parameters;
  const logger =
    parameters.logger ??
    createLogger({
      level: config.logLevel,
      pretty: prettyLogs({ dev: config.dev, isTTY: process.stdout.isTTY }),
      conceal: [{ text: config.rpcUrl, replacement: describeRpcUrl(config.rpcUrl) }],
    });
  const banners = parameters.banners ?? true;
  const keys = await resolveKeys({ sources: config.keySources });
  // Every secret is read (and a wrong keystore password refused) before anything is created or connected.
  const keyring = await loadKeyring({
    ...config.signingKeySource,
    dev: config.dev ? { did: DEMO_INSTITUTION.identifier, file: join(config.dataDir, "signing-keys.json") } : undefined,
  });
  if (config.dev && banners) {
    process.stdout.write(
      banner([
        "DEV MODE: NOT FOR PRODUCTION",
        "Keys are Hardhat's PUBLICLY KNOWN development accounts:",
        "  #0 registry governance, #1 demo institution admin, #2 anchorer, #3 revoker.",
        "Anyone can sign with them. Configure CREDANCHOR_ANCHORER_KEY (or a keystore) for real use.",
      ]),
    );
  }
  logger.info({ config: describeConfig(config) }, "starting");
  logger.info({ signing: describeKeyring(keyring), signAtIntake: config.signingKeySource.sign }, "issuer signing keys");
  await keccakReady; // hash at full speed from the first request (core hashes correctly, slower, before)
  const store =
    config.database === undefined
      ? createSqliteStore({ path: config.dbPath, cacheBytes: config.dbCacheBytes })
      : await createPostgresStore({ url: config.database.url, poolSize: config.database.poolSize });
  // Hosted pages live beside the credentials: in PostgreSQL when the replicas share one.
  const hostedPages =
    config.database === undefined
      ? createSqliteHostedPageStore({ path: config.dbPath })
      : await createPostgresHostedPageStore({ url: config.database.url });
  const chain = await connectChain({ config, keys, store, logger });
  // The operator CLI (server/admin.ts) checks these keys' roles when onboarding an institution.
  await store.setSetting(SERVICE_KEY_SETTINGS.anchorer, chain.accounts.anchorer.address);
  await store.setSetting(SERVICE_KEY_SETTINGS.revoker, chain.accounts.revoker?.address ?? "");
  const demo = config.dev ? await ensureDemo(config, store, chain) : undefined;
  await warnAboutMissingRoles(store, chain, logger);
  const identity = (await store.getChainIdentity())!;
  const indexer = createRegistryIndexer({
    store,
    client: chain.client,
    registry: chain.registry,
    fromBlock: identity.deployBlock,
    pollIntervalMs: config.pollIntervalMs,
    logger,
  });
  // Status is answered from the index: read what happened while the service was down (or,
  // after a dev-chain replay, the whole fresh chain) before answering anything.
  const head = Number(await chain.client.getBlockNumber({ cacheTime: 0 }));
  const behind = head - ((await indexer.cursor())?.blockNumber ?? identity.deployBlock - 1);
  if (behind > 0) logger.info({ head, blocks: behind }, "registry index: catching up");
  await indexer.syncTo(head).catch((error: unknown) => logger.warn({ err: error }, "registry index: catching up failed; it retries in the background"));

  const metrics = createMetrics({
    queueDepth: () => store.countPendingCredentials(),
    awaitingSignature: () => store.countAwaitingSignature({}),
  });
  const pool = createHashPool({ size: config.hashWorkers });
  const faults = createFaults({
    point: config.fault,
    signal: config.faultSignal,
    // Synchronous write: the process dies right after, before any async logger flushes.
    onHit: (point) => writeSync(2, `credanchor: CREDANCHOR_FAULT=${point}: killing the process (test aid)\n`),
  });
  // Replicas sharing PostgreSQL elect one publisher per anchoring key (server/election.ts);
  // a SQLite file has one process, which publishes unconditionally.
  const lease: LeaseKeeper | undefined =
    config.database === undefined
      ? undefined
      : createLeaseKeeper({
          store,
          key: `anchorer:${chain.chainId}:${chain.accounts.anchorer.address.toLowerCase()}`,
          ttlMs: config.database.publisherLeaseMs,
          logger,
          onChange: (held) => {
            if (held) publisher.kick();
          },
        });
  const publisher = createPublisher({
    store,
    lease,
    client: chain.client,
    chain: chain.chain,
    account: chain.accounts.anchorer,
    registry: chain.registry,
    confirmations: config.confirmations,
    pollIntervalMs: config.pollIntervalMs,
    faults,
    metrics,
    logger,
  });
  const rpcProbe = createPublicClient({ transport: http(config.rpcUrl, { retryCount: 0, timeout: RPC_PROBE_TIMEOUT_MS }) });
  const rpcMonitor = createRpcMonitor({
    probe: () => rpcProbe.getBlockNumber({ cacheTime: 0 }),
    intervalMs: Math.min(config.pollIntervalMs, 1_000),
    timeoutMs: RPC_PROBE_TIMEOUT_MS,
    gauge: metrics.rpcUp,
  });
  const batcher = createBatcher({
    maxSize: config.batch.maxSize,
    maxWaitMs: config.batch.maxWaitMs,
    store,
    buildTreeNodes: (leaves) => pool.buildTreeNodes(leaves),
    onBatchClosed: (batch) => {
      logger.info({ batch: batch.id, size: batch.size, root: batch.merkleRoot }, "batch closed");
      publisher.kick();
    },
    onError: (error, batchId) => logger.error({ err: error, batch: batchId }, "closing batch failed; will retry"),
  });
  // Signing after intake (issue 12): intake stores the credentials the service signs
  // unsigned; this loop signs them in the hashing workers before their batch closes. Every
  // replica runs one (PostgreSQL spreads the rows with SKIP LOCKED), and after a restart it
  // signs what a crash left awaiting.
  const signer = config.signingKeySource.sign
    ? createSigner({
        store,
        pool,
        keyring,
        intakeBusy: () => pool.preparing() > 0,
        onBatchesSigned: () => void batcher.tick().catch(() => undefined),
        onSigningFailed: (failure) => logger.error(failure, "credentials could not be signed; they stay stored and are retried"),
        onError: (error) => logger.warn({ err: error }, "signing round failed; retrying"),
      })
    : undefined;
  const app = createApp({
    store,
    pool,
    batcher,
    publisherHealth: () => publisher.health(),
    rpcHealth: () => rpcMonitor.health(),
    chain: { client: chain.client, chain: chain.chain, chainId: chain.chainId, registry: chain.registry, registryVersion: chain.registryVersion, trustedRegistries: chain.registries.map((entry) => entry.address) },
    index: indexer,
    revoker: chain.accounts.revoker,
    metrics,
    logger,
    settings: {
      batchMaxSize: config.batch.maxSize,
      confirmations: config.confirmations,
      allowedChainIds: config.allowedChainIds,
      publicSite: config.publicSite,
      limits: config.limits,
    },
    proofCacheBytes: config.proofCacheBytes,
    keyring,
    sign: config.signingKeySource.sign,
    signer,
    statusLists: config.statusLists,
    hostedPages,
  });
  const server = createServer(requestListener(app));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.listen.port, config.listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.requestTimeout = config.limits.requestTimeoutMs + 5_000;
  server.headersTimeout = 30_000;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.listen.port;
  const url = `http://${config.listen.host}:${port}`;

  await rpcMonitor.check(); // ready from the first /readyz when the RPC answers
  rpcMonitor.start();
  batcher.start();
  signer?.start();
  lease?.start();
  publisher.start();
  indexer.start();
  logger.info({ url, chainId: chain.chainId, registry: chain.registry }, "listening");

  if (demo !== undefined && banners) {
    process.stdout.write(
      banner([
        `credanchor is running at ${url}   (OpenAPI: ${url}/openapi.json)`,
        `chain ${chain.chainId} at ${describeRpcUrl(config.rpcUrl)}, registry ${chain.registry}`,
        `Demo institution: ${demo.institution.name} (${demo.institution.identifier}), id ${demo.institution.id}`,
        `Demo API token (dev only; also in ${join(config.dataDir, "demo-token")}):`,
        `  ${demo.token}`,
        "Try:",
        `  curl -s -H "Authorization: Bearer $(cat ${join(config.dataDir, "demo-token")})" ${url}/v1/batches`,
        `  curl -s -X POST -H "Authorization: Bearer $(cat ${join(config.dataDir, "demo-token")})" \\`,
        `       -H "Content-Type: application/json" --data @${join(config.repoRoot, "examples/credential.json")} ${url}/v1/credentials`,
        `Verifiers trust this registry with: npx credanchor verify <file> --registry ${chain.registry}`,
      ]),
    );
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    server,
    store,
    chain,
    demo,
    stop() {
      stopping ??= (async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await rpcMonitor.stop();
        await signer?.stop();
        await batcher.stop();
        await publisher.stop();
        await indexer.stop();
        // Dev: read the chain to its head once more, so a replay after a chain reset has
        // every event (the index otherwise lags by up to a poll interval).
        if (config.dev) await indexer.tick().catch(() => undefined);
        await lease?.stop();
        await pool.close();
        hostedPages.close();
        await store.close();
        await chain.devNode?.stop();
      })();
      return stopping;
    },
  };
}

async function main(): Promise<void> {
  let config: ServiceConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ServiceError) {
      process.stderr.write(`credanchor: ${error.message}\n${error.hints.map((hint) => `  hint: ${hint}`).join("\n")}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { rpcUrl } = config;
  const conceal = (text: string) => text.split(rpcUrl).join(describeRpcUrl(rpcUrl)); // the URL may hold an API key
  let service: RunningService;
  try {
    service = await startService({ config });
  } catch (error) {
    if (error instanceof ServiceError) {
      process.stderr.write(conceal(`credanchor: ${error.message}\n${error.hints.map((hint) => `  hint: ${hint}`).join("\n")}\n`));
    } else {
      const message = (error as { shortMessage?: string }).shortMessage ?? (error as Error).message;
      process.stderr.write(conceal(`credanchor: start-up failed: ${message}\n`));
      if (config.logLevel === "debug" || config.logLevel === "trace") process.stderr.write(conceal(`${(error as Error).stack}\n`));
    }
    process.exit(1);
  }
  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) process.exit(1);
    process.stderr.write(`credanchor: ${signal}: shutting down\n`);
    service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

if (import.meta.main) await main();
