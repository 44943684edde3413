/**
 * test/vectors/*.json are the golden vectors shared with the Solidity twin
 * (test/contracts/GoldenVectors.t.sol). Every value is recomputed here from core, and the
 * generator's --check mode must find the committed files up to date.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

import {
  batchIdOf,
  buildTreeFromCredentialHashes,
  canonicalizeCredential,
  computeRootFromProof,
  credentialHash,
  getProof,
  getRoot,
  leafHash,
  nodeHash,
  type Hex,
} from "../../core/index.ts";

type MerkleVectors = {
  leaves: { credentialHash: Hex; leafHash: Hex; leafIndex: number }[];
  nodes: { left: Hex; node: Hex; right: Hex }[];
  batchIds: { batchId: Hex; institutionId: number; merkleRoot: Hex }[];
  trees: { credentialHashes: Hex[]; leafCount: number; proofs: Hex[][]; root: Hex }[];
  proofCases: { credentialHash: Hex; leafCount: number; leafIndex: number; proof: Hex[]; root: Hex }[];
};
type CredentialHashVectors = {
  vectors: { canonical: string; credential: Record<string, unknown>; credentialHash: Hex; salt: Hex }[];
};

const merkle = JSON.parse(readFileSync("test/vectors/merkle-v1.json", "utf8")) as MerkleVectors;
const credentialHashes = JSON.parse(readFileSync("test/vectors/credential-hash-v1.json", "utf8")) as CredentialHashVectors;

describe("golden vectors", () => {
  it("writes object keys in alphabetical order (the order vm.parseJson fills Solidity structs)", () => {
    for (const list of [merkle.leaves, merkle.nodes, merkle.batchIds, merkle.trees, merkle.proofCases]) {
      for (const entry of list) expect(Object.keys(entry)).to.deep.equal(Object.keys(entry).sort());
    }
  });

  it("leaf hashes", () => {
    for (const { credentialHash: hash, leafHash: expected, leafIndex } of merkle.leaves) {
      expect(leafHash({ leafIndex, credentialHash: hash }), `leaf ${leafIndex}`).to.equal(expected);
    }
  });

  it("node hashes", () => {
    for (const { left, node, right } of merkle.nodes) expect(nodeHash({ left, right })).to.equal(node);
  });

  it("batch ids", () => {
    for (const { batchId, institutionId, merkleRoot } of merkle.batchIds) {
      expect(batchIdOf({ institutionId, merkleRoot }), `institution ${institutionId}`).to.equal(batchId);
    }
  });

  it("trees: sizes 1, 2, 3, 4, 5, 7, 8, 13 with every root and proof", () => {
    expect(merkle.trees.map((tree) => tree.leafCount)).to.deep.equal([1, 2, 3, 4, 5, 7, 8, 13]);
    for (const vector of merkle.trees) {
      const tree = buildTreeFromCredentialHashes({ credentialHashes: vector.credentialHashes });
      expect(getRoot({ tree }), `root of ${vector.leafCount}`).to.equal(vector.root);
      vector.proofs.forEach((proof, leafIndex) => {
        expect(getProof({ tree, leafIndex }), `proof ${leafIndex} of ${vector.leafCount}`).to.deep.equal(proof);
      });
    }
  });

  it("proof cases recompute to their roots", () => {
    expect(merkle.proofCases).to.have.length(merkle.trees.reduce((sum, tree) => sum + tree.leafCount, 0));
    for (const { credentialHash: hash, leafCount, leafIndex, proof, root } of merkle.proofCases) {
      expect(computeRootFromProof({ leafIndex, leafCount, credentialHash: hash, proof })).to.equal(root);
    }
  });

  it("credential hashes and their canonical (JCS) text", () => {
    for (const { canonical, credential, credentialHash: expected, salt } of credentialHashes.vectors) {
      expect(canonicalizeCredential({ credential })).to.equal(canonical);
      expect(credentialHash({ credential, salt })).to.equal(expected);
    }
  });

  it("are what scripts/generate-vectors.ts generates (--check)", () => {
    // Throws (non-zero exit) if a committed file differs from a fresh generation.
    execFileSync(process.execPath, ["scripts/generate-vectors.ts", "--check"], { stdio: "pipe" });
  });
});
