import { expect } from "chai";

import { eventually } from "./helpers/chain.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { startFixture, type Fixture } from "./helpers/fixture.ts";

describe("service API: institutions, tokens and idempotency", function () {
  let fixture: Fixture;

  before(async function () {
    fixture = await startFixture();
  });
  after(async function () {
    await fixture?.stop();
  });

  describe("token scoping across two institutions", function () {
    let mine: any;
    let batchOfMine: number;

    before(async function () {
      ({ body: mine } = await fixture.request("POST", "/v1/credentials", { body: sampleCredential({ n: 1 }) }));
      batchOfMine = mine.batch;
      await fixture.request("POST", "/v1/batches/close");
      await eventually(async () => {
        const { body } = await fixture.request("GET", `/v1/batches/${batchOfMine}`);
        return body.state === "anchored" ? true : undefined;
      });
    });

    it("answers 404 (not 403) when another institution's token reads a credential, its proof, status or hash", async function () {
      const other = fixture.tokens.b.all;
      for (const path of [
        `/v1/credentials/${mine.id}`,
        `/v1/credentials/${mine.id}/proof`,
        `/v1/credentials/${mine.id}/status`,
        `/v1/credentials/by-hash/${mine.credentialHash}`,
        `/v1/credentials/by-hash/${mine.leafHash}`,
        `/v1/batches/${batchOfMine}`,
      ]) {
        const response = await fixture.request("GET", path, { token: other });
        expect(response.status, path).to.equal(404);
        expect(response.body.error.code).to.equal("CA_NOT_FOUND");
      }
      const list = await fixture.request("GET", "/v1/batches", { token: other });
      expect(list.body.batches.map((b: any) => b.id)).to.not.include(batchOfMine);
    });

    it("answers 404 when another institution's token tries to change a credential's or batch's status", async function () {
      const other = fixture.tokens.b.all;
      const byId = await fixture.request("POST", "/v1/credentials/revoke", { token: other, body: { ids: [mine.id] } });
      expect(byId.status).to.equal(404);
      const byIndex = await fixture.request("POST", "/v1/credentials/suspend", { token: other, body: { batchId: batchOfMine, leafIndices: [0] } });
      expect(byIndex.status).to.equal(404);
      const batch = await fixture.request("POST", `/v1/batches/${batchOfMine}/revoke`, { token: other, body: {} });
      expect(batch.status).to.equal(404);
      const status = await fixture.request("GET", `/v1/credentials/${mine.id}/status`);
      expect(status.body.status).to.equal("valid");
    });

    it("keeps tokens of one institution invisible to another", async function () {
      const created = await fixture.request("POST", "/v1/tokens", { body: { name: "a-only", scopes: ["issue"] } });
      const listB = await fixture.request("GET", "/v1/tokens", { token: fixture.tokens.b.all });
      expect(listB.body.tokens.map((t: any) => t.id)).to.not.include(created.body.id);
      expect((await fixture.request("DELETE", `/v1/tokens/${created.body.id}`, { token: fixture.tokens.b.all })).status).to.equal(404);
    });

    it("rejects a credential naming the other institution as issuer", async function () {
      const response = await fixture.request("POST", "/v1/credentials", { token: fixture.tokens.b.all, body: sampleCredential({ n: 2 }) });
      expect(response.status).to.equal(422);
      const ok = await fixture.request("POST", "/v1/credentials", { token: fixture.tokens.b.all, body: sampleCredential({ n: 2, issuer: "did:web:other.example" }) });
      expect(ok.status).to.equal(202);
      expect(ok.body.batch).to.not.equal(batchOfMine);
    });
  });

  describe("idempotency", function () {
    it("returns the existing record when the same key is submitted again with the same content", async function () {
      const credential = sampleCredential({ n: 50 });
      const first = await fixture.request("POST", "/v1/credentials", { body: { clientId: "order-50", credential } });
      const again = await fixture.request("POST", "/v1/credentials", { body: { clientId: "order-50", credential } });
      expect(again.status).to.equal(202);
      expect(again.body).to.include({ id: first.body.id, leafIndex: first.body.leafIndex, batch: first.body.batch, existing: true });
      // Key order and whitespace do not matter: the content is compared canonically.
      const reordered = Object.fromEntries(Object.entries(credential).reverse());
      const third = await fixture.request("POST", "/v1/credentials", { body: { credential: reordered, clientId: "order-50" } });
      expect(third.body.id).to.equal(first.body.id);
    });

    it("uses the credential id as the key when no clientId is given, and the Idempotency-Key header for single submissions", async function () {
      const credential = sampleCredential({ n: 51 });
      const first = await fixture.request("POST", "/v1/credentials", { body: credential });
      expect(first.body.clientId).to.equal(credential.id);
      expect((await fixture.request("POST", "/v1/credentials", { body: credential })).body.id).to.equal(first.body.id);
      const keyed = await fixture.request("POST", "/v1/credentials", { body: sampleCredential({ n: 52 }), headers: { "idempotency-key": "hdr-52" } });
      expect(keyed.body.clientId).to.equal("hdr-52");
      const again = await fixture.request("POST", "/v1/credentials", { body: sampleCredential({ n: 52 }), headers: { "idempotency-key": "hdr-52" } });
      expect(again.body.id).to.equal(keyed.body.id);
    });

    it("answers 409 naming the key when it was used for different content, and stores nothing", async function () {
      await fixture.request("POST", "/v1/credentials", { body: { clientId: "order-60", credential: sampleCredential({ n: 60 }) } });
      const before = await fixture.service.store.countPendingCredentials();
      const response = await fixture.request("POST", "/v1/credentials", {
        body: {
          credentials: [
            { clientId: "fresh-61", credential: sampleCredential({ n: 61 }) },
            { clientId: "order-60", credential: sampleCredential({ n: 62 }) },
          ],
        },
      });
      expect(response.status).to.equal(409);
      expect(response.body.error.code).to.equal("CA_IDEMPOTENCY_CONFLICT");
      expect(response.body.error.message).to.include('"order-60"');
      expect(response.body.error.details[0]).to.include({ position: 1, path: "$.credentials[1]" });
      expect(await fixture.service.store.countPendingCredentials()).to.equal(before);
    });

    it("stores a key repeated inside one bulk request once", async function () {
      const credential = sampleCredential({ n: 70 });
      const { body } = await fixture.request("POST", "/v1/credentials", {
        body: { credentials: [{ clientId: "dup-70", credential }, { clientId: "dup-70", credential }] },
      });
      expect(body.credentials[0].id).to.equal(body.credentials[1].id);
      expect(body.credentials[1].existing).to.equal(true);
    });

    it("keeps keys per institution: the same key in two institutions makes two credentials", async function () {
      const a = await fixture.request("POST", "/v1/credentials", { body: { clientId: "shared-key", credential: sampleCredential({ n: 80 }) } });
      const b = await fixture.request("POST", "/v1/credentials", {
        token: fixture.tokens.b.all,
        body: { clientId: "shared-key", credential: sampleCredential({ n: 80, issuer: "did:web:other.example" }) },
      });
      expect(a.status).to.equal(202);
      expect(b.status).to.equal(202);
      expect(a.body.id).to.not.equal(b.body.id);
    });
  });
});
