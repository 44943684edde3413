/**
 * The operator's way into a service's database: onboarding, listing, disabling and
 * enabling institutions, and their API tokens. The CLI (`credanchor service …`,
 * `credanchor tokens … --db`) reaches the service's code through this module only, never
 * through the store; it works whether the service is running or not (SQLite's locks
 * serialise the writes, and the running service sees a change within a few seconds).
 */
import { existsSync } from "node:fs";

import type { PublicClient } from "viem";

import { ConfigError, ServiceError } from "./errors.ts";
import { onboardInstitution, type OnboardInstitutionReturnType } from "./institutions.ts";
import { createSqliteStore } from "./store/sqlite.ts";
import type { ChainIdentity, InstitutionRow, InstitutionStatus, TokenRow, TokenScope } from "./store/types.ts";
import { createApiToken, type CreateApiTokenReturnType } from "./tokens.ts";

export type { InstitutionRow, TokenRow };

/** Settings under which the service records its key addresses at start-up (server/main.ts). */
export const SERVICE_KEY_SETTINGS = { anchorer: "anchorer_address", revoker: "revoker_address" } as const;

/** Addresses of the keys the service signs with (never the keys). */
export type ServiceKeyAddresses = { readonly anchorer: `0x${string}` | undefined; readonly revoker: `0x${string}` | undefined };

/** Parameters of {@link Admin.addInstitution}. */
export type AddInstitutionParameters = {
  /** A client of the chain the service anchors on. */
  readonly client: PublicClient;
  /** The registry; must be the one the database is bound to, if it is bound. */
  readonly registry: `0x${string}`;
  readonly institutionId: number;
  /** Override the service's recorded anchorer / revoker addresses (a service not started yet). */
  readonly anchorer?: `0x${string}` | undefined;
  readonly revoker?: `0x${string}` | undefined;
};

/** An open admin session on one database. */
export type Admin = {
  /** The chain and registry the database is bound to (undefined before the service's first start). */
  chainIdentity(): Promise<ChainIdentity | undefined>;
  /** The key addresses the service recorded at its last start. */
  serviceKeys(): Promise<ServiceKeyAddresses>;
  /** Onboards (or refreshes) an institution registered on chain; see onboardInstitution. */
  addInstitution(parameters: AddInstitutionParameters): Promise<OnboardInstitutionReturnType>;
  listInstitutions(): Promise<InstitutionRow[]>;
  /** Disables (its tokens are refused; queued batches still anchor) or enables an institution. */
  setInstitutionStatus(parameters: { readonly institutionId: number; readonly status: InstitutionStatus }): Promise<InstitutionRow>;
  createToken(parameters: { readonly institutionId: number; readonly scopes: readonly TokenScope[]; readonly name: string }): Promise<CreateApiTokenReturnType>;
  /** Tokens of one institution, or of all. */
  listTokens(parameters: { readonly institutionId?: number | undefined }): Promise<TokenRow[]>;
  revokeToken(parameters: { readonly institutionId: number; readonly id: string }): Promise<void>;
  close(): Promise<void>;
};

/**
 * Opens the service's database for administration.
 *
 * @example
 * ```ts
 * const admin = await openAdmin({ dbPath: "data/credanchor.db" });
 * try {
 *   await admin.addInstitution({ client, registry, institutionId: 2 });
 * } finally {
 *   await admin.close();
 * }
 * ```
 */
export async function openAdmin(parameters: { readonly dbPath: string }): Promise<Admin> {
  if (!existsSync(parameters.dbPath)) {
    throw new ConfigError({
      message: `No service database at ${parameters.dbPath}.`,
      hints: ["The service creates it on its first start (default ./data/credanchor.db, or CREDANCHOR_DB_PATH); give its path with --db."],
    });
  }
  const store = createSqliteStore({ path: parameters.dbPath, backgroundCheckpoints: false });

  async function known(institutionId: number): Promise<InstitutionRow> {
    const row = await store.getInstitution(institutionId);
    if (row !== undefined) return row;
    const rows = await store.listInstitutions();
    throw new ServiceError({
      code: "CA_NOT_FOUND",
      message: `The service's database has no institution ${institutionId}.`,
      hints: [
        rows.length > 0 ? `It serves: ${rows.map((item) => `${item.id} (${item.name})`).join(", ")}.` : "It serves no institution yet.",
        `Onboard one with \`credanchor service institution add ${institutionId}\`.`,
      ],
    });
  }

  async function serviceKeys(): Promise<ServiceKeyAddresses> {
    const read = async (key: string) => ((await store.getSetting(key)) || undefined) as `0x${string}` | undefined;
    return { anchorer: await read(SERVICE_KEY_SETTINGS.anchorer), revoker: await read(SERVICE_KEY_SETTINGS.revoker) };
  }

  return {
    chainIdentity: () => store.getChainIdentity(),
    serviceKeys,
    async addInstitution({ client, registry, institutionId, ...overrides }) {
      const identity = await store.getChainIdentity();
      if (identity !== undefined) {
        const chainId = await client.getChainId();
        if (chainId !== identity.chainId || registry.toLowerCase() !== identity.registryAddress.toLowerCase()) {
          throw new ConfigError({
            message: `The database is bound to registry ${identity.registryAddress} on chain ${identity.chainId}, not ${registry} on chain ${chainId}.`,
            hints: ["Point --rpc at the service's chain and leave --registry out (the database names its registry)."],
          });
        }
      }
      const recorded = await serviceKeys();
      const anchorer = overrides.anchorer ?? recorded.anchorer;
      if (anchorer === undefined) {
        throw new ConfigError({
          message: "The service's anchorer address is not known: the service has not been started on this database yet.",
          hints: ["Start the service once (it records its key addresses), or pass --anchorer <address> and --revoker <address>."],
        });
      }
      return onboardInstitution({
        store,
        client,
        registry,
        institutionId,
        anchorer,
        revoker: overrides.revoker ?? recorded.revoker,
        fromBlock: identity?.deployBlock,
      });
    },
    listInstitutions: () => store.listInstitutions(),
    async setInstitutionStatus({ institutionId, status }) {
      await known(institutionId);
      await store.setInstitutionStatus({ id: institutionId, status });
      return (await store.getInstitution(institutionId))!;
    },
    async createToken({ institutionId, scopes, name }) {
      await known(institutionId);
      return createApiToken({ store, institutionId, scopes, name });
    },
    async listTokens({ institutionId }) {
      const ids = institutionId !== undefined ? [(await known(institutionId)).id] : (await store.listInstitutions()).map((row) => row.id);
      return (await Promise.all(ids.map((id) => store.listTokens(id)))).flat();
    },
    async revokeToken({ institutionId, id }) {
      await known(institutionId);
      if (!(await store.revokeToken({ institutionId, id, now: Date.now() }))) {
        throw new ServiceError({
          code: "CA_NOT_FOUND",
          message: `No token ${id} in institution ${institutionId}.`,
          hints: ["List them with `credanchor tokens list --db …`."],
        });
      }
    },
    close: () => store.close(),
  };
}
