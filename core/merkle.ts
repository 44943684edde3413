/**
 * The production Merkle tree of a batch, built for speed.
 *
 * All levels live in one flat `Uint8Array`, 32 bytes per node, leaves first and the
 * root last. Input order is kept; at every level an odd last node is promoted to the
 * next level unchanged (copied, not hashed), so the shape of a proof, and its length,
 * follow from (leafIndex, leafCount) alone. Hashing is in hash.ts.
 *
 * TWIN: {@link computeRootFromProof} mirrors CredentialMerkle.computeRoot in
 * contracts/libraries/CredentialMerkle.sol step for step.
 */
import { CredanchorError } from "./errors.ts";
import {
  hashLeaf,
  hashLeafFromWordsInto,
  hashPair,
  hashSiblingsFromWordsInto,
  toBytes32,
  type Bytes32Input,
} from "./hash.ts";
import { decodeHexInto, encodeHex, encodeHex32List, type Hex } from "./hex.ts";

/** The registry stores leaf counts as uint32. */
export const MAX_LEAF_COUNT = 0xffffffff;

/** A built tree. Treat as immutable. */
export type MerkleTree = {
  readonly leafCount: number;
  /** Every node, 32 bytes each, level by level: leaves at node 0, the root last. */
  readonly nodes: Uint8Array;
  /** Node index where each level starts; `levelOffsets[0] = 0`, the last entry is the root. */
  readonly levelOffsets: readonly number[];
  /** The same memory as `nodes`, as 8 words per node (fast copies; byte order irrelevant). */
  readonly words: Uint32Array;
};

function assertLeafCount(leafCount: number): void {
  if (!Number.isInteger(leafCount) || leafCount < 1) {
    throw new CredanchorError({ code: "CA_BATCH_EMPTY", message: `A tree needs at least one leaf, got ${leafCount}.` });
  }
  if (leafCount > MAX_LEAF_COUNT) {
    throw new CredanchorError({
      code: "CA_BATCH_TOO_LARGE",
      message: `A tree holds at most ${MAX_LEAF_COUNT} leaves, got ${leafCount}.`,
    });
  }
}

function levelLayout(leafCount: number): { offsets: number[]; totalNodes: number } {
  const offsets = [0];
  let width = leafCount;
  let total = leafCount;
  while (width > 1) {
    offsets.push(total);
    width = (width + 1) >>> 1;
    total += width;
  }
  return { offsets, totalNodes: total };
}

/** Hashes levels 1..root into `nodes`, whose level 0 holds the leaves. */
function hashUpperLevels(nodes: Uint8Array, words: Uint32Array, offsets: readonly number[], leafCount: number): void {
  let width = leafCount;
  for (let level = 1; level < offsets.length; level++) {
    const from = offsets[level - 1]!;
    const to = offsets[level]!;
    const pairs = width >>> 1;
    for (let j = 0; j < pairs; j++) hashSiblingsFromWordsInto(words, (from + 2 * j) * 8, nodes, (to + j) * 32);
    if (width & 1) nodes.copyWithin((to + pairs) * 32, (from + width - 1) * 32, (from + width) * 32); // promote
    width = (width + 1) >>> 1;
  }
}

/** Parameters of {@link buildTree}. */
export type BuildTreeParameters = {
  /** Leaf hashes (see `leafHash`), 32 bytes each, concatenated in leaf order. */
  readonly leaves: Uint8Array;
};
/** Return type of {@link buildTree}. */
export type BuildTreeReturnType = MerkleTree;

/**
 * Builds the tree over ready leaf hashes (n × 32 bytes). Linear time, one allocation.
 *
 * @example
 * ```ts
 * const tree = buildTree({ leaves });
 * getRoot({ tree });
 * ```
 */
export function buildTree(parameters: BuildTreeParameters): BuildTreeReturnType {
  const { leaves } = parameters;
  if (leaves.length % 32 !== 0) {
    throw new CredanchorError({ code: "CA_INVALID_ARGUMENT", message: `leaves must be n × 32 bytes, got ${leaves.length}.` });
  }
  const leafCount = leaves.length / 32;
  assertLeafCount(leafCount);
  const { offsets, totalNodes } = levelLayout(leafCount);
  const nodes = new Uint8Array(totalNodes * 32);
  nodes.set(leaves);
  const words = new Uint32Array(nodes.buffer);
  hashUpperLevels(nodes, words, offsets, leafCount);
  return { leafCount, nodes, levelOffsets: offsets, words };
}

/** Parameters of {@link buildTreeFromCredentialHashes}. */
export type BuildTreeFromCredentialHashesParameters = {
  /** Credential hashes in leaf order: n × 32 bytes concatenated, or one `0x` hash per leaf. */
  readonly credentialHashes: Uint8Array | readonly Bytes32Input[];
};
/** Return type of {@link buildTreeFromCredentialHashes}. */
export type BuildTreeFromCredentialHashesReturnType = MerkleTree;

/**
 * Builds the tree over credential hashes, hashing each into its leaf (with its index).
 *
 * @example
 * ```ts
 * const tree = buildTreeFromCredentialHashes({ credentialHashes: ["0x…", "0x…", "0x…"] });
 * ```
 */
export function buildTreeFromCredentialHashes(
  parameters: BuildTreeFromCredentialHashesParameters,
): BuildTreeFromCredentialHashesReturnType {
  const input = parameters.credentialHashes;
  let flat: Uint8Array;
  if (input instanceof Uint8Array) {
    if (input.length % 32 !== 0) {
      throw new CredanchorError({
        code: "CA_INVALID_ARGUMENT",
        message: `credentialHashes must be n × 32 bytes, got ${input.length}.`,
      });
    }
    // Word access needs 4-byte alignment; copy the rare unaligned view.
    flat = input.byteOffset % 4 === 0 ? input : input.slice();
  } else {
    flat = new Uint8Array(input.length * 32);
    input.forEach((hash, i) => flat.set(toBytes32(hash, `credentialHashes[${i}]`), i * 32));
  }
  const leafCount = flat.length / 32;
  assertLeafCount(leafCount);
  const { offsets, totalNodes } = levelLayout(leafCount);
  const nodes = new Uint8Array(totalNodes * 32);
  const inputWords = new Uint32Array(flat.buffer, flat.byteOffset, flat.length >>> 2);
  for (let i = 0; i < leafCount; i++) hashLeafFromWordsInto(i, inputWords, i * 8, nodes, i * 32);
  const words = new Uint32Array(nodes.buffer);
  hashUpperLevels(nodes, words, offsets, leafCount);
  return { leafCount, nodes, levelOffsets: offsets, words };
}

/** Parameters of {@link treeFromNodes}. */
export type TreeFromNodesParameters = {
  /** A tree's `nodes` as stored (all levels, 32 bytes each). */
  readonly nodes: Uint8Array;
  readonly leafCount: number;
};
/** Return type of {@link treeFromNodes}. */
export type TreeFromNodesReturnType = MerkleTree;

/**
 * Rebuilds a {@link MerkleTree} around stored `nodes` without hashing (e.g. a tree read
 * back from the service's store). Checks the size against `leafCount`; copies only an
 * unaligned view.
 *
 * @example
 * ```ts
 * const tree = treeFromNodes({ nodes: await store.getBatchTree(id), leafCount });
 * getProof({ tree, leafIndex });
 * ```
 */
export function treeFromNodes(parameters: TreeFromNodesParameters): TreeFromNodesReturnType {
  const { leafCount } = parameters;
  assertLeafCount(leafCount);
  const { offsets, totalNodes } = levelLayout(leafCount);
  if (parameters.nodes.length !== totalNodes * 32) {
    throw new CredanchorError({
      code: "CA_INVALID_ARGUMENT",
      message: `A ${leafCount}-leaf tree has ${totalNodes * 32} bytes of nodes, got ${parameters.nodes.length}.`,
    });
  }
  const nodes = parameters.nodes.byteOffset % 4 === 0 ? parameters.nodes : parameters.nodes.slice();
  const words = new Uint32Array(nodes.buffer, nodes.byteOffset, nodes.length >>> 2);
  return { leafCount, nodes, levelOffsets: offsets, words };
}

/** Parameters of {@link getRoot}. */
export type GetRootParameters = { readonly tree: MerkleTree };
/** Return type of {@link getRoot}. */
export type GetRootReturnType = Hex;

/**
 * The root of a built tree.
 *
 * @example
 * ```ts
 * const merkleRoot = getRoot({ tree }); // "0x…"
 * ```
 */
export function getRoot(parameters: GetRootParameters): GetRootReturnType {
  const { nodes } = parameters.tree;
  return encodeHex(nodes, nodes.length - 32, 32);
}

/** Parameters of {@link getProofLength}. */
export type GetProofLengthParameters = { readonly leafIndex: number; readonly leafCount: number };
/** Return type of {@link getProofLength}. */
export type GetProofLengthReturnType = number;

/**
 * How many siblings the proof of `leafIndex` in a `leafCount`-leaf tree has (levels
 * where the node is the promoted odd last node contribute none).
 *
 * @example
 * ```ts
 * getProofLength({ leafIndex: 4, leafCount: 5 }); // 1
 * ```
 */
export function getProofLength(parameters: GetProofLengthParameters): GetProofLengthReturnType {
  let position = parameters.leafIndex;
  let width = parameters.leafCount;
  let length = 0;
  while (width > 1) {
    if ((position ^ 1) >>> 0 < width) length++;
    position >>>= 1;
    width = (width + 1) >>> 1;
  }
  return length;
}

function assertLeafIndex(tree: MerkleTree, leafIndex: number): void {
  if (!Number.isInteger(leafIndex) || leafIndex < 0 || leafIndex >= tree.leafCount) {
    throw new CredanchorError({
      code: "CA_LEAF_INDEX_OUT_OF_RANGE",
      message: `Leaf index ${leafIndex} is outside 0..${tree.leafCount - 1}.`,
    });
  }
}

/** Parameters of {@link getProofBytes}. */
export type GetProofBytesParameters = {
  readonly tree: MerkleTree;
  readonly leafIndex: number;
  /** Buffer to write into (>= 32 × depth bytes); a new one is allocated if omitted. */
  readonly out?: Uint8Array | undefined;
};
/** Return type of {@link getProofBytes}. */
export type GetProofBytesReturnType = Uint8Array;

/**
 * The proof of one leaf as concatenated 32-byte siblings, bottom-up: O(log n), no
 * search. With `out`, writes there and returns the filled prefix (no allocation).
 *
 * @example
 * ```ts
 * const scratch = new Uint8Array(32 * 32);
 * for (let i = 0; i < tree.leafCount; i++) send(getProofBytes({ tree, leafIndex: i, out: scratch }));
 * ```
 */
export function getProofBytes(parameters: GetProofBytesParameters): GetProofBytesReturnType {
  const { tree, leafIndex } = parameters;
  assertLeafIndex(tree, leafIndex);
  const { words, levelOffsets } = tree;
  const out = parameters.out ?? new Uint8Array(32 * (levelOffsets.length - 1));
  if (out.byteOffset % 4 !== 0 || out.length < 32 * (levelOffsets.length - 1)) {
    throw new CredanchorError({
      code: "CA_INVALID_ARGUMENT",
      message: `out must be 4-byte aligned and hold ${32 * (levelOffsets.length - 1)} bytes.`,
    });
  }
  // Word copies instead of nodes.subarray() + set(): no allocation per sibling, ~10x faster.
  const outWords = new Uint32Array(out.buffer, out.byteOffset, out.length >>> 2);
  let position = leafIndex;
  let width = tree.leafCount;
  let written = 0;
  for (let level = 0; width > 1; level++) {
    const sibling = (position ^ 1) >>> 0;
    if (sibling < width) {
      const from = (levelOffsets[level]! + sibling) * 8;
      for (let i = 0; i < 8; i++) outWords[written + i] = words[from + i]!;
      written += 8;
    }
    position >>>= 1;
    width = (width + 1) >>> 1;
  }
  return out.subarray(0, written * 4);
}

/** Parameters of {@link getProof}. */
export type GetProofParameters = { readonly tree: MerkleTree; readonly leafIndex: number };
/** Return type of {@link getProof}. */
export type GetProofReturnType = Hex[];

/**
 * The proof of one leaf as `0x` hashes, bottom-up: the `proofPath` of the portable format.
 *
 * @example
 * ```ts
 * const proofPath = getProof({ tree, leafIndex: 5 });
 * ```
 */
export function getProof(parameters: GetProofParameters): GetProofReturnType {
  const { tree, leafIndex } = parameters;
  assertLeafIndex(tree, leafIndex);
  const { levelOffsets } = tree;
  const byteOffsets: number[] = [];
  let position = leafIndex;
  let width = tree.leafCount;
  for (let level = 0; width > 1; level++) {
    const sibling = (position ^ 1) >>> 0;
    if (sibling < width) byteOffsets.push((levelOffsets[level]! + sibling) * 32);
    position >>>= 1;
    width = (width + 1) >>> 1;
  }
  return encodeHex32List(tree.nodes, byteOffsets);
}

/** Parameters of {@link computeRootFromProof}. */
export type ComputeRootFromProofParameters = {
  readonly leafIndex: number;
  readonly leafCount: number;
  readonly credentialHash: Bytes32Input;
  /** Siblings bottom-up: `0x` hashes, 32-byte arrays, or all of them concatenated. */
  readonly proof: readonly Bytes32Input[] | Uint8Array;
};
/** Return type of {@link computeRootFromProof}: the root, or null if the position or proof length is impossible. */
export type ComputeRootFromProofReturnType = Hex | null;

/**
 * Recomputes the root from one leaf and its proof, exactly as
 * CredentialMerkle.computeRoot does: null (the Solidity `ok = false`) when
 * `leafIndex >= leafCount` or the proof has the wrong length for that position.
 *
 * @example
 * ```ts
 * const root = computeRootFromProof({ leafIndex: 5, leafCount: 100, credentialHash, proof: proofPath });
 * if (root !== merkleRoot) reject();
 * ```
 */
export function computeRootFromProof(parameters: ComputeRootFromProofParameters): ComputeRootFromProofReturnType {
  const { leafIndex, leafCount, proof } = parameters;
  for (const [name, value] of [["leafIndex", leafIndex], ["leafCount", leafCount]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new CredanchorError({ code: "CA_INVALID_ARGUMENT", message: `${name} must be a non-negative integer, got ${value}.` });
    }
  }
  if (leafIndex >= leafCount) return null;
  const flat = proof instanceof Uint8Array;
  if (flat && proof.length % 32 !== 0) return null;
  const siblingCount = flat ? proof.length / 32 : proof.length;
  let root = hashLeaf(leafIndex, toBytes32(parameters.credentialHash, "credentialHash"));
  const decoded = new Uint8Array(32);
  let position = leafIndex;
  let width = leafCount;
  let used = 0;
  while (width > 1) {
    // A node has a sibling unless it is the odd last node of its level. (Arithmetic,
    // not `position ^ 1`: leafCount is any safe integer here, as uint256 is in Solidity.)
    const odd = position % 2 === 1;
    if (odd || position + 1 < width) {
      if (used === siblingCount) return null;
      let sibling: Uint8Array;
      if (flat) sibling = proof.subarray(used * 32, used * 32 + 32);
      else {
        const item = proof[used]!;
        if (item instanceof Uint8Array) sibling = toBytes32(item, `proof[${used}]`);
        else {
          decodeHexInto(item, decoded, `proof[${used}]`);
          sibling = decoded;
        }
      }
      used++;
      root = odd ? hashPair(sibling, root) : hashPair(root, sibling);
    }
    position = Math.floor(position / 2);
    width = Math.floor((width + 1) / 2);
  }
  if (used !== siblingCount) return null;
  return encodeHex(root);
}

/** Parameters of {@link verifyProof}. */
export type VerifyProofParameters = ComputeRootFromProofParameters & { readonly root: Bytes32Input };
/** Return type of {@link verifyProof}. */
export type VerifyProofReturnType = boolean;

/**
 * True if `proof` leads from the credential hash at `leafIndex` to `root`.
 *
 * @example
 * ```ts
 * verifyProof({ root: proof.merkleRoot, leafIndex: proof.leafIndex, leafCount: proof.leafCount,
 *   credentialHash: proof.credentialHash, proof: proof.proofPath }); // true
 * ```
 */
export function verifyProof(parameters: VerifyProofParameters): VerifyProofReturnType {
  const computed = computeRootFromProof(parameters);
  if (computed === null) return false;
  return computed === encodeHex(toBytes32(parameters.root, "root"));
}
