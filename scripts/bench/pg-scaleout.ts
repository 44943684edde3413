/**
 * Scale-out on PostgreSQL: intake and proof queries through 1, 2 and 3 service replicas
 * sharing one PostgreSQL database (a server of the benchmark's own, on this machine, so
 * its CPU can be measured apart from anything else), with `stored` credentials in it.
 * Prints figures; asserts nothing.
 *
 *   node --import tsx scripts/bench/pg-scaleout.ts [stored=1000000] [intakePerRound=100000] [proofSeconds=8] [connections=32]
 *
 * Preload: `stored` credentials through the API of all replicas (requests of 10,000), then
 * every batch anchored. Intake: `intakePerRound` new credentials per replica count, spread
 * over the replicas (two requests in flight per replica). Proofs: autocannon on each
 * replica at once (connections split between them), random stored ids. CPU: /proc of the
 * replicas and of every process of the PostgreSQL server, divided by the work done.
 * Targets (issue 15): at 2 replicas >= 15,000 credentials/s intake and >= 10,000 proof
 * queries/s with p99 <= 20 ms.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import autocannon from "autocannon";

import { createTestDatabase, startOwnPostgres } from "../../test/server/helpers/postgres.ts";
import { spawnService, startNode, tempDir, type ServiceProcess } from "../../test/server/helpers/processes.ts";
import { bulkBodies, cpuSeconds, fmt, loadAverage } from "./service-harness.ts";

const stored = Number(process.argv[2] ?? 1_000_000);
const intakePerRound = Number(process.argv[3] ?? 100_000);
const proofSeconds = Number(process.argv[4] ?? 8);
const connections = Number(process.argv[5] ?? 32);
const perRequest = 10_000;

/**
 * CPU seconds of the PostgreSQL server: the postmaster (with the children it has reaped:
 * backends of closed connections, counted in its cutime/cstime) and its live children.
 */
function postgresCpu(dataDir: string): number {
  const postmaster = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  const fields = readFileSync(`/proc/${postmaster}/stat`, "utf8").split(") ")[1]!.split(" ");
  let total = cpuSeconds(postmaster) + (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime (USER_HZ)
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      if (Number(/PPid:\s+(\d+)/.exec(status)?.[1]) === postmaster) total += cpuSeconds(Number(entry));
    } catch {
      // gone
    }
  }
  return total;
}

const server = await startOwnPostgres({ settings: ["shared_buffers=1GB", "max_wal_size=4GB", "checkpoint_timeout=15min"] });
if (server === undefined) throw new Error("PostgreSQL binaries not found (set CREDANCHOR_TEST_PG_BIN)");
const database = await createTestDatabase(server.adminUrl);
const dir = tempDir("credanchor-bench-pg-");
const node = await startNode({ logDir: dir });
const replicas: ServiceProcess[] = [];
try {
  const env = {
    CREDANCHOR_DATABASE_URL: database.url,
    CREDANCHOR_RATE_LIMIT_PER_SECOND: "0",
    CREDANCHOR_LOG_LEVEL: "warn",
    CREDANCHOR_DEPLOYMENTS_DIR: join(dir, "deployments"),
    CREDANCHOR_BATCH_MAX_SIZE: "10000",
    CREDANCHOR_BATCH_MAX_WAIT_MS: "1000",
    CREDANCHOR_HASH_WORKERS: "1",
    // A request of 10,000 waits its turn on the institution's open batch row behind the others
    // in flight; on a machine shared with other work that can pass the default 120 s.
    CREDANCHOR_REQUEST_TIMEOUT_MS: "600000",
  };
  for (let i = 0; i < 3; i++) replicas.push(await spawnService({ rpcUrl: node.url, dataDir: tempDir("credanchor-bench-replica-"), env }));
  const pids = replicas.map((replica) => replica.child.pid!);
  const serviceCpu = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  let resent = 0;
  const post = async (replica: ServiceProcess, body: string | Buffer) => {
    const send = () =>
      fetch(`${replica.url}/v1/credentials`, {
        method: "POST",
        headers: { authorization: `Bearer ${replica.token}`, "content-type": "application/json" },
        body: body as BodyInit,
      });
    // A kept-alive socket the server closed while idle (keepAliveTimeout 10 s, e.g. while the
    // next bodies are built) fails the request that reuses it: resend once; the credential
    // ids are the idempotency keys, so a resend never stores twice.
    for (let attempt = 1; ; attempt++) {
      const response = await send().catch(send);
      const text = await response.text();
      // 503 (database busy or restarting): resent as a client would, same ids, counted.
      if (response.status === 503 && attempt < 5) {
        resent++;
        await new Promise((resolve) => setTimeout(resolve, 1000 * Number(response.headers.get("retry-after") ?? 1)));
        continue;
      }
      if (response.status !== 202) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
      return JSON.parse(text) as { credentials: { id: string }[] };
    }
  };

  // Preload through all three replicas.
  const ids: string[] = [];
  let next = 0;
  const requests = Math.ceil(stored / perRequest);
  const preloadStart = performance.now();
  await Promise.all(
    replicas.flatMap((replica) =>
      [0, 1].map(async () => {
        while (next < requests) {
          const [body] = bulkBodies({ count: 1, perRequest, offset: next++ });
          for (const credential of (await post(replica, body!)).credentials) ids.push(credential.id);
          if (ids.length % 200_000 === 0) console.log(`  stored ${fmt(ids.length)}`);
        }
      }),
    ),
  );
  const preloadSeconds = (performance.now() - preloadStart) / 1000;
  console.log(
    `preloaded ${fmt(ids.length)} credentials through 3 replicas in ${fmt(preloadSeconds, 1)} s (${fmt(ids.length / preloadSeconds)}/s, ${resent} requests resent after a 503); load ${loadAverage()}`,
  );
  for (;;) {
    const response = await fetch(`${replicas[0]!.url}/v1/batches?limit=1000`, { headers: { authorization: `Bearer ${replicas[0]!.token}` } });
    const { batches } = (await response.json()) as { batches: { state: string }[] };
    if (batches.every((batch) => batch.state === "anchored")) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  console.log(`all batches anchored ${fmt((performance.now() - preloadStart) / 1000 - preloadSeconds, 1)} s after the last submission`);

  // Intake with 1, 2, 3 replicas.
  let offset = 0x4000_0000;
  for (const count of [1, 2, 3]) {
    const bodies = bulkBodies({ count: Math.ceil(intakePerRound / perRequest), perRequest, offset }).map((text) => Buffer.from(text));
    offset += bodies.length;
    const serviceBefore = serviceCpu();
    const pgBefore = postgresCpu(server.dataDir);
    const started = performance.now();
    await Promise.all(
      replicas.slice(0, count).flatMap((replica) =>
        [0, 1].map(async () => {
          for (let body = bodies.pop(); body !== undefined; body = bodies.pop()) await post(replica, body);
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const done = Math.ceil(intakePerRound / perRequest) * perRequest;
    console.log(
      `intake, ${count} replica(s): ${fmt(done / seconds)} credentials/s (${fmt(done)} in ${fmt(seconds, 2)} s, ${resent} resent so far); CPU per credential: service ${fmt(((serviceCpu() - serviceBefore) * 1e6) / done)} µs, PostgreSQL ${fmt(((postgresCpu(server.dataDir) - pgBefore) * 1e6) / done)} µs; load ${loadAverage()}`,
    );
  }

  // Proof queries with 1, 2, 3 replicas.
  const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
  const load = (replica: ServiceProcess, duration: number, share: number) =>
    autocannon({
      url: replica.url,
      connections: share,
      duration,
      headers: { authorization: `Bearer ${replica.token}` },
      requests: [{ setupRequest: (request: any) => ({ ...request, path: `/v1/credentials/${pick()}/proof` }) }],
    });
  await Promise.all(replicas.map((replica) => load(replica, 3, 8))); // warm-up: every replica's tree cache
  for (const count of [1, 2, 3]) {
    const serviceBefore = serviceCpu();
    const pgBefore = postgresCpu(server.dataDir);
    const results = await Promise.all(replicas.slice(0, count).map((replica) => load(replica, proofSeconds, Math.ceil(connections / count))));
    const total = results.reduce((sum, result) => sum + result.requests.total, 0);
    const rate = results.reduce((sum, result) => sum + result.requests.average, 0);
    const p99 = Math.max(...results.map((result) => result.latency.p99));
    const bad = results.reduce((sum, result) => sum + result.non2xx + result.errors + result.timeouts, 0);
    console.log(
      `proofs, ${count} replica(s), ${connections} connections: ${fmt(rate)} requests/s, p99 ${fmt(p99, 1)} ms (worst replica), ${bad} failed; CPU per query: service ${fmt(((serviceCpu() - serviceBefore) * 1e6) / total)} µs, PostgreSQL ${fmt(((postgresCpu(server.dataDir) - pgBefore) * 1e6) / total)} µs; load ${loadAverage()}`,
    );
  }
} catch (error) {
  for (const [i, replica] of replicas.entries()) console.error(`--- replica ${i + 1} output (tail):\n${replica.output().slice(-3000)}`);
  throw error;
} finally {
  for (const replica of replicas) await replica.stop();
  await node.stop();
  await database.drop().catch(() => undefined);
  server.remove();
}
