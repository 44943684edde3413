/**
 * Reads of the CredentialRegistry over JSON-RPC (viem), shared by the verifier, the CLI
 * and the service. Every function takes the client as a parameter (no global state) and
 * turns transport failures into {@link RpcUnavailableError}, so callers can tell "the
 * chain said no" from "the chain did not answer".
 */
import {
  type Address,
  type ContractFunctionReturnType,
  type Hex,
  BaseError as ViemBaseError,
  ContractFunctionRevertedError,
  HttpRequestError,
  TimeoutError,
  WebSocketRequestError,
  getAddress,
} from "viem";

import { credentialRegistryAbi } from "./abi/credentialRegistryAbi.ts";
import { credentialRegistryV2Abi } from "./abi/credentialRegistryV2Abi.ts";
import { CredanchorError, RpcUnavailableError } from "./errors.ts";
import type { RegistryClient } from "./registryClient.ts";

/** Names of the registry's CredentialStatus enum, by numeric value (append only, as on-chain). */
export const credentialStatusNames = [
  "unknownBatch",
  "indexOutOfRange",
  "valid",
  "revoked",
  "suspended",
  "batchRevoked",
  "institutionSuspended",
  "anchoringKeyCompromised",
  "proofInvalid",
] as const;

/** A credential status as the registry reports it. */
export type CredentialStatusName = (typeof credentialStatusNames)[number];

/** Names of the registry's InstitutionStatus enum. */
export const institutionStatusNames = ["unregistered", "active", "suspended"] as const;

/** An institution's lifecycle state. */
export type InstitutionStatusName = (typeof institutionStatusNames)[number];


/** Where a registry lives. */
export type RegistryLocation = {
  readonly client: RegistryClient;
  readonly registry: Address;
};

/** A batch as the registry records it. `exists` is false for an unknown id. */
export type BatchRecord = {
  readonly exists: boolean;
  readonly batchId: Hex;
  readonly institutionId: number;
  readonly anchorer: Address;
  /** Block timestamp of anchoring, seconds. */
  readonly anchoredAt: number;
  readonly leafCount: number;
  readonly revoked: boolean;
  readonly revokedAt: number;
  readonly revokedReason: number;
};

/** An institution as governance registered it. */
export type InstitutionRecord = {
  readonly institutionId: number;
  readonly status: InstitutionStatusName;
  readonly registeredAt: number;
  readonly metadataHash: Hex;
  readonly name: string;
  readonly identifier: string;
  readonly metadataURI: string;
};

/** Roles bit set and compromise cut-off of one key within one institution. */
export type KeyRecord = {
  readonly roles: number;
  /** 0 if never compromised, else the timestamp from which its batches are not trusted. */
  readonly compromisedFrom: number;
};

/** Runs an RPC read, mapping transport failures to {@link RpcUnavailableError}. */
export async function rpcRead<T>(client: RegistryClient, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isTransportFailure(error)) {
      throw new RpcUnavailableError({ url: describeTransport(client), cause: error });
    }
    throw error;
  }
}

/** True when `error` means the endpoint did not answer (as opposed to a revert). */
export function isTransportFailure(error: unknown): boolean {
  if (error instanceof RpcUnavailableError) return true;
  if (!(error instanceof ViemBaseError)) {
    return error instanceof TypeError && /fetch failed|network/i.test(error.message);
  }
  if (error.walk((inner) => inner instanceof ContractFunctionRevertedError) !== null) return false;
  return (
    error.walk(
      (inner) =>
        inner instanceof HttpRequestError || inner instanceof TimeoutError || inner instanceof WebSocketRequestError,
    ) !== null
  );
}

function describeTransport(client: RegistryClient): string | undefined {
  const transport = client.transport as { url?: unknown };
  return typeof transport.url === "string" ? transport.url : undefined;
}

/**
 * The chain the client serves, as a CAIP-2 id.
 *
 * @example
 * await readChainId({ client }) // "eip155:31337"
 */
export async function readChainId({ client }: { readonly client: RegistryClient }): Promise<string> {
  const chainId = await rpcRead(client, () => client.getChainId());
  return `eip155:${chainId}`;
}

/** True if there is contract code at `registry`. */
export async function hasRegistryCode({ client, registry }: RegistryLocation): Promise<boolean> {
  const code = await rpcRead(client, () => client.getCode({ address: registry }));
  return code !== undefined && code !== "0x";
}

/**
 * Reads one batch record and its whole-batch revocation.
 *
 * @example
 * const batch = await readBatch({ client, registry, batchId });
 * if (!batch.exists) console.log("not anchored");
 */
export async function readBatch({
  client,
  registry,
  batchId,
}: RegistryLocation & { readonly batchId: Hex }): Promise<BatchRecord> {
  const answer = await rpcRead(client, () =>
    client.readContract({ address: registry, abi: credentialRegistryAbi, functionName: "getBatch", args: [batchId] }),
  );
  return batchRecordOf(batchId, answer);
}

/** What the registry's `getBatch` view returns, as viem decodes it. */
export type GetBatchAnswer = ContractFunctionReturnType<typeof credentialRegistryAbi, "view", "getBatch">;

/** Decodes a `getBatch` answer (shared by {@link readBatch} and the combined snapshot read). */
export function batchRecordOf(batchId: Hex, [batch, revocation]: GetBatchAnswer): BatchRecord {
  return {
    exists: batch.anchorer !== "0x0000000000000000000000000000000000000000",
    batchId,
    institutionId: Number(batch.institutionId),
    anchorer: getAddress(batch.anchorer),
    anchoredAt: Number(batch.anchoredAt),
    leafCount: Number(batch.leafCount),
    revoked: revocation.revoked,
    revokedAt: Number(revocation.revokedAt),
    revokedReason: Number(revocation.reason),
  };
}

/**
 * Statuses of many credentials of one batch in one call (the registry's bulk view).
 *
 * @example
 * await readCredentialStatuses({ client, registry, batchId, leafIndices: [0, 5] }) // ["valid", "revoked"]
 */
export async function readCredentialStatuses({
  client,
  registry,
  batchId,
  leafIndices,
}: RegistryLocation & { readonly batchId: Hex; readonly leafIndices: readonly number[] }): Promise<
  CredentialStatusName[]
> {
  if (leafIndices.length === 0) return [];
  const statuses = await rpcRead(client, () =>
    client.readContract({
      address: registry,
      abi: credentialRegistryAbi,
      functionName: "credentialStatuses",
      args: [batchId, leafIndices.map(BigInt)],
    }),
  );
  return statuses.map((value) => credentialStatusNames[value] ?? "unknownBatch");
}

/** Reads an institution, or undefined when the id is not registered. */
export async function readInstitution({
  client,
  registry,
  institutionId,
}: RegistryLocation & { readonly institutionId: number }): Promise<InstitutionRecord | undefined> {
  const count = await rpcRead(client, () =>
    client.readContract({ address: registry, abi: credentialRegistryAbi, functionName: "institutionCount" }),
  );
  if (institutionId < 1 || institutionId > Number(count)) return undefined;
  const record = await rpcRead(client, () =>
    client.readContract({
      address: registry,
      abi: credentialRegistryAbi,
      functionName: "getInstitution",
      args: [institutionId],
    }),
  );
  return institutionRecordOf(institutionId, record);
}

/** What the registry's `getInstitution` view returns, as viem decodes it. */
export type GetInstitutionAnswer = ContractFunctionReturnType<typeof credentialRegistryAbi, "view", "getInstitution">;

/** Decodes a `getInstitution` answer (shared by {@link readInstitution} and the combined snapshot read). */
export function institutionRecordOf(institutionId: number, record: GetInstitutionAnswer): InstitutionRecord {
  return {
    institutionId,
    status: institutionStatusNames[record.status] ?? "unregistered",
    registeredAt: Number(record.registeredAt),
    metadataHash: record.metadataHash,
    name: record.name,
    identifier: record.identifier,
    metadataURI: record.metadataURI,
  };
}

/** Reads the roles and compromise cut-off of `account` in an institution. */
export async function readKeyRecord({
  client,
  registry,
  institutionId,
  account,
}: RegistryLocation & { readonly institutionId: number; readonly account: Address }): Promise<KeyRecord> {
  const record = await rpcRead(client, () =>
    client.readContract({
      address: registry,
      abi: credentialRegistryAbi,
      functionName: "getKeyRecord",
      args: [institutionId, account],
    }),
  );
  return { roles: Number(record.roles), compromisedFrom: Number(record.compromisedFrom) };
}

/**
 * What differs between the deployed registry versions, defined once: credentials per status
 * word (events' `wordIndex` and `mask` use it).
 */
export const registryVersions = {
  1: { statusWindow: 256 },
  2: { statusWindow: 128 },
} as const;

/** A registry version this core knows. */
export type RegistryVersion = keyof typeof registryVersions;

/**
 * Asks the contract which version it is: version 2 answers `REGISTRY_VERSION()`, version 1
 * has no such function (the call reverts). A transport failure is an error, never "version 1".
 */
export async function readRegistryVersion({ client, registry }: RegistryLocation): Promise<RegistryVersion> {
  try {
    const version = await client.readContract({ address: registry, abi: credentialRegistryV2Abi, functionName: "REGISTRY_VERSION" });
    if (version === 2) return 2;
    throw new CredanchorError({
      code: "CA_REGISTRY_VERSION_UNKNOWN",
      message: `Registry ${registry} reports version ${version}; this verifier knows versions 1 and 2.`,
    });
  } catch (error) {
    if (error instanceof CredanchorError || isTransportFailure(error)) throw error;
    return 1; // no REGISTRY_VERSION(): version 1
  }
}
