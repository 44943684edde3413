/**
 * The CLI's configuration: flags first, then environment variables, then embedded
 * defaults, each value validated once (zod) with an error that names where it came from.
 * The only module of cli/ that reads `process.env`.
 */
import * as z from "zod";

import { CliError, usageError } from "./errors.ts";

/** Every environment variable the CLI reads, with what it does (shown by --help). */
export const envVars = {
  CREDANCHOR_RPC_URL: "JSON-RPC endpoint of the chain (default http://127.0.0.1:8545)",
  CREDANCHOR_REGISTRY_ADDRESS: "registry address (default: from deployments/*.json for the RPC's chain)",
  CREDANCHOR_DEPLOYMENTS_DIR: "folder of deployment records (default ./deployments)",
  CREDANCHOR_CHAIN_IDS: "chain allow-list, comma-separated chain ids or CAIP-2 ids, e.g. 1,10 or eip155:1",
  CREDANCHOR_CONFIRMATIONS: "confirmations an anchoring needs to count (default 1)",
  CREDANCHOR_INSTITUTION_ID: "institution id used when --institution is not given",
  CREDANCHOR_SERVICE_URL: "anchoring service base URL (default http://127.0.0.1:8787)",
  CREDANCHOR_TOKEN: "API token for the anchoring service",
  CREDANCHOR_DB_PATH: "the anchoring service's SQLite database, for operator commands and db migrate when no PostgreSQL URL is set (default ./data/credanchor.db)",
  CREDANCHOR_GOVERNOR_KEY: "private key of registry governance (deploy, institution)",
  CREDANCHOR_ADMIN_KEY: "private key of an institution admin (keys)",
  CREDANCHOR_ANCHORER_KEY: "private key of an institution anchorer (issue --local)",
  CREDANCHOR_REVOKER_KEY: "private key of a revoker or admin (revoke, suspend, reinstate)",
  CREDANCHOR_ANCHORER_KEYSTORE: "encrypted JSON keystore of the anchorer (instead of CREDANCHOR_ANCHORER_KEY)",
  CREDANCHOR_ANCHORER_KEYSTORE_PASSWORD: "password of that keystore",
  CREDANCHOR_REVOKER_KEYSTORE: "encrypted JSON keystore of the revoker (instead of CREDANCHOR_REVOKER_KEY)",
  CREDANCHOR_REVOKER_KEYSTORE_PASSWORD: "password of that keystore",
  CREDANCHOR_KEYSTORE: "encrypted JSON keystore for any role whose key is not otherwise set",
  CREDANCHOR_KEYSTORE_PASSWORD: "keystore password (else the role's *_KEYSTORE_PASSWORD, else a prompt on the terminal)",
  CREDANCHOR_SIGNING_KEYSTORE_PASSWORD: "password of the issuer signing keystore (signing-keys new|encrypt|show)",
  CREDANCHOR_DEBUG: "set to 1 to print stack traces of unexpected errors",
  CREDANCHOR_DATABASE_URL: "the service's PostgreSQL database (db migrate)",
  NO_COLOR: "set to disable colours",
} as const;

/** The name of an environment variable the CLI reads. */
export type EnvVar = keyof typeof envVars;

const defaults = {
  rpcUrl: "http://127.0.0.1:8545",
  serviceUrl: "http://127.0.0.1:8787",
  deploymentsDir: "deployments",
  confirmations: 1,
} as const;

function env(name: EnvVar): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

type Picked = { readonly value: string; readonly source: string } | undefined;

/** The flag's value if given, else the variable's, remembering which one it was. */
function pick(flagValue: string | undefined, flag: string, variable: EnvVar): Picked {
  if (flagValue !== undefined) return { value: flagValue, source: flag };
  const value = env(variable);
  return value === undefined ? undefined : { value, source: variable };
}

function check<T>(schema: z.ZodType<T>, picked: NonNullable<Picked>, expected: string): T {
  const result = schema.safeParse(picked.value);
  if (!result.success) throw usageError(`${picked.source}: "${picked.value}" is not ${expected}.`);
  return result.data;
}

const urlSchema = z.url({ protocol: /^(https?|wss?)$/ });
const addressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/).transform((value) => value as `0x${string}`);
const countSchema = z.coerce.number().int().min(0);
const institutionSchema = z.coerce.number().int().min(1).max(0xffffff);
const chainSchema = z.string().regex(/^eip155:\d+$/);

/** Where the chain and the registry are. */
export type ChainConfig = {
  readonly rpcUrl: string;
  /** Given explicitly; else the deployments folder is searched for the RPC's chain. */
  readonly registry: `0x${string}` | undefined;
  readonly deploymentsDir: string;
};

/** Chain settings from `--rpc`, `--registry` and their variables. */
export function chainConfig(flags: { readonly rpc?: string | undefined; readonly registry?: string | undefined }): ChainConfig {
  const rpc = pick(flags.rpc, "--rpc", "CREDANCHOR_RPC_URL");
  const registry = pick(flags.registry, "--registry", "CREDANCHOR_REGISTRY_ADDRESS");
  return {
    rpcUrl: rpc === undefined ? defaults.rpcUrl : check(urlSchema, rpc, "an http(s) or ws(s) URL"),
    registry: registry === undefined ? undefined : check(addressSchema, registry, "a 0x-prefixed 20-byte address"),
    deploymentsDir: env("CREDANCHOR_DEPLOYMENTS_DIR") ?? defaults.deploymentsDir,
  };
}

/** Verification settings: chain allow-list, trusted registries, confirmations. */
export type VerifyConfig = {
  readonly allowedChains: readonly string[] | undefined;
  /** Explicit --registry values (a list, or "any" to trust whatever a credential names); undefined means "from deployments". */
  readonly trustedRegistries: readonly `0x${string}`[] | "any" | undefined;
  readonly confirmations: number;
};

/** Verification settings from `--chain`, `--registry`, `--confirmations` and their variables. */
export function verifyConfig(flags: {
  readonly chain?: readonly string[] | undefined;
  readonly registry?: readonly string[] | undefined;
  readonly confirmations?: string | undefined;
}): VerifyConfig {
  const list = (values: readonly string[] | undefined, flag: string, variable: EnvVar) => {
    const picked = pick(values === undefined || values.length === 0 ? undefined : values.join(","), flag, variable);
    if (picked === undefined) return undefined;
    return picked.value
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item !== "")
      .map((item) => ({ value: item, source: picked.source }));
  };
  const chains = list(flags.chain, "--chain", "CREDANCHOR_CHAIN_IDS");
  const registries = list(flags.registry, "--registry", "CREDANCHOR_REGISTRY_ADDRESS");
  const confirmations = pick(flags.confirmations, "--confirmations", "CREDANCHOR_CONFIRMATIONS");
  return {
    allowedChains: chains?.map((item) => {
      // A bare number is a convenience for the EVM chain id.
      const value = /^\d+$/.test(item.value) ? `eip155:${item.value}` : item.value;
      return check(chainSchema, { value, source: item.source }, "a CAIP-2 chain id such as eip155:1");
    }),
    trustedRegistries:
      registries !== undefined && registries.length === 1 && registries[0]!.value.toLowerCase() === "any"
        ? "any"
        : registries?.map((item) => check(addressSchema, item, 'a 0x-prefixed 20-byte address (or "any", alone)')),
    confirmations:
      confirmations === undefined ? defaults.confirmations : check(countSchema, confirmations, "a whole number >= 0"),
  };
}

/** The institution a command acts for, from `--institution` or CREDANCHOR_INSTITUTION_ID. */
export function institutionId(flag: string | undefined, { required = true } = {}): number | undefined {
  const picked = pick(flag, "--institution", "CREDANCHOR_INSTITUTION_ID");
  if (picked === undefined) {
    if (!required) return undefined;
    throw usageError("Which institution? Give --institution <id> or set CREDANCHOR_INSTITUTION_ID.");
  }
  return check(institutionSchema, picked, "an institution id (1 to 16777215)");
}

/** Where the anchoring service is and how to authenticate. */
export type ServiceConfig = {
  readonly url: string;
  readonly token: string | undefined;
};

/** Service settings from `--service`, `--token` and their variables. */
export function serviceConfig(flags: { readonly service?: string | undefined; readonly token?: string | undefined }): ServiceConfig {
  const url = pick(flags.service, "--service", "CREDANCHOR_SERVICE_URL");
  const token = pick(flags.token, "--token", "CREDANCHOR_TOKEN");
  return {
    url: (url === undefined ? defaults.serviceUrl : check(urlSchema, url, "an http(s) URL")).replace(/\/+$/, ""),
    token: token?.value,
  };
}

/** The service database operator commands open: `--db`, else CREDANCHOR_DB_PATH, else the service's default. */
export function serviceDbPath(flag: string | undefined): string {
  return pick(flag, "--db", "CREDANCHOR_DB_PATH")?.value ?? "data/credanchor.db";
}

/** Which key a command signs with. */
export type KeyRole = "governor" | "admin" | "anchorer" | "revoker";

/** The variable holding the private key of each role. */
export const keyVariables = {
  governor: "CREDANCHOR_GOVERNOR_KEY",
  admin: "CREDANCHOR_ADMIN_KEY",
  anchorer: "CREDANCHOR_ANCHORER_KEY",
  revoker: "CREDANCHOR_REVOKER_KEY",
} as const satisfies Record<KeyRole, EnvVar>;

/** Per-role keystore variables, named as the service names them. */
const keystoreVariables: Partial<Record<KeyRole, readonly [EnvVar, EnvVar]>> = {
  anchorer: ["CREDANCHOR_ANCHORER_KEYSTORE", "CREDANCHOR_ANCHORER_KEYSTORE_PASSWORD"],
  revoker: ["CREDANCHOR_REVOKER_KEYSTORE", "CREDANCHOR_REVOKER_KEYSTORE_PASSWORD"],
};

/** The variables a command signing as `role` reads, for its --help. */
export function keyEnv(role: KeyRole): EnvVar[] {
  return [keyVariables[role], ...(keystoreVariables[role] ?? []), "CREDANCHOR_KEYSTORE", "CREDANCHOR_KEYSTORE_PASSWORD"];
}

/** Where a signing key comes from. The secret never leaves this object except to sign. */
export type KeySource =
  | { readonly kind: "env"; readonly variable: EnvVar; readonly privateKey: string }
  | {
      readonly kind: "keystore";
      readonly path: string;
      readonly source: string;
      /** From CREDANCHOR_KEYSTORE_PASSWORD; undefined means "prompt on the terminal". */
      readonly password: string | undefined;
    };

/**
 * The key for `role`: `--keystore` if given, else the role's *_KEY variable, else its
 * *_KEYSTORE variable (anchorer, revoker), else CREDANCHOR_KEYSTORE. Throws a usage error
 * naming them when none is set.
 */
export function keySource(role: KeyRole, flags: { readonly keystore?: string | undefined }): KeySource {
  const [roleKeystore, rolePassword] = keystoreVariables[role] ?? [];
  // Passwords are taken verbatim: they may legitimately be "" or contain spaces.
  const password = process.env.CREDANCHOR_KEYSTORE_PASSWORD ?? (rolePassword === undefined ? undefined : process.env[rolePassword]);
  if (flags.keystore !== undefined) {
    return { kind: "keystore", path: flags.keystore, source: "--keystore", password };
  }
  const variable = keyVariables[role];
  const privateKey = env(variable);
  if (privateKey !== undefined) return { kind: "env", variable, privateKey };
  const keystoreVariable = [roleKeystore, "CREDANCHOR_KEYSTORE" as const].find((name) => name !== undefined && env(name) !== undefined);
  if (keystoreVariable !== undefined) {
    return { kind: "keystore", path: env(keystoreVariable)!, source: keystoreVariable, password };
  }
  throw new CliError({
    code: "CA_CLI_KEY_MISSING",
    message: `No ${role} key: this command signs a transaction.`,
    hints: [
      `Set ${variable} to the account's private key, or pass --keystore <file> (an encrypted JSON keystore; password from CREDANCHOR_KEYSTORE_PASSWORD or a prompt).`,
      "Add --dry-run to see the calls and the gas estimate first (it still needs the sender's address, so a key).",
    ],
  });
}

/** Whether to colour output written to a stream. */
export function useColor(stream: { readonly isTTY?: boolean | undefined }): boolean {
  return process.env.NO_COLOR === undefined && stream.isTTY === true;
}

/** Whether unexpected errors print their stack trace. */
export function debugEnabled(): boolean {
  const value = env("CREDANCHOR_DEBUG");
  return value !== undefined && value !== "0" && value !== "false";
}

/** The signing keystore's password (CREDANCHOR_SIGNING_KEYSTORE_PASSWORD), required: it is never taken from a flag. */
export function signingKeystorePassword(): string {
  const value = process.env.CREDANCHOR_SIGNING_KEYSTORE_PASSWORD;
  if (value === undefined || value === "") {
    throw usageError(
      "CREDANCHOR_SIGNING_KEYSTORE_PASSWORD is not set.",
      "The signing keystore is encrypted under this password; set it in the environment (e.g. from your secret store), never on the command line.",
    );
  }
  return value;
}
