import { readFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";

import { devAccounts } from "../../server/dev/devAccounts.ts";
import { sendRegistryCall } from "../../server/chain/clients.ts";
import { roleBits } from "../../core/roles.ts";
import { expectVerifiesOnChain, eventually } from "./helpers/chain.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { startFixture, type Fixture } from "./helpers/fixture.ts";

describe("service API: revoke, suspend, reinstate", function () {
  let fixture: Fixture;
  let batch1: any[];
  let batch2: any[];

  async function submitBatch(first: number, count: number, token?: string, issuer?: string): Promise<any[]> {
    const { body } = await fixture.request("POST", "/v1/credentials", {
      token,
      body: { credentials: Array.from({ length: count }, (_, i) => sampleCredential({ n: first + i, issuer })) },
    });
    const { body: closed } = await fixture.request("POST", "/v1/batches/close", { token });
    await eventually(async () => {
      const { body: batch } = await fixture.request("GET", `/v1/batches/${closed.batch.id}`, { token });
      return batch.state === "anchored" ? true : undefined;
    });
    return body.credentials;
  }

  const status = async (id: string, token?: string) => (await fixture.request("GET", `/v1/credentials/${id}/status`, { token })).body;

  before(async function () {
    fixture = await startFixture();
    batch1 = await submitBatch(1, 300);
    batch2 = await submitBatch(1000, 4);
  });
  after(async function () {
    await fixture?.stop();
  });

  it("revokes one credential by id with a reason code, returning the transaction and the new status", async function () {
    const target = batch1[0];
    const { status: code, body } = await fixture.request("POST", "/v1/credentials/revoke", { body: { ids: [target.id], reasonCode: "issuedInError" } });
    expect(code).to.equal(200);
    expect(body.reasonCode).to.equal(1);
    expect(body.transactions).to.have.length(1);
    expect(body.transactions[0].txHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(body.credentials).to.deep.equal([{ id: target.id, batch: target.batch, leafIndex: 0, status: "revoked" }]);
    const live = await status(target.id);
    expect(live.status).to.equal("revoked");
    expect(live.reason).to.include({ code: 1, transactionHash: body.transactions[0].txHash });
    const { body: record } = await fixture.request("GET", `/v1/credentials/${target.id}`);
    await expectVerifiesOnChain({ client: fixture.client, registry: fixture.registry, portable: record.credential, status: 3 });
    const neighbour = await fixture.request("GET", `/v1/credentials/${batch1[1].id}`);
    await expectVerifiesOnChain({ client: fixture.client, registry: fixture.registry, portable: neighbour.body.credential });
  });

  it("answers 409 with the registry's reason when the credential is already revoked", async function () {
    const response = await fixture.request("POST", "/v1/credentials/revoke", { body: { ids: [batch1[0].id] } });
    expect(response.status).to.equal(409);
    expect(response.body.error.code).to.equal("CA_STATUS_CHANGE_REJECTED");
    expect(response.body.error.message).to.include("CredentialRegistryAlreadyRevoked");
  });

  it("suspends and reinstates in bulk by batch and leaf indices (spanning storage words)", async function () {
    const indices = [3, 4, 260, 299];
    const suspended = await fixture.request("POST", "/v1/credentials/suspend", {
      body: { batchId: batch1[0].batch, leafIndices: indices, reasonCode: 8 },
    });
    expect(suspended.status).to.equal(200);
    expect(suspended.body.credentials.map((c: any) => c.status)).to.deep.equal(["suspended", "suspended", "suspended", "suspended"]);
    expect((await status(batch1[260].id)).reason.code).to.equal(8);
    const reinstated = await fixture.request("POST", "/v1/credentials/reinstate", {
      body: { ids: indices.map((i) => batch1[i].id), reasonCode: "cleared" },
    });
    expect(reinstated.status).to.equal(200);
    expect(reinstated.body.credentials.map((c: any) => c.status)).to.deep.equal(["valid", "valid", "valid", "valid"]);
  });

  it("refuses to suspend a revoked credential or reinstate one that is not suspended", async function () {
    const suspend = await fixture.request("POST", "/v1/credentials/suspend", { body: { ids: [batch1[0].id] } });
    expect(suspend.status).to.equal(409);
    expect(suspend.body.error.message).to.include("CredentialRegistryAlreadyRevoked");
    const reinstate = await fixture.request("POST", "/v1/credentials/reinstate", { body: { ids: [batch1[5].id] } });
    expect(reinstate.status).to.equal(409);
    expect(reinstate.body.error.message).to.include("CredentialRegistryNotSuspended");
  });

  it("anchors in registry v2 beside a recorded v1, trusts both, and reads v2's 128-credential windows", async function () {
    expect(fixture.service.chain.registryVersion).to.equal(2);
    const record = JSON.parse(readFileSync(join(fixture.dataDir, "deployments", "localhost.json"), "utf8"));
    expect(record.registries.v2.address).to.equal(fixture.registry);
    expect(record.registries.v1.address).to.be.a("string").and.not.equal(fixture.registry);
    const { body: config } = await fixture.request("GET", "/config.json", { token: null });
    expect(config.registries).to.deep.equal([record.registries.v1.address, fixture.registry]);
    expect(config.anchoringRegistry).to.equal(fixture.registry);
    // Index 200 is in v2's window 1 (bit 72); read with v1's 256-credential windows it would be missed.
    const target = batch1[200];
    const { body } = await fixture.request("POST", "/v1/credentials/revoke", { body: { ids: [target.id], reasonCode: 2 } });
    expect(body.credentials[0].status).to.equal("revoked");
    const indexed = await status(target.id);
    expect(indexed.status).to.equal("revoked");
    expect(indexed.history.map((entry: any) => entry.event)).to.deep.equal(["revoked"]);
    expect((await status(batch1[72].id)).status).to.equal("valid");
  });

  it("sends one transaction per batch when a request spans batches", async function () {
    const { body } = await fixture.request("POST", "/v1/credentials/revoke", { body: { ids: [batch1[10].id, batch2[1].id, batch1[11].id] } });
    expect(body.transactions.map((t: any) => t.batch)).to.have.members([batch1[0].batch, batch2[0].batch]);
    expect(body.credentials.map((c: any) => c.status)).to.deep.equal(["revoked", "revoked", "revoked"]);
  });

  it("revokes a whole batch", async function () {
    const { status: code, body } = await fixture.request("POST", `/v1/batches/${batch2[0].batch}/revoke`, { body: { reasonCode: 5 } });
    expect(code).to.equal(200);
    expect(body.status).to.equal("batchRevoked");
    expect((await status(batch2[3].id)).status).to.equal("batchRevoked");
    const again = await fixture.request("POST", `/v1/batches/${batch2[0].batch}/revoke`, { body: {} });
    expect(again.status).to.equal(409);
    expect(again.body.error.message).to.include("CredentialRegistryBatchAlreadyRevoked");
  });

  it("answers 503 naming the problem when the service's revoker key lost its role", async function () {
    const credentials = await submitBatch(2000, 2, fixture.tokens.b.all, "did:web:other.example");
    const dev = devAccounts();
    await sendRegistryCall({
      client: fixture.service.chain.client,
      chain: fixture.service.chain.chain,
      account: dev.admin,
      registry: fixture.registry,
      functionName: "revokeRoles",
      args: [fixture.institutions.b.id, fixture.service.chain.accounts.revoker!.address, roleBits.revoker],
    });
    const response = await fixture.request("POST", "/v1/credentials/revoke", { token: fixture.tokens.b.all, body: { ids: [credentials[0].id] } });
    expect(response.status).to.equal(503);
    expect(response.body.error.code).to.equal("CA_SIGNER_UNAUTHORIZED");
  });
});
