/**
 * Scale-out on PostgreSQL with real processes: several service replicas (child processes)
 * share one PostgreSQL database and one Hardhat node; one of them is the elected publisher.
 * - the same idempotency key sent to two replicas at once: one credential;
 * - the publisher SIGKILLed after sending a batch's transaction: another replica takes the
 *   lease and every credential that got a 202 is anchored exactly once;
 * - the publisher SIGSTOPped between recording and broadcasting a transaction, past its
 *   lease; another replica takes over and anchors; resumed, the old one sends nothing (its
 *   RPC traffic goes through a counting proxy);
 * - PostgreSQL (a server of this test's own) stopped and started during intake: every 202
 *   survives, requests in the outage get 503 with Retry-After, never a 500.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { join } from "node:path";

import { createPublicClient, http, type PublicClient } from "viem";

import type { HardhatNode } from "../../server/dev/devNode.ts";
import { registryAbi } from "../../server/chain/registryAbi.ts";
import { eventually } from "./helpers/chain.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { hardhatAccount, hardhatKey } from "./helpers/fixture.ts";
import { createTestDatabase, sql, startOwnPostgres, type OwnPostgres, type TestDatabase } from "./helpers/postgres.ts";
import { freePort, spawnService, startNode, tempDir, type ServiceProcess } from "./helpers/processes.ts";

const LEASE_MS = 1500;

/** A JSON-RPC proxy in front of the node that counts eth_sendRawTransaction calls. */
async function countingProxy(target: string): Promise<{ url: string; sends: () => number; close(): Promise<void> }> {
  let sends = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    try {
      const parsed = JSON.parse(body) as { method?: string } | { method?: string }[];
      for (const call of Array.isArray(parsed) ? parsed : [parsed]) if (call.method === "eth_sendRawTransaction") sends++;
    } catch {
      // not JSON: forwarded as is
    }
    const answer = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
    res.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text());
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    sends: () => sends,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a replica's keep-alive connections would hold close() open
      }),
  };
}

const call = async (svc: ServiceProcess, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${svc.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${svc.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    // A request left hanging fails the test by name, not by the suite's timeout.
    signal: AbortSignal.timeout(60_000),
  }).catch((error: unknown) => {
    throw new Error(`${method} ${path} on ${svc.url}: ${(error as Error).message}\n${svc.output().slice(-4000)}`);
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
};

const credentialsWithKeys = (count: number) => Array.from({ length: count }, (_, n) => sampleCredential({ n, extra: { id: `urn:uuid:${randomUUID()}` } }));

describe("scale-out on PostgreSQL: replicas, elected publisher, faults", function () {
  this.timeout(240_000);
  let node: HardhatNode;
  let client: PublicClient;
  const running: ServiceProcess[] = [];

  before(async function () {
    node = await startNode({ logDir: tempDir("credanchor-scaleout-node-") });
    client = createPublicClient({ transport: http(node.url) }) as PublicClient;
  });
  after(async function () {
    for (const service of running) {
      service.child.kill("SIGCONT");
      await service.stop();
    }
    await node?.stop();
  });

  /** Starts a replica on `databaseUrl`; resolves once it answers (and, if asked, holds the lease). */
  async function replica(parameters: {
    databaseUrl: string;
    deployments: string;
    env?: Record<string, string>;
    rpcUrl?: string;
    leader?: boolean;
  }): Promise<ServiceProcess> {
    const service = await spawnService({
      rpcUrl: parameters.rpcUrl ?? node.url,
      // Not created beforehand: on PostgreSQL nothing but dev mode's demo token needs it.
      dataDir: join(tempDir("credanchor-replica-"), "data"),
      env: {
        CREDANCHOR_DEV: "1",
        CREDANCHOR_ANCHORER_KEY: hardhatKey(6),
        CREDANCHOR_REVOKER_KEY: hardhatKey(7),
        CREDANCHOR_DATABASE_URL: parameters.databaseUrl,
        CREDANCHOR_PUBLISHER_LEASE_MS: String(LEASE_MS),
        CREDANCHOR_BATCH_MAX_WAIT_MS: "600000",
        CREDANCHOR_POLL_INTERVAL_MS: "100",
        CREDANCHOR_HASH_WORKERS: "0",
        CREDANCHOR_DEPLOYMENTS_DIR: parameters.deployments,
        ...parameters.env,
      },
    });
    running.push(service);
    if (parameters.leader === true) {
      await eventually(async () => (service.output().includes("publisher lease acquired") ? true : undefined), 20_000, "lease acquired");
    }
    return service;
  }

  const anchoredEvents = async (registry: `0x${string}`) =>
    client.getContractEvents({ address: registry, abi: registryAbi, eventName: "BatchAnchored", fromBlock: 0n });

  /** Every batch anchored; each on chain exactly once; every accepted id anchored. */
  async function expectAllAnchoredOnce(svc: ServiceProcess, accepted: readonly string[]): Promise<void> {
    await eventually(async () => {
      const { body } = await call(svc, "GET", "/v1/batches?limit=1000");
      return body.batches.length > 0 && body.batches.every((batch: any) => batch.state === "anchored") ? true : undefined;
    }, 60_000, "every batch anchored");
    const { body } = await call(svc, "GET", "/v1/batches?limit=1000");
    const first = (await call(svc, "GET", `/v1/credentials/${accepted[0]}`)).body;
    const events = await anchoredEvents(first.credential.proof.registry);
    expect(events, "one BatchAnchored per batch").to.have.length(body.batches.length);
    for (const batch of body.batches) expect(events.filter((event) => event.args.batchId === batch.chainBatchId)).to.have.length(1);
    for (const id of accepted) {
      const { status, body: credential } = await call(svc, "GET", `/v1/credentials/${id}`);
      expect(status, id).to.equal(200);
      expect(credential.status).to.equal("anchored");
    }
  }

  describe("three replicas on the machine's PostgreSQL", function () {
    let database: TestDatabase;
    const deployments = join(tempDir("credanchor-scaleout-"), "deployments");
    const accepted: string[] = [];
    let a: ServiceProcess;
    let b: ServiceProcess;
    let c: ServiceProcess;

    before(async function () {
      database = await createTestDatabase();
      // a publishes first and dies right after broadcasting its first transaction.
      a = await replica({ databaseUrl: database.url, deployments, env: { CREDANCHOR_FAULT: "after-send" }, leader: true });
      [b, c] = await Promise.all([replica({ databaseUrl: database.url, deployments }), replica({ databaseUrl: database.url, deployments })]);
    });
    after(async function () {
      for (const service of running.splice(0)) {
        service.child.kill("SIGCONT");
        await service.stop();
      }
      await database?.drop();
    });

    it("stores one credential when the same idempotency keys reach two replicas at once", async function () {
      // Several rounds, so at least some of the pairs overlap in PostgreSQL whatever the timing.
      for (let round = 0; round < 5; round++) {
        const credentials = credentialsWithKeys(30);
        const [left, right] = await Promise.all([
          call(b, "POST", "/v1/credentials", { credentials }),
          call(c, "POST", "/v1/credentials", { credentials }),
        ]);
        expect([left.status, right.status], JSON.stringify([left.body, right.body]).slice(0, 500)).to.deep.equal([202, 202]);
        const ids = left.body.credentials.map((credential: any) => credential.id);
        expect(right.body.credentials.map((credential: any) => credential.id)).to.deep.equal(ids);
        expect(new Set(ids).size).to.equal(30);
        accepted.push(...ids);
      }
    });

    it("anchors every 202 exactly once after the publisher is SIGKILLed with a transaction in flight", async function () {
      const [first, second] = await Promise.all([
        call(b, "POST", "/v1/credentials", { credentials: credentialsWithKeys(20) }),
        call(c, "POST", "/v1/credentials", { credentials: credentialsWithKeys(20) }),
      ]);
      expect([first.status, second.status]).to.deep.equal([202, 202]);
      accepted.push(...[...first.body.credentials, ...second.body.credentials].map((credential: any) => credential.id));
      expect((await call(c, "POST", "/v1/batches/close")).status).to.equal(202);
      const exit = await a.exited;
      expect(exit.signal, a.output()).to.equal("SIGKILL");
      const killedAt = Date.now();
      const holderOf = async () => ((await sql(database.url, "SELECT holder FROM leases")).rows[0] as { holder: string } | undefined)?.holder;
      // The takeover: the lease row names another process (holder = host:pid:random), typically
      // ~2 s after the kill (lease 1.5 s).
      const takeover = eventually(async () => {
        const holder = await holderOf();
        return holder !== undefined && !holder.includes(`:${a.child.pid}:`) ? Date.now() - killedAt : undefined;
      }, 60_000, "another replica takes the lease");
      takeover.catch(() => undefined); // awaited below; a failure is reported there
      // Intake goes on while nobody publishes.
      const during = await call(b, "POST", "/v1/credentials", { credentials: credentialsWithKeys(5) });
      expect(during.status).to.equal(202);
      accepted.push(...during.body.credentials.map((credential: any) => credential.id));
      expect((await call(b, "POST", "/v1/batches/close")).status).to.equal(202);
      expect(await takeover, "takeover within seconds (10 leases: room for a loaded machine)").to.be.lessThan(10 * LEASE_MS);
      await expectAllAnchoredOnce(b, accepted);
      expect(`${b.output()}${c.output()}`).to.include("publisher lease acquired");
    });

    it("a publisher SIGSTOPped past its lease sends nothing when resumed", async function () {
      // Hand the lease to d: stop the others (a clean stop releases a held lease; a is dead
      // unless this test runs alone).
      for (const service of [a, b, c]) await service.stop();
      const proxy = await countingProxy(node.url);
      try {
        const d = await replica({
          databaseUrl: database.url,
          deployments,
          rpcUrl: proxy.url,
          env: { CREDANCHOR_FAULT: "before-send", CREDANCHOR_FAULT_SIGNAL: "SIGSTOP" },
          leader: true,
        });
        const e = await replica({ databaseUrl: database.url, deployments });
        const submitted = await call(e, "POST", "/v1/credentials", { credentials: credentialsWithKeys(10) });
        expect(submitted.status).to.equal(202);
        accepted.push(...submitted.body.credentials.map((credential: any) => credential.id));
        const closed = await call(e, "POST", "/v1/batches/close");
        expect(closed.status).to.equal(202);
        // d records the signed transaction (state `sending`) and stops itself before broadcasting.
        await eventually(async () => ((await call(e, "GET", `/v1/batches/${closed.body.batch.id}`)).body.state === "sending" ? true : undefined), 20_000, "sending");
        const sendsBeforeResume = proxy.sends();
        // e takes the lease after it ran out and finishes the batch (rebroadcasting d's recorded transaction).
        await expectAllAnchoredOnce(e, accepted);
        const nonceBefore = await client.getTransactionCount({ address: hardhatAccount(6).address });
        d.child.kill("SIGCONT");
        // d resumes inside its send step, right before the broadcast: the broadcast is where
        // it finds its lease gone (logged), so once that line is out the send was refused.
        await eventually(async () => (d.output().includes("publisher lease lost mid-pass") ? true : undefined), 30_000, "d refuses to send");
        await eventually(async () => (d.output().includes("publisher lease lost: standing by") ? true : undefined), 30_000, "d stands by");
        expect(proxy.sends(), `d sent after resuming:\n${d.output()}`).to.equal(sendsBeforeResume);
        const nonceAfter = await client.getTransactionCount({ address: hardhatAccount(6).address });
        expect(nonceAfter, "no transaction from the anchorer after d resumed").to.equal(nonceBefore);
        await expectAllAnchoredOnce(e, accepted);
      } finally {
        await proxy.close();
      }
    });
  });

  describe("PostgreSQL restarted during intake (a server of the test's own)", function () {
    let server: OwnPostgres | undefined;
    let database: TestDatabase;

    before(async function () {
      server = await startOwnPostgres();
      if (server === undefined) throw new Error("PostgreSQL binaries not found (set CREDANCHOR_TEST_PG_BIN)");
      database = await createTestDatabase(server.adminUrl);
    });
    after(async function () {
      for (const service of running.splice(0)) await service.stop();
      server?.remove();
    });

    it("keeps every 202 and answers 503 with Retry-After during the outage, never 500", async function () {
      const svc = await replica({ databaseUrl: database.url, deployments: join(tempDir("credanchor-restart-"), "deployments"), leader: true });
      const accepted: string[] = [];
      const statuses: number[] = [];
      let missingRetryAfter = 0;
      let stop = false;
      const load = (async () => {
        while (!stop) {
          const response = await call(svc, "POST", "/v1/credentials", { credentials: credentialsWithKeys(5) });
          statuses.push(response.status);
          if (response.status === 202) accepted.push(...response.body.credentials.map((credential: any) => credential.id));
          else if (response.status === 503 && response.headers.get("retry-after") === null) missingRetryAfter++;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      await eventually(async () => (accepted.length >= 50 ? true : undefined), 20_000, "intake running");
      server!.stop();
      const outageStart = statuses.length;
      await eventually(async () => (statuses.slice(outageStart).includes(503) ? true : undefined), 30_000, "a request answered during the outage");
      server!.start();
      await eventually(async () => (statuses.slice(outageStart).includes(503) && statuses.at(-1) === 202 ? true : undefined), 30_000, "intake back after the restart");
      const recovered = accepted.length;
      await eventually(async () => (accepted.length >= recovered + 25 ? true : undefined), 20_000, "more intake after recovery");
      stop = true;
      await load;
      expect(statuses.filter((status) => status !== 202 && status !== 503), `statuses: ${statuses.join(",")}`).to.deep.equal([]);
      expect(statuses.filter((status) => status === 503).length, "requests in the outage").to.be.greaterThan(0);
      expect(missingRetryAfter, "503s without Retry-After").to.equal(0);
      expect((await call(svc, "POST", "/v1/batches/close")).status).to.equal(202);
      await expectAllAnchoredOnce(svc, accepted);
    });
  });
});
