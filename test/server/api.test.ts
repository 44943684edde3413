import { expect } from "chai";
import { Agent, get as httpGet } from "node:http";

import { leafHash } from "../../core/index.ts";
import { expectVerifiesOnChain, eventually } from "./helpers/chain.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { startFixture, type Fixture } from "./helpers/fixture.ts";

describe("service API: happy paths", function () {
  let fixture: Fixture;

  before(async function () {
    fixture = await startFixture();
  });
  after(async function () {
    await fixture?.stop();
  });

  async function anchoredBatch(batch: number) {
    return eventually(async () => {
      const { body } = await fixture.request("GET", `/v1/batches/${batch}`);
      return body.state === "anchored" ? body : undefined;
    }, 20_000, `batch ${batch} anchored`);
  }

  it("accepts one credential with 202, its leaf position and status queued", async function () {
    const credential = sampleCredential({ n: 1 });
    const { status, body } = await fixture.request("POST", "/v1/credentials", { body: credential });
    expect(status).to.equal(202);
    expect(body).to.include({ clientId: credential.id, status: "queued", leafIndex: 0 });
    expect(body.id).to.match(/^[0-9a-f-]{36}$/);
    expect(body.leafHash).to.equal(leafHash({ leafIndex: 0, credentialHash: body.credentialHash }));
    const pending = await fixture.request("GET", `/v1/credentials/${body.id}`);
    expect(pending.status).to.equal(200);
    expect(pending.body).to.include({ status: "queued", batchState: "open" });
    expect(pending.body.credential.proof).to.equal(undefined);
    const proof = await fixture.request("GET", `/v1/credentials/${body.id}/proof`);
    expect(proof.status).to.equal(409);
    expect(proof.body.error.code).to.equal("CA_CREDENTIAL_PENDING");
  });

  it("accepts a bulk submission and an NDJSON stream, keeping input order in the leaf positions", async function () {
    const bulk = await fixture.request("POST", "/v1/credentials", {
      body: { credentials: [sampleCredential({ n: 2 }), { clientId: "client-3", credential: sampleCredential({ n: 3 }) }] },
    });
    expect(bulk.status).to.equal(202);
    expect(bulk.body.credentials.map((c: any) => c.leafIndex)).to.deep.equal([1, 2]);
    expect(bulk.body.credentials[1].clientId).to.equal("client-3");

    const lines = [4, 5, 6].map((n) => JSON.stringify(sampleCredential({ n }))).join("\n");
    const ndjson = await fixture.request("POST", "/v1/credentials", { raw: `${lines}\n`, headers: { "content-type": "application/x-ndjson" } });
    expect(ndjson.status).to.equal(202);
    expect(ndjson.headers.get("content-type")).to.match(/application\/x-ndjson/);
    const results = ndjson.text.trim().split("\n").map((line) => JSON.parse(line));
    expect(results.map((r) => r.leafIndex)).to.deep.equal([3, 4, 5]);
  });

  it("closes the open batch on demand, anchors it, and serves portable credentials that verify on chain", async function () {
    const close = await fixture.request("POST", "/v1/batches/close");
    expect(close.status).to.equal(202);
    expect(close.body.batch).to.include({ id: 1, size: 6 });
    const batch = await anchoredBatch(1);
    expect(batch.merkleRoot).to.match(/^0x[0-9a-f]{64}$/);
    expect(batch.transaction.hash).to.match(/^0x[0-9a-f]{64}$/);
    expect(batch.block.number).to.be.a("number");
    expect(batch.confirmations).to.be.at.least(1);

    const list = await fixture.request("GET", "/v1/batches");
    expect(list.body.batches.map((b: any) => b.id)).to.include(1);

    const submitted = await fixture.request("POST", "/v1/credentials", { body: sampleCredential({ n: 1 }) });
    expect(submitted.body.existing).to.equal(true); // idempotent replay of the first credential
    const { body } = await fixture.request("GET", `/v1/credentials/${submitted.body.id}`);
    expect(body.status).to.equal("anchored");
    expect(body.credential.proof.format).to.equal("credanchor-proof-v1");
    expect(body.credential.proof.anchorTransaction).to.equal(batch.transaction.hash);
    await expectVerifiesOnChain({ client: fixture.client, registry: fixture.registry, portable: body.credential });

    const proof = await fixture.request("GET", `/v1/credentials/${submitted.body.id}/proof`);
    expect(proof.status).to.equal(200);
    expect(proof.body.proof).to.deep.equal(body.credential.proof);
    expect(proof.body.credentialStatus).to.deep.equal(body.credential.credentialStatus);
    // Another credential of the same batch (the per-batch template path) equals attachProof's output too.
    const { body: sibling } = await fixture.request("POST", "/v1/credentials", { body: sampleCredential({ n: 4 }) });
    const siblingProof = await fixture.request("GET", `/v1/credentials/${sibling.id}/proof`);
    const siblingRecord = await fixture.request("GET", `/v1/credentials/${sibling.id}`);
    expect(siblingProof.body.proof).to.deep.equal(siblingRecord.body.credential.proof);
    expect(siblingProof.body.credentialStatus).to.deep.equal(siblingRecord.body.credential.credentialStatus);
    expect(siblingProof.body.proof.leafIndex).to.equal(3);
    expect(proof.body.credentialStatus.batchId).to.equal(batch.chainBatchId);
  });

  it("finds a credential by credential hash and by leaf hash", async function () {
    const { body: accepted } = await fixture.request("POST", "/v1/credentials", { body: sampleCredential({ n: 2 }) });
    for (const hash of [accepted.credentialHash, accepted.leafHash, accepted.leafHash.toUpperCase().replace("0X", "0x")]) {
      const { status, body } = await fixture.request("GET", `/v1/credentials/by-hash/${hash}`);
      expect(status).to.equal(200);
      expect(body.id).to.equal(accepted.id);
    }
  });

  it("reads the live status from the chain", async function () {
    const { body: accepted } = await fixture.request("POST", "/v1/credentials", { body: sampleCredential({ n: 5 }) });
    const { status, body } = await fixture.request("GET", `/v1/credentials/${accepted.id}/status`);
    expect(status).to.equal(200);
    expect(body).to.include({ status: "valid", lifecycle: "anchored", reason: null });
  });

  it("verifies a portable credential with core's report", async function () {
    const { body: accepted } = await fixture.request("POST", "/v1/credentials", { body: sampleCredential({ n: 4 }) });
    const { body: record } = await fixture.request("GET", `/v1/credentials/${accepted.id}`);
    const { status, body } = await fixture.request("POST", "/v1/verify", { body: record.credential });
    expect(status).to.equal(200);
    expect(body.status).to.equal("valid");
    const tampered = { ...record.credential, name: "Something Else" };
    const bad = await fixture.request("POST", "/v1/verify", { body: tampered });
    expect(bad.body.status).to.equal("invalid");
  });

  it("creates, lists and revokes API tokens", async function () {
    const created = await fixture.request("POST", "/v1/tokens", { token: fixture.tokens.a.admin, body: { name: "ci", scopes: ["issue", "read"] } });
    expect(created.status).to.equal(201);
    expect(created.body.token).to.match(/^ca_/);
    const listed = await fixture.request("GET", "/v1/tokens", { token: fixture.tokens.a.admin });
    const entry = listed.body.tokens.find((t: any) => t.id === created.body.id);
    expect(entry).to.include({ name: "ci", revokedAt: null });
    expect(entry.token).to.equal(undefined);
    expect((await fixture.request("GET", "/v1/batches", { token: created.body.token })).status).to.equal(200);
    expect((await fixture.request("DELETE", `/v1/tokens/${created.body.id}`, { token: fixture.tokens.a.admin })).status).to.equal(204);
    const after = await fixture.request("GET", "/v1/batches", { token: created.body.token });
    expect(after.status).to.equal(401);
    expect(after.body.error.code).to.equal("CA_UNAUTHENTICATED");
  });

  it("keeps idle connections open for at least 65 s, longer than load balancers keep them (keep-alive timeout)", async function () {
    const agent = new Agent({ keepAlive: true });
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      httpGet(`${fixture.url}/healthz`, { agent }, (response) => {
        response.resume();
        response.on("end", () => resolve(response.headers));
      }).on("error", reject);
    });
    agent.destroy();
    // What clients are told, and what the server does (Node closes idle sockets after keepAliveTimeout).
    const announced = Number(/timeout=(\d+)/.exec(String(headers["keep-alive"]))?.[1]);
    expect(announced, String(headers["keep-alive"])).to.be.at.least(65);
    expect(fixture.service.server.keepAliveTimeout).to.be.at.least(65_000);
  });

  it("serves health, readiness, metrics and the OpenAPI document without a token", async function () {
    expect((await fixture.request("GET", "/healthz", { token: null })).body).to.deep.equal({ status: "ok" });
    const ready = await fixture.request("GET", "/readyz", { token: null });
    expect(ready.status).to.equal(200);
    expect(ready.body.checks.database.ok).to.equal(true);
    expect(ready.body.checks.rpc.ok).to.equal(true);
    const metrics = await fixture.request("GET", "/metrics", { token: null });
    for (const name of [
      "credanchor_queue_depth",
      "credanchor_batch_size",
      "credanchor_anchoring_latency_seconds",
      "credanchor_tx_failures_total",
      "credanchor_tx_retries_total",
      "credanchor_http_request_duration_seconds",
    ]) {
      expect(metrics.text).to.include(name);
    }
    const openapi = await fixture.request("GET", "/openapi.json", { token: null });
    expect(openapi.body.openapi).to.equal("3.1.0");
  });
});
