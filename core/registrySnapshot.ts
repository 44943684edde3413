/**
 * Many registry reads in one `eth_call`: the registry's version, each batch's record with
 * the statuses of the credentials wanted from it, and the institutions the proofs name,
 * through viem's deployless Multicall3 (the aggregator's bytecode is sent with the call, so
 * no contract needs to be deployed on the chain). Bulk verification calls it once per
 * registry instead of one `getBatch` and one `credentialStatuses` per batch, one
 * `REGISTRY_VERSION` and two reads per institution: a pathway award with components from
 * three batches of two institutions reads them in one round trip.
 *
 * Each answer is the same view the one-read functions of `registry.ts` call, decoded the
 * same way (`batchRecordOf`, `institutionRecordOf`). A sub-call that fails is left out of
 * the snapshot, never guessed: the caller reads it alone and reports that read's own error.
 */
import { type Address, ContractFunctionRevertedError, type Hex } from "viem";
import { multicall } from "viem/actions";

import { credentialRegistryAbi } from "./abi/credentialRegistryAbi.ts";
import { credentialRegistryV2Abi } from "./abi/credentialRegistryV2Abi.ts";
import {
  type BatchRecord,
  batchRecordOf,
  type CredentialStatusName,
  credentialStatusNames,
  type InstitutionRecord,
  institutionRecordOf,
  isTransportFailure,
  type RegistryLocation,
  type RegistryVersion,
  rpcRead,
} from "./registry.ts";

/**
 * At most this many leaf indices per combined `eth_call`; a batch with more is left out of
 * the snapshot (the caller reads it with its own `credentialStatuses`). Why: a deployless
 * call is contract creation whose constructor returns the answers as the new contract's
 * code, which EIP-170 caps at 24,576 bytes (32 bytes per status: about 760 statuses fail
 * the whole call); and no combined call should cost more gas than one `credentialStatuses`
 * of that many credentials (RPC endpoints cap an `eth_call`).
 */
export const SNAPSHOT_MAX_LEAVES_PER_CALL = 512;

/** Parameters of {@link readRegistrySnapshot}. */
export type ReadRegistrySnapshotParameters = RegistryLocation & {
  /** The batches wanted, each with the leaf indices whose statuses are wanted. */
  readonly batches: readonly { readonly batchId: Hex; readonly leafIndices: readonly number[] }[];
  /** Institution ids whose records are wanted (those the proofs claim). */
  readonly institutionIds: readonly number[];
};

/** What one registry answered; a read that failed is absent. */
export type RegistrySnapshot = {
  /** Undefined when the version read neither answered 2 nor reverted (read it alone). */
  readonly version: RegistryVersion | undefined;
  readonly batches: ReadonlyMap<Hex, { readonly record: BatchRecord; readonly statuses: readonly CredentialStatusName[] }>;
  readonly institutions: ReadonlyMap<number, InstitutionRecord>;
};

type SubResult = { readonly status: "success" | "failure"; readonly result?: unknown; readonly error?: unknown };
type Call = { readonly address: Address; readonly abi: readonly unknown[]; readonly functionName: string; readonly args?: readonly unknown[] };

/**
 * Reads a registry's version, batches (with statuses) and institutions in as few calls as
 * {@link SNAPSHOT_MAX_LEAVES_PER_CALL} allows (one, for a handful of credentials). Throws
 * `RpcUnavailableError` when the endpoint does not answer. Anything else that fails (a
 * sub-call, or the whole call on an endpoint that refuses a call without `to`) is left out
 * of the snapshot, and the caller reads it alone.
 *
 * @example
 * ```ts
 * const snapshot = await readRegistrySnapshot({ client, registry, batches: [{ batchId, leafIndices: [0, 7] }], institutionIds: [1] });
 * snapshot.batches.get(batchId)?.statuses; // ["valid", "revoked"]
 * ```
 */
export async function readRegistrySnapshot(parameters: ReadRegistrySnapshotParameters): Promise<RegistrySnapshot> {
  const { client, registry } = parameters;
  const head: Call[] = [
    { address: registry, abi: credentialRegistryV2Abi, functionName: "REGISTRY_VERSION" },
    ...parameters.institutionIds.map((institutionId) => ({ address: registry, abi: credentialRegistryAbi, functionName: "getInstitution", args: [institutionId] })),
  ];
  // Chunks of batches, each under the leaf cap (a larger batch alone); the head rides with the first.
  const chunks: (typeof parameters.batches)[number][][] = [[]];
  let leaves = 0;
  for (const batch of parameters.batches.filter((wanted) => wanted.leafIndices.length <= SNAPSHOT_MAX_LEAVES_PER_CALL)) {
    if (leaves + batch.leafIndices.length > SNAPSHOT_MAX_LEAVES_PER_CALL && chunks.at(-1)!.length > 0) {
      chunks.push([]);
      leaves = 0;
    }
    chunks.at(-1)!.push(batch);
    leaves += batch.leafIndices.length;
  }
  const answers = await Promise.all(
    chunks.map((chunk, index) => {
      const calls: Call[] = [
        ...(index === 0 ? head : []),
        ...chunk.flatMap((batch) => [
          { address: registry, abi: credentialRegistryAbi, functionName: "getBatch", args: [batch.batchId] },
          { address: registry, abi: credentialRegistryAbi, functionName: "credentialStatuses", args: [batch.batchId, batch.leafIndices.map(BigInt)] },
        ]),
      ];
      // batchSize 0: one eth_call per chunk (viem would otherwise split at 1 KiB of calldata).
      return rpcRead(client, async () => {
        const results = (await multicall(client, { contracts: calls as never, deployless: true, batchSize: 0, allowFailure: true })) as SubResult[];
        // viem reports a failed call as a failure of each sub-call: a silent endpoint is thrown as such.
        const silent = results.find((result) => result.status === "failure" && isTransportFailure(result.error));
        if (silent !== undefined) throw silent.error;
        return results;
      });
    }),
  );

  const [versionAnswer, ...institutionAnswers] = answers[0]!.slice(0, head.length);
  // Version 2 answers REGISTRY_VERSION(); version 1 has no such function, so the sub-call reverts.
  const version: RegistryVersion | undefined =
    versionAnswer!.status === "success"
      ? versionAnswer!.result === 2
        ? 2
        : undefined
      : isRevert(versionAnswer!.error)
        ? 1
        : undefined;
  const institutions = new Map<number, InstitutionRecord>();
  parameters.institutionIds.forEach((institutionId, position) => {
    const answer = institutionAnswers[position]!;
    if (answer.status === "success") institutions.set(institutionId, institutionRecordOf(institutionId, answer.result as never));
  });
  const batches = new Map<Hex, { record: BatchRecord; statuses: CredentialStatusName[] }>();
  chunks.forEach((chunk, index) => {
    const results = answers[index]!.slice(index === 0 ? head.length : 0);
    chunk.forEach((batch, position) => {
      const record = results[2 * position]!;
      const statuses = results[2 * position + 1]!;
      if (record.status !== "success" || statuses.status !== "success") return;
      batches.set(batch.batchId, {
        record: batchRecordOf(batch.batchId, record.result as never),
        statuses: (statuses.result as readonly number[]).map((value) => credentialStatusNames[value] ?? "unknownBatch"),
      });
    });
  });
  return { version, batches, institutions };
}

function isRevert(error: unknown): boolean {
  const walk = (error as { walk?: (predicate: (inner: unknown) => boolean) => unknown } | undefined)?.walk;
  if (typeof walk !== "function") return false;
  return walk.call(error, (inner) => inner instanceof ContractFunctionRevertedError) !== null;
}
