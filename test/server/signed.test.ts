/**
 * The service issues credanchor-proof-v2 (CREDANCHOR_SIGN on): dev mode's demo key signs
 * at intake, the DID document is served for did:web resolution, the anchored credential
 * verifies with core (signature included), and a bad signature submitted from elsewhere
 * is refused with a 422 naming the proof.
 */
import { expect } from "chai";
import { request as httpRequest } from "node:http";

import type { DidDocument } from "../../core/index.ts";
import { generateSigningKey, signCredential } from "../../core/vc/eddsa.ts";
import { verifyCredential } from "../../core/verify/verifyCredentials.ts";
import { eventually } from "./helpers/chain.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { startFixture, type Fixture } from "./helpers/fixture.ts";

const DEMO_DID = "did:web:demo.credanchor.local";

/** GET with a chosen Host header (what a did:web resolver sends for the DID's host). */
function getWithHost(url: string, host: string): Promise<{ status: number; text: string; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { host } }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, text, type: response.headers["content-type"] }));
    });
    request.on("error", reject);
    request.end();
  });
}

describe("service: signed credentials (credanchor-proof-v2)", function () {
  let fixture: Fixture;
  const resolveDid = async (did: string) => {
    if (did !== DEMO_DID) return undefined;
    const { status, text } = await getWithHost(`${fixture.url}/.well-known/did.json`, "demo.credanchor.local");
    return status === 200 ? (JSON.parse(text) as DidDocument) : undefined;
  };

  before(async function () {
    fixture = await startFixture({ env: { CREDANCHOR_SIGN: "1" }, secondInstitution: false });
  });
  after(async function () {
    await fixture?.stop();
  });

  it("serves the demo institution's DID document by Host and path, and 404 for a DID it has no key for", async function () {
    const served = await getWithHost(`${fixture.url}/.well-known/did.json`, "demo.credanchor.local");
    expect(served.status).to.equal(200);
    expect(served.type).to.match(/application\/did\+json/);
    const document = JSON.parse(served.text);
    expect(document.id).to.equal(DEMO_DID);
    expect(document.assertionMethod).to.deep.equal([`${DEMO_DID}#key-1`]);
    expect(served.text).to.not.include("secretKeyMultibase");
    const other = await getWithHost(`${fixture.url}/.well-known/did.json`, "other.example");
    expect(other.status).to.equal(404);
  });

  it("signs at intake, anchors, and serves a portable credential whose signature and anchor verify", async function () {
    const submitted = await fixture.request("POST", "/v1/credentials", { body: sampleCredential({ n: 1 }) });
    expect(submitted.status).to.equal(202);
    expect((await fixture.request("POST", "/v1/batches/close")).status).to.equal(202);
    const portable = await eventually(async () => {
      const { body } = await fixture.request("GET", `/v1/credentials/${submitted.body.id}`);
      return body.status === "anchored" ? body.credential : undefined;
    }, 20_000, "credential anchored");
    expect(portable.proof.map((proof: any) => proof.cryptosuite)).to.deep.equal(["eddsa-rdfc-2022", "credanchor-merkle-2026"]);
    const report = await verifyCredential({ credential: portable, client: fixture.client, trustedRegistries: [fixture.registry], resolveDid });
    expect(report.checks.filter((check) => check.outcome !== "valid")).to.deep.equal([]);
    expect(report.status).to.equal("valid");

    const tampered = { ...portable, name: "Tampered" };
    const bad = await verifyCredential({ credential: tampered, client: fixture.client, trustedRegistries: [fixture.registry], resolveDid });
    expect(bad.status).to.equal("invalid");
  });

  it("refuses a credential signed elsewhere with a key that is not the institution's, naming $.proof", async function () {
    const stranger = await generateSigningKey({ controller: DEMO_DID, id: `${DEMO_DID}#key-9` });
    const signed = await signCredential({ credential: sampleCredential({ n: 2 }), key: stranger });
    const { status, body } = await fixture.request("POST", "/v1/credentials", { body: signed });
    expect(status).to.equal(422);
    expect(body.error.details[0].path).to.equal("$.proof");
    expect(body.error.message).to.include("$.proof");
  });
});
