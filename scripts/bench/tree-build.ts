/**
 * Tree alone: build a Merkle tree over n 32-byte hashes and produce every leaf's proof.
 *
 *   node --import tsx scripts/bench/tree-build.ts <impl> <leaves> [runs=3]
 *
 * impl:
 * - credanchor: core's buildTreeFromCredentialHashes (index-bound, domain-separated
 *   leaves) + getProof (0x hex, the portable format) for every leaf.
 * - merkletreejs: `new MerkleTree(leaves, keccak256, { hashLeaves: true, sortPairs: true })`
 *   + getProof(leaf, index) for every leaf; keccak from @noble/hashes (what
 *   ethereum-cryptography and OpenZeppelin's package use).
 * - openzeppelin: StandardMerkleTree.of(values, ["bytes32"]) + getProof(i) for every leaf.
 *
 * Checks, outside the timed region: for credanchor, the root equals a naive reference
 * built from the public leafHash/nodeHash (n <= 100,000), every run yields the same
 * root, and proofs recompute the root with core's computeRootFromProof; for the peers,
 * their proofs pass their own verify function. All proofs are checked up to 100,000
 * leaves, a stride sample of >= 20,000 (plus the last leaf) above that.
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { MerkleTree as MerkleTreeJs } from "merkletreejs";

import { encodeHex, type Hex } from "../../core/hex.ts";
import { leafHash, nodeHash } from "../../core/hash.ts";
import { buildTreeFromCredentialHashes, computeRootFromProof, getProof, getRoot } from "../../core/merkle.ts";
import { pseudoRandomHashes } from "./lib/fixtures.ts";
import { check, emitResult, intArg, main, median, peakRssMiB, rssMiB, timeRuns } from "./lib/harness.ts";

const FULL_CHECK_LIMIT = 100_000;

/** Leaf indices whose proofs are checked. */
function indicesToCheck(size: number): number[] {
  if (size <= FULL_CHECK_LIMIT) return Array.from({ length: size }, (_, i) => i);
  const stride = Math.floor(size / 20_000);
  const indices: number[] = [];
  for (let i = 0; i < size; i += stride) indices.push(i);
  if (indices.at(-1) !== size - 1) indices.push(size - 1);
  return indices;
}

function checkedLabel(size: number, count: number): string {
  return size <= FULL_CHECK_LIMIT ? `all ${count} proofs` : `${count} proofs (stride sample incl. last leaf)`;
}

/** Naive reference root from the public one-call-per-hash functions (odd last node promoted). */
function referenceRoot(hashes: Uint8Array): Hex {
  const count = hashes.length / 32;
  let level: Hex[] = [];
  for (let i = 0; i < count; i++) level.push(leafHash({ leafIndex: i, credentialHash: hashes.subarray(i * 32, i * 32 + 32) }));
  while (level.length > 1) {
    const next: Hex[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash({ left: level[i]!, right: level[i + 1]! }));
    if (level.length % 2 === 1) next.push(level.at(-1)!);
    level = next;
  }
  return level[0]!;
}

type Bench = { run: () => unknown; verify: (output: unknown) => string[]; cheapVerify: (output: unknown) => void };

function credanchor(hashes: Uint8Array, size: number): Bench {
  let firstRoot: Hex | undefined;
  type Output = { root: Hex; proofs: Hex[][] };
  return {
    run: (): Output => {
      const tree = buildTreeFromCredentialHashes({ credentialHashes: hashes });
      const proofs: Hex[][] = new Array(size);
      for (let i = 0; i < size; i++) proofs[i] = getProof({ tree, leafIndex: i });
      return { root: getRoot({ tree }), proofs };
    },
    verify: (raw) => {
      const { root, proofs } = raw as Output;
      const checks: string[] = [];
      if (size <= FULL_CHECK_LIMIT) {
        check(referenceRoot(hashes) === root, "root differs from the naive leafHash/nodeHash reference");
        checks.push("root equals a naive reference built with leafHash/nodeHash");
      }
      const indices = indicesToCheck(size);
      for (const i of indices) {
        const credentialHash = hashes.subarray(i * 32, i * 32 + 32);
        const computed = computeRootFromProof({ leafIndex: i, leafCount: size, credentialHash, proof: proofs[i]! });
        check(computed === root, `proof of leaf ${i} does not recompute the root`);
      }
      firstRoot = root;
      checks.push(`${checkedLabel(size, indices.length)} recompute the root (computeRootFromProof)`, "same root every run");
      return checks;
    },
    cheapVerify: (raw) => check((raw as Output).root === firstRoot, "root changed between runs"),
  };
}

function merkletreejs(hashes: Uint8Array, size: number): Bench {
  const keccak = (data: Buffer): Buffer => Buffer.from(keccak_256(data));
  const leaves: Buffer[] = new Array(size);
  for (let i = 0; i < size; i++) leaves[i] = Buffer.from(hashes.buffer, hashes.byteOffset + i * 32, 32);
  let firstRoot: string | undefined;
  type Output = { tree: MerkleTreeJs; proofs: { position: "left" | "right"; data: Buffer }[][] };
  return {
    run: (): Output => {
      const tree = new MerkleTreeJs(leaves, keccak, { hashLeaves: true, sortPairs: true });
      const hashedLeaves = tree.getLeaves();
      const proofs: Output["proofs"] = new Array(size);
      for (let i = 0; i < size; i++) proofs[i] = tree.getProof(hashedLeaves[i]!, i);
      return { tree, proofs };
    },
    verify: (raw) => {
      const { tree, proofs } = raw as Output;
      const root = tree.getRoot();
      const hashedLeaves = tree.getLeaves();
      const indices = indicesToCheck(size);
      for (const i of indices) check(tree.verify(proofs[i]!, hashedLeaves[i]!, root), `merkletreejs proof of leaf ${i} fails tree.verify`);
      firstRoot = root.toString("hex");
      return [`${checkedLabel(size, indices.length)} pass merkletreejs's tree.verify`, "same root every run"];
    },
    cheapVerify: (raw) => check((raw as Output).tree.getRoot().toString("hex") === firstRoot, "root changed between runs"),
  };
}

function openzeppelin(hashes: Uint8Array, size: number): Bench {
  const values: [string][] = new Array(size);
  for (let i = 0; i < size; i++) values[i] = [encodeHex(hashes, i * 32, 32)];
  let firstRoot: string | undefined;
  type Output = { tree: StandardMerkleTree<[string]>; proofs: string[][] };
  return {
    run: (): Output => {
      const tree = StandardMerkleTree.of(values, ["bytes32"]);
      const proofs: string[][] = new Array(size);
      for (let i = 0; i < size; i++) proofs[i] = tree.getProof(i);
      return { tree, proofs };
    },
    verify: (raw) => {
      const { tree, proofs } = raw as Output;
      const indices = indicesToCheck(size);
      for (const i of indices) {
        // getProof(i) proves the i-th value given to `of` (the tree sorts leaves internally).
        check(StandardMerkleTree.verify(tree.root, ["bytes32"], values[i]!, proofs[i]!), `OpenZeppelin proof of value ${i} fails StandardMerkleTree.verify`);
      }
      firstRoot = tree.root;
      return [`${checkedLabel(size, indices.length)} pass StandardMerkleTree.verify`, "same root every run"];
    },
    cheapVerify: (raw) => check((raw as Output).tree.root === firstRoot, "root changed between runs"),
  };
}

const implementations = { credanchor, merkletreejs, openzeppelin } as const;

main(async () => {
  const impl = process.argv[2] as keyof typeof implementations;
  const make = implementations[impl];
  if (make === undefined) throw new Error(`impl must be one of ${Object.keys(implementations).join(", ")}; got ${impl}`);
  const size = intArg(3, 10_000);
  const runs = intArg(4, 3);
  const hashes = pseudoRandomHashes(size);
  const bench = make(hashes, size);
  const inputRss = rssMiB();
  let checks: string[] = [];
  const { timesMs } = await timeRuns({
    runs,
    run: bench.run,
    verify: (output) => {
      checks = bench.verify(output);
    },
    cheapVerify: bench.cheapVerify,
  });
  emitResult({
    bench: "tree",
    impl,
    size,
    timesMs,
    medianMs: median(timesMs),
    peakRssMiB: peakRssMiB(),
    inputRssMiB: inputRss,
    checks,
  });
});
