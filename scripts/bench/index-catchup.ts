/**
 * The registry event index (server/chain/indexer.ts) catching up with a chain: how long a
 * service takes to read a registry's history before it answers (first start, or after
 * downtime), and what a status answer from the index costs.
 *
 *   node --import tsx scripts/bench/index-catchup.ts [revocationTxs=40] [emptyBlocks=100000]
 *
 * The chain: one batch of 65,536 credentials, `revocationTxs` revocations each touching
 * one credential in each of its 256 windows (256 events per transaction), and
 * `emptyBlocks` empty blocks mined after them (the getLogs pages the index has to walk).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { keccak256, toHex, type Hex } from "viem";

import { credentialRegistryAbi } from "../../core/abi/credentialRegistryAbi.ts";
import { batchIdOf } from "../../core/hash.ts";
import { ANCHOR_FORMAT_VERSION } from "../../core/roles.ts";
import { createRegistryIndexer } from "../../server/chain/indexer.ts";
import { credentialStatusFromEvents } from "../../server/chain/registryEvents.ts";
import { createSqliteStore } from "../../server/store/sqlite.ts";
import { check, emitResult, intArg, main, median } from "./lib/harness.ts";
import { deployRegistry, startNode } from "./lib/node.ts";

const LEAVES = 65_536;

main(async () => {
  const revocations = intArg(2, 40);
  const emptyBlocks = intArg(3, 100_000);
  const node = await startNode();
  const dir = mkdtempSync(join(tmpdir(), "credanchor-index-bench-"));
  try {
    const { registry, institutionId } = await deployRegistry(node, "did:web:bench.example");
    const deployBlock = Number(await node.publicClient.getBlockNumber()) - 2;
    const write = async (functionName: string, args: readonly unknown[]) => {
      const hash = await node.walletClient.writeContract({
        address: registry,
        abi: credentialRegistryAbi,
        functionName: functionName as never,
        args: args as never,
        account: node.account,
        chain: node.walletClient.chain,
      });
      await node.publicClient.waitForTransactionReceipt({ hash });
    };
    const merkleRoot = keccak256(toHex("bench root"));
    await write("anchor", [institutionId, { merkleRoot, leafCount: LEAVES, formatVersion: ANCHOR_FORMAT_VERSION, manifestHash: `0x${"00".repeat(32)}` }]);
    const batchId = batchIdOf({ institutionId, merkleRoot }) as Hex;
    for (let tx = 0; tx < revocations; tx++) {
      await write("revokeCredentials", [batchId, Array.from({ length: 256 }, (_, window) => BigInt(window * 256 + tx)), 1]);
    }
    await node.publicClient.request({ method: "hardhat_mine", params: [toHex(emptyBlocks)] } as never);
    const head = Number(await node.publicClient.getBlockNumber());

    const store = createSqliteStore({ path: join(dir, "credanchor.db"), backgroundCheckpoints: false });
    const indexer = createRegistryIndexer({ store, client: node.publicClient, registry, fromBlock: deployBlock, pollIntervalMs: 1_000 });
    const requestsBefore = node.rpcRequests();
    const started = performance.now();
    const cpu = process.cpuUsage();
    await indexer.syncTo(head);
    const elapsed = performance.now() - started;
    const cpuMs = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000;
    const requests = node.rpcRequests() - requestsBefore;
    const rows = await store.listRegistryEvents({ limit: 1_000_000 });
    const events = rows.length;
    const revoked = rows.filter((row) => row.name === "CredentialsRevoked").length;
    check(revoked === revocations * 256, `indexed ${revoked} revocation events, expected ${revocations * 256}`);
    check(rows.filter((row) => row.name === "BatchAnchored").length === 1, "the anchoring indexed");

    // A status answer from the index: the credential's events, folded.
    const times: number[] = [];
    for (let i = 0; i < 2_000; i++) {
      const leafIndex = (i * 7919) % LEAVES;
      const t = performance.now();
      const credentialEvents = await store.listCredentialEvents({ institutionId, chainBatchId: batchId, wordIndex: leafIndex >> 8 });
      const folded = credentialStatusFromEvents({ events: credentialEvents, leafIndex });
      times.push(performance.now() - t);
      check(folded.status === ((leafIndex & 0xff) < revocations ? "revoked" : "valid"), `status of leaf ${leafIndex}`);
    }
    await store.close();
    emitResult({
      bench: "index",
      impl: "credanchor",
      size: events,
      timesMs: [elapsed],
      medianMs: elapsed,
      cpuTimesMs: [cpuMs],
      medianCpuMs: cpuMs,
      checks: ["every event indexed", "every sampled credential's status folded from the index matches the revocations sent"],
      extra: { blocks: head - deployBlock + 1, rpcRequests: requests, eventsPerSecond: Math.round(events / (elapsed / 1000)), statusFoldMedianMs: median(times), statusFoldMaxMs: Math.max(...times) },
    });
    process.stdout.write(
      `index catch-up: ${events} events over ${head - deployBlock + 1} blocks in ${(elapsed / 1000).toFixed(2)} s ` +
        `(${Math.round(events / (elapsed / 1000))} events/s, ${requests} RPC requests, ${cpuMs.toFixed(0)} ms CPU); ` +
        `status from the index: median ${(median(times) * 1000).toFixed(0)} µs, max ${Math.max(...times).toFixed(2)} ms (${times.length} credentials)\n`,
    );
  } finally {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
