/**
 * Cascading verification of a pathway award against a local node: an award referencing
 * 10 components from 3 batches (two institutions), verified with core's
 * verifyPathwayAward, against core's verifyCredential of ONE credential. Target: the
 * award takes at most 2x one credential, because the chain reads are shared: one combined
 * read per registry (its version, every batch's record and statuses, the claimed
 * institutions: core/registrySnapshot.ts), one receipt per batch's anchoring, one key
 * record per institution and anchorer. Prints the RPC requests per run of each.
 *
 *   node --import tsx scripts/bench/pathway-verify.ts [iterations=200] [latencyMs=0]
 *
 * latencyMs > 0 delays every RPC request by that much (a remote endpoint instead of a
 * node on loopback).
 *
 * Setup (not timed): `hardhat node` on a free loopback port, the registry, institutions 1
 * and 2, three component batches of 100 credentials (4 + 3 + 3 components of one holder
 * among other students' credentials), the award prepared with preparePathwayAward and
 * anchored in a fourth batch. Checks before any time is reported: every award report is
 * valid with all 10 components counted; every single report is valid. The two are timed
 * interleaved (single, award, single, award…) so load from other processes hits both.
 */
import { type Address, createPublicClient, custom, type PublicClient } from "viem";

import { credentialRegistryAbi } from "../../core/abi/credentialRegistryAbi.ts";
import { buildBatch } from "../../core/batch.ts";
import { createOpenBadgeCredential } from "../../core/openbadge.ts";
import { preparePathwayAward } from "../../core/pathway/award.ts";
import { verifyPathwayAward } from "../../core/pathway/cascade.ts";
import { attachProof } from "../../core/proof.ts";
import { verifyCredential } from "../../core/verify/verifyCredentials.ts";
import { openBadgeCredentials } from "./lib/fixtures.ts";
import { check, emitResult, intArg, main, median, percentile } from "./lib/harness.ts";
import { deployRegistry, ROLE_ANCHORER, ROLE_REVOKER, startNode } from "./lib/node.ts";

const UNIVERSITY = { id: "did:web:uni.example", name: "Example University" };
const ACADEMY = { id: "did:web:bi.example", name: "BI Academy" };
const BATCH_SIZE = 100;
const HOLDER = "did:example:holder";

main(async () => {
  const iterations = intArg(2, 200);
  const latencyMs = Number(process.argv[3] ?? 0);
  const node = await startNode();
  try {
    const { registry } = await deployRegistry(node, UNIVERSITY.id);
    const { publicClient, walletClient, account } = node;
    const write = async (functionName: string, args: readonly unknown[]) => {
      const hash = await walletClient.writeContract({ address: registry, abi: credentialRegistryAbi, functionName: functionName as never, args: args as never, account, chain: walletClient.chain });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      check(receipt.status === "success", `${functionName} reverted`);
      return receipt;
    };
    await write("registerInstitution", [ACADEMY.name, ACADEMY.id, "", `0x${"00".repeat(32)}`, account]);
    await write("grantRoles", [2, account, ROLE_ANCHORER | ROLE_REVOKER]);

    /** Anchors `credentials` as one batch of `institutionId`; returns them portable. */
    const anchor = async (institutionId: number, credentials: Record<string, unknown>[]) => {
      const batch = buildBatch({ credentials });
      const receipt = await write("anchor", [institutionId, { merkleRoot: batch.merkleRoot, leafCount: batch.leafCount, formatVersion: 1, manifestHash: `0x${"00".repeat(32)}` }]);
      const block = await publicClient.getBlock({ blockNumber: receipt.blockNumber });
      return credentials.map((credential, i) =>
        attachProof({
          credential,
          anchor: {
            chain: node.chainId, registry, institutionId, merkleRoot: batch.merkleRoot, leafCount: batch.leafCount, ...batch.entries[i]!,
            anchorTransaction: receipt.transactionHash, anchorBlock: Number(receipt.blockNumber), created: new Date(Number(block.timestamp) * 1000),
          },
        }) as Record<string, unknown>,
      );
    };
    const component = (issuer: typeof UNIVERSITY, n: number) =>
      createOpenBadgeCredential({
        issuer,
        achievement: { id: `https://courses.example/module-${n}`, name: `Module ${n}`, description: `Module ${n}.`, criteria: { narrative: "Passed." } },
        recipient: { id: HOLDER },
        validFrom: "2026-01-05T00:00:00Z",
      }) as Record<string, unknown>;
    // 10 components in 3 batches: modules 0-3 and 7-9 from the university, 4-6 from the academy.
    const layout: { institutionId: 1 | 2; modules: number[] }[] = [
      { institutionId: 1, modules: [0, 1, 2, 3] },
      { institutionId: 2, modules: [4, 5, 6] },
      { institutionId: 1, modules: [7, 8, 9] },
    ];
    const components: Record<string, unknown>[] = [];
    for (const { institutionId, modules } of layout) {
      const own = modules.map((n) => component(institutionId === 1 ? UNIVERSITY : ACADEMY, n));
      const portable = await anchor(institutionId, [...own, ...openBadgeCredentials(BATCH_SIZE - own.length)]);
      components.push(...portable.slice(0, own.length));
    }
    const institution = (institutionId: number) => ({ chain: `eip155:${node.chainId}`, registry, institutionId });
    const definition = {
      format: "credanchor-pathway-v1",
      id: "https://uni.example/pathways/ten-modules",
      version: 1,
      name: "Ten Modules Certificate",
      institution: institution(1),
      award: { issuer: UNIVERSITY, achievement: { id: "https://uni.example/badges/ten-modules", name: "Ten Modules Certificate", description: "All ten modules." } },
      components: Array.from({ length: 10 }, (_, n) => ({
        key: `m${n}`,
        name: `Module ${n}`,
        achievement: `https://courses.example/module-${n}`,
        ...(n >= 4 && n <= 6 ? { institution: institution(2) } : {}),
      })),
      requirements: { allOf: Array.from({ length: 10 }, (_, n) => `m${n}`) },
      revocationPolicy: "components-must-stay-valid",
    };
    // With a latency, every request waits that long before it reaches the node: a remote
    // RPC endpoint, where round trips (which run concurrently) rather than the local
    // node's serial request handling dominate.
    const benchClient =
      latencyMs === 0
        ? publicClient
        : (createPublicClient({
            transport: custom({
              request: async (request: { method: string; params?: unknown }) => {
                await new Promise((resolve) => setTimeout(resolve, latencyMs));
                return publicClient.request(request as never);
              },
            }),
          }) as PublicClient);
    const options = { client: benchClient, allowedChains: [`eip155:${node.chainId}`], trustedRegistries: [registry as Address] };
    const prepared = await preparePathwayAward({ ...options, definition, credentials: components });
    check(prepared.met, `the award is not met: ${prepared.missing.join("; ")}`);
    const [award] = await anchor(1, [prepared.credential!]);

    const single = components[9]!;
    const verifyAward = () => verifyPathwayAward({ ...options, award, components });
    for (let i = 0; i < 10; i++) {
      await verifyCredential({ ...options, credential: single });
      await verifyAward();
    }
    const singleTimes: number[] = [];
    const awardTimes: number[] = [];
    let singleRequests = 0;
    let awardRequests = 0;
    for (let i = 0; i < iterations; i++) {
      let before = node.rpcRequests();
      let start = performance.now();
      const one = await verifyCredential({ ...options, credential: single });
      singleTimes.push(performance.now() - start);
      singleRequests = node.rpcRequests() - before;
      check(one.status === "valid", `single credential reported ${one.status}`);

      before = node.rpcRequests();
      start = performance.now();
      const report = await verifyAward();
      awardTimes.push(performance.now() - start);
      awardRequests = node.rpcRequests() - before;
      check(report.status === "valid", `award reported ${report.status}: ${JSON.stringify(report.checks)}`);
      check(report.components.length === 10 && report.components.every((entry) => entry.counts), "not every component counted");
    }
    const singleMedian = median(singleTimes);
    const awardMedian = median(awardTimes);
    const ratio = awardMedian / singleMedian;
    emitResult({
      bench: "pathway-verify-single",
      impl: "credanchor",
      size: 1,
      timesMs: singleTimes,
      notes: [`RPC latency added: ${latencyMs} ms per request`],
      medianMs: singleMedian,
      checks: [`${iterations} calls, each report valid`],
      extra: { p99Ms: percentile(singleTimes, 99), rpcRequestsPerRun: singleRequests },
    });
    emitResult({
      bench: "pathway-verify-award",
      impl: "credanchor",
      size: 10,
      timesMs: awardTimes,
      notes: [`RPC latency added: ${latencyMs} ms per request`],
      medianMs: awardMedian,
      checks: [`${iterations} calls, each award valid with all 10 components (3 batches, 2 institutions) counted`],
      extra: { p99Ms: percentile(awardTimes, 99), rpcRequestsPerRun: awardRequests, ratioToSingle: Number(ratio.toFixed(2)), target: "<= 2x one credential", met: ratio <= 2 },
    });
    process.stderr.write(`  latency ${latencyMs} ms: award / single = ${ratio.toFixed(2)} (target <= 2); RPC requests per run: single ${singleRequests}, award ${awardRequests}\n`);
  } finally {
    await node.stop();
  }
});
