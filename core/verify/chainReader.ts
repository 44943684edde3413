/**
 * Memoised chain reads for one verification run, so that verifying many credentials costs
 * one read per registry, batch, institution and key, and ONE status call per batch (the
 * registry's bulk `credentialStatuses`), never one per credential.
 */
import type { Address, Hex } from "viem";

import { type AnchoringRecord, findAnchoring } from "../anchoring.ts";
import { type ClearedRevocation, readClearings, readViaGovernance } from "./v2Facts.ts";
import {
  type BatchRecord,
  type CredentialStatusName,
  type InstitutionRecord,
  type KeyRecord,
  type RegistryClient,
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

/** A credential whose status is wanted, grouped by batch before any call is made. */
export type StatusRequest = { readonly registry: Address; readonly batchId: Hex; readonly leafIndex: number };

/** Creates the reader; every method caches its promise (so concurrent callers share one call). */
export function createChainReader({ client }: { readonly client: RegistryClient }) {
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
     * Loads the statuses of all `requests` with one `credentialStatuses` call per batch.
     * Call it once with every credential before asking {@link status}. Never rejects: each
     * batch settles on its own, and {@link status} throws the error of a batch whose read failed.
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
        group.indices.add(request.leafIndex);
      }
      await Promise.all(
        [...byBatch.entries()].map(async ([key, group]) => {
          const indices = [...group.indices];
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
