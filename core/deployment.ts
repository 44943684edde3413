/**
 * The deployment record, `deployments/<network>.json`: where a network's registries live.
 * This file owns the format (key names, both registry versions, the older shapes a reader
 * still accepts); node/deployments.ts owns the file I/O. Every deploy path (scripts/deploy.ts,
 * the Ignition module, `credanchor deploy`, dev mode) writes through them, and the service,
 * the CLI and the verifier read through them.
 *
 * Format `credanchor-deployment-v2`:
 * ```json
 * { "format": "credanchor-deployment-v2", "chainId": 31337,
 *   "registries": {
 *     "v1": { "contract": "CredentialRegistry", "address": "0x…", "deployBlock": 1, "transactionHash": "0x…", … },
 *     "v2": { "contract": "CredentialRegistryV2", "address": "0x…", "deployBlock": 2, "actionDelay": 172800, … } } }
 * ```
 * Version 1 records (`{ chainId, address, deployBlock, … }` from scripts/deploy.ts and the
 * CLI, `{ registry, CredentialRegistry: { address, blockNumber } }` from dev mode) are read
 * as a v1 registry. New anchoring goes to v2 when the record has one
 * ({@link anchoringRegistryOf}); credentials anchored in v1 keep verifying there.
 */
import { CredanchorError } from "./errors.ts";

/** The `format` of records written since both registry versions exist. */
export const DEPLOYMENT_FORMAT = "credanchor-deployment-v2";

/** The registry versions a record can list, with the contract each one deploys. */
export const registryContracts = { 1: "CredentialRegistry", 2: "CredentialRegistryV2" } as const;

/**
 * Constructor defaults of the production deploy paths (scripts/deploy.ts, the Ignition
 * module, `credanchor deploy`), in seconds and credentials. Dev mode uses an action delay of
 * 0 so its replay can apply scheduled acts at once (see server/dev/deployRegistry.ts).
 */
export const registryDefaults = {
  /** A two-step transfer of the default admin role waits 3 days. */
  adminTransferDelay: 3 * 24 * 3600,
  /** v2: a scheduled destructive act can be cancelled for 2 days. */
  actionDelay: 2 * 24 * 3600,
  /** v2: revoking more than this many credentials in one call must be scheduled. */
  massRevocationThreshold: 1_000,
} as const;

/** Key of a registry version in `registries`. */
export type RegistryKey = "v1" | "v2";

/** One deployed registry. Numbers are JSON numbers; optional fields are what the deploy path knew. */
export type RegistryDeployment = {
  readonly version: 1 | 2;
  readonly contract: string;
  readonly address: `0x${string}`;
  /** Block of the deployment transaction: log scans (history, the service's index) start here. */
  readonly deployBlock?: number | undefined;
  readonly transactionHash?: string | undefined;
  readonly deployer?: string | undefined;
  /** Default admin and first governor (constructor argument). */
  readonly governanceAdmin?: string | undefined;
  /** Seconds a default-admin transfer waits (constructor argument). */
  readonly adminTransferDelay?: number | undefined;
  /** v2: seconds a scheduled destructive act waits (constructor argument). */
  readonly actionDelay?: number | undefined;
  /** v2: most credentials revoked in one call without scheduling (constructor argument). */
  readonly massRevocationThreshold?: number | undefined;
  /** Compiler that produced the bytecode (for source verification), when known. */
  readonly compiler?: { readonly version: string; readonly optimizer: { readonly enabled: boolean; readonly runs: number }; readonly evmVersion: string } | undefined;
  readonly deployedAt?: string | undefined;
};

/** The content of one deployment file. */
export type DeploymentRecord = {
  readonly chainId: number;
  readonly registries: { readonly v1?: RegistryDeployment | undefined; readonly v2?: RegistryDeployment | undefined };
  /** Which tool wrote it ("scripts/deploy.ts", "credanchor deploy", "credanchor service (dev mode)", …). */
  readonly writtenBy?: string | undefined;
};

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const isAddress = (value: unknown): value is `0x${string}` => typeof value === "string" && ADDRESS.test(value);
const isCount = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

function pick(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A record field that is present but wrong: the file was edited by hand or written by another tool. */
function invalid(path: string, message: string, expected: string): CredanchorError {
  return new CredanchorError({
    code: "CA_DEPLOYMENT_RECORD_INVALID",
    message: `Deployment record: ${path} ${message}.`,
    details: [{ path, message, expected }],
  });
}

/** Drops absent optional fields, so a parsed entry equals the one that was written. */
function compact(entry: RegistryDeployment): RegistryDeployment {
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined)) as RegistryDeployment;
}

function optionalCount(entry: Record<string, unknown>, key: string, path: string): number | undefined {
  const value = entry[key];
  if (value === undefined || value === null) return undefined;
  if (!isCount(value)) throw invalid(`${path}.${key}`, "is not a non-negative integer", "JSON number");
  return value;
}

function optionalText(entry: Record<string, unknown>, key: string): string | undefined {
  const value = entry[key];
  return typeof value === "string" ? value : undefined;
}

function parseRegistry(entry: unknown, key: RegistryKey): RegistryDeployment | undefined {
  if (entry === undefined || entry === null) return undefined;
  const path = `$.registries.${key}`;
  if (typeof entry !== "object" || Array.isArray(entry)) throw invalid(path, "is not an object", "{ address, deployBlock, … }");
  const fields = entry as Record<string, unknown>;
  if (!isAddress(fields.address)) throw invalid(`${path}.address`, "is not a 20-byte 0x address", "0x followed by 40 hex digits");
  const version = key === "v1" ? 1 : 2;
  const compiler = fields.compiler as RegistryDeployment["compiler"];
  return compact({
    version,
    contract: optionalText(fields, "contract") ?? registryContracts[version],
    address: fields.address,
    deployBlock: optionalCount(fields, "deployBlock", path),
    transactionHash: optionalText(fields, "transactionHash"),
    deployer: optionalText(fields, "deployer"),
    governanceAdmin: optionalText(fields, "governanceAdmin") ?? optionalText(fields, "governance"),
    adminTransferDelay: optionalCount(fields, "adminTransferDelay", path),
    actionDelay: optionalCount(fields, "actionDelay", path),
    massRevocationThreshold: optionalCount(fields, "massRevocationThreshold", path),
    compiler: compiler !== null && typeof compiler === "object" ? compiler : undefined,
    deployedAt: optionalText(fields, "deployedAt"),
  });
}

/** The v1 registry of a record written before both versions existed (three shapes were in use). */
function parseLegacy(json: Record<string, unknown>): RegistryDeployment | undefined {
  const address = [
    pick(json, "address"),
    pick(json, "registry"),
    pick(json, "CredentialRegistry", "address"),
    pick(json, "contracts", "CredentialRegistry", "address"),
    pick(json, "registry", "address"),
  ].find(isAddress);
  if (address === undefined) return undefined;
  const text = (...candidates: unknown[]) => candidates.find((value): value is string => typeof value === "string");
  return compact({
    version: 1,
    contract: registryContracts[1],
    address,
    deployBlock: [pick(json, "deployBlock"), pick(json, "blockNumber"), pick(json, "CredentialRegistry", "blockNumber")].find(isCount),
    transactionHash: text(pick(json, "transactionHash"), pick(json, "CredentialRegistry", "transactionHash")),
    deployer: text(pick(json, "deployer"), pick(json, "CredentialRegistry", "deployer")),
    governanceAdmin: text(pick(json, "governanceAdmin"), pick(json, "governance")),
    adminTransferDelay: [pick(json, "adminTransferDelay")].find(isCount),
    deployedAt: text(pick(json, "deployedAt")),
  });
}

/** Parameters of {@link parseDeploymentRecord}. */
export type ParseDeploymentRecordParameters = { readonly json: unknown };

/**
 * Reads a deployment record in the current format or any older one. Undefined when the
 * JSON is not a deployment record at all (an Ignition journal, another tool's file); throws
 * `CA_DEPLOYMENT_RECORD_INVALID` (naming the field) when it is one with a wrong field.
 *
 * @example
 * ```ts
 * const record = parseDeploymentRecord({ json: JSON.parse(text) });
 * record?.registries.v2?.address
 * ```
 */
export function parseDeploymentRecord({ json }: ParseDeploymentRecordParameters): DeploymentRecord | undefined {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return undefined;
  const fields = json as Record<string, unknown>;
  const writtenBy = typeof fields.writtenBy === "string" ? fields.writtenBy : undefined;
  if (fields.format === DEPLOYMENT_FORMAT || fields.registries !== undefined && typeof fields.registries === "object") {
    if (!isCount(fields.chainId) || fields.chainId === 0) throw invalid("$.chainId", "is not a positive integer", "JSON number, e.g. 31337");
    const registries = fields.registries as Record<string, unknown> | null | undefined;
    if (registries === null || registries === undefined || typeof registries !== "object") {
      throw invalid("$.registries", "is missing", "{ v1?: {…}, v2?: {…} }");
    }
    const v1 = parseRegistry(registries.v1, "v1");
    const v2 = parseRegistry(registries.v2, "v2");
    if (v1 === undefined && v2 === undefined) throw invalid("$.registries", "names no registry", "{ v1?: {…}, v2?: {…} }");
    return {
      chainId: fields.chainId,
      registries: { ...(v1 === undefined ? {} : { v1 }), ...(v2 === undefined ? {} : { v2 }) },
      ...(writtenBy === undefined ? {} : { writtenBy }),
    };
  }
  const legacy = parseLegacy(fields);
  if (legacy === undefined || !isCount(fields.chainId) || fields.chainId === 0) return undefined;
  return { chainId: fields.chainId, registries: { v1: legacy }, ...(writtenBy === undefined ? {} : { writtenBy }) };
}

/**
 * The JSON object to write for `record` (always the current format; absent optional fields
 * are left out).
 *
 * @example
 * ```ts
 * JSON.stringify(formatDeploymentRecord({ record }), null, 2)
 * ```
 */
export function formatDeploymentRecord({ record }: { readonly record: DeploymentRecord }): Record<string, unknown> {
  const registries: Record<string, unknown> = {};
  for (const key of ["v1", "v2"] as const) {
    const entry = record.registries[key];
    if (entry === undefined) continue;
    const { version: _version, ...fields } = entry;
    registries[key] = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  }
  return {
    format: DEPLOYMENT_FORMAT,
    chainId: record.chainId,
    registries,
    ...(record.writtenBy === undefined ? {} : { writtenBy: record.writtenBy }),
  };
}

/**
 * `record` with one registry added or replaced (the other version is kept).
 *
 * @example
 * ```ts
 * const next = withRegistry({ record: existing, chainId: 31337, registry: { version: 2, contract: "CredentialRegistryV2", address } });
 * ```
 */
export function withRegistry(parameters: {
  readonly record: DeploymentRecord | undefined;
  readonly chainId: number;
  readonly registry: RegistryDeployment;
  readonly writtenBy?: string | undefined;
}): DeploymentRecord {
  const { record, chainId, registry } = parameters;
  const kept = record !== undefined && record.chainId === chainId ? record.registries : {};
  const writtenBy = parameters.writtenBy ?? record?.writtenBy;
  return {
    chainId,
    registries: { ...kept, [registryKeyOf(registry.version)]: registry },
    ...(writtenBy === undefined ? {} : { writtenBy }),
  };
}

/** "v1" or "v2". */
export function registryKeyOf(version: 1 | 2): RegistryKey {
  return version === 1 ? "v1" : "v2";
}

/**
 * The registry new credentials are anchored in: v2 when the record has one, else v1.
 *
 * @example
 * ```ts
 * anchoringRegistryOf({ record })?.address
 * ```
 */
export function anchoringRegistryOf({ record }: { readonly record: DeploymentRecord }): RegistryDeployment | undefined {
  return record.registries.v2 ?? record.registries.v1;
}

/** Every registry of the record, v1 first (what a verifier of this network trusts). */
export function registriesOf({ record }: { readonly record: DeploymentRecord }): RegistryDeployment[] {
  return [record.registries.v1, record.registries.v2].filter((entry): entry is RegistryDeployment => entry !== undefined);
}

/**
 * The record name a chain gets when none is configured: `localhost` for 31337 (Hardhat's
 * node), else `chain-<id>`.
 */
export function defaultDeploymentName(chainId: number): string {
  return chainId === 31337 ? "localhost" : `chain-${chainId}`;
}

/** True for a usable record name (it becomes `<name>.json`). */
export function isDeploymentName(name: string): boolean {
  return /^[A-Za-z0-9._-]+$/.test(name) && name !== "." && name !== "..";
}
