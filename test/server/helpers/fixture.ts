/**
 * The service under test, in-process: a real Hardhat node, the real composition root
 * (startService: SQLite file in a temp dir, registry deployed in dev mode, demo
 * institution) on an ephemeral port, plus a second institution and tokens of every
 * scope. Each fixture signs with its own Hardhat dev accounts so fixtures sharing a node
 * never race for nonces.
 */
import { join } from "node:path";

import type { Logger } from "pino";
import { createPublicClient, http, type PublicClient } from "viem";
import { mnemonicToAccount, type HDAccount } from "viem/accounts";

import { loadConfig } from "../../../server/config.ts";
import type { HardhatNode } from "../../../server/dev/devNode.ts";
import { devAccounts } from "../../../server/dev/devAccounts.ts";
import { registerInstitution } from "../../../server/institutions.ts";
import { startService, type RunningService } from "../../../server/main.ts";
import type { InstitutionRow, TokenScope } from "../../../server/store/types.ts";
import { createApiToken } from "../../../server/tokens.ts";
import { startNode, tempDir } from "./processes.ts";

const MNEMONIC = "test test test test test test test test test test test junk";

/** Hardhat dev account `index` (0..19). */
export function hardhatAccount(index: number): HDAccount {
  return mnemonicToAccount(MNEMONIC, { addressIndex: index });
}

/** The private key of Hardhat dev account `index`, as hex. */
export function hardhatKey(index: number): `0x${string}` {
  const key = hardhatAccount(index).getHdKey().privateKey!;
  return `0x${Buffer.from(key).toString("hex")}`;
}

/** A response as tests see it. */
export type ApiResponse = { status: number; body: any; headers: Headers; text: string };

/** The running fixture. */
export type Fixture = {
  readonly node: HardhatNode;
  readonly service: RunningService;
  readonly url: string;
  readonly dataDir: string;
  readonly client: PublicClient;
  readonly registry: `0x${string}`;
  readonly institutions: { readonly a: InstitutionRow; readonly b: InstitutionRow };
  /** Tokens: a.all (every scope), a.issue, a.revoke, a.admin, a.read, b.all. */
  readonly tokens: { readonly a: Record<"all" | TokenScope, string>; readonly b: { readonly all: string } };
  request(method: string, path: string, options?: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<ApiResponse>;
  /** Stops the service (and the node if the fixture started it). */
  stop(): Promise<void>;
  /** Restarts the service on the same database (and the same node). */
  restart(env?: Record<string, string>): Promise<void>;
};

/** Parameters of {@link startFixture}. */
export type StartFixtureParameters = {
  /** Reuse a node (else one is started and stopped with the fixture). */
  readonly node?: HardhatNode | undefined;
  /** Dev accounts for anchorer and revoker (distinct per fixture on a shared node). Default 4, 5. */
  readonly anchorerIndex?: number | undefined;
  readonly revokerIndex?: number | undefined;
  /** Extra CREDANCHOR_* settings. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Register the second institution (default true). */
  readonly secondInstitution?: boolean | undefined;
  /** The service's logger (default: one at CREDANCHOR_LOG_LEVEL, silent). */
  readonly logger?: Logger | undefined;
};

/**
 * @example
 * ```ts
 * const fixture = await startFixture({ env: { CREDANCHOR_BATCH_MAX_WAIT_MS: "60000" } });
 * const { status, body } = await fixture.request("GET", "/v1/batches", { token: fixture.tokens.a.all });
 * await fixture.stop();
 * ```
 */
export async function startFixture(parameters: StartFixtureParameters = {}): Promise<Fixture> {
  const ownNode = parameters.node === undefined;
  const node = parameters.node ?? (await startNode());
  const dataDir = tempDir("credanchor-service-");
  const baseEnv: Record<string, string> = {
    CREDANCHOR_DEV: "1",
    CREDANCHOR_RPC_URL: node.url,
    CREDANCHOR_SPAWN_NODE: "false",
    CREDANCHOR_DB_PATH: join(dataDir, "credanchor.db"),
    CREDANCHOR_DEPLOYMENTS_DIR: join(dataDir, "deployments"),
    CREDANCHOR_PORT: "0",
    CREDANCHOR_LOG_LEVEL: "silent",
    CREDANCHOR_SIGN: "0", // credanchor-proof-v1 unless a test opts in (test/server/signed.test.ts)
    CREDANCHOR_ANCHORER_KEY: hardhatKey(parameters.anchorerIndex ?? 4),
    CREDANCHOR_REVOKER_KEY: hardhatKey(parameters.revokerIndex ?? 5),
    CREDANCHOR_BATCH_MAX_WAIT_MS: "60000",
    CREDANCHOR_POLL_INTERVAL_MS: "100",
    CREDANCHOR_RATE_LIMIT_PER_SECOND: "100000",
    CREDANCHOR_RATE_LIMIT_BURST: "100000",
    CREDANCHOR_HASH_WORKERS: "1",
    ...parameters.env,
  };
  let env = baseEnv;
  let service = await startService({ config: loadConfig({ env, argv: [] }), banners: false, logger: parameters.logger });
  const dev = devAccounts();
  const a = service.demo!.institution;
  const b =
    parameters.secondInstitution === false
      ? a
      : await registerInstitution({
          store: service.store,
          client: service.chain.client,
          chain: service.chain.chain,
          registry: service.chain.registry,
          governance: dev.governance,
          admin: dev.admin,
          anchorer: service.chain.accounts.anchorer.address,
          revoker: service.chain.accounts.revoker?.address,
          name: "Other College",
          identifier: "did:web:other.example",
        });
  const token = async (institutionId: number, scopes: TokenScope[]) =>
    (await createApiToken({ store: service.store, institutionId, scopes, name: scopes.join("+") })).token;
  const tokens = {
    a: {
      all: service.demo!.token,
      issue: await token(a.id, ["issue"]),
      revoke: await token(a.id, ["revoke"]),
      admin: await token(a.id, ["admin"]),
      read: await token(a.id, ["read"]),
    },
    b: { all: await token(b.id, ["read", "issue", "revoke", "admin"]) },
  };
  const client = createPublicClient({ transport: http(node.url) }) as PublicClient;

  const fixture: Fixture = {
    node,
    get service() {
      return service;
    },
    get url() {
      return service.url;
    },
    dataDir,
    client,
    get registry() {
      return service.chain.registry;
    },
    institutions: { a, b },
    tokens,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const token = options.token === undefined ? tokens.a.all : options.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined = options.raw;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers["content-type"] ??= "application/json";
      }
      const response = await fetch(`${service.url}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = undefined;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {
        parsed = text;
      }
      return { status: response.status, body: parsed, headers: response.headers, text };
    },
    async stop() {
      await service.stop();
      if (ownNode) await node.stop();
    },
    async restart(extra) {
      await service.stop();
      env = { ...env, ...extra };
      service = await startService({ config: loadConfig({ env, argv: [] }), banners: false, logger: parameters.logger });
    },
  };
  return fixture;
}
