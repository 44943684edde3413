/**
 * The production tree against two independent implementations:
 *
 * - merkletreejs, configured for credanchor's scheme: leaves passed as ready
 *   `leafHash`es (`hashLeaves: false`; the index-bound, 0x00-tagged leaf hash cannot be
 *   expressed as its leaf hash function, which sees only the value), nodes hashed as
 *   keccak256(0x01 ‖ left ‖ right) through `concatenator`, pairs unsorted, odd nodes
 *   promoted (its default, `duplicateOdd: false`).
 * - a ten-line recursive reference written here with @noble/hashes' keccak, which
 *   shares no code with core (different keccak, no flat buffer, no hash.ts).
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { expect } from "chai";
import fc from "fast-check";
import { MerkleTree as MerkleTreeJs } from "merkletreejs";

import { buildTreeFromCredentialHashes, getProof, getRoot, type Hex } from "../../core/index.ts";
import { credentialHashesFor, propertyRuns } from "./helpers.ts";

const hex = (bytes: Uint8Array): Hex => `0x${Buffer.from(bytes).toString("hex")}`;
const bytes = (value: Hex): Uint8Array => Buffer.from(value.slice(2), "hex");

function referenceLeaf(leafIndex: number, credentialHash: Hex): Uint8Array {
  const input = new Uint8Array(65);
  new DataView(input.buffer).setBigUint64(25, BigInt(leafIndex)); // uint256 big-endian, index < 2^64
  input.set(bytes(credentialHash), 33);
  return keccak_256(input);
}
const referenceNode = (left: Uint8Array, right: Uint8Array): Uint8Array => keccak_256(new Uint8Array([1, ...left, ...right]));

/** Levels bottom-up; an odd last node is carried up as is. */
function referenceLevels(credentialHashes: readonly Hex[]): Uint8Array[][] {
  const levels = [credentialHashes.map((hash, i) => referenceLeaf(i, hash))];
  while (levels[levels.length - 1]!.length > 1) {
    const below = levels[levels.length - 1]!;
    levels.push(Array.from({ length: Math.ceil(below.length / 2) }, (_, j) => (2 * j + 1 < below.length ? referenceNode(below[2 * j]!, below[2 * j + 1]!) : below[2 * j]!)));
  }
  return levels;
}

function referenceProof(levels: Uint8Array[][], leafIndex: number): Hex[] {
  const proof: Hex[] = [];
  let position = leafIndex;
  for (const level of levels.slice(0, -1)) {
    const sibling = position ^ 1;
    if (sibling < level.length) proof.push(hex(level[sibling]!));
    position >>= 1;
  }
  return proof;
}

function merkletreejs(credentialHashes: readonly Hex[]): MerkleTreeJs {
  const leaves = credentialHashes.map((hash, i) => Buffer.from(referenceLeaf(i, hash)));
  return new MerkleTreeJs(leaves, (data: Buffer) => Buffer.from(keccak_256(data)), {
    hashLeaves: false,
    sortPairs: false,
    duplicateOdd: false,
    concatenator: (inputs: Buffer[]) => Buffer.concat([Buffer.from([1]), ...inputs]),
  });
}

function compare(leafCount: number): void {
  const hashes = credentialHashesFor(leafCount, "reference");
  const tree = buildTreeFromCredentialHashes({ credentialHashes: hashes });
  const levels = referenceLevels(hashes);
  const js = merkletreejs(hashes);
  const root = getRoot({ tree });
  expect(root, `reference root, ${leafCount} leaves`).to.equal(hex(levels[levels.length - 1]![0]!));
  expect(root, `merkletreejs root, ${leafCount} leaves`).to.equal(js.getHexRoot());
  for (let leafIndex = 0; leafIndex < leafCount; leafIndex++) {
    const proof = getProof({ tree, leafIndex });
    expect(proof, `reference proof ${leafIndex}/${leafCount}`).to.deep.equal(referenceProof(levels, leafIndex));
    expect(proof, `merkletreejs proof ${leafIndex}/${leafCount}`).to.deep.equal(js.getHexProof(js.getLeaves()[leafIndex]!, leafIndex));
  }
}

describe("core/merkle against independent implementations", () => {
  it("equals merkletreejs and the reference, roots and proofs, for 1..70 leaves", () => {
    for (let leafCount = 1; leafCount <= 70; leafCount++) compare(leafCount);
  });

  it("equals them for random larger sizes", () => {
    fc.assert(fc.property(fc.integer({ min: 71, max: 600 }), compare), { numRuns: Math.max(3, propertyRuns / 8) });
  });
});
