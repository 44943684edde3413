/**
 * Time to anchor a 100,000-credential batch: submission through the bulk API, then
 * close → tree + persistence (every proof derivable from the stored tree) → transaction
 * → anchored (1 confirmation, local Hardhat node). Prints figures; asserts nothing.
 *
 *   node --import tsx scripts/bench/service-anchor.ts [credentials=100000]
 *
 * Target: <= 10 s for the anchoring of a 100,000-credential batch. BENCH_SIGN=1 has the
 * service sign every credential (credanchor-proof-v2) after the 202, before the batch
 * closes (issue 12's target: last 202 → anchored <= 30 s, signing included); the figures
 * then say when the last credential was signed.
 */
import { bulkBodies, cpuSeconds, fmt, loadAverage, startBenchService } from "./service-harness.ts";

const total = Number(process.argv[2] ?? 100_000);
const perRequest = 10_000;
const bench = await startBenchService({
  env: { CREDANCHOR_BATCH_MAX_SIZE: String(total), CREDANCHOR_BATCH_MAX_WAIT_MS: "600000", CREDANCHOR_POLL_INTERVAL_MS: "50", ...(process.env.BENCH_SIGN === "1" ? { CREDANCHOR_SIGN: "1" } : {}) },
});
try {
  const { url, token } = bench.service;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const bodies = bulkBodies({ count: Math.ceil(total / perRequest), perRequest });
  const t0 = performance.now();
  let next = 0;
  let batchId = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < bodies.length) {
        const response = await fetch(`${url}/v1/credentials`, { method: "POST", headers, body: bodies[next++] });
        if (response.status !== 202) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
        const result = (await response.json()) as { credentials: { batch: number }[] };
        batchId = result.credentials[0]!.batch;
      }
    }),
  );
  const t1 = performance.now();
  const lastAccepted = Date.now();
  const pid = bench.service.child.pid!;
  const cpuAtLast202 = cpuSeconds(pid);
  // A batch that reached maxSize closes by itself; otherwise close it on demand.
  await (await fetch(`${url}/v1/batches/close`, { method: "POST", headers })).arrayBuffer();
  let batch: any;
  // BENCH_SIGN=1: credentials are signed after the 202 (server/signing/signer.ts); the
  // metrics gauge says when the last one is.
  let signedAt: number | undefined = process.env.BENCH_SIGN === "1" ? undefined : lastAccepted;
  for (let round = 0; ; round++) {
    batch = await (await fetch(`${url}/v1/batches/${batchId}`, { headers })).json();
    if (batch.state === "anchored") break;
    if (signedAt === undefined && round % 5 === 0) {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      if (/^credanchor_credentials_awaiting_signature 0$/m.test(metrics)) signedAt = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const t3 = performance.now();
  const closedAt = Date.parse(batch.closedAt);
  const anchoredAt = Date.parse(batch.anchoredAt);
  console.log(`batch of ${fmt(batch.size)} credentials (one batch, maxSize ${fmt(total)})`);
  console.log(`  submission (bulk API, ${bodies.length} × ${fmt(perRequest)}):       ${fmt((t1 - t0) / 1000, 2)} s`);
  if (process.env.BENCH_SIGN === "1") {
    console.log(`  all signed after last 202 (±0.1 s):              ${signedAt === undefined ? "n/a" : fmt((signedAt - lastAccepted) / 1000, 2)} s`);
  }
  console.log(`  closed (tree built and persisted) after last 202: ${fmt((closedAt - lastAccepted) / 1000, 2)} s`);
  console.log(`  closed → anchored (tx sent, mined, 1 conf.):      ${fmt((anchoredAt - closedAt) / 1000, 2)} s`);
  console.log(`  anchoring, last 202 → anchored:                    ${fmt((t3 - t1) / 1000, 2)} s   (target <= ${process.env.BENCH_SIGN === "1" ? "30 s, signing included" : "10 s"})`);
  console.log(`  end to end, first request → anchored:              ${fmt((t3 - t0) / 1000, 2)} s`);
  console.log(`  service CPU, last 202 → anchored: ${fmt(cpuSeconds(pid) - cpuAtLast202, 1)} s (all threads); load average ${loadAverage()}`);
  console.log(`  tx ${batch.transaction.hash}, block ${batch.block.number}`);
} finally {
  await bench.stop();
}
