/**
 * Proofs for stored credentials: every proof of a batch is derived in O(log n) from the
 * batch's flat tree, which is read from the store once and kept in an LRU cache bounded
 * by bytes. The portable credential is assembled by core: `attachProof` (credential +
 * `credanchor-proof-v1` proof + status entry) for bodies stored unsigned, `attachAnchorProof`
 * (credanchor-proof-v2) for bodies stored with their issuer signature. The `/proof` query
 * (`proofOf`) answers in the v1 shape only; v2 holders take the whole portable credential.
 *
 * Proof queries are the hot path (thousands per second), so `attachProof` (which
 * validates the whole proof, checksums the registry address…) runs once per batch and
 * anchoring: that result is the batch's template, and each credential's proof is the
 * template with its own leaf index, salt, credential hash and sibling path. A test
 * (test/server/api.test.ts) checks the result equals `attachProof`'s for the same credential.
 */
import { attachAnchorProof, attachProof, getProof, isIssuerSignature, treeFromNodes, type AnchorRecord, type CredanchorProof, type CredanchorStatus, type MerkleTree } from "../core/index.ts";
import type { BatchRow, CredentialAnchorRow, CredentialWithBatch, Store } from "./store/types.ts";

/** Parameters of {@link createProofService}. */
export type CreateProofServiceParameters = {
  readonly store: Store;
  readonly chainId: number;
  readonly registry: `0x${string}`;
  /** Bytes of trees kept in memory. */
  readonly cacheBytes: number;
};

/** A proof and its status entry. */
export type ProofParts = { proof: CredanchorProof; credentialStatus: CredanchorStatus };

/** The proof service. */
export type ProofService = {
  /** Proof and status entry of an anchored credential. */
  proofOf(credential: CredentialAnchorRow): Promise<ProofParts>;
  /** The portable credential of an anchored credential (full `attachProof`). */
  portableOf(credential: CredentialWithBatch): Promise<Record<string, unknown>>;
};

type Cached = { tree: MerkleTree; anchorKey: string; template: ProofParts | undefined };

const anchorKeyOf = (batch: BatchRow) => `${batch.txHash}/${batch.blockNumber}/${batch.minedAt}`;

/**
 * @example
 * ```ts
 * const proofs = createProofService({ store, chainId: 31337, registry, cacheBytes: 256 << 20 });
 * const portable = await proofs.portableOf(credential);
 * ```
 */
export function createProofService(parameters: CreateProofServiceParameters): ProofService {
  const { store, chainId, registry, cacheBytes } = parameters;
  const cache = new Map<number, Cached>(); // insertion order = LRU order
  const loading = new Map<number, Promise<Cached>>();
  let cachedBytes = 0;

  async function entryOf(batch: BatchRow): Promise<Cached> {
    const hit = cache.get(batch.id);
    if (hit !== undefined) {
      cache.delete(batch.id);
      cache.set(batch.id, hit);
      if (hit.anchorKey !== anchorKeyOf(batch)) {
        hit.anchorKey = anchorKeyOf(batch); // re-anchored (reorg, replay): rebuild the template
        hit.template = undefined;
      }
      return hit;
    }
    let pending = loading.get(batch.id);
    if (pending === undefined) {
      pending = (async () => {
        const nodes = await store.getBatchTree(batch.id);
        if (nodes === undefined) throw new Error(`batch ${batch.id} has no stored tree`);
        const entry: Cached = { tree: treeFromNodes({ nodes, leafCount: batch.size }), anchorKey: anchorKeyOf(batch), template: undefined };
        cache.set(batch.id, entry);
        cachedBytes += nodes.length;
        for (const [id, old] of cache) {
          if (cachedBytes <= cacheBytes || id === batch.id) break;
          cache.delete(id);
          cachedBytes -= old.tree.nodes.length;
        }
        return entry;
      })().finally(() => loading.delete(batch.id));
      loading.set(batch.id, pending);
    }
    return pending;
  }

  function anchorOf(credential: CredentialAnchorRow, tree: MerkleTree): AnchorRecord {
    const { batch } = credential;
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
      const entry = await entryOf(credential.batch);
      const anchor = anchorOf(credential, entry.tree);
      if (entry.template === undefined) {
        // attachProof on an empty object: the proof and status entry without parsing a body.
        const portable = attachProof({ credential: {}, anchor, check: false });
        entry.template = { proof: portable.proof as CredanchorProof, credentialStatus: portable.credentialStatus as CredanchorStatus };
        return entry.template;
      }
      const { proof, credentialStatus } = entry.template;
      const statusPrefix = credentialStatus.id.slice(0, credentialStatus.id.lastIndexOf("/") + 1);
      return {
        proof: { ...proof, leafIndex: anchor.leafIndex, salt: anchor.salt, credentialHash: anchor.credentialHash, proofPath: [...anchor.proofPath] },
        credentialStatus: { ...credentialStatus, id: `${statusPrefix}${anchor.leafIndex}`, leafIndex: anchor.leafIndex },
      };
    },
    async portableOf(credential) {
      const entry = await entryOf(credential.batch);
      const body = JSON.parse(credential.body) as Record<string, unknown>;
      const anchor = anchorOf(credential, entry.tree);
      // A body stored signed is credanchor-proof-v2 (its hash covers the signature); else v1.
      if (isIssuerSignature(body.proof)) return attachAnchorProof({ credential: body, anchor, check: false });
      return attachProof({ credential: body, anchor, check: false });
    },
  };
}
