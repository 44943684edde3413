import { expect } from "chai";

import { sampleCredential } from "./helpers/credentials.ts";
import { startFixture, type ApiResponse, type Fixture } from "./helpers/fixture.ts";

/** Asserts a 4xx error body that names the problem. */
function expectError(response: ApiResponse, status: number, code: string, path?: string): void {
  expect(response.status, response.text).to.equal(status);
  expect(response.body.error.code).to.equal(code);
  expect(response.body.error.message).to.be.a("string").and.not.match(/\bat .*\.ts:\d+/); // no stack traces
  expect(response.body.error.hints).to.be.an("array").that.is.not.empty;
  if (path !== undefined) expect(response.body.error.details.map((d: any) => d.path)).to.include(path);
}

describe("service API: bad input is answered 4xx with a code, a message and the field", function () {
  let fixture: Fixture;
  const UNKNOWN_UUID = "0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee";

  before(async function () {
    fixture = await startFixture({
      env: { CREDANCHOR_BODY_LIMIT_BYTES: "200000", CREDANCHOR_MAX_CREDENTIALS_PER_REQUEST: "100", CREDANCHOR_NDJSON_LIMIT_BYTES: "300000" },
      secondInstitution: false,
    });
  });
  after(async function () {
    await fixture?.stop();
  });

  const post = (body: unknown, headers?: Record<string, string>) => fixture.request("POST", "/v1/credentials", { body, headers });
  const postRaw = (raw: string, contentType = "application/json") =>
    fixture.request("POST", "/v1/credentials", { raw, headers: { "content-type": contentType } });
  const storedCount = async () => (await fixture.service.store.countPendingCredentials());

  describe("malformed JSON", function () {
    it("rejects a body that is not JSON", async function () {
      expectError(await postRaw('{"@context": ['), 400, "CA_REQUEST_JSON_MALFORMED", "$");
    });
    it("rejects a bulk body with one malformed element, naming its position", async function () {
      const good = JSON.stringify(sampleCredential({ n: 1 }));
      const response = await postRaw(`{"credentials":[${good}, {"a": tru}]}`);
      expectError(response, 400, "CA_REQUEST_JSON_MALFORMED", "$.credentials[1]");
    });
    it("rejects an NDJSON line that is not JSON, naming its position", async function () {
      const response = await postRaw(`${JSON.stringify(sampleCredential({ n: 1 }))}\n{nope\n`, "application/x-ndjson");
      expectError(response, 400, "CA_REQUEST_JSON_MALFORMED", "$[1]");
    });
    it("rejects malformed JSON on other endpoints", async function () {
      const response = await fixture.request("POST", "/v1/credentials/revoke", { raw: "{", headers: { "content-type": "application/json" } });
      expectError(response, 400, "CA_REQUEST_JSON_MALFORMED");
    });
  });

  describe("wrong types and unknown fields", function () {
    it("rejects a JSON array body", async function () {
      expectError(await post([1, 2]), 400, "CA_REQUEST_INVALID", "$");
    });
    it("rejects credentials that is not an array", async function () {
      expectError(await post({ credentials: "x" }), 400, "CA_REQUEST_INVALID", "$.credentials");
    });
    it("rejects an empty bulk submission", async function () {
      expectError(await post({ credentials: [] }), 400, "CA_REQUEST_INVALID", "$.credentials");
    });
    it("rejects unknown members of a bulk submission", async function () {
      expectError(await post({ credentials: [sampleCredential({ n: 1 })], extra: 1 }), 400, "CA_REQUEST_INVALID", "$.extra");
    });
    it("rejects unknown members of an envelope and a clientId of the wrong type", async function () {
      expectError(await post({ credentials: [{ credential: sampleCredential({ n: 1 }), note: "x" }] }), 400, "CA_REQUEST_INVALID", "$.credentials[0].note");
      expectError(await post({ credentials: [{ credential: sampleCredential({ n: 1 }), clientId: 7 }] }), 400, "CA_REQUEST_INVALID", "$.credentials[0].clientId");
    });
    it("rejects an Idempotency-Key header on a bulk submission", async function () {
      expectError(await post({ credentials: [sampleCredential({ n: 1 })] }, { "idempotency-key": "k" }), 400, "CA_REQUEST_INVALID", "Idempotency-Key header");
    });
    it("rejects an unsupported content type with 415", async function () {
      expectError(await postRaw("hello", "text/plain"), 415, "CA_UNSUPPORTED_MEDIA_TYPE");
    });
    it("rejects a JSON body declared in a charset other than UTF-8 with 415, storing nothing", async function () {
      const before = await storedCount();
      const body = JSON.stringify({ credentials: [sampleCredential({ n: 9101 })] });
      const response = await postRaw(body, "application/json; charset=iso-8859-1");
      expectError(response, 415, "CA_UNSUPPORTED_MEDIA_TYPE");
      expect(response.body.error.message).to.contain("iso-8859-1");
      expect(await storedCount()).to.equal(before);
    });
    it("reads a UTF-8 body that starts with a byte order mark, keeping non-ASCII text intact", async function () {
      const name = "Zürich — Grundlagen ✓ 学位";
      const credential = sampleCredential({ n: 9102, extra: { name } });
      const response = await postRaw(`\uFEFF${JSON.stringify({ credentials: [credential] })}`, "application/json; charset=UTF-8");
      expect(response.status, JSON.stringify(response.body)).to.equal(202);
      const stored = await fixture.request("GET", `/v1/credentials/${response.body.credentials[0].id}`);
      expect(stored.body.credential.name).to.equal(name);
    });
    it("rejects unknown fields and bad reason codes in status changes", async function () {
      expectError(await fixture.request("POST", "/v1/credentials/revoke", { body: { ids: [UNKNOWN_UUID], why: 1 } }), 400, "CA_REQUEST_INVALID", "$.why");
      expectError(await fixture.request("POST", "/v1/credentials/revoke", { body: { ids: [UNKNOWN_UUID], reasonCode: "because" } }), 400, "CA_REQUEST_INVALID", "$.reasonCode");
      expectError(await fixture.request("POST", "/v1/credentials/suspend", { body: { ids: "x" } }), 400, "CA_REQUEST_INVALID", "$.ids");
      expectError(await fixture.request("POST", "/v1/credentials/reinstate", { body: {} }), 400, "CA_REQUEST_INVALID", "$");
    });
    it("rejects unknown fields and unknown scopes when creating tokens", async function () {
      expectError(await fixture.request("POST", "/v1/tokens", { body: { name: "x", scopes: ["issue"], ttl: 5 } }), 400, "CA_REQUEST_INVALID", "$.ttl");
      expectError(await fixture.request("POST", "/v1/tokens", { body: { name: "x", scopes: ["root"] } }), 400, "CA_REQUEST_INVALID", "$.scopes[0]");
      expectError(await fixture.request("POST", "/v1/tokens", { body: { scopes: ["issue"] } }), 400, "CA_REQUEST_INVALID", "$.name");
    });
  });

  describe("invalid credentials (all or nothing)", function () {
    it("names the JSON path of each problem in a single credential", async function () {
      const credential = sampleCredential({ n: 1 }) as any;
      delete credential.credentialSubject.achievement.name;
      credential.validFrom = "yesterday";
      const response = await post(credential);
      expectError(response, 422, "CA_CREDENTIALS_INVALID", "$.credentialSubject.achievement.name");
      expect(response.body.error.details.map((d: any) => d.path)).to.include("$.validFrom");
    });
    it("rejects a credential whose issuer is another institution, or that carries a proof", async function () {
      expectError(await post(sampleCredential({ n: 1, issuer: "did:web:evil.example" })), 422, "CA_CREDENTIALS_INVALID", "$.issuer.id");
      expectError(await post(sampleCredential({ n: 1, extra: { proof: { type: "X" } } })), 422, "CA_CREDENTIALS_INVALID", "$.proof");
    });
    it("rejects a whole bulk submission with the positions of the bad credentials and stores nothing", async function () {
      const before = await storedCount();
      const credentials: unknown[] = Array.from({ length: 5 }, (_, i) => sampleCredential({ n: 100 + i }));
      (credentials[1] as any).type = ["VerifiableCredential"]; // still VC 2.0 valid
      delete (credentials[1] as any)["@context"];
      credentials[3] = { clientId: "c3", credential: { ...sampleCredential({ n: 103 }), credentialSubject: "nobody" } };
      const response = await post({ credentials });
      expectError(response, 422, "CA_CREDENTIALS_INVALID");
      const positions = [...new Set(response.body.error.details.map((d: any) => d.position))];
      expect(positions).to.deep.equal([1, 3]);
      expect(response.body.error.details.map((d: any) => d.path)).to.include.members(["$.credentials[1]['@context']", "$.credentials[3].credential.credentialSubject"]);
      expect(await storedCount()).to.equal(before);
    });
  });

  describe("limits", function () {
    it("answers 413 for a body over the size limit", async function () {
      const credentials = Array.from({ length: 90 }, (_, i) => sampleCredential({ n: 200 + i })); // ~110 KB… twice
      const response = await post({ credentials: [...credentials, ...credentials] });
      expectError(response, 413, "CA_REQUEST_TOO_LARGE");
    });
    it("answers 413 for too many credentials in one request", async function () {
      const tiny = Array.from({ length: 101 }, () => ({}));
      expectError(await post({ credentials: tiny }), 413, "CA_REQUEST_TOO_LARGE", "$.credentials");
    });
    it("answers 413 for an NDJSON stream over its size limit", async function () {
      const line = JSON.stringify(sampleCredential({ n: 1 }));
      const response = await postRaw(`${Array.from({ length: 300 }, () => line).join("\n")}\n`, "application/x-ndjson");
      expectError(response, 413, "CA_REQUEST_TOO_LARGE");
    });
  });

  describe("parameters", function () {
    it("rejects bad hex in a hash parameter, naming it", async function () {
      expectError(await fixture.request("GET", "/v1/credentials/by-hash/0x1234"), 400, "CA_HEX_INVALID", "path parameter hash");
      expectError(await fixture.request("GET", `/v1/credentials/by-hash/0x${"zz".repeat(32)}`), 400, "CA_HEX_INVALID");
    });
    it("rejects malformed ids and answers 404 for unknown ones", async function () {
      expectError(await fixture.request("GET", "/v1/credentials/not-a-uuid"), 400, "CA_REQUEST_INVALID", "path parameter id");
      expectError(await fixture.request("GET", `/v1/credentials/${UNKNOWN_UUID}`), 404, "CA_NOT_FOUND");
      expectError(await fixture.request("GET", `/v1/credentials/${UNKNOWN_UUID}/proof`), 404, "CA_NOT_FOUND");
      expectError(await fixture.request("GET", `/v1/credentials/by-hash/0x${"ab".repeat(32)}`), 404, "CA_NOT_FOUND");
      expectError(await fixture.request("GET", "/v1/batches/999999"), 404, "CA_NOT_FOUND");
      expectError(await fixture.request("GET", "/v1/batches/-1"), 400, "CA_REQUEST_INVALID", "path parameter id");
      expectError(await fixture.request("GET", "/v1/batches?limit=0"), 400, "CA_REQUEST_INVALID", "query parameter limit");
      expectError(await fixture.request("DELETE", `/v1/tokens/${UNKNOWN_UUID}`), 404, "CA_NOT_FOUND");
      expectError(await fixture.request("POST", "/v1/credentials/revoke", { body: { ids: [UNKNOWN_UUID] } }), 404, "CA_NOT_FOUND", "$.ids[0]");
    });
    it("rejects out-of-range and non-integer leaf indices, naming the entry", async function () {
      const { body } = await post(sampleCredential({ n: 300 }));
      const batch = body.batch;
      expectError(await fixture.request("POST", "/v1/credentials/revoke", { body: { batchId: batch, leafIndices: [0, 5] } }), 400, "CA_REQUEST_INVALID", "$.leafIndices[1]");
      expectError(await fixture.request("POST", "/v1/credentials/revoke", { body: { batchId: batch, leafIndices: [1.5] } }), 400, "CA_REQUEST_INVALID", "$.leafIndices[0]");
      expectError(await fixture.request("POST", "/v1/credentials/revoke", { body: { batchId: "x", leafIndices: [0] } }), 400, "CA_REQUEST_INVALID", "$.batchId");
    });
    it("refuses status changes on a batch that is not anchored yet", async function () {
      const { body } = await post(sampleCredential({ n: 301 }));
      expectError(await fixture.request("POST", "/v1/credentials/revoke", { body: { ids: [body.id] } }), 409, "CA_BATCH_NOT_ANCHORED");
    });
    it("answers 404 with a code for unknown routes", async function () {
      expectError(await fixture.request("GET", "/v1/nothing-here"), 404, "CA_ROUTE_NOT_FOUND");
      expectError(await fixture.request("GET", "/nothing", { token: null }), 404, "CA_ROUTE_NOT_FOUND");
    });
  });

  describe("authentication", function () {
    it("answers 401 for a missing, malformed or unknown token", async function () {
      expectError(await fixture.request("GET", "/v1/batches", { token: null }), 401, "CA_UNAUTHENTICATED");
      expectError(await fixture.request("GET", "/v1/batches", { token: null, headers: { authorization: "Basic abc" } }), 401, "CA_UNAUTHENTICATED");
      expectError(await fixture.request("GET", "/v1/batches", { token: "ca_not-a-real-token" }), 401, "CA_UNAUTHENTICATED");
    });
    it("answers 403 when the token lacks the scope", async function () {
      expectError(await post(sampleCredential({ n: 1 })).then(() => fixture.request("POST", "/v1/credentials", { token: fixture.tokens.a.revoke, body: sampleCredential({ n: 1 }) })), 403, "CA_FORBIDDEN_SCOPE");
      expectError(await fixture.request("POST", "/v1/credentials/revoke", { token: fixture.tokens.a.issue, body: { ids: [UNKNOWN_UUID] } }), 403, "CA_FORBIDDEN_SCOPE");
      expectError(await fixture.request("GET", "/v1/tokens", { token: fixture.tokens.a.issue }), 403, "CA_FORBIDDEN_SCOPE");
      expectError(await fixture.request("POST", "/v1/batches/close", { token: fixture.tokens.a.admin }), 403, "CA_FORBIDDEN_SCOPE");
    });
    it("serves every GET route only to a token with the read scope, which can do nothing else; POST /v1/verify is public", async function () {
      const { body: accepted } = await post(sampleCredential({ n: 7 }));
      const reads: Array<[string, string, unknown?]> = [
        ["GET", "/v1/batches"],
        ["GET", `/v1/batches/${accepted.batch}`],
        ["GET", `/v1/credentials/${accepted.id}`],
        ["GET", `/v1/credentials/by-hash/${accepted.credentialHash}`],
        ["GET", `/v1/credentials/${accepted.id}/proof`], // the proof fast path
        ["GET", `/v1/credentials/${accepted.id}/status`],
      ];
      for (const [method, path, body] of reads) {
        for (const token of [fixture.tokens.a.issue, fixture.tokens.a.revoke, fixture.tokens.a.admin]) {
          expectError(await fixture.request(method, path, { token, body }), 403, "CA_FORBIDDEN_SCOPE");
        }
        const read = await fixture.request(method, path, { token: fixture.tokens.a.read, body });
        expect(read.status, `${method} ${path}: ${read.text}`).to.be.oneOf([200, 409]); // 409: proof before anchoring
      }
      // An employer has no token: verification is open to anyone (issue 13), and a token of any scope works too.
      for (const token of [null, fixture.tokens.a.issue, fixture.tokens.a.read]) {
        const verified = await fixture.request("POST", "/v1/verify", { token, body: sampleCredential({ n: 7 }) });
        expect(verified.status, `POST /v1/verify with ${token === null ? "no token" : "a token"}: ${verified.text}`).to.equal(200);
      }
      const readOnly = { token: fixture.tokens.a.read };
      expectError(await fixture.request("POST", "/v1/credentials", { ...readOnly, body: sampleCredential({ n: 8 }) }), 403, "CA_FORBIDDEN_SCOPE");
      expectError(await fixture.request("POST", "/v1/credentials/revoke", { ...readOnly, body: { ids: [accepted.id] } }), 403, "CA_FORBIDDEN_SCOPE");
      expectError(await fixture.request("POST", "/v1/batches/close", readOnly), 403, "CA_FORBIDDEN_SCOPE");
      expectError(await fixture.request("GET", "/v1/tokens", readOnly), 403, "CA_FORBIDDEN_SCOPE");
    });
  });

  describe("rate limit", function () {
    let limited: Fixture;
    before(async function () {
      limited = await startFixture({
        node: fixture.node,
        anchorerIndex: 6,
        revokerIndex: 7,
        secondInstitution: false,
        env: { CREDANCHOR_RATE_LIMIT_PER_SECOND: "1", CREDANCHOR_RATE_LIMIT_BURST: "3" },
      });
    });
    after(async function () {
      await limited?.stop();
    });
    it("answers 429 with Retry-After once a token exceeds its rate, per token", async function () {
      const statuses: number[] = [];
      let last: ApiResponse | undefined;
      for (let i = 0; i < 5; i++) {
        last = await limited.request("GET", "/v1/batches");
        statuses.push(last.status);
      }
      expect(statuses.slice(0, 3)).to.deep.equal([200, 200, 200]);
      expect(statuses.at(-1)).to.equal(429);
      expectError(last!, 429, "CA_RATE_LIMITED");
      expect(Number(last!.headers.get("retry-after"))).to.be.at.least(1);
      expect((await limited.request("GET", "/v1/batches", { token: limited.tokens.a.read })).status).to.equal(200);
    });
  });
});
