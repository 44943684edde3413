/**
 * Verification against a local node: single credential cold (a fresh
 * `node cli/bin.js verify <file>` process) and warm (core's verifyCredential in a loop),
 * and bulk (core's verifyCredentials over many credentials, one status call per batch),
 * for credanchor-proof-v1 credentials and, side by side, credanchor-proof-v2 ones
 * (issuer-signed with eddsa-rdfc-2022 by a did:key, BitstringStatusListEntry, anchor
 * proof), whose bulk figure includes checking every signature: on the calling thread
 * (core alone) and on the CLI's signature threads (cli/lib/signaturePool.ts, what
 * `credanchor verify dir/` uses for many files).
 *
 *   node --import tsx scripts/bench/verify-chain.ts [credentials=10000] [runs=3] [coldRuns=5] [signatureThreads=2]
 *
 * Setup (not timed): `hardhat node` on a free loopback port, CredentialRegistry deployed
 * from artifacts/ (one per format, each with one institution: the v2 one named by the
 * did:key issuer), the credentials built in batches of 1,000, anchored, made portable
 * (attachProof, or signCredential + attachAnchorProof); a few revoked in each.
 *
 * Checks before any time is reported: every report is "valid" except the revoked
 * credentials, which are "invalid" with an invalid `status` check; every v2 report has a
 * valid `signature` check; the CLI exits 0 for a valid credential and non-zero for a
 * revoked one.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { buildBatch, buildBatchFromHashes, getBatchEntry } from "../../core/batch.ts";
import { credentialRegistryAbi } from "../../core/abi/credentialRegistryAbi.ts";
import { batchIdOf, credentialHashFromCanonical } from "../../core/hash.ts";
import { hexToBytes } from "../../core/hex.ts";
import { attachProof } from "../../core/proof.ts";
import { attachAnchorProof, canonicalizeSignedCredential } from "../../core/proofV2.ts";
import { generateSalt } from "../../core/random.ts";
import { generateSigningKey, signCredential } from "../../core/vc/eddsa.ts";
import { createSignaturePool } from "../../cli/lib/signaturePool.ts";
import { ANCHOR_FORMAT_VERSION } from "../../core/roles.ts";
import { verifyCredential, verifyCredentials } from "../../core/verify/verifyCredentials.ts";
import { openBadgeCredentials } from "./lib/fixtures.ts";
import { check, emitResult, intArg, main, median, percentile, repoRoot, timeRuns } from "./lib/harness.ts";
import { deployRegistry, startNode } from "./lib/node.ts";

const ISSUER = "did:web:credentials.example.edu";
const BATCH_SIZE = 1000;
const WARM_ITERATIONS = 300;

/** Runs the CLI once; resolves with its wall time, exit code and output. */
function runCli(args: readonly string[]): Promise<{ ms: number; code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [path.join(repoRoot, "cli", "bin.js"), ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ ms: performance.now() - start, code, output }));
  });
}

main(async () => {
  const total = intArg(2, 10_000);
  const runs = intArg(3, 3);
  const coldRuns = intArg(4, 5);
  const signatureThreads = intArg(5, 2);
  const node = await startNode();
  const workDir = await mkdtemp(path.join(tmpdir(), "credanchor-verify-"));
  try {
    const { registry, institutionId } = await deployRegistry(node, ISSUER);
    const { publicClient, walletClient, account } = node;
    /** A transaction to `address` (a registry), waited for and required to succeed. */
    const writerFor = (address: `0x${string}`) => async (functionName: string, args: readonly unknown[]) => {
      const hash = await walletClient.writeContract({
        address,
        abi: credentialRegistryAbi,
        functionName: functionName as never,
        args: args as never,
        account,
        chain: walletClient.chain,
      });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      check(receipt.status === "success", `${functionName} reverted`);
      return receipt;
    };
    const write = writerFor(registry);

    // Issue: build, anchor and attach proofs, batch by batch.
    const credentials = openBadgeCredentials(total);
    const portable: Record<string, unknown>[] = [];
    const batchIds: `0x${string}`[] = [];
    for (let start = 0; start < total; start += BATCH_SIZE) {
      const chunk = credentials.slice(start, start + BATCH_SIZE);
      const batch = buildBatch({ credentials: chunk });
      const receipt = await write("anchor", [
        institutionId,
        { merkleRoot: batch.merkleRoot, leafCount: batch.leafCount, formatVersion: ANCHOR_FORMAT_VERSION, manifestHash: `0x${"00".repeat(32)}` },
      ]);
      const block = await publicClient.getBlock({ blockNumber: receipt.blockNumber });
      let batchId: `0x${string}` | undefined;
      chunk.forEach((credential, i) => {
        const entry = batch.entries[i]!;
        const document = attachProof({
          credential,
          anchor: {
            chain: node.chainId,
            registry,
            institutionId,
            merkleRoot: batch.merkleRoot,
            leafIndex: entry.leafIndex,
            leafCount: batch.leafCount,
            salt: entry.salt,
            credentialHash: entry.credentialHash,
            proofPath: entry.proofPath,
            anchorTransaction: receipt.transactionHash,
            anchorBlock: Number(receipt.blockNumber),
            created: new Date(Number(block.timestamp) * 1000),
          },
          check: i === 0, // the first of each batch fully checked; buildBatch made the rest
        });
        batchId ??= (document.proof as { batchId: `0x${string}` }).batchId;
        portable.push(document);
      });
      batchIds.push(batchId!);
    }
    // Revoke a few in the first batch: the benchmark must see them as invalid.
    const revokedIndices = [3, 250, 999].filter((i) => i < Math.min(BATCH_SIZE, total));
    await write("revokeCredentials", [batchIds[0]!, revokedIndices.map(BigInt), 1]);
    const revoked = new Set(revokedIndices);
    const options = { client: publicClient, allowedChains: [`eip155:${node.chainId}`], trustedRegistries: [registry] };

    const expectReports = (reports: Awaited<ReturnType<typeof verifyCredentials>>, label: string) => {
      check(reports.length === total, `${label}: ${reports.length} reports for ${total} credentials`);
      reports.forEach((report, i) => {
        if (revoked.has(i)) {
          const status = report.checks.find((c) => c.id === "status");
          check(report.status === "invalid" && status?.outcome === "invalid", `${label}: revoked credential ${i} reported ${report.status}`);
        } else {
          check(report.status === "valid", `${label}: credential ${i} reported ${report.status}: ${JSON.stringify(report.checks.filter((c) => c.outcome !== "valid"))}`);
        }
      });
    };

    // Bulk.
    let requestsPerRun = 0;
    const bulk = await timeRuns({
      runs,
      run: async () => {
        const before = node.rpcRequests();
        const reports = await verifyCredentials({ ...options, credentials: portable });
        requestsPerRun = node.rpcRequests() - before;
        return reports;
      },
      verify: (reports) => expectReports(reports, "bulk"),
      verifyEvery: true,
    });
    const bulkMedian = median(bulk.timesMs);
    emitResult({
      bench: "verify-bulk",
      impl: "credanchor",
      size: total,
      timesMs: bulk.timesMs,
      medianMs: bulkMedian,
      checks: [`every run: ${total - revoked.size} reports valid, the ${revoked.size} revoked credentials invalid (status check)`],
      extra: {
        credentialsPerSecond: Math.round(total / (bulkMedian / 1000)),
        batches: batchIds.length,
        batchSize: BATCH_SIZE,
        rpcRequestsPerRun: requestsPerRun,
      },
    });

    // Bulk, credanchor-proof-v2: signed by a did:key issuer, with a status list entry, anchored in its own registry.
    const signingKey = await generateSigningKey();
    const v2Registry = await deployRegistry(node, signingKey.controller);
    const writeV2 = writerFor(v2Registry.registry);
    const portableV2: Record<string, unknown>[] = [];
    const batchIdsV2: `0x${string}`[] = [];
    for (let start = 0; start < total; start += BATCH_SIZE) {
      const signed: Record<string, unknown>[] = [];
      for (const [offset, credential] of credentials.slice(start, start + BATCH_SIZE).entries()) {
        const index = start + offset;
        const unsigned = {
          ...credential,
          issuer: { ...(credential.issuer as Record<string, unknown>), id: signingKey.controller },
          credentialStatus: {
            id: `https://credentials.example.edu/status/1#${index}`,
            type: "BitstringStatusListEntry",
            statusPurpose: "revocation",
            statusListIndex: String(index),
            statusListCredential: "https://credentials.example.edu/status/1",
          },
        };
        signed.push(await signCredential({ credential: unsigned, key: signingKey }));
      }
      const salts = signed.map(() => generateSalt());
      const hashes = signed.map((credential, i) => credentialHashFromCanonical({ canonical: canonicalizeSignedCredential({ credential }), salt: salts[i]! }));
      const batch = buildBatchFromHashes({ credentialHashes: hashes.map((hex) => hexToBytes({ hex })), salts: salts.map((hex) => hexToBytes({ hex })) });
      const receipt = await writeV2("anchor", [
        v2Registry.institutionId,
        { merkleRoot: batch.merkleRoot, leafCount: batch.leafCount, formatVersion: ANCHOR_FORMAT_VERSION, manifestHash: `0x${"00".repeat(32)}` },
      ]);
      const block = await publicClient.getBlock({ blockNumber: receipt.blockNumber });
      signed.forEach((credential, i) => {
        portableV2.push(
          attachAnchorProof({
            credential,
            anchor: {
              chain: node.chainId,
              registry: v2Registry.registry,
              institutionId: v2Registry.institutionId,
              merkleRoot: batch.merkleRoot,
              leafCount: batch.leafCount,
              ...getBatchEntry({ batch, leafIndex: i }),
              anchorTransaction: receipt.transactionHash,
              anchorBlock: Number(receipt.blockNumber),
              created: new Date(Number(block.timestamp) * 1000),
            },
            check: i === 0,
          }),
        );
      });
      batchIdsV2.push(batchIdOf({ institutionId: v2Registry.institutionId, merkleRoot: batch.merkleRoot }));
    }
    await writeV2("revokeCredentials", [batchIdsV2[0]!, revokedIndices.map(BigInt), 1]);
    const optionsV2 = { client: publicClient, allowedChains: [`eip155:${node.chainId}`], trustedRegistries: [v2Registry.registry] };
    const expectReportsV2 = (reports: Awaited<ReturnType<typeof verifyCredentials>>, label: string) => {
      expectReports(reports, label);
      reports.forEach((report, i) => {
        const signature = report.checks.find((c) => c.id === "signature");
        check(signature?.outcome === "valid", `${label}: credential ${i} signature check ${signature?.outcome}: ${signature?.reason}`);
      });
    };
    const pool = createSignaturePool({ threads: signatureThreads });
    try {
      for (const [impl, signatureVerifier] of [
        ["credanchor-v2, signatures on the calling thread", undefined],
        [`credanchor-v2, signatures on ${signatureThreads} threads (CLI pool)`, pool.verify],
      ] as const) {
        // Warm-up, not timed: one whole pass, so the threads have loaded their modules and been
        // optimised by the JIT (their first few thousand verifications run several times slower).
        await pool.ready;
        await verifyCredentials({ ...optionsV2, credentials: portableV2, signatureVerifier });
        let requests = 0;
        const cpuBefore = process.cpuUsage();
        const result = await timeRuns({
          runs,
          run: async () => {
            const before = node.rpcRequests();
            const reports = await verifyCredentials({ ...optionsV2, credentials: portableV2, signatureVerifier });
            requests = node.rpcRequests() - before;
            return reports;
          },
          verify: (reports) => expectReportsV2(reports, impl),
          verifyEvery: true,
        });
        const cpu = process.cpuUsage(cpuBefore);
        const medianMs = median(result.timesMs);
        emitResult({
          bench: "verify-bulk",
          impl,
          size: total,
          timesMs: result.timesMs,
          medianMs,
          checks: [`every run: ${total - revoked.size} reports valid with a valid signature check, the ${revoked.size} revoked credentials invalid (status check)`],
          extra: {
            credentialsPerSecond: Math.round(total / (medianMs / 1000)),
            // Whole process (every thread), over the timed runs and their checks.
            processCpuMsPerCredential: Number(((cpu.user + cpu.system) / 1000 / (total * result.timesMs.length)).toFixed(3)),
            batches: batchIdsV2.length,
            batchSize: BATCH_SIZE,
            rpcRequestsPerRun: requests,
          },
        });
      }
    } finally {
      await pool.close();
    }

    // `credanchor verify dir/` over the v2 credentials as files: a fresh CLI process (its signature threads included).
    const v2Dir = path.join(workDir, "v2");
    await mkdir(v2Dir);
    await Promise.all(portableV2.map((credential, i) => writeFile(path.join(v2Dir, `credential-${i}.json`), JSON.stringify(credential))));
    const v2CliArgs = ["verify", v2Dir, "--quiet", "--rpc", node.url, "--registry", v2Registry.registry, "--chain", `eip155:${node.chainId}`];
    const dirTimes: number[] = [];
    for (let i = 0; i < Math.max(1, Math.min(runs, 3)); i++) {
      const run = await runCli(v2CliArgs);
      // Exit 1: the revoked credentials; every other file valid.
      check(run.code === 1, `CLI verify dir/ exits ${run.code}:\n${run.output.slice(-2000)}`);
      check(run.output.includes(`${total - revoked.size} valid`), `CLI verify dir/ does not report ${total - revoked.size} valid:\n${run.output.slice(-2000)}`);
      dirTimes.push(run.ms);
    }
    emitResult({
      bench: "verify-cli-dir",
      impl: "credanchor-v2",
      size: total,
      timesMs: dirTimes,
      medianMs: median(dirTimes),
      checks: [`every run: exit 1, ${total - revoked.size} valid (signature checks included), the revoked ones reported`],
      extra: {
        credentialsPerSecond: Math.round(total / (median(dirTimes) / 1000)),
        command: "node cli/bin.js verify <dir> --quiet --rpc <url> --registry <address> --chain eip155:<id> (process start and file reading included)",
      },
    });

    // Warm single-credential verification.
    // The last credential that is not revoked (with 1,000 credentials the last one, #999, is).
    let sampleIndex = total - 1;
    while (revoked.has(sampleIndex)) sampleIndex--;
    const sample = portable[sampleIndex]!;
    for (let i = 0; i < 20; i++) await verifyCredential({ ...options, credential: sample }); // warm-up
    const warmTimes: number[] = [];
    for (let i = 0; i < WARM_ITERATIONS; i++) {
      const start = performance.now();
      const report = await verifyCredential({ ...options, credential: portable[(i * 7919) % total]! });
      warmTimes.push(performance.now() - start);
      const index = (i * 7919) % total;
      check(report.status === (revoked.has(index) ? "invalid" : "valid"), `warm: credential ${index} reported ${report.status}`);
    }
    emitResult({
      bench: "verify-warm",
      impl: "credanchor",
      size: 1,
      timesMs: warmTimes,
      medianMs: median(warmTimes),
      checks: [`${WARM_ITERATIONS} calls, each report checked (valid, or invalid when revoked)`],
      extra: { p99Ms: percentile(warmTimes, 99), iterations: WARM_ITERATIONS },
    });

    // Cold: a fresh CLI process per run.
    const validFile = path.join(workDir, "valid.json");
    const revokedFile = path.join(workDir, "revoked.json");
    await writeFile(validFile, JSON.stringify(sample, null, 2));
    await writeFile(revokedFile, JSON.stringify(portable[revokedIndices[0]!], null, 2));
    const cliArgs = ["--rpc", node.url, "--registry", registry, "--chain", `eip155:${node.chainId}`];
    const revokedRun = await runCli(["verify", revokedFile, ...cliArgs]);
    check(revokedRun.code !== 0, `CLI exits 0 for a revoked credential:\n${revokedRun.output}`);
    const coldTimes: number[] = [];
    for (let i = 0; i < coldRuns; i++) {
      const run = await runCli(["verify", validFile, ...cliArgs]);
      check(run.code === 0, `CLI exits ${run.code} for a valid credential:\n${run.output}`);
      check(/valid/i.test(run.output), `CLI output does not say valid:\n${run.output}`);
      coldTimes.push(run.ms);
    }
    emitResult({
      bench: "verify-cold",
      impl: "credanchor",
      size: 1,
      timesMs: coldTimes,
      medianMs: median(coldTimes),
      checks: ["CLI exits 0 for the valid credential on every run and non-zero for a revoked one"],
      extra: { command: "node cli/bin.js verify <file> --rpc <url> --registry <address> --chain eip155:<id>" },
    });
  } finally {
    await node.stop();
    await rm(workDir, { recursive: true, force: true });
  }
});
