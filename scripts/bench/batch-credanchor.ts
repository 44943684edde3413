/**
 * credanchor's batch path over typical Open Badges 3.0 credentials: validate,
 * canonicalise (RFC 8785), salt, hash, tree, and every credential's proof path.
 *
 *   node --import tsx scripts/bench/batch-credanchor.ts <credentials> [runs=3] [path=core|pool]
 *
 * path:
 * - core: core's buildBatch (one thread, every entry with its proof path).
 * - pool: the service's path: server/hashing's worker pool (one worker per core) parses,
 *   validates and hashes the JSON texts of the credentials in chunks (the service receives
 *   texts: splitBulkBody cuts a bulk request into them), then core's buildBatchFromHashes
 *   and every proof as bytes (getProofBytes) into one flat buffer, which is how the
 *   service keeps them (as the flat tree) and serves them. The pool is started before
 *   timing, as the service does; the texts are made before timing, as the request was.
 *
 * Checks, outside the timed region: one entry per credential; proofs recompute the root
 * with core's computeRootFromProof and credential hashes match core's credentialHash
 * (all of them up to 100,000 credentials, a stride sample of >= 20,000 above); every run
 * gives the same root for the same salts; for `pool`, the root equals core's buildBatch
 * over the same credentials and salts.
 */
import { availableParallelism } from "node:os";

import { buildBatch, buildBatchFromHashes } from "../../core/batch.ts";
import { credentialHash } from "../../core/hash.ts";
import { encodeHex, type Hex } from "../../core/hex.ts";
import { computeRootFromProof, getProofBytes } from "../../core/merkle.ts";
import { createHashPool } from "../../server/hashing/pool.ts";
import { openBadgeCredentials } from "./lib/fixtures.ts";
import { check, emitResult, intArg, main, median, peakRssMiB, rssMiB, timeRuns } from "./lib/harness.ts";

const FULL_CHECK_LIMIT = 100_000;
const ISSUER_IDENTIFIER = "did:web:credentials.example.edu";

/** A built batch with every proof, read back the same way whatever the representation. */
type Output = {
  merkleRoot: Hex;
  leafCount: number;
  salts: Uint8Array;
  entryCount: number;
  leafIndexOf(i: number): number;
  credentialHashOf(i: number): Hex;
  proofOf(i: number): Hex[];
};

/** Splits `length` bytes of concatenated 32-byte siblings into `0x` hashes. */
function hexList(bytes: Uint8Array, offset: number, length: number): Hex[] {
  const out: Hex[] = [];
  for (let at = offset; at < offset + length; at += 32) out.push(encodeHex(bytes, at, 32));
  return out;
}

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
  const texts = pool === undefined ? undefined : credentials.map((credential) => JSON.stringify(credential));
  // Warm the workers (module load, WASM compile, JIT) as a running service's are.
  if (pool !== undefined) await pool.prepare({ texts: texts!.slice(0, Math.min(size, 4096)), issuerIdentifier: ISSUER_IDENTIFIER });
  const inputRss = rssMiB();

  const run = async (): Promise<Output> => {
    if (pool === undefined) {
      const batch = buildBatch({ credentials });
      const { entries } = batch;
      return {
        merkleRoot: batch.merkleRoot,
        leafCount: batch.leafCount,
        salts: batch.salts,
        entryCount: entries.length,
        leafIndexOf: (i) => entries[i]!.leafIndex,
        credentialHashOf: (i) => entries[i]!.credentialHash,
        proofOf: (i) => entries[i]!.proofPath,
      };
    }
    const prepared = await pool.prepare({ texts, issuerIdentifier: ISSUER_IDENTIFIER });
    if (prepared.invalid.length > 0) throw new Error(`pool rejected ${prepared.invalid.length} credentials`);
    const batch = buildBatchFromHashes({ credentialHashes: prepared.hashes, salts: prepared.salts });
    const { tree } = batch;
    // Every proof, bytes, at a fixed stride (the tree's depth) in one buffer.
    const stride = 32 * (tree.levelOffsets.length - 1);
    const proofs = new Uint8Array(stride * batch.leafCount);
    const lengths = new Uint8Array(batch.leafCount);
    for (let i = 0; i < batch.leafCount; i++) {
      lengths[i] = getProofBytes({ tree, leafIndex: i, out: proofs.subarray(i * stride, (i + 1) * stride) }).length >>> 5;
    }
    return {
      merkleRoot: batch.merkleRoot,
      leafCount: batch.leafCount,
      salts: batch.salts,
      entryCount: batch.leafCount,
      leafIndexOf: (i) => i,
      credentialHashOf: (i) => encodeHex(prepared.hashes, i * 32, 32),
      proofOf: (i) => hexList(proofs, i * stride, lengths[i]! * 32),
    };
  };

  const checks: string[] = [];
  const { timesMs, cpuTimesMs } = await timeRuns<Output>({
    runs,
    run,
    verify: (output) => {
      const { merkleRoot, leafCount, salts, entryCount } = output;
      check(leafCount === size && entryCount === size, `batch has ${entryCount} entries for ${size} credentials`);
      const indices = indicesToCheck(size);
      for (const i of indices) {
        check(output.leafIndexOf(i) === i, `entry ${i} has leaf index ${output.leafIndexOf(i)}`);
        const recomputed = credentialHash({ credential: credentials[i]!, salt: salts.subarray(i * 32, i * 32 + 32) });
        check(recomputed === output.credentialHashOf(i), `credential ${i}: hash differs from core's credentialHash`);
        const root = computeRootFromProof({ leafIndex: i, leafCount, credentialHash: output.credentialHashOf(i), proof: output.proofOf(i) });
        check(root === merkleRoot, `credential ${i}: proof does not recompute the root`);
      }
      const label = size <= FULL_CHECK_LIMIT ? `all ${size}` : `${indices.length} (stride sample incl. last)`;
      checks.push(`${label} credential hashes equal core's credentialHash and proofs recompute the root (computeRootFromProof)`);
      // Same credentials and salts, same root. For the pool this is the cross-implementation
      // check (worker hashing vs core); for core alone it is skipped above 100,000 (a full rebuild).
      if (path === "pool" || size <= FULL_CHECK_LIMIT) {
        const again = buildBatch({ credentials, salts });
        check(again.merkleRoot === merkleRoot, `core's buildBatch with the same salts gives ${again.merkleRoot}, not ${merkleRoot}`);
        checks.push(path === "pool" ? "root equals core's buildBatch over the same credentials and salts" : "rebuilding with the same salts gives the same root");
      }
    },
    cheapVerify: (output) => {
      const last = size - 1;
      const root = computeRootFromProof({ leafIndex: last, leafCount: size, credentialHash: output.credentialHashOf(last), proof: output.proofOf(last) });
      check(output.entryCount === size && root === output.merkleRoot, "later run: last proof does not recompute the root");
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
