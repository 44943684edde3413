/**
 * Memoised chain reads for one verification run, so that verifying many credentials costs
 * ONE combined read per registry (its version, every batch's record and statuses, the
 * institutions the proofs claim: `registrySnapshot.ts`), then one read per anchoring and
 * key, never one per credential.
 */
import { type Address, getAddress, type Hex } from "viem";

import { type AnchoringRecord, findAnchoring } from "../anchoring.ts";
import { type ClearedRevocation, readClearings, readViaGovernance } from "./v2Facts.ts";
import {
  type BatchRecord,
  type CredentialStatusName,
  type InstitutionRecord,
  type KeyRecord,
  hasRegistryCode,
  readBatch,
  readChainId,
  readCredentialStatuses,
  readInstitution,
  readKeyRecord,
  readRegistryVersion,
  type RegistryVersion,
  rpcRead,
} from "../registry.ts";
import type { RegistryClient } from "../registryClient.ts";
import { RpcUnavailableError } from "../errors.ts";
import { readRegistrySnapshot, type RegistrySnapshot } from "../registrySnapshot.ts";

/** A credential whose status is wanted, grouped by batch before any call is made. */
export type StatusRequest = {
  readonly registry: Address;
  readonly batchId: Hex;
  readonly leafIndex: number;
  /** The institution the credential's proof claims: its record is read in the same call (the issuer check compares). */
  readonly institutionId?: number | undefined;
};

/** Creates the reader; every method caches its promise (so concurrent callers share one call). */
export function createChainReader({ client, statusWindow = 1 }: { readonly client: RegistryClient; readonly statusWindow?: number | undefined }) {
  const window = Math.max(1, Math.floor(statusWindow));
  const cache = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    let pending = cache.get(key) as Promise<T> | undefined;
    if (pending === undefined) {
      pending = read();
      cache.set(key, pending);
    }
    return pending;
  };
  const statuses = new Map<string, Map<number, CredentialStatusName>>();
  // A batch whose status read failed keeps its own error: one bad registry or batch must not
  // turn the credentials of every other one into errors.
  const statusErrors = new Map<string, unknown>();

  return {
    chainId: (): Promise<string> => once("chainId", () => readChainId({ client })),
    latestBlock: (): Promise<bigint> => once("latest", () => rpcRead(client, () => client.getBlockNumber({ cacheTime: 0 }))),
    version: (registry: Address): Promise<RegistryVersion> =>
      once(`version:${registry}`, () => readRegistryVersion({ client, registry })),
    hasCode: (registry: Address): Promise<boolean> =>
      once(`code:${registry}`, () => hasRegistryCode({ client, registry })),
    batch: (registry: Address, batchId: Hex): Promise<BatchRecord> =>
      once(`batch:${registry}:${batchId}`, () => readBatch({ client, registry, batchId })),
    institution: (registry: Address, institutionId: number): Promise<InstitutionRecord | undefined> =>
      once(`inst:${registry}:${institutionId}`, () => readInstitution({ client, registry, institutionId })),
    keyRecord: (registry: Address, institutionId: number, account: Address): Promise<KeyRecord> =>
      once(`key:${registry}:${institutionId}:${account}`, () =>
        readKeyRecord({ client, registry, institutionId, account }),
      ),
    /** v2: whether the anchorer's roles descend from a governance act (one read per key). */
    viaGovernance: (registry: Address, institutionId: number, anchorer: Address): Promise<boolean> =>
      once(`via:${registry}:${institutionId}:${anchorer}`, () => readViaGovernance({ client, registry, institutionId, anchorer })),
    /** v2: the revocation clearings of one status window (one log query per window). */
    clearings: (registry: Address, batchId: Hex, wordIndex: number): Promise<readonly (ClearedRevocation & { readonly mask: bigint })[]> =>
      once(`cleared:${registry}:${batchId}:${wordIndex}`, () => readClearings({ client, registry, batchId, wordIndex })),
    /** The batch's anchoring, from the registry's record of it (`hint` only narrows the search). */
    anchoring: (registry: Address, batch: BatchRecord, hint: Hex | undefined): Promise<AnchoringRecord | undefined> =>
      once(`anchoring:${registry}:${batch.batchId}`, () =>
        findAnchoring({ client, registry, batchId: batch.batchId, batch, transactionHash: hint }),
      ),

    /**
     * Loads the statuses of all `requests` (and the records of their batches, registries and
     * claimed institutions) with one combined call per registry, else one `credentialStatuses`
     * call per batch. Call it once with every credential before asking {@link status}. Never
     * rejects: each batch settles on its own, and {@link status} throws the error of a batch
     * whose read failed.
     */
    async loadStatuses(requests: readonly StatusRequest[]): Promise<void> {
      const byBatch = new Map<string, { registry: Address; batchId: Hex; indices: Set<number> }>();
      for (const request of requests) {
        const key = `${request.registry}:${request.batchId}`;
        let group = byBatch.get(key);
        if (group === undefined) {
          group = { registry: request.registry, batchId: request.batchId, indices: new Set() };
          byBatch.set(key, group);
        }
        // Whole aligned windows: leaves past the batch's end read back as out of range, never a revert.
        const first = request.leafIndex - (request.leafIndex % window);
        for (let index = first; index < first + window; index++) group.indices.add(index);
      }
      // One combined read per registry (version, batches, statuses, claimed institutions); a
      // registry whose combined read fails for another reason than a silent endpoint falls
      // back to one status read per batch below, which reports its own errors.
      const byRegistry = new Map<Address, { batches: { key: string; batchId: Hex; leafIndices: number[] }[]; institutionIds: Set<number> }>();
      for (const [key, group] of byBatch) {
        let entry = byRegistry.get(group.registry);
        if (entry === undefined) {
          entry = { batches: [], institutionIds: new Set() };
          byRegistry.set(group.registry, entry);
        }
        entry.batches.push({ key, batchId: group.batchId, leafIndices: [...group.indices].sort((a, b) => a - b) });
      }
      for (const request of requests) {
        if (request.institutionId !== undefined) byRegistry.get(request.registry)?.institutionIds.add(request.institutionId);
      }
      const separately = new Set<string>();
      await Promise.all(
        [...byRegistry.entries()].map(async ([registry, entry]) => {
          let snapshot: RegistrySnapshot;
          try {
            snapshot = await readRegistrySnapshot({ client, registry, batches: entry.batches, institutionIds: [...entry.institutionIds] });
          } catch (error) {
            if (error instanceof RpcUnavailableError) {
              for (const batch of entry.batches) statusErrors.set(batch.key, error);
            } else {
              for (const batch of entry.batches) separately.add(batch.key);
            }
            return;
          }
          // Keyed as the checks ask: by checksummed address.
          const address = getAddress(registry);
          if (snapshot.version !== undefined) cache.set(`version:${address}`, Promise.resolve(snapshot.version));
          for (const [institutionId, record] of snapshot.institutions) cache.set(`inst:${address}:${institutionId}`, Promise.resolve(record));
          for (const batch of entry.batches) {
            const answer = snapshot.batches.get(batch.batchId);
            if (answer === undefined) {
              separately.add(batch.key);
              continue;
            }
            cache.set(`batch:${address}:${batch.batchId}`, Promise.resolve(answer.record));
            statuses.set(batch.key, new Map(batch.leafIndices.map((index, position) => [index, answer.statuses[position] ?? "unknownBatch"])));
          }
        }),
      );
      await Promise.all(
        [...byBatch.entries()].filter(([key]) => separately.has(key)).map(async ([key, group]) => {
          // In order, so the same credentials make the same call whatever order they came in.
          const indices = [...group.indices].sort((a, b) => a - b);
          try {
            const result = await readCredentialStatuses({
              client,
              registry: group.registry,
              batchId: group.batchId,
              leafIndices: indices,
            });
            const map = statuses.get(key) ?? new Map<number, CredentialStatusName>();
            indices.forEach((index, position) => map.set(index, result[position] ?? "unknownBatch"));
            statuses.set(key, map);
          } catch (error) {
            statusErrors.set(key, error);
          }
        }),
      );
    },

    /** A status loaded by {@link loadStatuses}; throws the error of its batch's failed read. */
    status(request: StatusRequest): CredentialStatusName | undefined {
      const key = `${request.registry}:${request.batchId}`;
      if (statusErrors.has(key)) throw statusErrors.get(key);
      return statuses.get(key)?.get(request.leafIndex);
    },
  };
}

/** The reader's type. */
export type ChainReader = ReturnType<typeof createChainReader>;
