/**
 * credanchor's batch path over typical Open Badges 3.0 credentials: validate,
 * canonicalise (RFC 8785), salt, hash, tree, and every credential's proof path.
 *
 *   node --import tsx scripts/bench/batch-credanchor.ts <credentials> [runs=3] [path=core|pool]
 *
 * path:
 * - core: core's buildBatch (one thread, every entry with its proof path).
 * - pool: the service's path: server/hashing's worker pool (one worker per core)
 *   validates and hashes in chunks, then core's buildBatchFromHashes + every entry
 *   (iterateBatchEntries). The pool is started before timing, as the service does.
 *
 * Checks, outside the timed region: one entry per credential; proofs recompute the root
 * with core's computeRootFromProof and credential hashes match core's credentialHash
 * (all of them up to 100,000 credentials, a stride sample of >= 20,000 above); every run
 * gives the same root for the same salts; for `pool`, the root equals core's buildBatch
 * over the same credentials and salts.
 */
import { availableParallelism } from "node:os";

import { buildBatch, buildBatchFromHashes, iterateBatchEntries, type BatchEntry } from "../../core/batch.ts";
import { credentialHash } from "../../core/hash.ts";
import { encodeHex, type Hex } from "../../core/hex.ts";
import { computeRootFromProof } from "../../core/merkle.ts";
import { createHashPool } from "../../server/hashing/pool.ts";
import { openBadgeCredentials } from "./lib/fixtures.ts";
import { check, emitResult, intArg, main, median, peakRssMiB, rssMiB, timeRuns } from "./lib/harness.ts";

const FULL_CHECK_LIMIT = 100_000;
const ISSUER_IDENTIFIER = "did:web:credentials.example.edu";

type Output = { merkleRoot: Hex; leafCount: number; entries: BatchEntry[]; salts: Uint8Array };

function indicesToCheck(size: number): number[] {
  if (size <= FULL_CHECK_LIMIT) return Array.from({ length: size }, (_, i) => i);
  const stride = Math.floor(size / 20_000);
  const indices: number[] = [];
  for (let i = 0; i < size; i += stride) indices.push(i);
  if (indices.at(-1) !== size - 1) indices.push(size - 1);
  return indices;
}

main(async () => {
  const size = intArg(2, 1000);
  const runs = intArg(3, 3);
  const path = process.argv[4] ?? "core";
  if (path !== "core" && path !== "pool") throw new Error(`path must be core or pool, got ${path}`);
  const credentials = openBadgeCredentials(size);
  const meanBytes = JSON.stringify(credentials.slice(0, 100)).length / Math.min(100, size);
  const workers = availableParallelism();
  const pool = path === "pool" ? createHashPool({ size: workers }) : undefined;
  const inputRss = rssMiB();

  const run = async (): Promise<Output> => {
    if (pool === undefined) {
      const batch = buildBatch({ credentials });
      return { merkleRoot: batch.merkleRoot, leafCount: batch.leafCount, entries: batch.entries, salts: batch.salts };
    }
    const prepared = await pool.prepare({ values: credentials, issuerIdentifier: ISSUER_IDENTIFIER });
    if (prepared.invalid.length > 0) throw new Error(`pool rejected ${prepared.invalid.length} credentials`);
    const batch = buildBatchFromHashes({ credentialHashes: prepared.hashes, salts: prepared.salts });
    return { merkleRoot: batch.merkleRoot, leafCount: batch.leafCount, entries: Array.from(iterateBatchEntries({ batch })), salts: batch.salts };
  };

  const checks: string[] = [];
  const { timesMs, cpuTimesMs } = await timeRuns<Output>({
    runs,
    run,
    verify: (output) => {
      const { merkleRoot, leafCount, entries, salts } = output;
      check(leafCount === size && entries.length === size, `batch has ${entries.length} entries for ${size} credentials`);
      const indices = indicesToCheck(size);
      for (const i of indices) {
        const entry = entries[i]!;
        check(entry.leafIndex === i, `entry ${i} has leaf index ${entry.leafIndex}`);
        const recomputed = credentialHash({ credential: credentials[i]!, salt: entry.salt });
        check(recomputed === entry.credentialHash, `credential ${i}: hash differs from core's credentialHash`);
        const root = computeRootFromProof({ leafIndex: i, leafCount, credentialHash: entry.credentialHash, proof: entry.proofPath });
        check(root === merkleRoot, `credential ${i}: proof does not recompute the root`);
      }
      const label = size <= FULL_CHECK_LIMIT ? `all ${size}` : `${indices.length} (stride sample incl. last)`;
      checks.push(`${label} credential hashes equal core's credentialHash and proofs recompute the root (computeRootFromProof)`);
      check(encodeHex(salts, 0, 32) === entries[0]!.salt, "salt 0 mismatch");
      // Same credentials and salts, same root. For the pool this is the cross-implementation
      // check (worker hashing vs core); for core alone it is skipped above 100,000 (a full rebuild).
      if (path === "pool" || size <= FULL_CHECK_LIMIT) {
        const again = buildBatch({ credentials, salts });
        check(again.merkleRoot === merkleRoot, `core's buildBatch with the same salts gives ${again.merkleRoot}, not ${merkleRoot}`);
        checks.push(path === "pool" ? "root equals core's buildBatch over the same credentials and salts" : "rebuilding with the same salts gives the same root");
      }
    },
    cheapVerify: (output) => {
      const last = output.entries[size - 1]!;
      const root = computeRootFromProof({ leafIndex: size - 1, leafCount: size, credentialHash: last.credentialHash, proof: last.proofPath });
      check(output.entries.length === size && root === output.merkleRoot, "later run: last proof does not recompute the root");
    },
  });
  await pool?.close();

  emitResult({
    bench: "batch",
    impl: path === "pool" ? "credanchor-pool" : "credanchor",
    size,
    timesMs,
    medianMs: median(timesMs),
    cpuTimesMs,
    medianCpuMs: median(cpuTimesMs),
    peakRssMiB: peakRssMiB(),
    inputRssMiB: inputRss,
    checks,
    extra: { meanInputBytes: Math.round(meanBytes), ...(pool === undefined ? {} : { workers }) },
  });
});
