/**
 * Issue 16's "Done when", end to end on the real service and a real Hardhat node, seen by
 * an employer in the CLI and on the page (Chromium): a university defines "Data Analytics
 * Certificate = SQL Basics + Python for Data + one of {Tableau, Power BI}" (twice: once
 * under each revocation policy), awards it through the API from its own credentials and a
 * BI academy's; the page shows the stack as a tree; a holder's progress says what is
 * missing; once the academy revokes the Tableau badge, the CLI and the page show the
 * revoked component and what each policy made of it. The page is checked twice: as a static
 * build talking to the node, and as the site the service serves with its defaults (no public
 * RPC URL), where the service checks the award (POST /v1/pathways/verify) and the holder's
 * progress (POST /v1/pathways/progress) and nobody types anything. Screenshots: test-artifacts/screenshots/pathway-*.png.
 */
import { expect } from "chai";
import { join } from "node:path";

import type { Browser, Page } from "playwright-core";

import { buildSite } from "../../scripts/build-web.ts";
import { createCli, writeJson } from "../cli/helpers.ts";
import { eventually } from "../server/helpers/chain.ts";
import { startFixture, type Fixture } from "../server/helpers/fixture.ts";
import { dataAnalyticsBadge, dataAnalyticsPathway } from "../server/helpers/pathways.ts";
import { tempDir } from "../server/helpers/processes.ts";
import { launchChromium, screenshotPath, serveStatic } from "./helpers.ts";

const EMAIL = "ada@learner.example";
type Json = Record<string, unknown>;

describe("pathway stacks in the CLI and on the page (Data Analytics Certificate, two institutions)", function () {
  this.timeout(240_000);
  let fixture: Fixture;
  let browser: Browser;
  let site: { url: string; close(): Promise<void> };
  let dir: string;
  const components: Record<"sql" | "python" | "tableau", Json> = {} as never;
  const ids: Record<string, string> = {};
  const definitions: Record<"mustStayValid" | "awardStands", Json> = {} as never;
  const awards: Record<"mustStayValid" | "awardStands", Json> = {} as never;

  const badge = (issuer: { identifier: string; name: string }, key: string, name: string) => dataAnalyticsBadge({ issuer, key, name, recipient: { email: EMAIL } });

  async function anchored(token: string, id: string): Promise<Json> {
    return eventually(async () => {
      const { body } = await fixture.request("GET", `/v1/credentials/${id}`, { token });
      return body.status === "anchored" ? (body.credential as Json) : undefined;
    }, 30_000, `credential ${id} anchored`);
  }

  before(async function () {
    [fixture, browser] = await Promise.all([startFixture(), launchChromium()]);
    dir = tempDir("credanchor-pathway-page-");
    const { a, b } = fixture.institutions;
    const issued = [
      ["sql", "SQL Basics", a, fixture.tokens.a.all],
      ["python", "Python for Data", a, fixture.tokens.a.all],
      ["tableau", "Tableau", b, fixture.tokens.b.all],
    ] as const;
    for (const [key, name, institution, token] of issued) {
      const { body } = await fixture.request("POST", "/v1/credentials", { token, body: badge(institution, key, name) });
      ids[key] = body.id;
    }
    await fixture.request("POST", "/v1/batches/close");
    await fixture.request("POST", "/v1/batches/close", { token: fixture.tokens.b.all });
    for (const [key, , , token] of issued) components[key] = await anchored(token, ids[key]!);

    // The university defines the pathway, once under each revocation policy.
    const chain = `eip155:${await fixture.client.getChainId()}`;
    const definition = (id: string, revocationPolicy: "components-must-stay-valid" | "award-stands") =>
      dataAnalyticsPathway({ id, revocationPolicy, chain, registry: fixture.registry, university: a, academyId: b.id });
    definitions.mustStayValid = definition("https://demo.example/pathways/data-analytics", "components-must-stay-valid");
    definitions.awardStands = definition("https://demo.example/pathways/data-analytics-for-life", "award-stands");
    const awardIds: Record<string, string> = {};
    for (const policy of ["mustStayValid", "awardStands"] as const) {
      const defined = await fixture.request("POST", "/v1/pathways/definitions", { body: { definition: definitions[policy] } });
      expect(defined.status, JSON.stringify(defined.body)).to.equal(200);
      // Its own credentials by service id, the academy's as the holder's portable file.
      const awarded = await fixture.request("POST", "/v1/pathways/awards", {
        body: { definition: definitions[policy], components: [{ id: ids.sql }, { id: ids.python }, components.tableau], recipient: { email: EMAIL } },
      });
      expect(awarded.status, JSON.stringify(awarded.body)).to.equal(202);
      awardIds[policy] = awarded.body.award.id;
    }
    await fixture.request("POST", "/v1/batches/close");
    for (const policy of ["mustStayValid", "awardStands"] as const) awards[policy] = await anchored(fixture.tokens.a.all, awardIds[policy]!);

    // The employer's page: the static build, checking in the browser against the node.
    const outdir = join(dir, "site");
    await buildSite({ outdir, staticConfig: { chain, registries: [fixture.registry], rpcUrl: fixture.node.url } });
    site = await serveStatic(outdir);
    // And the site the service serves (web/dist), with no public RPC URL.
    await buildSite();
  });

  after(async function () {
    await browser?.close();
    await site?.close();
    await fixture?.stop();
  });

  const json = (value: unknown) => Buffer.from(JSON.stringify(value, null, 2));

  /**
   * Opens the page (the static build unless `url` names another), gives the panel `files`,
   * and waits for its answer; `posts` collects the paths the page POSTs to.
   */
  async function check(files: Record<string, unknown>, options: { url?: string; posts?: string[] } = {}): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on("pageerror", (error) => console.error("page error:", error.message));
    page.on("request", (request) => {
      if (request.method() === "POST") options.posts?.push(new URL(request.url()).pathname);
    });
    await page.goto(options.url ?? site.url);
    await page.waitForSelector("html[data-ready=true]");
    await page.setInputFiles(
      "#pathway-files",
      Object.entries(files).map(([name, value]) => ({ name, mimeType: "application/json", buffer: json(value) })),
    );
    await page.waitForSelector("#pathway-result[data-state=done], #pathway-result[data-state=problem]", { timeout: 60_000 });
    const problem = page.locator("#pathway-problem");
    if ((await problem.count()) > 0) throw new Error(`the panel answered a problem: ${await problem.innerText()}`);
    return page;
  }

  /** The tree node labelled `label`: its status and whether it is marked revoked. */
  async function node(page: Page, label: string): Promise<{ status: string | null; tag: string | null; text: string }> {
    const item = page.locator(`#stack li.stack-node[data-label="${label}"]`).first();
    const tag = item.locator(":scope > .stack-tag");
    return { status: await item.getAttribute("data-status"), tag: (await tag.count()) > 0 ? await tag.innerText() : null, text: await item.innerText() };
  }

  const awardFiles = (policy: "mustStayValid" | "awardStands") => ({
    "data-analytics-award.json": awards[policy],
    "sql.json": components.sql,
    "python.json": components.python,
    "tableau.json": components.tableau,
  });

  it("shows an award's stack as a tree: each component with its verdict, the group, the policy", async function () {
    const page = await check(awardFiles("mustStayValid"));
    expect(await page.locator("#stack").getAttribute("data-status")).to.equal("valid");
    expect(await page.locator("#stack-verdict").innerText()).to.contain("Data Analytics Certificate (version 1): the award stands");
    expect(await node(page, "SQL Basics")).to.include({ status: "valid", tag: null });
    expect(await node(page, "Python for Data")).to.include({ status: "valid", tag: null });
    expect(await node(page, "Tableau")).to.include({ status: "valid", tag: null });
    expect((await node(page, "Power BI")).status).to.equal("missing");
    expect((await node(page, "one of Tableau, Power BI")).text).to.contain("met (1 of 1)");
    expect(await page.locator("#stack-policy").getAttribute("data-policy")).to.equal("components-must-stay-valid");
    // The tree nests: the BI tools sit under their group, the group under the award.
    expect(await page.locator('#stack li[data-kind=award] > ul > li[data-kind=group] > ul > li[data-label="Tableau"]').count()).to.equal(1);
    await page.screenshot({ path: screenshotPath("pathway-stack-valid"), fullPage: true });
    await page.close();
  });

  it("on the served site with no public RPC URL: the service checks the award and the page shows its stack", async function () {
    const config = await fixture.request("GET", "/config.json", { token: null });
    expect(config.body.rpcUrl).to.equal(undefined);
    const posts: string[] = [];
    const page = await check(awardFiles("mustStayValid"), { url: `${fixture.url}/`, posts });
    expect(posts).to.deep.equal(["/v1/pathways/verify"]);
    expect(await page.locator("#stack").getAttribute("data-status")).to.equal("valid");
    expect(await page.locator("#stack-verdict").innerText()).to.contain("Data Analytics Certificate (version 1): the award stands");
    expect(await node(page, "SQL Basics")).to.include({ status: "valid", tag: null });
    expect(await node(page, "Tableau")).to.include({ status: "valid", tag: null });
    expect((await node(page, "Power BI")).status).to.equal("missing");
    expect(await page.locator('#stack li[data-kind=award] > ul > li[data-kind=group] > ul > li[data-label="Tableau"]').count()).to.equal(1);
    await page.screenshot({ path: screenshotPath("pathway-served-stack-valid"), fullPage: true });
    await page.close();
  });

  it("shows a holder's progress: what they have and what is missing", async function () {
    const page = await check({ "definition.json": definitions.mustStayValid, "python.json": components.python, "tableau.json": components.tableau });
    expect(await page.locator("#progress").getAttribute("data-met")).to.equal("false");
    expect(await page.locator("#progress-verdict").innerText()).to.contain("Data Analytics Certificate: 2 of 3: SQL Basics missing");
    expect(await page.locator('#progress li[data-label="SQL Basics"]').getAttribute("data-status")).to.equal("missing");
    expect(await page.locator('#progress li[data-label="Python for Data"]').getAttribute("data-status")).to.equal("met");
    await page.screenshot({ path: screenshotPath("pathway-progress"), fullPage: true });
    await page.close();
  });

  it("on the served site with no public RPC URL: the service checks a holder's progress and the page says what is missing", async function () {
    const config = await fixture.request("GET", "/config.json", { token: null });
    expect(config.body.rpcUrl).to.equal(undefined);
    const posts: string[] = [];
    const page = await check({ "definition.json": definitions.mustStayValid, "python.json": components.python, "tableau.json": components.tableau }, { url: `${fixture.url}/`, posts });
    expect(posts).to.deep.equal(["/v1/pathways/progress"]);
    expect(await page.locator("#progress").getAttribute("data-met")).to.equal("false");
    expect(await page.locator("#progress-verdict").innerText()).to.contain("Data Analytics Certificate: 2 of 3: SQL Basics missing");
    expect(await page.locator('#progress li[data-label="SQL Basics"]').getAttribute("data-status")).to.equal("missing");
    expect(await page.locator('#progress li[data-label="Python for Data"]').getAttribute("data-status")).to.equal("met");
    expect(await page.locator('#progress li[data-label="Tableau"]').getAttribute("data-status")).to.equal("met");
    await page.screenshot({ path: screenshotPath("pathway-served-progress"), fullPage: true });
    await page.close();
  });

  describe("after the academy revokes the Tableau badge", function () {
    before(async function () {
      const revoked = await fixture.request("POST", "/v1/credentials/revoke", { token: fixture.tokens.b.all, body: { ids: [ids.tableau], reasonCode: "superseded" } });
      expect(revoked.status, JSON.stringify(revoked.body)).to.be.oneOf([200, 202]);
      await eventually(async () => {
        const { body } = await fixture.request("GET", `/v1/credentials/${ids.tableau}/status`, { token: fixture.tokens.b.all });
        return body.status === "revoked" ? body : undefined;
      }, 30_000, "tableau revoked on chain");
    });

    it("components-must-stay-valid: the page and the CLI show Tableau revoked, not counted, and the award fails", async function () {
      const page = await check(awardFiles("mustStayValid"));
      expect(await page.locator("#stack").getAttribute("data-status")).to.equal("invalid");
      expect(await page.locator("#stack-verdict").innerText()).to.contain("the award does not stand");
      const tableau = await node(page, "Tableau");
      expect(tableau).to.include({ status: "invalid", tag: "REVOKED" });
      expect(tableau.text).to.contain("revoked by the issuer");
      expect(await node(page, "SQL Basics")).to.include({ status: "valid", tag: null });
      expect(await page.locator("#stack-policy").innerText()).to.contain("1 component is no longer valid and not counted");
      await page.screenshot({ path: screenshotPath("pathway-revoked-must-stay-valid"), fullPage: true });
      await page.close();

      const cli = createCli({ CREDANCHOR_RPC_URL: fixture.node.url, CREDANCHOR_REGISTRY_ADDRESS: fixture.registry });
      const files = Object.entries(awardFiles("mustStayValid")).map(([name, value]) => writeJson(dir, name, value));
      const result = await cli(["pathway", "verify", ...files]);
      expect(result.code, result.stdout + result.stderr).to.equal(1);
      expect(result.stdout).to.include("INVALID");
      expect(result.stdout).to.include("├─ ✔ SQL Basics: verified");
      expect(result.stdout).to.match(/✘ Tableau: invalid: status: revoked by the issuer/);
      expect(result.stdout).to.include("1 component is no longer valid and not counted");
    });

    it("on the served site with no public RPC URL: Tableau shows revoked, not counted (must-stay-valid) and held (award-stands)", async function () {
      // The service's chain reads are cached for a moment: ask again until the revocation shows.
      const page = await eventually(async () => {
        const opened = await check(awardFiles("mustStayValid"), { url: `${fixture.url}/` });
        if ((await opened.locator("#stack").getAttribute("data-status")) === "invalid") return opened;
        await opened.close();
        return undefined;
      }, 30_000, "the served page to show the revocation");
      expect(await page.locator("#stack-verdict").innerText()).to.contain("the award does not stand");
      const tableau = await node(page, "Tableau");
      expect(tableau).to.include({ status: "invalid", tag: "REVOKED" });
      expect(tableau.text).to.contain("revoked by the issuer");
      expect(await page.locator("#stack-policy").innerText()).to.contain("1 component is no longer valid and not counted");
      await page.screenshot({ path: screenshotPath("pathway-served-revoked-must-stay-valid"), fullPage: true });
      await page.close();

      const posts: string[] = [];
      const stands = await check(awardFiles("awardStands"), { url: `${fixture.url}/`, posts });
      expect(posts).to.deep.equal(["/v1/pathways/verify"]);
      expect(await stands.locator("#stack").getAttribute("data-status")).to.equal("valid");
      expect(await node(stands, "Tableau")).to.include({ status: "held", tag: "REVOKED" });
      expect(await stands.locator("#stack-policy").getAttribute("data-policy")).to.equal("award-stands");
      await stands.close();
    });

    it("award-stands: the page and the CLI show Tableau revoked but held by the policy, and the award stands", async function () {
      const page = await check(awardFiles("awardStands"));
      expect(await page.locator("#stack").getAttribute("data-status")).to.equal("valid");
      const tableau = await node(page, "Tableau");
      expect(tableau).to.include({ status: "held", tag: "REVOKED" });
      expect(tableau.text).to.contain("valid when awarded (policy award-stands)");
      expect(await page.locator("#stack-policy").getAttribute("data-policy")).to.equal("award-stands");
      expect(await page.locator("#stack-policy").innerText()).to.contain("1 component is no longer valid but counted");
      await page.screenshot({ path: screenshotPath("pathway-revoked-award-stands"), fullPage: true });
      await page.close();

      const cli = createCli({ CREDANCHOR_RPC_URL: fixture.node.url, CREDANCHOR_REGISTRY_ADDRESS: fixture.registry });
      const files = Object.entries(awardFiles("awardStands")).map(([name, value]) => writeJson(join(dir, "stands"), name, value));
      const result = await cli(["pathway", "verify", ...files]);
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.match(/✔ Tableau: held by policy: .*revoked by the issuer.*valid when awarded/);
      expect(result.stdout).to.include("1 component is no longer valid but counted");
    });
  });
});
