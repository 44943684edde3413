/**
 * POST /v1/verify without a token: the same report as with one, per-address rate limit,
 * bounded body, optional history; and /config.json naming this deployment.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";

import { eventually } from "./helpers/chain.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { startFixture, type Fixture } from "./helpers/fixture.ts";

describe("public verification", function () {
  let fixture: Fixture;
  let portable: Record<string, any>;
  let shareLink: string;

  before(async function () {
    fixture = await startFixture({
      secondInstitution: false,
      env: { CREDANCHOR_PUBLIC_VERIFY_PER_SECOND: "1", CREDANCHOR_PUBLIC_VERIFY_BURST: "3", CREDANCHOR_PUBLIC_VERIFY_BODY_BYTES: "8192" },
    });
    const { body: accepted } = await fixture.request("POST", "/v1/credentials", { body: sampleCredential({ n: 7 }) });
    await fixture.request("POST", "/v1/batches/close");
    await eventually(async () => ((await fixture.request("GET", `/v1/batches/${accepted.batch}`)).body.state === "anchored" ? true : undefined));
    const { body } = await fixture.request("GET", `/v1/credentials/${accepted.id}`);
    portable = body.credential;
    shareLink = body.shareLink;
  });

  after(async function () {
    await fixture?.stop();
  });

  it("answers the same report without a token as with one", async function () {
    const open = await fixture.request("POST", "/v1/verify", { token: null, body: portable });
    const withToken = await fixture.request("POST", "/v1/verify", { body: portable });
    expect(open.status).to.equal(200);
    expect(open.body.status).to.equal("valid");
    expect(open.body.checks.map((check: any) => [check.id, check.outcome])).to.deep.equal(
      withToken.body.checks.map((check: any) => [check.id, check.outcome]),
    );
  });

  it("adds the status history with ?history=1", async function () {
    const { body } = await fixture.request("POST", "/v1/verify?history=1", { token: null, body: portable });
    expect(body.history[0].kind).to.equal("anchored");
    expect(body.history[0].transactionHash).to.equal(portable.proof.anchorTransaction);
  });

  it("limits token-less requests per client address with 429 and Retry-After, not requests with a token", async function () {
    await new Promise((resolve) => setTimeout(resolve, 3_100)); // a full bucket
    const answers = await Promise.all(Array.from({ length: 8 }, () => fixture.request("POST", "/v1/verify", { token: null, body: portable })));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200).length).to.be.at.least(3);
    const limited = answers.find((answer) => answer.status === 429);
    expect(limited, `statuses ${statuses.join(",")}`).to.not.equal(undefined);
    expect(limited!.body.error.code).to.equal("CA_RATE_LIMITED");
    expect(limited!.body.error.message).to.contain("client address");
    expect(Number(limited!.headers.get("retry-after"))).to.be.at.least(1);
    expect((await fixture.request("POST", "/v1/verify", { body: portable })).status).to.equal(200);
  });

  it("refuses a bad token with 401 and a body over the bound with 413", async function () {
    const bad = await fixture.request("POST", "/v1/verify", { token: "ca_nonsense", body: portable });
    expect(bad.status).to.equal(401);
    const big = await fixture.request("POST", "/v1/verify", { body: { ...portable, padding: "x".repeat(10_000) } });
    expect(big.status).to.equal(413);
    expect(big.body.error.code).to.equal("CA_REQUEST_TOO_LARGE");
  });

  it("reports a revocation made after a verification: a kept report lives no longer than the read cache", async function () {
    const { body: accepted } = await fixture.request("POST", "/v1/credentials", { body: sampleCredential({ n: 8 }) });
    await fixture.request("POST", "/v1/batches/close");
    await eventually(async () => ((await fixture.request("GET", `/v1/batches/${accepted.batch}`)).body.state === "anchored" ? true : undefined));
    const { body: record } = await fixture.request("GET", `/v1/credentials/${accepted.id}`);
    // Valid once final (it may read "pending" for a block first).
    await eventually(async () => ((await fixture.request("POST", "/v1/verify", { body: record.credential })).body.status === "valid" ? true : undefined), 30_000, "a valid report");
    const revoked = await fixture.request("POST", "/v1/credentials/revoke", { body: { ids: [accepted.id], reasonCode: "superseded" } });
    expect(revoked.status).to.equal(200);
    // Asked again and again with the same bytes: the answer turns within a few seconds.
    const report = await eventually(async () => {
      const { body } = await fixture.request("POST", "/v1/verify", { body: record.credential });
      return body.status === "invalid" ? body : undefined;
    }, 30_000, "the revocation to show in the public report");
    expect(report.checks.find((check: any) => check.id === "status").outcome).to.equal("invalid");
  });

  it("returns each anchored credential's share link and serves the page's configuration", async function () {
    expect(shareLink.startsWith(`${fixture.url}/#c=`)).to.equal(true);
    const { status, body } = await fixture.request("GET", "/config.json", { token: null });
    expect(status).to.equal(200);
    // Both recorded registries (v1, and v2 where new credentials are anchored) are trusted.
    const record = JSON.parse(readFileSync(join(fixture.dataDir, "deployments", "localhost.json"), "utf8"));
    expect(body).to.deep.equal({
      chain: "eip155:31337",
      registries: [record.registries.v1.address, fixture.registry],
      anchoringRegistry: fixture.registry,
      verifyUrl: "v1/verify?history=1",
      pathwayVerifyUrl: "v1/pathways/verify",
      pathwayProgressUrl: "v1/pathways/progress",
    });
  });
});
