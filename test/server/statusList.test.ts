/**
 * W3C Bitstring Status Lists served by the service: every credential it signs carries one
 * BitstringStatusListEntry with a random index, the signed list at the entry's URL is
 * public and mirrors the chain (changes sent straight to the registry, as the CLI or an
 * admin's wallet would), and the signature covers the entry.
 */
import { expect } from "chai";
import { request as httpRequest } from "node:http";

import jsonld from "jsonld";

import { decodeStatusList, STATUS_LIST_LENGTH } from "../../core/statusList.ts";
import { createDocumentLoader } from "../../core/vc/documentLoader.ts";
import { verifyIssuerSignature } from "../../core/vc/eddsa.ts";
import { sendRegistryCall } from "../../server/chain/clients.ts";
import { devAccounts } from "../../server/dev/devAccounts.ts";
import { eventually } from "./helpers/chain.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { startFixture, type Fixture } from "./helpers/fixture.ts";
import { createTestDatabase } from "./helpers/postgres.ts";

const DEMO_HOST = "demo.credanchor.local";

/** The service's store: its SQLite file (the fixture's default), or a fresh PostgreSQL database. */
const storeKinds: readonly { readonly name: string; open(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> }[] = [
  { name: "SQLite", open: async () => ({ env: {}, drop: async () => undefined }) },
  {
    name: "PostgreSQL",
    async open() {
      const database = await createTestDatabase();
      return { env: { CREDANCHOR_DATABASE_URL: database.url }, drop: () => database.drop() };
    },
  },
];

for (const storeKind of storeKinds) describe(`status lists on ${storeKind.name}: one random entry per signed credential, lists signed and mirroring the chain`, function () {
  this.timeout(120_000);
  let fixture: Fixture;
  let database: Awaited<ReturnType<(typeof storeKinds)[number]["open"]>> | undefined;
  let records: Record<string, any>[];
  let chainBatchId: `0x${string}`;
  const dev = devAccounts();

  const direct = (functionName: string, args: readonly unknown[]) =>
    sendRegistryCall({
      client: fixture.service.chain.client,
      chain: fixture.service.chain.chain,
      registry: fixture.registry,
      version: fixture.service.chain.registryVersion,
      account: dev.admin,
      functionName,
      args,
    });
  /** The service's own DID document, as a verifier would fetch it. */
  const resolveDid = async (did: string) => {
    // fetch() does not send a Host header of the caller's choosing; node:http does.
    const text = await new Promise<string>((resolve, reject) => {
      const request = httpRequest(new URL("/.well-known/did.json", fixture.url), { headers: { host: DEMO_HOST } }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      });
      request.on("error", reject);
      request.end();
    });
    const document = JSON.parse(text) as { id: string };
    return document.id === did ? document : undefined;
  };
  /** GET of a status list URL, routed to the service (no token). */
  const getList = (url: string, headers: Record<string, string> = {}) => fetch(`${fixture.url}${new URL(url).pathname}`, { headers });
  const bitsOf = async (url: string) => {
    const list = (await (await getList(url)).json()) as Record<string, any>;
    return decodeStatusList({ encodedList: list.credentialSubject.encodedList });
  };

  before(async function () {
    database = await storeKind.open();
    fixture = await startFixture({ env: { CREDANCHOR_SIGN: "1", CREDANCHOR_STATUS_LIST_REFRESH_MS: "100", ...database.env }, secondInstitution: false });
    const { body } = await fixture.request("POST", "/v1/credentials", { body: { credentials: [1, 2, 3, 4, 5].map((n) => sampleCredential({ n })) } });
    expect(body.credentials, JSON.stringify(body)).to.have.length(5);
    await fixture.request("POST", "/v1/batches/close");
    records = await eventually(async () => {
      const all = await Promise.all(body.credentials.map(async ({ id }: { id: string }) => (await fixture.request("GET", `/v1/credentials/${id}`)).body));
      return all.every((record) => record.status === "anchored") ? all : undefined;
    }, 30_000, "credentials anchored");
    chainBatchId = records[0]!.anchor.chainBatchId;
  });
  after(async function () {
    await fixture?.stop();
    await database?.drop();
  });

  it("gives each credential one revocation entry in the institution's list 0, at distinct indices", function () {
    const entries = records.map((record) => record.credential.credentialStatus);
    const listUrl = `https://${DEMO_HOST}/status-lists/${fixture.institutions.a.id}/0`;
    for (const entry of entries) {
      expect(entry).to.deep.equal({
        id: `${listUrl}#${entry.statusListIndex}`,
        type: "BitstringStatusListEntry",
        statusPurpose: "revocation",
        statusListIndex: entry.statusListIndex,
        statusListCredential: listUrl,
      });
      expect(Number(entry.statusListIndex)).to.be.within(0, STATUS_LIST_LENGTH - 1);
    }
    expect(new Set(entries.map((entry) => entry.statusListIndex)).size).to.equal(entries.length);
    // Five consecutive credentials at five consecutive indices would mean no shuffling at all.
    const sorted = entries.map((entry) => Number(entry.statusListIndex)).sort((a, b) => a - b);
    expect(sorted.at(-1)! - sorted[0]!).to.be.greaterThan(entries.length);
  });

  it("issues credentials that expand in JSON-LD safe mode with their entry and both proofs, and a list that does too", async function () {
    const documentLoader = createDocumentLoader();
    for (const record of records) {
      const expanded = JSON.stringify(await jsonld.expand(structuredClone(record.credential), { documentLoader, safe: true }));
      expect(expanded).to.include("https://www.w3.org/ns/credentials/status#statusListIndex");
    }
    const list = await (await getList(records[0]!.credential.credentialStatus.statusListCredential)).json();
    await jsonld.expand(list, { documentLoader, safe: true });
  });

  it("signs over the entry: a credential whose status index was changed no longer verifies", async function () {
    const { proof: proofs, ...rest } = records[0]!.credential;
    const signedOnly = { ...rest, proof: proofs[0] };
    expect((await verifyIssuerSignature({ credential: signedOnly, resolveDid })).outcome).to.equal("valid");
    const moved = { ...signedOnly, credentialStatus: { ...signedOnly.credentialStatus, statusListIndex: String((Number(signedOnly.credentialStatus.statusListIndex) + 1) % STATUS_LIST_LENGTH) } };
    expect((await verifyIssuerSignature({ credential: moved, resolveDid })).outcome).to.equal("invalid");
  });

  it("serves the list without a token: a signed BitstringStatusListCredential of the issuer, all clear, with caching headers", async function () {
    const url = records[0]!.credential.credentialStatus.statusListCredential;
    const response = await getList(url);
    expect(response.status).to.equal(200);
    expect(response.headers.get("cache-control")).to.equal("public, max-age=10");
    const etag = response.headers.get("etag");
    expect(etag).to.match(/^"[A-Za-z0-9_-]+"$/);
    const list = (await response.json()) as Record<string, any>;
    expect(list).to.deep.include({ id: url, issuer: fixture.institutions.a.identifier, type: ["VerifiableCredential", "BitstringStatusListCredential"] });
    expect(list.credentialSubject).to.deep.include({ type: "BitstringStatusList", statusPurpose: "revocation" });
    expect(Date.parse(list.validUntil)).to.be.greaterThan(Date.now());
    // Valid from a few minutes back: a verifier whose clock runs behind still accepts a list just signed.
    expect(Date.parse(list.validFrom)).to.be.below(Date.now() - 60_000);
    expect((await verifyIssuerSignature({ credential: list, resolveDid })).outcome).to.equal("valid");
    const bits = await decodeStatusList({ encodedList: list.credentialSubject.encodedList });
    expect(bits.length).to.equal(STATUS_LIST_LENGTH);
    for (const record of records) expect(bits.isSet(Number(record.credential.credentialStatus.statusListIndex))).to.equal(false);
    expect((await getList(url, { "if-none-match": etag! })).status).to.equal(304);
  });

  it("sets exactly the revoked credential's bit once the revocation reaches the chain, and leaves a suspension's clear", async function () {
    const url = records[0]!.credential.credentialStatus.statusListCredential;
    await direct("revokeCredentials", [chainBatchId, [BigInt(records[1]!.leafIndex)], 1]);
    await direct("suspendCredentials", [chainBatchId, [BigInt(records[2]!.leafIndex)], 1]);
    const bits = await eventually(async () => {
      const decoded = await bitsOf(url);
      return decoded.isSet(Number(records[1]!.credential.credentialStatus.statusListIndex)) ? decoded : undefined;
    }, 30_000, "the revocation in the list");
    const set = records.map((record) => bits.isSet(Number(record.credential.credentialStatus.statusListIndex)));
    expect(set).to.deep.equal([false, true, false, false, false]);
    // Suspended on chain (the service's status answers it) but not revoked in the list.
    const status = await eventually(async () => {
      const body = (await fixture.request("GET", `/v1/credentials/${records[2]!.id}/status`)).body;
      return body.status === "suspended" ? body : undefined;
    }, 30_000, "the suspension indexed");
    expect(status.status).to.equal("suspended");
    expect((await bitsOf(url)).isSet(Number(records[2]!.credential.credentialStatus.statusListIndex))).to.equal(false);
  });

  it("sets every credential's bit when the whole batch is revoked on chain", async function () {
    const url = records[0]!.credential.credentialStatus.statusListCredential;
    await direct("revokeBatch", [chainBatchId, 1]);
    // Registry v2 only schedules a batch revocation; the dev registry's delay is 0, so it can be executed at once.
    if (fixture.service.chain.registryVersion === 2) await direct("executeBatchRevocation", [chainBatchId]);
    const bits = await eventually(async () => {
      const decoded = await bitsOf(url);
      return decoded.isSet(Number(records[0]!.credential.credentialStatus.statusListIndex)) ? decoded : undefined;
    }, 30_000, "the batch revocation in the list");
    expect(records.map((record) => bits.isSet(Number(record.credential.credentialStatus.statusListIndex)))).to.deep.equal([true, true, true, true, true]);
  });

  it("answers a retried submission (same idempotency key) with the stored credential and its entry, a changed one with 409", async function () {
    const credential = sampleCredential({ n: 40 });
    const first = await fixture.request("POST", "/v1/credentials", { body: credential, headers: { "idempotency-key": "retry-40" } });
    expect(first.status, JSON.stringify(first.body)).to.equal(202);
    const again = await fixture.request("POST", "/v1/credentials", { body: credential, headers: { "idempotency-key": "retry-40" } });
    expect(again.status, JSON.stringify(again.body)).to.equal(202);
    // Signed after the 202: the first answer has no hash; the retry (before or after the signer ran) is the stored credential.
    expect(first.body).to.include({ status: "signing" }).and.not.to.have.property("credentialHash");
    expect(again.body).to.deep.include({ id: first.body.id, batch: first.body.batch, leafIndex: first.body.leafIndex, existing: true });
    const stored = await fixture.request("GET", `/v1/credentials/${first.body.id}`);
    if (again.body.status !== "signing") expect(again.body.credentialHash).to.equal(stored.body.credentialHash);
    const changed = await fixture.request("POST", "/v1/credentials", {
      body: { ...credential, name: "Another badge" },
      headers: { "idempotency-key": "retry-40" },
    });
    expect(changed.status).to.equal(409);
    expect(changed.body.error.code).to.equal("CA_IDEMPOTENCY_CONFLICT");
  });

  it("answers an unknown list or a malformed path with a catalogued 404", async function () {
    for (const path of [`/status-lists/${fixture.institutions.a.id}/7`, "/status-lists/999/0", "/status-lists/one/0"]) {
      const response = await fetch(`${fixture.url}${path}`);
      expect(response.status, path).to.equal(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).to.equal("CA_STATUS_LIST_NOT_FOUND");
    }
  });
});
