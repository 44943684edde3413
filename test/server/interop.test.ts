/**
 * Interoperability: what a learner's wallet or an employer's verifier sees. The credential
 * the service issues is checked with @digitalcredentials/verifier-core (the library behind
 * the Learner Credential Wallet and VerifierPlus), its did:web resolution routed to the
 * service under test on loopback; every other non-loopback fetch is refused, so the test
 * also proves the signature check needed nothing from the internet (verifier-core's
 * separate JSON-schema step tries to fetch 1EdTech's schema; that fetch is refused).
 */
import { expect } from "chai";
import { request as httpRequest } from "node:http";

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

  async function issued(n: number): Promise<Record<string, any>> {
    const submitted = await fixture.request("POST", "/v1/credentials", { body: sampleCredential({ n }) });
    expect(submitted.status).to.equal(202);
    await fixture.request("POST", "/v1/batches/close");
    return eventually(async () => {
      const { body } = await fixture.request("GET", `/v1/credentials/${submitted.body.id}`);
      return body.status === "anchored" ? body.credential : undefined;
    }, 20_000, "credential anchored");
  }

  it("reports valid_signature for a fresh credential (the anchor proof skipped) after resolving did:web at the service", async function () {
    const credential = await issued(1);
    const result = await verify(credential);
    expect(result.errors, JSON.stringify(result.errors)).to.equal(undefined);
    expect(result.log!.find((entry) => entry.id === "valid_signature")).to.deep.include({ valid: true });
    expect(fetched).to.include(`https://${DEMO_HOST}/.well-known/did.json`);
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
