/**
 * Proof-query throughput with many credentials stored: ingest N credentials through the
 * bulk API (batches of 10,000), wait until every batch is anchored, then load
 * GET /v1/credentials/:id/proof for random stored ids with autocannon on loopback.
 * Prints figures; asserts nothing.
 *
 *   node --import tsx scripts/bench/service-proofs.ts [stored=1000000] [seconds=20] [connections=32]
 *
 * Target with 1,000,000 stored: >= 5,000 requests/s, p99 <= 20 ms.
 */
import autocannon from "autocannon";

import { bulkBodies, cpuSeconds, fmt, loadAverage, startBenchService } from "./service-harness.ts";

const stored = Number(process.argv[2] ?? 1_000_000);
const seconds = Number(process.argv[3] ?? 20);
const connections = Number(process.argv[4] ?? 32);
const perRequest = 10_000;

const bench = await startBenchService({
  env: { CREDANCHOR_BATCH_MAX_SIZE: "10000", CREDANCHOR_BATCH_MAX_WAIT_MS: "1000", CREDANCHOR_PROOF_CACHE_BYTES: String(512 * 1024 * 1024) },
});
try {
  const { url, token } = bench.service;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const requests = Math.ceil(stored / perRequest);
  const ids: string[] = [];
  const started = performance.now();
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < requests) {
        const [body] = bulkBodies({ count: 1, perRequest, offset: next++ });
        const response = await fetch(`${url}/v1/credentials`, { method: "POST", headers, body });
        if (response.status !== 202) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
        const result = (await response.json()) as { credentials: { id: string }[] };
        for (const credential of result.credentials) ids.push(credential.id);
        if (ids.length % 100_000 === 0) process.stdout.write(`  stored ${fmt(ids.length)}\n`);
      }
    }),
  );
  const ingested = performance.now();
  console.log(`stored ${fmt(ids.length)} credentials in ${fmt((ingested - started) / 1000, 1)} s (${fmt(ids.length / ((ingested - started) / 1000))}/s)`);
  for (;;) {
    const { batches } = (await (await fetch(`${url}/v1/batches?limit=1000`, { headers })).json()) as { batches: { state: string }[] };
    if (batches.length > 0 && batches.every((batch) => batch.state === "anchored")) {
      console.log(`all ${batches.length} batches anchored ${fmt((performance.now() - ingested) / 1000, 1)} s after the last submission`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
  // Warm-up: load every batch tree once (the service caches them).
  await autocannon({ url, connections, duration: 3, headers: { authorization: `Bearer ${token}` }, requests: [{ setupRequest: (request: any) => ({ ...request, path: `/v1/credentials/${pick()}/proof` }) }] });
  const pid = bench.service.child.pid!;
  const cpuBefore = cpuSeconds(pid);
  const systemBefore = cpuSeconds(pid, "system");
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
    requests: [{ setupRequest: (request: any) => ({ ...request, path: `/v1/credentials/${pick()}/proof` }) }],
  });
  const cpu = cpuSeconds(pid) - cpuBefore;
  const system = cpuSeconds(pid, "system") - systemBefore;
  console.log(`proof queries (GET /v1/credentials/:id/proof, random ids of ${fmt(ids.length)} stored, ${connections} connections, ${seconds} s):`);
  console.log(`  ${fmt(result.requests.average)} requests/s   (target >= 5,000)`);
  console.log(`  latency p50 ${fmt(result.latency.p50, 2)} ms, p99 ${fmt(result.latency.p99, 2)} ms, max ${fmt(result.latency.max, 2)} ms   (target p99 <= 20 ms)`);
  console.log(`  service CPU: ${fmt((cpu * 1e6) / result.requests.total)} µs per request (${fmt((system * 1e6) / result.requests.total)} in the kernel) = ${fmt(result.requests.total / cpu)} requests per CPU-second (the API is one thread); load average ${loadAverage()}`);
  console.log(`  responses: ${fmt(result["2xx"])} 2xx, ${fmt(result.non2xx)} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
} finally {
  await bench.stop();
}
