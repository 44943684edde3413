/**
 * The service against chain trouble: a development chain that was reset (replay, or
 * refusal in production mode), a reorg that removes the anchoring transaction, and an
 * RPC outage.
 */
import { expect } from "chai";
import { createServer, request as httpRequest, type Server, type ServerResponse } from "node:http";

import { loadConfig } from "../../server/config.ts";
import { sendRegistryCall } from "../../server/chain/clients.ts";
import { devAccounts } from "../../server/dev/devAccounts.ts";
import { roleBits } from "../../core/roles.ts";
import type { HardhatNode } from "../../server/dev/devNode.ts";
import { registryAbi } from "../../server/chain/registryAbi.ts";
import { startService } from "../../server/main.ts";
import { expectVerifiesOnChain, eventually } from "./helpers/chain.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { hardhatKey, startFixture, type Fixture } from "./helpers/fixture.ts";
import { freePort, startNode } from "./helpers/processes.ts";

async function anchorAll(fixture: Fixture, token?: string): Promise<void> {
  await fixture.request("POST", "/v1/batches/close", { token });
  await eventually(async () => {
    const { body } = await fixture.request("GET", "/v1/batches", { token });
    return body.batches.every((batch: any) => batch.state === "anchored") ? true : undefined;
  }, 20_000, "all batches anchored");
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<any> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return ((await response.json()) as { result: unknown }).result;
}

describe("chain reset: replay in dev mode, refusal in production", function () {
  this.timeout(120_000);
  let first: HardhatNode;
  let second: HardhatNode | undefined;
  let fixture: Fixture;
  const portables: Record<string, any> = {};

  before(async function () {
    first = await startNode();
    fixture = await startFixture({ node: first });
    const a = await fixture.request("POST", "/v1/credentials", { body: { credentials: Array.from({ length: 6 }, (_, i) => sampleCredential({ n: i })) } });
    await anchorAll(fixture);
    const b = await fixture.request("POST", "/v1/credentials", {
      token: fixture.tokens.b.all,
      body: { credentials: [sampleCredential({ n: 100, issuer: "did:web:other.example" }), sampleCredential({ n: 101, issuer: "did:web:other.example" })] },
    });
    await anchorAll(fixture, fixture.tokens.b.all);
    const ids = a.body.credentials.map((c: any) => c.id);
    await fixture.request("POST", "/v1/credentials/revoke", { body: { ids: [ids[0]], reasonCode: 2 } });
    await fixture.request("POST", "/v1/credentials/suspend", { body: { ids: [ids[1], ids[2]] } });
    await fixture.request("POST", "/v1/credentials/reinstate", { body: { ids: [ids[2]] } });
    await fixture.request("POST", `/v1/batches/${b.body.credentials[0].batch}/revoke`, { token: fixture.tokens.b.all, body: { reasonCode: 3 } });
    for (const [name, id, token] of [
      ["revoked", ids[0], undefined],
      ["suspended", ids[1], undefined],
      ["reinstated", ids[2], undefined],
      ["valid", ids[3], undefined],
      ["batchRevoked", b.body.credentials[1].id, fixture.tokens.b.all],
    ] as const) {
      portables[name] = (await fixture.request("GET", `/v1/credentials/${id}`, { token })).body.credential;
    }
    // One more credential queued but not anchored when the chain goes away.
    portables.queuedId = (await fixture.request("POST", "/v1/credentials", { body: sampleCredential({ n: 50 }) })).body.id;
  });
  after(async function () {
    await fixture?.stop();
    await first?.stop();
    await second?.stop();
  });

  it("replays institutions, roles, anchors and status changes onto a fresh dev chain; old credentials keep verifying", async function () {
    const oldRegistry = fixture.registry;
    await fixture.service.stop();
    await first.stop();
    second = await startNode();
    await fixture.restart({ CREDANCHOR_RPC_URL: second.url });
    expect(fixture.registry).to.equal(oldRegistry); // account #0 at nonce 0 again
    const replay = fixture.service.chain.replay!;
    expect(replay).to.include({ institutions: 2, anchors: 2, statusChanges: 4 });

    const { client } = fixture.service.chain;
    await expectVerifiesOnChain({ client, registry: oldRegistry, portable: portables.valid });
    await expectVerifiesOnChain({ client, registry: oldRegistry, portable: portables.reinstated });
    await expectVerifiesOnChain({ client, registry: oldRegistry, portable: portables.revoked, status: 3 });
    await expectVerifiesOnChain({ client, registry: oldRegistry, portable: portables.suspended, status: 4 });
    await expectVerifiesOnChain({ client, registry: oldRegistry, portable: portables.batchRevoked, status: 5 });
    const report = await fixture.request("POST", "/v1/verify", { body: portables.valid });
    expect(report.body.status).to.equal("valid");

    // The queued credential is anchored on the new chain, and new intake works.
    await anchorAll(fixture);
    const queued = await fixture.request("GET", `/v1/credentials/${portables.queuedId}`);
    await expectVerifiesOnChain({ client, registry: oldRegistry, portable: queued.body.credential });
    const events = await client.getContractEvents({ address: oldRegistry, abi: registryAbi, eventName: "BatchAnchored", fromBlock: 0n });
    expect(events).to.have.length(3);
  });

  it("refuses to start in production mode when its chain was reset, changing nothing", async function () {
    await fixture.service.stop();
    await second!.stop();
    second = await startNode();
    const config = loadConfig({
      env: {
        CREDANCHOR_DEV: "0",
        CREDANCHOR_CHAIN_IDS: "31337",
        CREDANCHOR_RPC_URL: second.url,
        CREDANCHOR_DB_PATH: `${fixture.dataDir}/credanchor.db`,
        CREDANCHOR_DEPLOYMENTS_DIR: `${fixture.dataDir}/deployments`,
        CREDANCHOR_ANCHORER_KEY: hardhatKey(4),
        CREDANCHOR_PORT: "0",
        CREDANCHOR_LOG_LEVEL: "silent",
      },
      argv: [],
    });
    let error: any;
    try {
      const service = await startService({ config, banners: false });
      await service.stop();
    } catch (caught) {
      error = caught;
    }
    expect(error?.code).to.equal("CA_CONFIG_INVALID");
    expect(error.message).to.match(/Refusing to start.*genesis block changed/);
    // Still intact: a dev-mode start replays it.
    await fixture.restart({ CREDANCHOR_RPC_URL: second.url });
    expect(fixture.service.chain.replay!.anchors).to.equal(3);
  });
});

describe("publisher: reorgs and RPC outages", function () {
  this.timeout(120_000);
  let node: HardhatNode;
  let proxy: Server;
  let proxyUp = true;
  /** While true the proxy takes requests and never answers them (a stalled RPC). */
  let proxyStalled = false;
  const stalled: ServerResponse[] = [];
  let reorg: Fixture;
  let outage: Fixture;

  before(async function () {
    node = await startNode();
    const target = new URL(node.url);
    proxy = createServer((req, res) => {
      if (proxyStalled) {
        stalled.push(res);
        return;
      }
      if (!proxyUp) {
        req.socket.destroy();
        return;
      }
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    });
    const port = await freePort();
    await new Promise<void>((resolve) => proxy.listen(port, "127.0.0.1", resolve));
    reorg = await startFixture({ node, secondInstitution: false, env: { CREDANCHOR_CONFIRMATIONS: "3" } });
    outage = await startFixture({
      node,
      anchorerIndex: 6,
      revokerIndex: 7,
      secondInstitution: false,
      env: { CREDANCHOR_RPC_URL: `http://127.0.0.1:${port}` },
    });
  });
  afterEach(function () {
    // One failed test must not leave the proxy stalled or down for the next.
    proxyUp = true;
    proxyStalled = false;
    for (const res of stalled.splice(0)) res.socket?.destroy();
  });
  after(async function () {
    await outage?.stop();
    await reorg?.stop();
    proxy?.closeAllConnections();
    proxy?.close();
    await node?.stop();
  });

  it("waits for the configured confirmations, and sends again when a reorg removes the anchoring transaction", async function () {
    const snapshot = await rpc(node.url, "evm_snapshot");
    const { body } = await reorg.request("POST", "/v1/credentials", { body: sampleCredential({ n: 1 }) });
    await reorg.request("POST", "/v1/batches/close");
    const mined = await eventually(async () => {
      const { body: batch } = await reorg.request("GET", `/v1/batches/${body.batch}`);
      return batch.state === "mined" ? batch : undefined;
    });
    expect(mined.confirmations).to.equal(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await reorg.request("GET", `/v1/batches/${body.batch}`)).body.state).to.equal("mined"); // 1 of 3

    expect(await rpc(node.url, "evm_revert", [snapshot])).to.equal(true);
    await eventually(async () => {
      const metrics = await reorg.request("GET", "/metrics", { token: null });
      return /credanchor_tx_retries_total\{reason="reorg removed the anchoring transaction"\} 1/.test(metrics.text) ? true : undefined;
    }, 20_000, "the reorg noticed");
    // Sent again (the re-signed transaction may be byte-identical: same nonce and fees).
    const resent = await eventually(async () => {
      const { body: batch } = await reorg.request("GET", `/v1/batches/${body.batch}`);
      return batch.state === "mined" ? batch : undefined;
    }, 20_000, "batch re-sent after the reorg");
    expect(resent.lastError).to.equal(null);
    expect(await reorg.client.getTransactionReceipt({ hash: resent.transaction.hash })).to.include({ status: "success" });
    await rpc(node.url, "hardhat_mine", ["0x2"]);
    const anchored = await eventually(async () => {
      const { body: batch } = await reorg.request("GET", `/v1/batches/${body.batch}`);
      return batch.state === "anchored" ? batch : undefined;
    });
    expect(anchored.confirmations).to.be.at.least(3);
    const { body: record } = await reorg.request("GET", `/v1/credentials/${body.id}`);
    await expectVerifiesOnChain({ client: reorg.client, registry: reorg.registry, portable: record.credential });
  });

  it("retries a batch the registry refuses (anchorer role removed) with backoff, and anchors it once the role is back", async function () {
    const { service } = outage;
    const call = { client: service.chain.client, chain: service.chain.chain, registry: service.chain.registry };
    const anchorer = service.chain.accounts.anchorer.address;
    const institution = outage.institutions.a.id;
    await sendRegistryCall({ ...call, account: devAccounts().admin, functionName: "revokeRoles", args: [institution, anchorer, roleBits.anchorer] });
    const { body } = await outage.request("POST", "/v1/credentials", { body: sampleCredential({ n: 3 }) });
    await outage.request("POST", "/v1/batches/close");
    const refused = await eventually(async () => {
      const { body: batch } = await outage.request("GET", `/v1/batches/${body.batch}`);
      return batch.attempts >= 1 && batch.lastError !== null ? batch : undefined;
    });
    expect(refused.state).to.equal("closed");
    expect(refused.lastError).to.include("CredentialRegistryUnauthorized");
    const metrics = await outage.request("GET", "/metrics", { token: null });
    expect(metrics.text).to.match(/credanchor_tx_failures_total\{kind="anchor",reason="reverted"\} [1-9]/);
    await sendRegistryCall({ ...call, account: devAccounts().admin, functionName: "grantRoles", args: [institution, anchorer, roleBits.anchorer] });
    await eventually(async () => {
      const { body: batch } = await outage.request("GET", `/v1/batches/${body.batch}`);
      return batch.state === "anchored" ? true : undefined;
    }, 30_000, "anchored after the role is restored");
  });

  it("answers /readyz within milliseconds while the RPC stalls, turns credanchor_rpc_up to 0 promptly, and clears the publisher's error after recovery", async function () {
    const fastRequest = async (path: string) => {
      const started = performance.now();
      const response = await fetch(`${outage.url}${path}`, { signal: AbortSignal.timeout(2_000) }); // a probe's short timeout
      return { status: response.status, text: await response.text(), ms: performance.now() - started };
    };
    expect((await fastRequest("/readyz")).status).to.equal(200);
    proxyStalled = true;
    // The RPC monitor's probe times out after 3 s; readiness must answer at once all along.
    const notReady = await eventually(async () => {
      const response = await fastRequest("/readyz");
      return response.status === 503 ? response : undefined;
    }, 10_000, "readyz reports the stalled RPC");
    expect(JSON.parse(notReady.text).checks.rpc).to.include({ ok: false });
    await eventually(async () => (/credanchor_rpc_up 0/.test((await fastRequest("/metrics")).text) ? true : undefined), 10_000, "rpc_up 0");
    // Then refused outright, until the publisher's own pass has failed and says so.
    proxyUp = false;
    proxyStalled = false;
    for (const res of stalled.splice(0)) res.socket?.destroy();
    await eventually(async () => {
      const { publisher } = JSON.parse((await fastRequest("/readyz")).text).checks;
      return publisher.ok === false && typeof publisher.detail === "string" ? true : undefined;
    }, 30_000, "the publisher reports its failed pass");
    proxyUp = true;
    await eventually(async () => {
      const response = await fastRequest("/readyz");
      const checks = JSON.parse(response.text).checks;
      return response.status === 200 && checks.publisher.ok === true && checks.publisher.detail === undefined ? true : undefined;
    }, 30_000, "ready again, publisher without its old error");
    expect((await fastRequest("/metrics")).text).to.match(/credanchor_rpc_up 1/);
  });

  it("keeps accepting credentials while the RPC is down, reports not ready, and anchors once it is back", async function () {
    proxyUp = false;
    const ready = await eventually(async () => {
      const response = await outage.request("GET", "/readyz", { token: null });
      return response.status === 503 ? response : undefined;
    });
    expect(ready.body.checks.rpc.ok).to.equal(false);
    expect(ready.body.checks.database.ok).to.equal(true);
    const { status, body } = await outage.request("POST", "/v1/credentials", { body: sampleCredential({ n: 2 }) });
    expect(status).to.equal(202);
    await outage.request("POST", "/v1/batches/close");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await outage.request("GET", `/v1/batches/${body.batch}`)).body.state).to.equal("closed");
    const metrics = await outage.request("GET", "/metrics", { token: null });
    expect(metrics.text).to.match(/credanchor_rpc_up 0/);

    proxyUp = true;
    await eventually(async () => {
      const { body: batch } = await outage.request("GET", `/v1/batches/${body.batch}`);
      return batch.state === "anchored" ? true : undefined;
    }, 30_000, "anchored after the outage");
    expect((await outage.request("GET", "/readyz", { token: null })).status).to.equal(200);
  });
});
