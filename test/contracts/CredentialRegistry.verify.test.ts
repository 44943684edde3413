/**
 * verify(): real trees built off-chain with the CredentialMerkle hashing (helpers/merkle.ts),
 * anchored, and proven leaf by leaf; then every way a proof can be wrong.
 */
import { expect } from "chai";
import { id } from "ethers";
import { network } from "hardhat";

import { anchoredFixture, registryFixture, request, type RegistryFixture } from "./helpers/fixtures.js";
import { statusName } from "./helpers/expectations.js";
import {
  buildTree,
  credentialHashes,
  flipBit,
  leafHash,
  nodeHash,
  proofOf,
  rootFromProof,
  type MerkleTree,
} from "./helpers/merkle.js";

const { networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

const SIZES = [1, 2, 3, 5, 8, 13, 33];
const TREES: Record<number, MerkleTree> = Object.fromEntries(SIZES.map((n) => [n, buildTree(credentialHashes(n, `verify-${n}`))]));

/** Every tree of SIZES anchored in institution 1. */
async function treesFixture(connection: Parameters<typeof registryFixture>[0]) {
  const f = await registryFixture(connection);
  const batchIds: Record<number, string> = {};
  for (const n of SIZES) {
    await f.registry.connect(f.anchorer1).anchor(1, request(TREES[n]!.root, n));
    batchIds[n] = await f.registry.batchIdOf(1, TREES[n]!.root);
  }
  return { ...f, batchIds };
}

async function verifyResult(f: RegistryFixture, batchId: string, index: number | bigint, hash: string, proof: string[]) {
  const [valid, status] = await f.registry.verify(batchId, index, hash, proof);
  return [valid, statusName(status)];
}

describe("CredentialRegistry: verify", function () {
  describe("the off-chain tree helper", function () {
    it("hashes as specified: tagged leaves with the index, tagged nodes, odd last node promoted", function () {
      const [a, b, c] = credentialHashes(3, "spec");
      const three = buildTree([a!, b!, c!]);
      expect(three.root).to.equal(nodeHash(nodeHash(leafHash(0, a!), leafHash(1, b!)), leafHash(2, c!)));
      expect(buildTree([a!]).root).to.equal(leafHash(0, a!));
      expect(proofOf(three, 2)).to.deep.equal([nodeHash(leafHash(0, a!), leafHash(1, b!))]);
    });
  });

  for (const n of SIZES) {
    it(`accepts every leaf of a ${n}-leaf tree with its proof (Valid)`, async function () {
      const f = await loadFixture(treesFixture);
      const tree = TREES[n]!;
      for (let i = 0; i < n; i++) {
        const proof = proofOf(tree, i);
        expect(rootFromProof(i, n, tree.credentialHashes[i]!, proof)).to.equal(tree.root);
        expect(await verifyResult(f, f.batchIds[n]!, i, tree.credentialHashes[i]!, proof), `leaf ${i}`).to.deep.equal([
          true,
          "Valid",
        ]);
      }
    });
  }

  it("accepts leaves in every window of the 700-leaf fixture batch, including the last one", async function () {
    const f = await loadFixture(anchoredFixture);
    for (const i of [0, 255, 256, 511, 512, 698, 699]) {
      expect(await verifyResult(f, f.batchId, i, f.tree.credentialHashes[i]!, proofOf(f.tree, i))).to.deep.equal([true, "Valid"]);
    }
  });

  describe("rejects with ProofInvalid", function () {
    it("a proof that is one sibling too long or too short", async function () {
      const f = await loadFixture(treesFixture);
      for (const n of SIZES) {
        const tree = TREES[n]!;
        for (const i of [0, n - 1]) {
          const proof = proofOf(tree, i);
          const hash = tree.credentialHashes[i]!;
          expect(await verifyResult(f, f.batchIds[n]!, i, hash, [...proof, id("extra")]), `n=${n} i=${i} long`).to.deep.equal([
            false,
            "ProofInvalid",
          ]);
          if (proof.length > 0) {
            expect(await verifyResult(f, f.batchIds[n]!, i, hash, proof.slice(0, -1)), `n=${n} i=${i} short`).to.deep.equal([
              false,
              "ProofInvalid",
            ]);
          }
        }
      }
    });

    it("a proof presented for another index of the same tree", async function () {
      const f = await loadFixture(treesFixture);
      for (const n of [2, 3, 5, 8]) {
        const tree = TREES[n]!;
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            if (i === j) continue;
            expect(await verifyResult(f, f.batchIds[n]!, j, tree.credentialHashes[i]!, proofOf(tree, i)), `n=${n} ${i}→${j}`).to.deep.equal([
              false,
              "ProofInvalid",
            ]);
          }
        }
      }
    });

    it("a different credential hash, and a one-bit change of the hash or of any sibling", async function () {
      const f = await loadFixture(treesFixture);
      for (const n of [3, 8, 13]) {
        const tree = TREES[n]!;
        const i = n - 2;
        const proof = proofOf(tree, i);
        const hash = tree.credentialHashes[i]!;
        const batchId = f.batchIds[n]!;
        expect(await verifyResult(f, batchId, i, tree.credentialHashes[i + 1]!, proof)).to.deep.equal([false, "ProofInvalid"]);
        for (const bit of [0, 128, 255]) {
          expect(await verifyResult(f, batchId, i, flipBit(hash, bit), proof)).to.deep.equal([false, "ProofInvalid"]);
          for (let k = 0; k < proof.length; k++) {
            const tampered = proof.map((s, m) => (m === k ? flipBit(s, bit) : s));
            expect(await verifyResult(f, batchId, i, hash, tampered), `sibling ${k} bit ${bit}`).to.deep.equal([false, "ProofInvalid"]);
          }
        }
      }
    });

    it("a proof of another batch, even one of the same institution", async function () {
      const f = await loadFixture(treesFixture);
      const five = TREES[5]!;
      expect(await verifyResult(f, f.batchIds[8]!, 1, five.credentialHashes[1]!, proofOf(five, 1))).to.deep.equal([
        false,
        "ProofInvalid",
      ]);
    });

    it("the same root anchored by another institution: the proof holds only under each batch's own id", async function () {
      const f = await loadFixture(treesFixture);
      const tree = TREES[5]!;
      await f.registry.connect(f.anchorer2).anchor(2, request(tree.root, 5));
      const inst2Batch = await f.registry.batchIdOf(2, tree.root);
      expect(await verifyResult(f, inst2Batch, 3, tree.credentialHashes[3]!, proofOf(tree, 3))).to.deep.equal([true, "Valid"]);
      await f.registry.connect(f.admin2).revokeCredentials(inst2Batch, [3], 0);
      expect(await verifyResult(f, inst2Batch, 3, tree.credentialHashes[3]!, proofOf(tree, 3))).to.deep.equal([false, "Revoked"]);
      expect(await verifyResult(f, f.batchIds[5]!, 3, tree.credentialHashes[3]!, proofOf(tree, 3))).to.deep.equal([true, "Valid"]);
    });

    it("an internal node presented as a leaf, at every index, with the shorter proof", async function () {
      const f = await loadFixture(treesFixture);
      const tree = TREES[8]!;
      // In the 8-leaf tree, node(l0, l1) sits one level up; its path to the root is the
      // leaf proof of index 0 or 1 minus the first sibling.
      const node01 = tree.levels[1]![0]!;
      const upper = proofOf(tree, 0).slice(1);
      for (let k = 0; k < 8; k++) {
        expect(await verifyResult(f, f.batchIds[8]!, k, node01, upper), `k=${k}`).to.deep.equal([false, "ProofInvalid"]);
        expect(await verifyResult(f, f.batchIds[8]!, k, node01, proofOf(tree, k)), `k=${k} full proof`).to.deep.equal([
          false,
          "ProofInvalid",
        ]);
      }
    });

    it("a proof that is not empty for a one-leaf batch", async function () {
      const f = await loadFixture(treesFixture);
      const one = TREES[1]!;
      expect(await verifyResult(f, f.batchIds[1]!, 0, one.credentialHashes[0]!, [one.root])).to.deep.equal([false, "ProofInvalid"]);
    });
  });

  describe("answers without checking the proof", function () {
    it("UnknownBatch for an id nobody anchored (including the bare root)", async function () {
      const f = await loadFixture(treesFixture);
      const tree = TREES[3]!;
      for (const batchId of [id("nothing"), tree.root, flipBit(f.batchIds[3]!, 0)]) {
        expect(await verifyResult(f, batchId, 0, tree.credentialHashes[0]!, proofOf(tree, 0))).to.deep.equal([false, "UnknownBatch"]);
      }
    });

    it("IndexOutOfRange for an index at or past the leaf count", async function () {
      const f = await loadFixture(treesFixture);
      const tree = TREES[5]!;
      for (const index of [5n, 8n, 2n ** 255n]) {
        expect(await verifyResult(f, f.batchIds[5]!, index, tree.credentialHashes[0]!, proofOf(tree, 0))).to.deep.equal([
          false,
          "IndexOutOfRange",
        ]);
      }
    });
  });

  it("answers contracts the same way (VerifyCaller, the gas bench's probe)", async function () {
    const f = await loadFixture(treesFixture);
    const caller = await f.ethers.deployContract("VerifyCaller");
    const tree = TREES[13]!;
    const registryAddress = await f.registry.getAddress();
    const [gasUsed, valid, status] = await caller.measureVerify(registryAddress, f.batchIds[13]!, 12, tree.credentialHashes[12]!, proofOf(tree, 12));
    expect([valid, statusName(status)]).to.deep.equal([true, "Valid"]);
    expect(gasUsed).to.be.greaterThan(0n);
    const [, invalid, invalidStatus] = await caller.measureVerify(registryAddress, f.batchIds[13]!, 11, tree.credentialHashes[12]!, proofOf(tree, 12));
    expect([invalid, statusName(invalidStatus)]).to.deep.equal([false, "ProofInvalid"]);
  });

  it("reports the status of a proven credential: valid only when Valid", async function () {
    const f = await loadFixture(treesFixture);
    const tree = TREES[8]!;
    const batchId = f.batchIds[8]!;
    await f.registry.connect(f.revoker1).revokeCredentials(batchId, [1], 0);
    await f.registry.connect(f.revoker1).suspendCredentials(batchId, [2], 0);
    const results = [];
    for (const i of [0, 1, 2]) results.push(await verifyResult(f, batchId, i, tree.credentialHashes[i]!, proofOf(tree, i)));
    expect(results).to.deep.equal([
      [true, "Valid"],
      [false, "Revoked"],
      [false, "Suspended"],
    ]);
    // A wrong proof for a revoked credential says ProofInvalid, not Revoked.
    expect(await verifyResult(f, batchId, 1, tree.credentialHashes[0]!, proofOf(tree, 1))).to.deep.equal([false, "ProofInvalid"]);
  });
});
