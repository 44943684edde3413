import { expect } from "chai";
import fc from "fast-check";

import {
  buildTree,
  buildTreeFromCredentialHashes,
  computeRootFromProof,
  getProof,
  getProofBytes,
  getProofLength,
  getRoot,
  hexToBytes,
  leafHash,
  nodeHash,
  treeFromNodes,
  verifyProof,
  type Hex,
  type MerkleTree,
} from "../../core/index.ts";
import { credentialHashesFor, expectCredanchorError, flipBit, propertyRuns } from "./helpers.ts";

const MAX_LEAVES = 70;

/** Trees of 1..MAX_LEAVES leaves, built once. */
const trees = new Map<number, { hashes: Hex[]; tree: MerkleTree; root: Hex }>();
function treeOf(leafCount: number) {
  let entry = trees.get(leafCount);
  if (entry === undefined) {
    const hashes = credentialHashesFor(leafCount);
    const tree = buildTreeFromCredentialHashes({ credentialHashes: hashes });
    entry = { hashes, tree, root: getRoot({ tree }) };
    trees.set(leafCount, entry);
  }
  return entry;
}

/** (leafCount, leafIndex) with leafIndex < leafCount. */
const position = fc
  .integer({ min: 1, max: MAX_LEAVES })
  .chain((leafCount) => fc.record({ leafCount: fc.constant(leafCount), leafIndex: fc.integer({ min: 0, max: leafCount - 1 }) }));

describe("core/merkle", () => {
  it(`proves every leaf of every tree of 1..${MAX_LEAVES} leaves`, () => {
    for (let leafCount = 1; leafCount <= MAX_LEAVES; leafCount++) {
      const { hashes, tree, root } = treeOf(leafCount);
      for (let leafIndex = 0; leafIndex < leafCount; leafIndex++) {
        const proof = getProof({ tree, leafIndex });
        expect(proof).to.have.length(getProofLength({ leafIndex, leafCount }));
        expect(computeRootFromProof({ leafIndex, leafCount, credentialHash: hashes[leafIndex]!, proof })).to.equal(root);
      }
    }
  });

  it("makes the root of a one-leaf tree its leaf, with an empty proof", () => {
    const [hash] = credentialHashesFor(1, "single");
    const tree = buildTreeFromCredentialHashes({ credentialHashes: [hash!] });
    expect(getRoot({ tree })).to.equal(leafHash({ leafIndex: 0, credentialHash: hash! }));
    expect(getProof({ tree, leafIndex: 0 })).to.deep.equal([]);
  });

  it("promotes an odd last node unhashed (5 leaves: leaf 4 has a one-hash proof)", () => {
    const { hashes, tree } = treeOf(5);
    const leaf = (i: number) => leafHash({ leafIndex: i, credentialHash: hashes[i]! });
    // Leaf 4 rises alone to level 2, where its sibling is node(node(l0, l1), node(l2, l3)).
    const sibling = nodeHash({ left: nodeHash({ left: leaf(0), right: leaf(1) }), right: nodeHash({ left: leaf(2), right: leaf(3) }) });
    expect(getProof({ tree, leafIndex: 4 })).to.deep.equal([sibling]);
    expect(getRoot({ tree })).to.equal(nodeHash({ left: sibling, right: leaf(4) }));
  });

  it("fails when one bit of the root, the credential hash or any sibling is flipped", () => {
    fc.assert(
      fc.property(position, fc.nat(255), fc.nat(), ({ leafCount, leafIndex }, bit, target) => {
        const { hashes, tree, root } = treeOf(leafCount);
        const proof = getProof({ tree, leafIndex });
        const credentialHash = hashes[leafIndex]!;
        const choice = target % (proof.length + 2);
        if (choice === 0) expect(verifyProof({ root: flipBit(root, bit), leafIndex, leafCount, credentialHash, proof })).to.equal(false);
        else if (choice === 1) {
          expect(verifyProof({ root, leafIndex, leafCount, credentialHash: flipBit(credentialHash, bit), proof })).to.equal(false);
        } else {
          const tampered = proof.map((sibling, i) => (i === choice - 2 ? flipBit(sibling, bit) : sibling));
          expect(verifyProof({ root, leafIndex, leafCount, credentialHash, proof: tampered })).to.equal(false);
        }
      }),
      { numRuns: propertyRuns * 5 },
    );
  });

  it("binds a proof to its index: the proof for leaf i fails at any j != i", () => {
    fc.assert(
      fc.property(position, fc.nat(), ({ leafCount, leafIndex }, other) => {
        fc.pre(leafCount > 1);
        const wrongIndex = (leafIndex + 1 + (other % (leafCount - 1))) % leafCount;
        const { hashes, tree, root } = treeOf(leafCount);
        const proof = getProof({ tree, leafIndex });
        expect(verifyProof({ root, leafIndex: wrongIndex, leafCount, credentialHash: hashes[leafIndex]!, proof })).to.equal(false);
      }),
      { numRuns: propertyRuns * 5 },
    );
  });

  it("returns null, as CredentialMerkle.computeRoot returns ok = false, for impossible positions and lengths", () => {
    const { hashes, tree } = treeOf(13);
    const proof = getProof({ tree, leafIndex: 3 });
    const credentialHash = hashes[3]!;
    expect(computeRootFromProof({ leafIndex: 13, leafCount: 13, credentialHash, proof })).to.equal(null);
    expect(computeRootFromProof({ leafIndex: 0, leafCount: 0, credentialHash, proof: [] })).to.equal(null);
    expect(computeRootFromProof({ leafIndex: 3, leafCount: 13, credentialHash, proof: proof.slice(1) })).to.equal(null);
    expect(computeRootFromProof({ leafIndex: 3, leafCount: 13, credentialHash, proof: [...proof, proof[0]!] })).to.equal(null);
    expect(computeRootFromProof({ leafIndex: 3, leafCount: 13, credentialHash, proof: new Uint8Array(33) })).to.equal(null);
    expectCredanchorError(() => computeRootFromProof({ leafIndex: -1, leafCount: 13, credentialHash, proof }), "CA_INVALID_ARGUMENT");
    const bad = expectCredanchorError(
      () => computeRootFromProof({ leafIndex: 3, leafCount: 13, credentialHash, proof: [proof[0]!, "0x12" as Hex, ...proof.slice(2)] }),
      "CA_HEX_INVALID",
    );
    expect(bad.details?.[0]?.path).to.equal("proof[1]");
  });

  it("serves the same proof as hex, as bytes, and into a reused buffer", () => {
    const { tree, hashes, root } = treeOf(MAX_LEAVES);
    const scratch = new Uint8Array(32 * 8);
    for (let leafIndex = 0; leafIndex < MAX_LEAVES; leafIndex++) {
      const hex = getProof({ tree, leafIndex });
      const flat = Buffer.concat(hex.map((sibling) => hexToBytes({ hex: sibling })));
      expect(Buffer.from(getProofBytes({ tree, leafIndex }))).to.deep.equal(flat);
      const written = getProofBytes({ tree, leafIndex, out: scratch });
      expect(Buffer.from(written)).to.deep.equal(flat);
      expect(written.buffer).to.equal(scratch.buffer);
      expect(computeRootFromProof({ leafIndex, leafCount: MAX_LEAVES, credentialHash: hashes[leafIndex]!, proof: written })).to.equal(root);
    }
    expectCredanchorError(() => getProofBytes({ tree, leafIndex: 0, out: new Uint8Array(33).subarray(1) }), "CA_INVALID_ARGUMENT");
  });

  it("builds the same tree from leaf hashes as from credential hashes", () => {
    const { hashes, tree } = treeOf(13);
    const leaves = Buffer.concat(hashes.map((hash, leafIndex) => hexToBytes({ hex: leafHash({ leafIndex, credentialHash: hash }) })));
    const fromLeaves = buildTree({ leaves: new Uint8Array(leaves) });
    expect(Buffer.from(fromLeaves.nodes)).to.deep.equal(Buffer.from(tree.nodes));
    expect(fromLeaves.levelOffsets).to.deep.equal(tree.levelOffsets);
    const flat = new Uint8Array(Buffer.concat(hashes.map((hash) => hexToBytes({ hex: hash }))));
    expect(getRoot({ tree: buildTreeFromCredentialHashes({ credentialHashes: flat }) })).to.equal(getRoot({ tree }));
    // an unaligned view is copied, not misread
    const unaligned = new Uint8Array(flat.length + 1);
    unaligned.set(flat, 1);
    expect(getRoot({ tree: buildTreeFromCredentialHashes({ credentialHashes: unaligned.subarray(1) }) })).to.equal(getRoot({ tree }));
  });

  it("rebuilds a stored tree from its nodes without hashing", () => {
    const { tree, root } = treeOf(13);
    const stored = new Uint8Array(tree.nodes.length + 2);
    stored.set(tree.nodes, 2);
    const restored = treeFromNodes({ nodes: stored.subarray(2), leafCount: 13 }); // unaligned view: copied
    expect(getRoot({ tree: restored })).to.equal(root);
    expect(getProof({ tree: restored, leafIndex: 7 })).to.deep.equal(getProof({ tree, leafIndex: 7 }));
    expect(restored.levelOffsets).to.deep.equal(tree.levelOffsets);
    expectCredanchorError(() => treeFromNodes({ nodes: tree.nodes, leafCount: 12 }), "CA_INVALID_ARGUMENT");
  });

  it("refuses empty trees, ragged input and out-of-range leaves", () => {
    expectCredanchorError(() => buildTree({ leaves: new Uint8Array(0) }), "CA_BATCH_EMPTY");
    expectCredanchorError(() => buildTreeFromCredentialHashes({ credentialHashes: [] }), "CA_BATCH_EMPTY");
    expectCredanchorError(() => buildTree({ leaves: new Uint8Array(40) }), "CA_INVALID_ARGUMENT");
    const { tree } = treeOf(5);
    expectCredanchorError(() => getProof({ tree, leafIndex: 5 }), "CA_LEAF_INDEX_OUT_OF_RANGE");
    expectCredanchorError(() => getProofBytes({ tree, leafIndex: -1 }), "CA_LEAF_INDEX_OUT_OF_RANGE");
  });

  it("stores all levels in one buffer: 2n - 1 + (promotions) nodes, root last", () => {
    for (const leafCount of [1, 2, 3, 5, 8, 13, 64, 65]) {
      const { tree, root } = treeOf(leafCount);
      let nodes = 0;
      for (let width = leafCount; ; width = Math.ceil(width / 2)) {
        nodes += width;
        if (width === 1) break;
      }
      expect(tree.nodes.length).to.equal(nodes * 32);
      expect(tree.levelOffsets[tree.levelOffsets.length - 1]).to.equal(nodes - 1);
      expect(getRoot({ tree })).to.equal(root);
    }
  });
});
