/**
 * A test-only twin of contracts/libraries/CredentialMerkle.sol, written with ethers so the
 * contract tests do not depend on core/ (which is being written at the same time):
 * - leaf = keccak256(0x00 ‖ uint256(leafIndex) ‖ credentialHash)
 * - node = keccak256(0x01 ‖ left ‖ right)
 * - input order kept; an odd last node of a level is promoted unchanged
 * - batch id = keccak256(abi.encode(uint256(institutionId), root))
 */
import { AbiCoder, concat, id, keccak256, toBeHex } from "ethers";

export type Hex = string;

export function leafHash(leafIndex: bigint | number, credentialHash: Hex): Hex {
  return keccak256(concat(["0x00", toBeHex(leafIndex, 32), credentialHash]));
}

export function nodeHash(left: Hex, right: Hex): Hex {
  return keccak256(concat(["0x01", left, right]));
}

export function batchIdOf(institutionId: bigint | number, merkleRoot: Hex): Hex {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "bytes32"], [institutionId, merkleRoot]));
}

/** Deterministic, distinct credential hashes for tests. */
export function credentialHashes(count: number, label = "credential"): Hex[] {
  return Array.from({ length: count }, (_, i) => id(`${label}-${i}`));
}

export interface MerkleTree {
  readonly credentialHashes: readonly Hex[];
  /** levels[0] are the leaves, the last level holds only the root. */
  readonly levels: readonly (readonly Hex[])[];
  readonly root: Hex;
  readonly leafCount: number;
}

export function buildTree(hashes: readonly Hex[]): MerkleTree {
  if (hashes.length === 0) throw new Error("a tree needs at least one leaf");
  const levels: Hex[][] = [hashes.map((h, i) => leafHash(i, h))];
  for (let level = levels[0]!; level.length > 1; ) {
    const next: Hex[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? nodeHash(level[i]!, level[i + 1]!) : level[i]!);
    }
    levels.push(next);
    level = next;
  }
  return { credentialHashes: hashes, levels, root: levels.at(-1)![0]!, leafCount: hashes.length };
}

/** Siblings from the leaf up; levels where the node is the promoted odd last node add nothing. */
export function proofOf(tree: MerkleTree, leafIndex: number): Hex[] {
  const proof: Hex[] = [];
  let position = leafIndex;
  for (const level of tree.levels.slice(0, -1)) {
    const sibling = position ^ 1;
    if (sibling < level.length) proof.push(level[sibling]!);
    position >>= 1;
  }
  return proof;
}

/** Recomputes the root from a proof (mirror of CredentialMerkle.computeRoot). */
export function rootFromProof(
  leafIndex: number,
  leafCount: number,
  credentialHash: Hex,
  proof: readonly Hex[],
): Hex | undefined {
  if (leafIndex >= leafCount) return undefined;
  let root = leafHash(leafIndex, credentialHash);
  let position = leafIndex;
  let width = leafCount;
  let used = 0;
  while (width > 1) {
    if ((position ^ 1) < width) {
      const sibling = proof[used++];
      if (sibling === undefined) return undefined;
      root = position % 2 === 0 ? nodeHash(root, sibling) : nodeHash(sibling, root);
    }
    position >>= 1;
    width = (width + 1) >> 1;
  }
  return used === proof.length ? root : undefined;
}

/** Flips one bit of a 32-byte hex value (bit 0 = least significant). */
export function flipBit(value: Hex, bit: number): Hex {
  return toBeHex(BigInt(value) ^ (1n << BigInt(bit)), 32);
}
