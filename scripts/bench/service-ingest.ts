/**
 * Ingestion through the bulk API: credentials per second accepted (202, durable) by
 * POST /v1/credentials with JSON bodies of 10,000 credentials, against the real service
 * process. Prints figures; asserts nothing.
 *
 *   node --import tsx scripts/bench/service-ingest.ts [totalCredentials=200000] [perRequest=10000] [concurrency=2] [rounds=3] [preload=0]
 *
 * First `preload` credentials are stored through the same API (not timed: the issue's
 * target holds "with 1,000,000 credentials stored"). Then each round submits
 * totalCredentials new credentials to the same running service (its database keeps
 * growing, as a real one does); the figure is the median round. Every response must be
 * 202 or the benchmark fails. Target: >= 20,000 credentials/s.
 *
 * BENCH_RANDOM_IDS=1 gives every credential a random (v4) id, its idempotency key, instead
 * of ids that ascend within a request. BENCH_SIGN=1 has the service sign every credential
 * (credanchor-proof-v2, eddsa-rdfc-2022 with the demo institution's key) at intake.
 */
import { availableParallelism } from "node:os";

import { bulkBodies, cpuSeconds, fmt, loadAverage, mainThreadCpuSeconds, startBenchService } from "./service-harness.ts";

const total = Number(process.argv[2] ?? 200_000);
const perRequest = Number(process.argv[3] ?? 10_000);
const concurrency = Number(process.argv[4] ?? 2);
const rounds = Number(process.argv[5] ?? 3);
const preload = Number(process.argv[6] ?? 0);
const requests = Math.ceil(total / perRequest);

const bench = await startBenchService({
  env: { CREDANCHOR_BATCH_MAX_SIZE: "10000", CREDANCHOR_BATCH_MAX_WAIT_MS: "5000", ...(process.env.HASH_WORKERS ? { CREDANCHOR_HASH_WORKERS: process.env.HASH_WORKERS } : {}), ...(process.env.BENCH_SIGN === "1" ? { CREDANCHOR_SIGN: "1" } : {}) },
});
try {
  const { url, token } = bench.service;
  console.log(`building ${requests * rounds} bodies of ${fmt(perRequest)} credentials...`);
  const randomIds = process.env.BENCH_RANDOM_IDS === "1";
  // UTF-8 bytes made up front, as a load generator does: encoding 11 MiB per request would
  // take CPU from the service it measures, on the same two cores.
  const bodies = bulkBodies({ count: requests * rounds + 1, perRequest, randomIds }).map((text) => Buffer.from(text));
  console.log(`body size ${fmt(bodies[0]!.length / 1024 / 1024, 1)} MiB`);
  const post = async (body: string | Buffer) => {
    const response = await fetch(`${url}/v1/credentials`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body as BodyInit, // a Buffer is a Uint8Array view, which fetch sends as is
    });
    const text = await response.text();
    if (response.status !== 202) throw new Error(`HTTP ${response.status}: ${text.slice(0, 500)}`);
  };
  await post(bodies.pop()!); // warm-up (JIT, workers)
  if (preload > 0) {
    const started = performance.now();
    // Bodies made one at a time (a million credentials of JSON would not fit in memory at once).
    for (let offset = 0; offset < preload; offset += perRequest) {
      const [body] = bulkBodies({ count: 1, perRequest: Math.min(perRequest, preload - offset), offset: 0x8000_0000 + offset / perRequest, randomIds });
      await post(body!);
    }
    console.log(`preloaded ${fmt(preload)} credentials in ${fmt((performance.now() - started) / 1000, 1)} s (not timed below)`);
  }
  const pid = bench.service.child.pid!;
  const count = requests * perRequest;
  const rates: number[] = [];
  const roundCpu: number[] = [];
  const latencies: number[] = [];
  const cpuBefore = cpuSeconds(pid);
  const systemBefore = cpuSeconds(pid, "system");
  const mainBefore = mainThreadCpuSeconds(pid);
  for (let round = 0; round < rounds; round++) {
    const roundBodies = bodies.slice(round * requests, (round + 1) * requests);
    let next = 0;
    const started = performance.now();
    const roundCpuBefore = cpuSeconds(pid);
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < roundBodies.length) {
          const body = roundBodies[next++]!;
          const t0 = performance.now();
          await post(body);
          latencies.push(performance.now() - t0);
        }
      }),
    );
    rates.push(count / ((performance.now() - started) / 1000));
    roundCpu.push(((cpuSeconds(pid) - roundCpuBefore) * 1e6) / count);
  }
  const cpu = cpuSeconds(pid) - cpuBefore;
  const system = cpuSeconds(pid, "system") - systemBefore;
  const main = mainThreadCpuSeconds(pid) - mainBefore;
  const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)]!;
  latencies.sort((a, b) => a - b);
  console.log(
    `ingestion, ${randomIds ? "random (UUIDv4)" : "ascending"} credential ids: ${rounds} rounds of ${fmt(count)} credentials ` +
      `(${fmt(perRequest)} per request, ${concurrency} concurrent) on a database of ${fmt(preload + perRequest)} → ` +
      `${fmt(preload + perRequest + count * rounds)} credentials, every response 202`,
  );
  console.log(`  rounds: ${rates.map((rate) => fmt(rate)).join(" / ")} credentials/s`);
  console.log(`  service CPU per round: ${roundCpu.map((us) => fmt(us)).join(" / ")} µs per credential`);
  console.log(`  ${fmt(median)} credentials/s, median round   (target >= 20,000)`);
  const all = count * rounds;
  const mainUs = (main * 1e6) / all;
  const totalUs = (cpu * 1e6) / all;
  console.log(`  service CPU: ${fmt(totalUs)} µs per credential (all threads) = ${fmt(all / cpu)} credentials per CPU-second, ${fmt((system * 1e6) / all)} µs of it in the kernel; load average ${loadAverage()}`);
  const cores = availableParallelism();
  console.log(`  main thread: ${fmt(mainUs)} µs per credential; capacity with ${cores} idle cores ≈ ${fmt(1e6 / Math.max(mainUs, totalUs / cores))} credentials/s (limited by ${mainUs > totalUs / cores ? "the main thread" : "total CPU"})`);
  console.log(`  request latency p50 ${fmt(latencies[Math.floor(latencies.length / 2)]!)} ms, max ${fmt(latencies.at(-1)!)} ms`);
} finally {
  await bench.stop();
}
