/**
 * Hosted credential pages (/c/<id>): nothing until the institution opens the batch, the
 * opt-in needs a token with the issue scope of the batch's institution, the page and its
 * credential once opened, and the holder's withdrawal (their secret only) turning both
 * into 410 Gone for good, across a restart and a second opt-in.
 */
import { expect } from "chai";

import { buildSite } from "../../scripts/build-web.ts";
import { eventually } from "./helpers/chain.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { startFixture, type Fixture } from "./helpers/fixture.ts";

describe("hosted credential pages", function () {
  this.timeout(120_000);
  let fixture: Fixture;
  let id: string;
  let otherId: string;
  let batch: number;

  before(async function () {
    [fixture] = await Promise.all([startFixture({}), buildSite()]);
    const { body: accepted } = await fixture.request("POST", "/v1/credentials", {
      body: { credentials: [{ credential: sampleCredential({ n: 21 }) }, { credential: sampleCredential({ n: 22 }) }] },
    });
    [id, otherId] = accepted.credentials.map((entry: { id: string }) => entry.id);
    batch = accepted.credentials[0].batch;
    await fixture.request("POST", "/v1/batches/close");
    await eventually(async () => ((await fixture.request("GET", `/v1/batches/${batch}`)).body.state === "anchored" ? true : undefined), 60_000, "the batch to be anchored");
  });

  after(async function () {
    await fixture?.stop();
  });

  const page = (credentialId: string) => fixture.request("GET", `/c/${credentialId}`, { token: null });
  const credentialJson = (credentialId: string) => fixture.request("GET", `/c/${credentialId}/credential.json`, { token: null });

  it("has no page, and the record no hostedPage, before the institution opens the batch", async function () {
    const html = await page(id);
    expect(html.status).to.equal(404);
    expect(html.headers.get("content-type")).to.match(/^text\/html/);
    expect(html.text).to.contain("No such credential page");
    const json = await credentialJson(id);
    expect(json.status).to.equal(404);
    expect(json.body.error.code).to.equal("CA_HOSTED_PAGE_NOT_FOUND");
    expect((await fixture.request("GET", `/v1/credentials/${id}`)).body.hostedPage).to.equal(undefined);
  });

  it("lets only a token with the issue scope of the batch's institution open it", async function () {
    expect((await fixture.request("POST", `/v1/batches/${batch}/hosted-pages`, { token: null })).status).to.equal(401);
    const readOnly = await fixture.request("POST", `/v1/batches/${batch}/hosted-pages`, { token: fixture.tokens.a.read });
    expect(readOnly.status).to.equal(403);
    const other = await fixture.request("POST", `/v1/batches/${batch}/hosted-pages`, { token: fixture.tokens.b.all });
    expect(other.status).to.equal(404);
    expect((await page(id)).status).to.equal(404);
  });

  it("serves the page and the anchored credential once opened, and lists the links in the record", async function () {
    const opened = await fixture.request("POST", `/v1/batches/${batch}/hosted-pages`, { token: fixture.tokens.a.issue });
    expect(opened.status).to.equal(200);
    const { body: record } = await fixture.request("GET", `/v1/credentials/${id}`);
    expect(record.hostedPage.url).to.equal(`${fixture.url}/c/${id}`);
    expect(record.hostedPage.withdrawLink).to.match(new RegExp(`^${fixture.url}/c/${id}#withdraw=[A-Za-z0-9_-]{43}$`));
    expect(record.hostedPage.withdrawn).to.equal(false);
    const html = await page(id);
    expect(html.status).to.equal(200);
    expect(html.text).to.contain('<base href="../">');
    expect(html.headers.get("content-security-policy")).to.contain("script-src 'self'").and.contain("base-uri 'self'");
    const json = await credentialJson(id);
    expect(json.status).to.equal(200);
    expect(json.body.credential).to.deep.equal(record.credential);
    const verified = await fixture.request("POST", "/v1/verify", { body: json.body.credential });
    expect(verified.body.status).to.equal("valid");
    // Upper-case ids are the same credential; an unknown id or a non-id is the same 404.
    expect((await page(id.toUpperCase())).status).to.equal(200);
    expect((await page("0193a5c2-7f1e-7c3a-9b2d-4e5f6a7b8c9d")).status).to.equal(404);
    expect((await credentialJson("..%2F..%2Fconfig")).body.error.code).to.equal("CA_HOSTED_PAGE_NOT_FOUND");
  });

  it("refuses a withdrawal without the holder's secret, or with another credential's", async function () {
    const { body: other } = await fixture.request("GET", `/v1/credentials/${otherId}`);
    const otherSecret = new URL(other.hostedPage.withdrawLink).hash.slice("#withdraw=".length);
    for (const body of [{}, { secret: "" }, { secret: otherSecret }, { secret: 42 }]) {
      const refused = await fixture.request("POST", `/c/${id}/withdraw`, { token: null, body });
      expect(refused.status, JSON.stringify(body)).to.equal(403);
      expect(refused.body.error.code).to.equal("CA_HOSTED_PAGE_SECRET_INVALID");
    }
    expect((await page(id)).status).to.equal(200);
  });

  it("takes the page down for good with the holder's secret: 410, kept across a restart and a second opt-in", async function () {
    const { body: record } = await fixture.request("GET", `/v1/credentials/${id}`);
    const secret = new URL(record.hostedPage.withdrawLink).hash.slice("#withdraw=".length);
    const withdrawn = await fixture.request("POST", `/c/${id}/withdraw`, { token: null, body: { secret } });
    expect(withdrawn.status).to.equal(200);
    expect(withdrawn.body.withdrawn).to.equal(true);
    const html = await page(id);
    expect(html.status).to.equal(410);
    expect(html.text).to.contain("This credential page was withdrawn");
    expect((await credentialJson(id)).body.error.code).to.equal("CA_HOSTED_PAGE_WITHDRAWN");
    // Again: still withdrawn, same moment; the other credential of the batch keeps its page.
    const again = await fixture.request("POST", `/c/${id}/withdraw`, { token: null, body: { secret } });
    expect(again.body.withdrawnAt).to.equal(withdrawn.body.withdrawnAt);
    expect((await page(otherId)).status).to.equal(200);

    await fixture.restart();
    await fixture.request("POST", `/v1/batches/${batch}/hosted-pages`, { token: fixture.tokens.a.issue });
    expect((await page(id)).status).to.equal(410);
    expect((await fixture.request("GET", `/v1/credentials/${id}`)).body.hostedPage.withdrawn).to.equal(true);
    expect((await page(otherId)).status).to.equal(200);
  });
});
