/**
 * The service's configuration: the only module that reads `process.env` and `process.argv`.
 *
 * Every setting has an environment variable (`CREDANCHOR_*`) and a command-line flag
 * (`--kebab-case`, which wins over the variable); both are validated once with zod into a
 * typed {@link ServiceConfig} with embedded defaults. server/README.md documents the table
 * below; keep them in step. Keys are resolved separately ({@link resolveKeys}): a
 * keystore needs an async scrypt decryption, and keeping them out of the plain config
 * means logging the config can never log a key.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { parseArgs } from "node:util";

import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { z } from "zod";

import { describeRpcUrl, isLoopbackUrl } from "./chain/rpcUrl.ts";
import { ConfigError } from "./errors.ts";

/** Where a crash test may make the process SIGKILL itself (test aid, see publisher.ts). */
export const faultPoints = ["before-send", "after-send", "before-receipt", "after-receipt"] as const;
/** One of {@link faultPoints}. */
export type FaultPoint = (typeof faultPoints)[number];

const booleanText = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off"])
  .transform((value) => ["1", "true", "yes", "on"].includes(value));
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().nonnegative();
const hexKey = z
  .string()
  .regex(/^(0x)?[0-9a-fA-F]{64}$/, "must be 32 bytes of hex (64 hex digits, optional 0x)")
  .transform((value) => (value.startsWith("0x") ? value : `0x${value}`) as `0x${string}`);

/** One setting: its env variable, flag, schema and documentation (README table). */
type Setting = {
  readonly env: string;
  readonly flag: string;
  readonly schema: z.ZodType;
  readonly secret?: boolean;
  readonly doc: string;
};

/** Every setting. `key` names the field of the raw input object. */
export const settings = {
  rpcUrl: {
    env: "CREDANCHOR_RPC_URL",
    flag: "rpc-url",
    schema: z.url(),
    // Provider URLs carry API keys in the path or query: an invalid one is not echoed either.
    secret: true,
    doc: "JSON-RPC endpoint of the chain (default http://127.0.0.1:8545).",
  },
  chainIds: {
    env: "CREDANCHOR_CHAIN_IDS",
    flag: "chain-ids",
    schema: z.string().regex(/^\d+(,\d+)*$/, "must be a comma-separated list of chain ids"),
    doc: "Chain-id allow-list, comma separated. Dev default 31337; required in production.",
  },
  network: {
    env: "CREDANCHOR_NETWORK",
    flag: "network",
    schema: z.string().regex(/^[a-z0-9_-]+$/i, "must be a simple name like localhost or sepolia"),
    doc: "Name of the deployments/<network>.json file (default: localhost for 31337, else chain-<id>).",
  },
  registryAddress: {
    env: "CREDANCHOR_REGISTRY_ADDRESS",
    flag: "registry-address",
    schema: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address"),
    doc: "Registry contract address (default: deployments/<network>.json; dev mode deploys one if none).",
  },
  dev: {
    env: "CREDANCHOR_DEV",
    flag: "dev",
    schema: booleanText,
    doc: "Dev mode (Hardhat well-known keys, local node, demo institution). Default: on only when nothing is configured and the RPC is on loopback.",
  },
  spawnNode: {
    env: "CREDANCHOR_SPAWN_NODE",
    flag: "spawn-node",
    schema: booleanText,
    doc: "Dev mode: start `npx hardhat node` when nothing answers at the RPC URL (default true).",
  },
  anchorerKey: { env: "CREDANCHOR_ANCHORER_KEY", flag: "anchorer-key", schema: hexKey, secret: true, doc: "Anchorer private key (hex)." },
  anchorerKeystore: { env: "CREDANCHOR_ANCHORER_KEYSTORE", flag: "anchorer-keystore", schema: z.string().min(1), doc: "Path to the anchorer's encrypted JSON keystore." },
  anchorerKeystorePassword: {
    env: "CREDANCHOR_ANCHORER_KEYSTORE_PASSWORD",
    flag: "anchorer-keystore-password",
    schema: z.string(),
    secret: true,
    doc: "Password of the anchorer keystore.",
  },
  revokerKey: { env: "CREDANCHOR_REVOKER_KEY", flag: "revoker-key", schema: hexKey, secret: true, doc: "Revoker private key (hex)." },
  revokerKeystore: { env: "CREDANCHOR_REVOKER_KEYSTORE", flag: "revoker-keystore", schema: z.string().min(1), doc: "Path to the revoker's encrypted JSON keystore." },
  revokerKeystorePassword: {
    env: "CREDANCHOR_REVOKER_KEYSTORE_PASSWORD",
    flag: "revoker-keystore-password",
    schema: z.string(),
    secret: true,
    doc: "Password of the revoker keystore.",
  },
  deploymentsDir: {
    env: "CREDANCHOR_DEPLOYMENTS_DIR",
    flag: "deployments-dir",
    schema: z.string().min(1),
    doc: "Directory of <network>.json deployment records (default <repo>/deployments).",
  },
  dbPath: { env: "CREDANCHOR_DB_PATH", flag: "db", schema: z.string().min(1), doc: "SQLite database file (default ./data/credanchor.db)." },
  // Scale-out on PostgreSQL (docs/DEPLOY.md).
  databaseUrl: {
    env: "CREDANCHOR_DATABASE_URL",
    flag: "database-url",
    schema: z.string().regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres://user:password@host:port/database URL"),
    secret: true,
    doc: "PostgreSQL database (postgres://…): replaces the SQLite file; any number of replicas may share it.",
  },
  databasePoolSize: {
    env: "CREDANCHOR_DATABASE_POOL_SIZE",
    flag: "database-pool-size",
    schema: positiveInt.max(1000),
    doc: "PostgreSQL connections per replica (default 10).",
  },
  publisherLeaseMs: {
    env: "CREDANCHOR_PUBLISHER_LEASE_MS",
    flag: "publisher-lease-ms",
    schema: positiveInt.min(500),
    doc: "PostgreSQL: the elected publisher's lease; a standby takes over within about 1.25 times this after it dies (default 5000).",
  },
  faultSignal: {
    env: "CREDANCHOR_FAULT_SIGNAL",
    flag: "fault-signal",
    schema: z.enum(["SIGKILL", "SIGSTOP"]),
    doc: "TEST AID ONLY: the signal CREDANCHOR_FAULT sends the process (default SIGKILL; SIGSTOP pauses it).",
  },
  batchMaxSize: {
    env: "CREDANCHOR_BATCH_MAX_SIZE",
    flag: "batch-max-size",
    schema: positiveInt.max(0xffffffff),
    doc: "A batch closes when it holds this many credentials (default 10000).",
  },
  batchMaxWaitMs: {
    env: "CREDANCHOR_BATCH_MAX_WAIT_MS",
    flag: "batch-max-wait-ms",
    schema: positiveInt,
    doc: "... or when its oldest credential has waited this long (default 5000).",
  },
  confirmations: {
    env: "CREDANCHOR_CONFIRMATIONS",
    flag: "confirmations",
    schema: positiveInt,
    doc: "Blocks (including the anchoring one) before a batch counts as anchored (dev default 1, else 12).",
  },
  pollIntervalMs: {
    env: "CREDANCHOR_POLL_INTERVAL_MS",
    flag: "poll-interval-ms",
    schema: positiveInt,
    doc: "How often the publisher checks the chain (default 250 in dev, 2000 otherwise).",
  },
  host: { env: "CREDANCHOR_HOST", flag: "host", schema: z.string().min(1), doc: "Listen address (default 127.0.0.1)." },
  port: { env: "CREDANCHOR_PORT", flag: "port", schema: nonNegativeInt.max(65535), doc: "Listen port (default 8787; 0 = any free port)." },
  bodyLimitBytes: {
    env: "CREDANCHOR_BODY_LIMIT_BYTES",
    flag: "body-limit-bytes",
    schema: positiveInt,
    doc: "Largest JSON request body (default 67108864 = 64 MiB, room for 10,000+ credentials).",
  },
  ndjsonLimitBytes: {
    env: "CREDANCHOR_NDJSON_LIMIT_BYTES",
    flag: "ndjson-limit-bytes",
    schema: positiveInt,
    doc: "Largest NDJSON request body (default 1073741824 = 1 GiB).",
  },
  maxCredentialsPerRequest: {
    env: "CREDANCHOR_MAX_CREDENTIALS_PER_REQUEST",
    flag: "max-credentials-per-request",
    schema: positiveInt,
    doc: "Most credentials in one request, JSON or NDJSON (default 500000).",
  },
  rateLimitPerSecond: {
    env: "CREDANCHOR_RATE_LIMIT_PER_SECOND",
    flag: "rate-limit-per-second",
    schema: nonNegativeInt,
    doc: "Sustained requests per second per API token (default 200; 0 disables).",
  },
  rateLimitBurst: {
    env: "CREDANCHOR_RATE_LIMIT_BURST",
    flag: "rate-limit-burst",
    schema: positiveInt,
    doc: "Requests a token may send at once above the sustained rate (default 400).",
  },
  requestTimeoutMs: {
    env: "CREDANCHOR_REQUEST_TIMEOUT_MS",
    flag: "request-timeout-ms",
    schema: positiveInt,
    doc: "A request not answered after this long gets 503 (default 120000).",
  },
  hashWorkers: {
    env: "CREDANCHOR_HASH_WORKERS",
    flag: "hash-workers",
    schema: nonNegativeInt.max(64),
    doc: "Worker threads validating and hashing bulk submissions (default: CPU count - 1, at least 2; 0 = main thread).",
  },
  dbCacheBytes: {
    env: "CREDANCHOR_DB_CACHE_BYTES",
    flag: "db-cache-bytes",
    schema: positiveInt,
    doc: "SQLite page cache of the service's connection (default 1073741824 = 1 GiB; filled as pages are read).",
  },
  proofCacheBytes: {
    env: "CREDANCHOR_PROOF_CACHE_BYTES",
    flag: "proof-cache-bytes",
    schema: positiveInt,
    doc: "Memory for cached batch trees that proofs are read from (default 268435456 = 256 MiB).",
  },
  logLevel: {
    env: "CREDANCHOR_LOG_LEVEL",
    flag: "log-level",
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    doc: "pino log level (default info).",
  },
  // --- issuer signing keys (credanchor-proof-v2, server/signing/keyring.ts) ---
  signingKeys: {
    env: "CREDANCHOR_SIGNING_KEYS",
    flag: "signing-keys",
    schema: z.string().min(1),
    secret: true,
    doc: 'Institutions\' Ed25519 signing keys as JSON {"keys":[{id,controller,publicKeyMultibase,secretKeyMultibase}]} (env only in production). Dev default: data/signing-keys.json, made for the demo institution.',
  },
  signingKeysFile: {
    env: "CREDANCHOR_SIGNING_KEYS_FILE",
    flag: "signing-keys-file",
    schema: z.string().min(1),
    doc: "Path of a file with the signing keys JSON (mode 0600). Without keys, credentials are issued unsigned (credanchor-proof-v1).",
  },
  signingKeystore: {
    env: "CREDANCHOR_SIGNING_KEYSTORE",
    flag: "signing-keystore",
    schema: z.string().min(1),
    doc: "Path of an encrypted signing keystore (credanchor-signing-keystore-v1, written by `credanchor signing-keys new|encrypt`; docs/SIGNATURES.md).",
  },
  signingKeystorePassword: {
    env: "CREDANCHOR_SIGNING_KEYSTORE_PASSWORD",
    flag: "signing-keystore-password",
    schema: z.string(),
    secret: true,
    doc: "Password of the signing keystore (give it in the environment, not on the command line).",
  },
  sign: {
    env: "CREDANCHOR_SIGN",
    flag: "sign",
    schema: booleanText,
    doc: "Sign unsigned credentials at intake with the institution's key (default on; off issues credanchor-proof-v1; DID documents are served either way).",
  },
  // --- the public verifier site and POST /v1/verify without a token (server/routes/site.ts, verify.ts) ---
  publicUrl: { env: "CREDANCHOR_PUBLIC_URL", flag: "public-url", schema: z.url(), doc: "The verifier page's public URL, the base of share links (default: the address each request came to)." },
  publicRpcUrl: { env: "CREDANCHOR_PUBLIC_RPC_URL", flag: "public-rpc-url", schema: z.url(), doc: "An RPC endpoint visitors' browsers may use to verify in the page (default: none; the page asks the service)." },
  publicVerifyPerSecond: { env: "CREDANCHOR_PUBLIC_VERIFY_PER_SECOND", flag: "public-verify-per-second", schema: nonNegativeInt, doc: "Token-less verifications per second per client address (default 20; 0 = no limit)." },
  publicVerifyBurst: { env: "CREDANCHOR_PUBLIC_VERIFY_BURST", flag: "public-verify-burst", schema: positiveInt, doc: "Burst of token-less verifications per client address (default 60)." },
  publicVerifyBodyBytes: { env: "CREDANCHOR_PUBLIC_VERIFY_BODY_BYTES", flag: "public-verify-body-bytes", schema: positiveInt, doc: "Largest POST /v1/verify body in bytes (default 262144)." },
  // --- W3C Bitstring Status Lists (server/statusList/) ---
  statusListRefreshMs: {
    env: "CREDANCHOR_STATUS_LIST_REFRESH_MS",
    flag: "status-list-refresh-ms",
    schema: positiveInt,
    doc: "Least time between two re-derivations (and re-signings) of an institution's status lists from the event index (default 1000).",
  },
  statusListMaxAgeSeconds: {
    env: "CREDANCHOR_STATUS_LIST_MAX_AGE_SECONDS",
    flag: "status-list-max-age-seconds",
    schema: nonNegativeInt,
    doc: "Cache-Control max-age of served status lists (default 10): how long an HTTP cache may keep a list before asking again.",
  },
  fault: {
    env: "CREDANCHOR_FAULT",
    flag: "fault",
    schema: z.enum(faultPoints),
    doc: "TEST AID ONLY: SIGKILL the process once at this publishing step (before-send|after-send|before-receipt|after-receipt).",
  },
} as const satisfies Record<string, Setting>;

type SettingName = keyof typeof settings;

/**
 * `CREDANCHOR_*` variables that other credanchor tools read (the CLI's cli/lib/config.ts
 * `envVars`, scripts/deploy.ts, the soak test), which may share the service's
 * environment: not reported as unknown. test/server/config.test.ts keeps this list in step
 * with the CLI's.
 */
export const otherToolsVariables = [
  "CREDANCHOR_INSTITUTION_ID",
  "CREDANCHOR_SERVICE_URL",
  "CREDANCHOR_TOKEN",
  "CREDANCHOR_GOVERNOR_KEY",
  "CREDANCHOR_ADMIN_KEY",
  "CREDANCHOR_KEYSTORE",
  "CREDANCHOR_KEYSTORE_PASSWORD",
  "CREDANCHOR_DEBUG",
  "CREDANCHOR_GOVERNANCE_ADMIN",
  "CREDANCHOR_ADMIN_TRANSFER_DELAY",
  "CREDANCHOR_SOAK_ROUNDS",
] as const;

/** Levenshtein distance (for "did you mean"). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Every `CREDANCHOR_*` variable of `env` that nothing reads, each with the nearest known
 * name (a misspelt key variable would otherwise leave the key unset, silently).
 */
export function unknownVariables(env: Readonly<Record<string, string | undefined>>): { name: string; suggestion: string }[] {
  const serviceNames: string[] = Object.values(settings).map((setting) => setting.env);
  const known = new Set<string>([...serviceNames, ...otherToolsVariables]);
  return Object.keys(env)
    .filter((name) => name.startsWith("CREDANCHOR_") && !known.has(name))
    .sort()
    .map((name) => {
      let suggestion = serviceNames[0]!;
      for (const candidate of serviceNames) {
        if (editDistance(name, candidate) < editDistance(name, suggestion)) suggestion = candidate;
      }
      return { name, suggestion };
    });
}

/** The validated configuration (without keys: see {@link resolveKeys}). */
export type ServiceConfig = {
  readonly rpcUrl: string;
  readonly allowedChainIds: readonly number[] | undefined;
  readonly network: string | undefined;
  readonly registryAddress: `0x${string}` | undefined;
  readonly dev: boolean;
  readonly spawnNode: boolean;
  readonly dbPath: string;
  /** PostgreSQL instead of the SQLite file, with the publisher elected (docs/DEPLOY.md). */
  readonly database: { readonly url: string; readonly poolSize: number; readonly publisherLeaseMs: number } | undefined;
  readonly dataDir: string;
  readonly deploymentsDir: string;
  readonly batch: { readonly maxSize: number; readonly maxWaitMs: number };
  readonly confirmations: number;
  readonly pollIntervalMs: number;
  readonly listen: { readonly host: string; readonly port: number };
  readonly limits: {
    readonly bodyLimitBytes: number;
    readonly ndjsonLimitBytes: number;
    readonly maxCredentialsPerRequest: number;
    readonly rateLimitPerSecond: number;
    readonly rateLimitBurst: number;
    readonly requestTimeoutMs: number;
  };
  readonly hashWorkers: number;
  readonly dbCacheBytes: number;
  readonly proofCacheBytes: number;
  readonly logLevel: string;
  readonly fault: FaultPoint | undefined;
  /** The public verifier site and token-less verification. */
  readonly publicSite: PublicSiteSettings;
  readonly faultSignal: "SIGKILL" | "SIGSTOP";
  /** Where the keys come from (no secret in here): what {@link resolveKeys} will read. */
  readonly keySources: { readonly anchorer: KeySource | undefined; readonly revoker: KeySource | undefined };
  /** Where the issuer signing keys come from (server/signing/keyring.ts); the JSON is never logged. */
  readonly signingKeySource: {
    readonly json?: string | undefined;
    readonly file?: string | undefined;
    /** An encrypted keystore and its password (decrypted by server/signing/keyring.ts at start-up). */
    readonly keystore?: { readonly path: string; readonly password: string } | undefined;
    readonly sign: boolean;
  };
  /** Status list publishing (server/statusList/). */
  readonly statusLists: StatusListSettings;
  /** The repository root (for `npx hardhat`, artifacts/ and deployments/). */
  readonly repoRoot: string;
};

/** How status lists are re-derived and cached (server/statusList/publisher.ts, routes/statusLists.ts). */
export type StatusListSettings = { readonly refreshMs: number; readonly maxAgeSeconds: number };

/** Settings of the public verifier site (server/routes/site.ts) and of token-less POST /v1/verify. */
export type PublicSiteSettings = {
  readonly url: string | undefined;
  readonly rpcUrl: string | undefined;
  readonly verifyPerSecond: number;
  readonly verifyBurst: number;
  readonly verifyBodyBytes: number;
};

/** Where one key comes from. */
export type KeySource =
  | { readonly kind: "hex"; readonly key: `0x${string}` }
  | { readonly kind: "keystore"; readonly path: string; readonly password: string };

/** Parameters of {@link loadConfig}. */
export type LoadConfigParameters = {
  /** Defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Command-line arguments after the script name; defaults to `process.argv.slice(2)`. */
  readonly argv?: readonly string[] | undefined;
  /** Base for relative paths (default `process.cwd()`). */
  readonly cwd?: string | undefined;
  /** Repository root (default: the parent of server/). */
  readonly repoRoot?: string | undefined;
};

/**
 * Reads and validates the configuration. Throws a {@link ConfigError} naming the variable
 * or flag when a value is invalid.
 *
 * @example
 * ```ts
 * const config = loadConfig(); // from process.env and process.argv
 * const config = loadConfig({ env: { CREDANCHOR_PORT: "0" }, argv: [] }); // tests
 * ```
 */
export function loadConfig(parameters: LoadConfigParameters = {}): ServiceConfig {
  const env = parameters.env ?? process.env;
  const argv = parameters.argv ?? process.argv.slice(2);
  const cwd = parameters.cwd ?? process.cwd();
  const repoRoot = parameters.repoRoot ?? resolve(import.meta.dirname, "..");

  const options = Object.fromEntries(
    Object.values(settings).map((setting) => [setting.flag, { type: "string" as const }]),
  );
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | undefined
    >;
  } catch (cause) {
    throw new ConfigError({
      message: `Invalid command line: ${(cause as Error).message}`,
      hints: [`Known flags: ${Object.values(settings).map((setting) => `--${setting.flag}`).join(", ")}.`],
    });
  }

  const raw: Partial<Record<SettingName, unknown>> = {};
  for (const [name, setting] of Object.entries(settings) as [SettingName, Setting][]) {
    const fromFlag = flags[setting.flag];
    const fromEnv = env[setting.env];
    const text = fromFlag ?? (fromEnv === "" ? undefined : fromEnv);
    if (text === undefined) continue;
    const parsed = setting.schema.safeParse(text);
    if (!parsed.success) {
      const source = fromFlag !== undefined ? `--${setting.flag}` : setting.env;
      const shown = setting.secret === true ? "(value hidden)" : JSON.stringify(text);
      throw new ConfigError({
        message: `${source} ${shown} is invalid: ${parsed.error.issues[0]?.message ?? "invalid value"}.`,
        hints: [setting.doc],
      });
    }
    raw[name] = parsed.data;
  }

  const anchorer = keySource("anchorer", raw.anchorerKey, raw.anchorerKeystore, raw.anchorerKeystorePassword, cwd);
  const revoker = keySource("revoker", raw.revokerKey, raw.revokerKeystore, raw.revokerKeystorePassword, cwd);
  const rpcUrl = (raw.rpcUrl as string | undefined) ?? "http://127.0.0.1:8545";
  const chainIdList = raw.chainIds === undefined ? undefined : String(raw.chainIds).split(",").map(Number);

  // Dev mode signs with publicly known keys, so it is on only when asked for, or when
  // nothing that points at a real deployment is configured and the RPC is on this machine
  // (the chain must then be 31337: the allow-list below makes start-up check it).
  const productionSigns = [
    ...(anchorer !== undefined || revoker !== undefined ? ["a key is configured"] : []),
    ...(isLoopbackUrl(rpcUrl) ? [] : ["CREDANCHOR_RPC_URL is not a loopback address"]),
    ...(chainIdList !== undefined && chainIdList.some((id) => id !== 31337) ? [`CREDANCHOR_CHAIN_IDS is ${chainIdList.join(",")}`] : []),
    ...(raw.registryAddress !== undefined ? ["CREDANCHOR_REGISTRY_ADDRESS is set"] : []),
    ...(raw.network !== undefined ? ["CREDANCHOR_NETWORK is set"] : []),
  ];
  const dev = (raw.dev as boolean | undefined) ?? productionSigns.length === 0;
  const chainIds = chainIdList ?? (dev ? [31337] : undefined);

  const problems: string[] = [];
  const hints: string[] = [];
  const unknown = unknownVariables(env);
  for (const { name, suggestion } of unknown) problems.push(`unknown variable ${name} (did you mean ${suggestion}?)`);
  if (!dev) {
    if (anchorer === undefined) {
      problems.push("missing the anchorer key: CREDANCHOR_ANCHORER_KEY, or CREDANCHOR_ANCHORER_KEYSTORE and CREDANCHOR_ANCHORER_KEYSTORE_PASSWORD");
    }
    if (chainIds === undefined) problems.push("missing the chain-id allow-list: CREDANCHOR_CHAIN_IDS (e.g. 1 or 11155111)");
    if (problems.length > unknown.length) {
      hints.push(
        `This is a production configuration (${raw.dev === false ? "CREDANCHOR_DEV=0" : productionSigns.join("; ")}); dev mode is on only with CREDANCHOR_DEV=1, or with nothing configured and a loopback RPC.`,
      );
    }
  }
  if (unknown.length > 0) hints.push("Every variable the service reads is listed in server/README.md (Configuration).");
  if (problems.length > 0) {
    throw new ConfigError({ message: `Refusing to start: ${problems.join("; ")}.`, hints });
  }

  const dbPath = absolute((raw.dbPath as string | undefined) ?? "./data/credanchor.db", cwd);
  return {
    rpcUrl,
    allowedChainIds: chainIds,
    network: raw.network as string | undefined,
    registryAddress: raw.registryAddress as `0x${string}` | undefined,
    dev,
    spawnNode: dev && ((raw.spawnNode as boolean | undefined) ?? true),
    dbPath,
    database:
      raw.databaseUrl === undefined
        ? undefined
        : {
            url: raw.databaseUrl as string,
            poolSize: (raw.databasePoolSize as number | undefined) ?? 10,
            publisherLeaseMs: (raw.publisherLeaseMs as number | undefined) ?? 5_000,
          },
    dataDir: resolve(dbPath, ".."),
    deploymentsDir: absolute((raw.deploymentsDir as string | undefined) ?? resolve(repoRoot, "deployments"), cwd),
    batch: {
      maxSize: (raw.batchMaxSize as number | undefined) ?? 10_000,
      maxWaitMs: (raw.batchMaxWaitMs as number | undefined) ?? 5_000,
    },
    confirmations: (raw.confirmations as number | undefined) ?? (dev ? 1 : 12),
    pollIntervalMs: (raw.pollIntervalMs as number | undefined) ?? (dev ? 250 : 2_000),
    listen: { host: (raw.host as string | undefined) ?? "127.0.0.1", port: (raw.port as number | undefined) ?? 8787 },
    limits: {
      bodyLimitBytes: (raw.bodyLimitBytes as number | undefined) ?? 64 * 1024 * 1024,
      ndjsonLimitBytes: (raw.ndjsonLimitBytes as number | undefined) ?? 1024 * 1024 * 1024,
      maxCredentialsPerRequest: (raw.maxCredentialsPerRequest as number | undefined) ?? 500_000,
      rateLimitPerSecond: (raw.rateLimitPerSecond as number | undefined) ?? 200,
      rateLimitBurst: (raw.rateLimitBurst as number | undefined) ?? 400,
      requestTimeoutMs: (raw.requestTimeoutMs as number | undefined) ?? 120_000,
    },
    // At least 2: the main thread spends much of an intake waiting (SQLite commits, sockets),
    // so on a 2-core machine one worker left a core idle. Measured with
    // scripts/bench/service-ingest.ts: 1 worker 22,944, 2 workers 25,041 credentials/s.
    hashWorkers: (raw.hashWorkers as number | undefined) ?? Math.max(2, availableParallelism() - 1),
    dbCacheBytes: (raw.dbCacheBytes as number | undefined) ?? 1024 * 1024 * 1024,
    proofCacheBytes: (raw.proofCacheBytes as number | undefined) ?? 256 * 1024 * 1024,
    logLevel: (raw.logLevel as string | undefined) ?? "info",
    fault: raw.fault as FaultPoint | undefined,
    publicSite: {
      url: raw.publicUrl as string | undefined,
      rpcUrl: raw.publicRpcUrl as string | undefined,
      verifyPerSecond: (raw.publicVerifyPerSecond as number | undefined) ?? 20,
      verifyBurst: (raw.publicVerifyBurst as number | undefined) ?? 60,
      verifyBodyBytes: (raw.publicVerifyBodyBytes as number | undefined) ?? 256 * 1024,
    },
    faultSignal: (raw.faultSignal as "SIGKILL" | "SIGSTOP" | undefined) ?? "SIGKILL",
    keySources: { anchorer, revoker },
    signingKeySource: {
      json: raw.signingKeys as string | undefined,
      file: raw.signingKeysFile === undefined ? undefined : absolute(raw.signingKeysFile as string, cwd),
      keystore: signingKeystore(raw.signingKeys, raw.signingKeysFile, raw.signingKeystore, raw.signingKeystorePassword, cwd),
      sign: (raw.sign as boolean | undefined) ?? true,
    },
    statusLists: {
      refreshMs: (raw.statusListRefreshMs as number | undefined) ?? 1_000,
      maxAgeSeconds: (raw.statusListMaxAgeSeconds as number | undefined) ?? 10,
    },
    repoRoot,
  };
}

function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function keySource(
  role: "anchorer" | "revoker",
  key: unknown,
  keystore: unknown,
  password: unknown,
  cwd: string,
): KeySource | undefined {
  const upper = role.toUpperCase();
  if (key !== undefined && keystore !== undefined) {
    throw new ConfigError({
      message: `Both CREDANCHOR_${upper}_KEY and CREDANCHOR_${upper}_KEYSTORE are set.`,
      hints: ["Configure one source per key."],
    });
  }
  if (key !== undefined) return { kind: "hex", key: key as `0x${string}` };
  if (keystore !== undefined) {
    if (password === undefined) {
      throw new ConfigError({
        message: `CREDANCHOR_${upper}_KEYSTORE is set but CREDANCHOR_${upper}_KEYSTORE_PASSWORD is not.`,
        hints: ["The keystore is encrypted; give its password in the environment (not on the command line)."],
      });
    }
    return { kind: "keystore", path: absolute(keystore as string, cwd), password: password as string };
  }
  return undefined;
}

/** The signing keystore source: one source of signing keys at most, and a keystore only with its password. */
function signingKeystore(
  json: unknown,
  file: unknown,
  keystore: unknown,
  password: unknown,
  cwd: string,
): { path: string; password: string } | undefined {
  const given = [
    ...(json !== undefined ? ["CREDANCHOR_SIGNING_KEYS"] : []),
    ...(file !== undefined ? ["CREDANCHOR_SIGNING_KEYS_FILE"] : []),
    ...(keystore !== undefined ? ["CREDANCHOR_SIGNING_KEYSTORE"] : []),
  ];
  if (given.length > 1) {
    throw new ConfigError({ message: `${given.join(" and ")} are both set.`, hints: ["Configure one source of signing keys."] });
  }
  if (keystore === undefined) {
    if (password !== undefined) {
      throw new ConfigError({ message: "CREDANCHOR_SIGNING_KEYSTORE_PASSWORD is set but CREDANCHOR_SIGNING_KEYSTORE is not.", hints: ["Set CREDANCHOR_SIGNING_KEYSTORE to the keystore's path."] });
    }
    return undefined;
  }
  if (password === undefined) {
    throw new ConfigError({
      message: "CREDANCHOR_SIGNING_KEYSTORE is set but CREDANCHOR_SIGNING_KEYSTORE_PASSWORD is not.",
      hints: ["The keystore is encrypted; give its password in the environment (not on the command line)."],
    });
  }
  return { path: absolute(keystore as string, cwd), password: password as string };
}

/** The signing accounts, once decrypted. */
export type ServiceKeys = {
  readonly anchorer: PrivateKeyAccount | undefined;
  readonly revoker: PrivateKeyAccount | undefined;
};

/**
 * Turns the configured key sources into viem accounts (decrypting keystores with ethers'
 * `Wallet.fromEncryptedJson`). Errors never include the key or the password.
 *
 * @example
 * ```ts
 * const keys = await resolveKeys({ sources: config.keySources });
 * ```
 */
export async function resolveKeys(parameters: {
  readonly sources: ServiceConfig["keySources"];
}): Promise<ServiceKeys> {
  return {
    anchorer: await resolveKey("anchorer", parameters.sources.anchorer),
    revoker: await resolveKey("revoker", parameters.sources.revoker),
  };
}

async function resolveKey(role: string, source: KeySource | undefined): Promise<PrivateKeyAccount | undefined> {
  if (source === undefined) return undefined;
  if (source.kind === "hex") return privateKeyToAccount(source.key);
  let json: string;
  try {
    json = readFileSync(source.path, "utf8");
  } catch (cause) {
    throw new ConfigError({
      message: `Cannot read the ${role} keystore at ${source.path}: ${(cause as NodeJS.ErrnoException).code ?? "error"}.`,
      hints: ["Check CREDANCHOR_" + role.toUpperCase() + "_KEYSTORE."],
    });
  }
  try {
    // ethers is only needed for keystores; load it only then.
    const { Wallet } = await import("ethers");
    const wallet = await Wallet.fromEncryptedJson(json, source.password);
    return privateKeyToAccount(wallet.privateKey as `0x${string}`);
  } catch {
    throw new ConfigError({
      message: `Cannot decrypt the ${role} keystore at ${source.path}.`,
      hints: ["Check the keystore password (CREDANCHOR_" + role.toUpperCase() + "_KEYSTORE_PASSWORD) and that the file is a JSON keystore (v3)."],
    });
  }
}

/**
 * The configuration as it is safe to log: no keys, no passwords, the RPC URL as scheme,
 * host and port only.
 *
 * @example
 * ```ts
 * logger.info({ config: describeConfig(config) }, "configuration");
 * ```
 */
export function describeConfig(config: ServiceConfig): Record<string, unknown> {
  const { keySources, signingKeySource, rpcUrl, database, ...rest } = config;
  const describe = (source: KeySource | undefined) =>
    source === undefined ? "none" : source.kind === "hex" ? "private key (env/flag)" : `keystore ${source.path}`;
  const signing = !signingKeySource.sign ? "off" : signingKeySource.json !== undefined ? "keys (env/flag)" : signingKeySource.file !== undefined ? `file ${signingKeySource.file}` : "none";
  // The database URL may carry a password: log where it points, not the URL.
  const where = (url: string) => {
    try {
      const parsed = new URL(url);
      return `${parsed.protocol}//${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
    } catch {
      return "(unparseable URL)";
    }
  };
  return {
    rpcUrl: describeRpcUrl(rpcUrl),
    ...rest,
    ...(database === undefined ? {} : { database: { ...database, url: where(database.url) } }),
    keys: {
      anchorer: describe(keySources.anchorer),
      revoker: describe(keySources.revoker),
      signing: signingKeySource.sign && signingKeySource.keystore !== undefined ? `keystore ${signingKeySource.keystore.path}` : signing,
    },
  };
}
