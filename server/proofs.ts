/**
 * Proofs for stored credentials: every proof of a batch is derived in O(log n) from the
 * batch's flat tree, which is read from the store once and kept in an LRU cache bounded
 * by bytes. The portable credential (credential + `credanchor-proof-v1` proof + status
 * entry) is assembled by core's `attachProof`.
 */
import {
  attachProof,
  getProof,
  treeFromNodes,
  type AnchorRecord,
  type CredanchorProof,
  type CredanchorStatus,
  type MerkleTree,
} from "../core/index.ts";
import type { CredentialWithBatch, Store } from "./store/types.ts";

/** Parameters of {@link createProofService}. */
export type CreateProofServiceParameters = {
  readonly store: Store;
  readonly chainId: number;
  readonly registry: `0x${string}`;
  /** Bytes of trees kept in memory. */
  readonly cacheBytes: number;
};

/** The proof service. */
export type ProofService = {
  /** Proof and status entry of an anchored credential. */
  proofOf(credential: CredentialWithBatch): Promise<{ proof: CredanchorProof; credentialStatus: CredanchorStatus }>;
  /** The portable credential of an anchored credential. */
  portableOf(credential: CredentialWithBatch): Promise<Record<string, unknown>>;
  /** Forget cached trees (after a chain replay changes anchoring records). */
  clear(): void;
};

/**
 * @example
 * ```ts
 * const proofs = createProofService({ store, chainId: 31337, registry, cacheBytes: 256 << 20 });
 * const portable = await proofs.portableOf(credential);
 * ```
 */
export function createProofService(parameters: CreateProofServiceParameters): ProofService {
  const { store, chainId, registry, cacheBytes } = parameters;
  const cache = new Map<number, MerkleTree>(); // insertion order = LRU order
  const loading = new Map<number, Promise<MerkleTree>>();
  let cachedBytes = 0;

  async function treeOf(batchId: number, leafCount: number): Promise<MerkleTree> {
    const hit = cache.get(batchId);
    if (hit !== undefined) {
      cache.delete(batchId);
      cache.set(batchId, hit);
      return hit;
    }
    let pending = loading.get(batchId);
    if (pending === undefined) {
      pending = (async () => {
        const nodes = await store.getBatchTree(batchId);
        if (nodes === undefined) throw new Error(`batch ${batchId} has no stored tree`);
        const tree = treeFromNodes({ nodes, leafCount });
        cache.set(batchId, tree);
        cachedBytes += nodes.length;
        for (const [id, old] of cache) {
          if (cachedBytes <= cacheBytes || id === batchId) break;
          cache.delete(id);
          cachedBytes -= old.nodes.length;
        }
        return tree;
      })().finally(() => loading.delete(batchId));
      loading.set(batchId, pending);
    }
    return pending;
  }

  async function anchorOf(credential: CredentialWithBatch): Promise<AnchorRecord> {
    const { batch } = credential;
    const tree = await treeOf(batch.id, batch.size);
    return {
      chain: chainId,
      registry,
      institutionId: batch.institutionId,
      batchId: batch.chainBatchId!,
      merkleRoot: batch.merkleRoot!,
      leafIndex: credential.leafIndex,
      leafCount: batch.size,
      salt: credential.salt,
      credentialHash: credential.credentialHash,
      proofPath: getProof({ tree, leafIndex: credential.leafIndex }),
      anchorTransaction: batch.txHash!,
      anchorBlock: batch.blockNumber!,
      created: new Date(batch.minedAt!).toISOString().replace(".000Z", "Z"),
    };
  }

  return {
    async proofOf(credential) {
      // attachProof on an empty object: the proof and status entry without parsing the body.
      const portable = attachProof({ credential: {}, anchor: await anchorOf(credential), check: false });
      return {
        proof: portable.proof as CredanchorProof,
        credentialStatus: portable.credentialStatus as CredanchorStatus,
      };
    },
    async portableOf(credential) {
      const body = JSON.parse(credential.body) as Record<string, unknown>;
      return attachProof({ credential: body, anchor: await anchorOf(credential), check: false });
    },
    clear() {
      cache.clear();
      cachedBytes = 0;
    },
  };
}
