/**
 * Interoperability: what a learner's wallet or an employer's verifier sees. The credential
 * the service issues is checked with @digitalcredentials/verifier-core (the library behind
 * the Learner Credential Wallet and VerifierPlus), its did:web resolution and status list
 * fetches routed to the service under test on loopback; every other non-loopback fetch is
 * refused, so the test also proves signature and status checks needed nothing from the
 * internet (verifier-core's separate JSON-schema step tries to fetch 1EdTech's schema; that
 * fetch is refused). Revocations are sent straight to the registry, never through the
 * service, so a passing "revoked" proves the status list mirrors the chain. 1EdTech's own
 * OB 3.0 examples (test/fixtures/ob3-examples/) go through the same checks.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";

import { sendRegistryCall } from "../../server/chain/clients.ts";
import { devAccounts } from "../../server/dev/devAccounts.ts";
import { eventually } from "./helpers/chain.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { startFixture, type Fixture } from "./helpers/fixture.ts";

const DEMO_HOST = "demo.credanchor.local";

type LogEntry = { id: string; valid?: boolean };
type VerifierCore = typeof import("@digitalcredentials/verifier-core");

describe("interop: @digitalcredentials/verifier-core on service-issued credentials", function () {
  let fixture: Fixture;
  let verifierCore: VerifierCore;
  const fetched: string[] = [];
  const realFetch = globalThis.fetch;

  /** https://demo.credanchor.local/… → the service on loopback, with the DID's Host; all else refused. */
  async function routedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    if (url.hostname === "127.0.0.1") return realFetch(input, init); // the test's own calls to the service and node
    fetched.push(url.href);
    if (url.host !== DEMO_HOST) throw new Error(`outbound fetch refused in this test: ${url.href}`);
    const target = new URL(url.pathname + url.search, fixture.url);
    return new Promise((resolve, reject) => {
      const request = httpRequest(target, { method: init?.method ?? "GET", headers: { host: DEMO_HOST, accept: "application/json" } }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve(new Response(Buffer.concat(chunks), { status: response.statusCode!, headers: { "content-type": String(response.headers["content-type"] ?? "application/json") } })),
        );
      });
      request.on("error", reject);
      request.end();
    });
  }

  before(async function () {
    fixture = await startFixture({ env: { CREDANCHOR_SIGN: "1" }, secondInstitution: false });
    globalThis.fetch = routedFetch as typeof fetch;
    verifierCore = await import("@digitalcredentials/verifier-core");
  });
  after(async function () {
    globalThis.fetch = realFetch;
    await fixture?.stop();
  });

  /** verifier-core's JSON-schema step fetches the OB schema from the internet (refused here) and logs that: kept out of the test output. */
  async function verify(credential: Record<string, unknown>) {
    const { error, log } = console;
    const logged: unknown[] = [];
    console.error = console.log = (...parts: unknown[]) => void logged.push(parts);
    try {
      return (await verifierCore.verifyCredential({ credential: credential as never, knownDIDRegistries: [] as never })) as { log?: LogEntry[]; errors?: { name: string }[] };
    } finally {
      Object.assign(console, { error, log });
    }
  }

  /** Issues through the service and waits for the anchor: the portable credential and its record. */
  async function issuedWithRecord(body: Record<string, unknown>): Promise<{ credential: Record<string, any>; record: Record<string, any> }> {
    const submitted = await fixture.request("POST", "/v1/credentials", { body });
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(202);
    await fixture.request("POST", "/v1/batches/close");
    return eventually(async () => {
      const { body: record } = await fixture.request("GET", `/v1/credentials/${submitted.body.id}`);
      return record.status === "anchored" ? { credential: record.credential, record } : undefined;
    }, 20_000, "credential anchored");
  }

  const issued = async (n: number) => (await issuedWithRecord(sampleCredential({ n }))).credential;

  it("reports valid_signature and a passing revocation status for a fresh credential, from the service's DID document and status list", async function () {
    const credential = await issued(1);
    const result = await verify(credential);
    expect(result.errors, JSON.stringify(result.errors)).to.equal(undefined);
    expect(result.log!.find((entry) => entry.id === "valid_signature")).to.deep.include({ valid: true });
    expect(result.log!.find((entry) => entry.id === "revocation_status"), JSON.stringify(result.log)).to.deep.include({ valid: true });
    expect(fetched).to.include(`https://${DEMO_HOST}/.well-known/did.json`);
    expect(fetched).to.include(credential.credentialStatus.statusListCredential);
  });

  it("reports the credential revoked once it is revoked on chain (sent straight to the registry, not through the service)", async function () {
    const { credential, record } = await issuedWithRecord(sampleCredential({ n: 3 }));
    await revokeOnChain(record);
    const result = await eventually(async () => {
      const verdict = await verify(credential);
      return verdict.log?.find((entry) => entry.id === "revocation_status")?.valid === false ? verdict : undefined;
    }, 30_000, "verifier-core sees the revocation");
    expect(result.log!.find((entry) => entry.id === "valid_signature")).to.deep.include({ valid: true });
  });

  /** Revokes one credential straight on the registry, as the CLI or an admin's wallet would. */
  async function revokeOnChain(record: Record<string, any>): Promise<void> {
    await sendRegistryCall({
      client: fixture.service.chain.client,
      chain: fixture.service.chain.chain,
      registry: fixture.registry,
      account: devAccounts().admin,
      functionName: "revokeCredentials",
      args: [record.anchor.chainBatchId, [BigInt(record.leafIndex)], 1],
    });
  }

  for (const file of ["basic.json", "alignment.json", "skill-assertion.json"]) {
    it(`1EdTech's OB 3.0 example ${file} issued through the service: valid with a passing status, rejected when tampered, revoked once revoked on chain`, async function () {
      const example = JSON.parse(readFileSync(`test/fixtures/ob3-examples/${file}`, "utf8")) as Record<string, any>;
      const { credential, record } = await issuedWithRecord({ ...example, issuer: { ...example.issuer, id: fixture.institutions.a.identifier } });
      expect(credential.credentialStatus.type).to.equal("BitstringStatusListEntry");
      const fresh = await verify(credential);
      expect(fresh.errors, JSON.stringify(fresh.errors)).to.equal(undefined);
      expect(fresh.log!.find((entry) => entry.id === "valid_signature")).to.deep.include({ valid: true });
      expect(fresh.log!.find((entry) => entry.id === "revocation_status"), JSON.stringify(fresh.log)).to.deep.include({ valid: true });

      const tampered = structuredClone(credential);
      tampered.credentialSubject.achievement.name = "Tampered";
      expect((await verify(tampered)).errors?.map((error) => error.name)).to.include("invalid_signature");

      await revokeOnChain(record);
      await eventually(async () => {
        const verdict = await verify(credential);
        return verdict.log?.find((entry) => entry.id === "revocation_status")?.valid === false ? verdict : undefined;
      }, 30_000, `verifier-core sees ${file} revoked`);
    });
  }

  it("refuses the skill assertion example with its credentialSchema (a type no context defines) with a 422, not a signature over undefined terms", async function () {
    const example = JSON.parse(readFileSync("test/fixtures/ob3-examples/skill-assertion.json", "utf8")) as Record<string, any>;
    const withSchema = {
      ...example,
      id: "http://1edtech.edu/credentials/3732-with-schema",
      issuer: { ...example.issuer, id: fixture.institutions.a.identifier },
      credentialSchema: [{ id: "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json", type: "1EdTechJsonSchemaValidator2019" }],
    };
    const refused = await fixture.request("POST", "/v1/credentials", { body: withSchema });
    expect(refused.status).to.equal(422);
    expect(refused.body.error.code).to.equal("CA_CREDENTIALS_INVALID");
    expect(refused.body.error.message).to.include("Safe mode");
  });

  it("rejects a tampered credential", async function () {
    const credential = await issued(2);
    credential.credentialSubject.achievement.name = "Tampered";
    const result = await verify(credential);
    const signature = result.log?.find((entry) => entry.id === "valid_signature");
    expect(signature?.valid === true).to.equal(false);
    expect(result.errors?.map((error) => error.name)).to.include("invalid_signature");
  });
});
