/**
 * POST /v1/pathways/verify, the public pathway-award check the served page uses when it
 * has no RPC endpoint: core's pathway report and stack tree without a token (a token
 * still works), a revoked component under each revocation policy, bad bodies refused
 * with the path at fault, an award anchored outside the deployment's registry, and the
 * same per-address bucket as POST /v1/verify.
 */
import { expect } from "chai";

import { eventually } from "./helpers/chain.ts";
import { startFixture, type Fixture } from "./helpers/fixture.ts";
import { dataAnalyticsBadge, dataAnalyticsPathway } from "./helpers/pathways.ts";

type Json = Record<string, any>;

describe("public pathway award verification (POST /v1/pathways/verify)", function () {
  this.timeout(180_000);
  let fixture: Fixture;
  const ids: Record<string, string> = {};
  const components: Record<string, Json> = {};
  const awards: Record<"mustStayValid" | "awardStands", Json> = {} as never;
  /** The components-must-stay-valid definition, as a holder checking progress has it. */
  let definitionOfRecord: Json;

  const badge = (issuer: { identifier: string; name: string }, key: string) => dataAnalyticsBadge({ issuer, key, recipient: { id: "did:example:ada" } });

  async function anchored(token: string, id: string): Promise<Json> {
    return eventually(async () => {
      const { body } = await fixture.request("GET", `/v1/credentials/${id}`, { token });
      return body.status === "anchored" ? body.credential : undefined;
    }, 30_000, `credential ${id} anchored`);
  }

  const verifyAward = (policy: "mustStayValid" | "awardStands", options: { token?: string | null } = {}) =>
    fixture.request("POST", "/v1/pathways/verify", {
      token: options.token === undefined ? null : options.token,
      body: { award: awards[policy], components: [components.sql, components.python, components.tableau] },
    });

  before(async function () {
    // One token-less request per client address every second, three at once; bodies up to 64 KiB.
    fixture = await startFixture({ env: { CREDANCHOR_PUBLIC_VERIFY_PER_SECOND: "1", CREDANCHOR_PUBLIC_VERIFY_BURST: "3", CREDANCHOR_PUBLIC_VERIFY_BODY_BYTES: "65536" } });
    const { a, b } = fixture.institutions;
    const issued = [["sql", a, fixture.tokens.a.all], ["python", a, fixture.tokens.a.all], ["tableau", b, fixture.tokens.b.all]] as const;
    for (const [key, institution, token] of issued) ids[key] = (await fixture.request("POST", "/v1/credentials", { token, body: badge(institution, key) })).body.id;
    await fixture.request("POST", "/v1/batches/close");
    await fixture.request("POST", "/v1/batches/close", { token: fixture.tokens.b.all });
    for (const [key, , token] of issued) components[key] = await anchored(token, ids[key]!);
    const chain = `eip155:${await fixture.client.getChainId()}`;
    const definition = (id: string, revocationPolicy: "components-must-stay-valid" | "award-stands") =>
      dataAnalyticsPathway({ id, revocationPolicy, chain, registry: fixture.registry, university: a, academyId: b.id });
    definitionOfRecord = definition("https://demo.example/pathways/data-analytics", "components-must-stay-valid");
    const awardIds: Record<string, string> = {};
    for (const [policy, id, rule] of [
      ["mustStayValid", "https://demo.example/pathways/data-analytics", "components-must-stay-valid"],
      ["awardStands", "https://demo.example/pathways/data-analytics-for-life", "award-stands"],
    ] as const) {
      const awarded = await fixture.request("POST", "/v1/pathways/awards", { body: { definition: definition(id, rule), components: [{ id: ids.sql }, { id: ids.python }, components.tableau] } });
      expect(awarded.status, JSON.stringify(awarded.body)).to.equal(202);
      awardIds[policy] = awarded.body.award.id;
    }
    await fixture.request("POST", "/v1/batches/close");
    for (const policy of ["mustStayValid", "awardStands"] as const) awards[policy] = await anchored(fixture.tokens.a.all, awardIds[policy]!);
  });

  after(async function () {
    await fixture?.stop();
  });

  it("answers core's pathway report and stack tree without a token, and the same with one", async function () {
    // "pending" until the award's batch has its confirmations.
    const open = await eventually(async () => {
      const answer = await verifyAward("mustStayValid", { token: fixture.tokens.a.all });
      return answer.body.status === "valid" ? answer : undefined;
    }, 30_000, "a valid award report");
    const tokenless = await verifyAward("mustStayValid");
    expect(tokenless.status, JSON.stringify(tokenless.body)).to.equal(200);
    expect(Object.keys(tokenless.body).sort()).to.deep.equal(["award", "checks", "components", "pathway", "policy", "requirements", "status", "tree", "unreferenced"]);
    for (const { body } of [open, tokenless]) {
      expect(body.status).to.equal("valid");
      expect(body.pathway.name).to.equal("Data Analytics Certificate");
      expect(body.policy.name).to.equal("components-must-stay-valid");
      expect(body.components.map((entry: Json) => [entry.name, entry.counts])).to.deep.equal([["SQL Basics", true], ["Python for Data", true], ["Tableau", true]]);
      expect(body.tree.kind).to.equal("award");
    }
    expect(JSON.stringify(tokenless.body.tree)).to.include("Tableau");
  });

  it("checks the recipient given: the award is for someone else than the identity a verifier names", async function () {
    const body = { award: awards.mustStayValid, components: [components.sql, components.python, components.tableau] };
    const ada = await fixture.request("POST", "/v1/pathways/verify", { token: fixture.tokens.a.all, body: { ...body, recipient: { id: "did:example:ada" } } });
    expect(ada.body.checks.find((check: Json) => check.id === "recipient").outcome).to.equal("valid");
    const bob = await fixture.request("POST", "/v1/pathways/verify", { token: fixture.tokens.a.all, body: { ...body, recipient: { id: "did:example:bob" } } });
    expect(bob.status).to.equal(200);
    expect(bob.body.status).to.equal("invalid");
    const recipient = bob.body.checks.find((check: Json) => check.id === "recipient");
    expect(recipient.outcome, JSON.stringify(recipient)).to.equal("invalid");
  });

  it("refuses a bad body with 400 and the path at fault, a bad token with 401, a body over the bound with 413", async function () {
    const token = fixture.tokens.a.all;
    const cases: [unknown, string][] = [
      [{ components: [] }, "$.award"],
      [{ award: "not json", components: [] }, "$.award"],
      [{ award: awards.mustStayValid, components: { sql: components.sql } }, "$.components"],
      [{ award: awards.mustStayValid, components: Array.from({ length: 65 }, () => ({})) }, "$.components"],
      [{ award: awards.mustStayValid, components: [], recipient: { phone: "1" } }, "$.recipient.phone"],
      [{ award: awards.mustStayValid, components: [], extra: 1 }, "$.extra"],
    ];
    for (const [body, path] of cases) {
      const answer = await fixture.request("POST", "/v1/pathways/verify", { token, body });
      expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).to.equal(400);
      expect(answer.body.error.details.map((detail: Json) => detail.path)).to.include(path);
      expect(answer.body.error.message).to.be.a("string").and.not.include("    at ");
    }
    const bad = await fixture.request("POST", "/v1/pathways/verify", { token: "ca_nonsense", body: { award: awards.mustStayValid, components: [] } });
    expect(bad.status).to.equal(401);
    const big = await fixture.request("POST", "/v1/pathways/verify", { token, body: { award: awards.mustStayValid, components: [], padding: "x".repeat(70_000) } });
    expect(big.status).to.equal(413);
    expect(big.body.error.code).to.equal("CA_REQUEST_TOO_LARGE");
  });

  it("fails an award anchored in a registry this deployment does not trust, saying so", async function () {
    // Another deployment on the same chain: its own registry, so it does not trust this one's.
    const other = await startFixture({ node: fixture.node, anchorerIndex: 6, revokerIndex: 7, secondInstitution: false });
    try {
      expect(other.registry).to.not.equal(fixture.registry);
      const { status, body } = await other.request("POST", "/v1/pathways/verify", { token: null, body: { award: awards.mustStayValid, components: [components.sql, components.python, components.tableau] } });
      expect(status).to.equal(200);
      expect(body.status).to.equal("invalid");
      const registryCheck = body.award.checks.find((check: Json) => check.details?.code === "CA_REGISTRY_UNTRUSTED");
      expect(registryCheck, JSON.stringify(body.award.checks)).to.not.equal(undefined);
      expect(registryCheck.details.trustedRegistries).to.include(other.registry).and.not.include(fixture.registry);
    } finally {
      await other.stop();
    }
  });

  const progress = (credentials: unknown[], options: { token?: string | null; on?: Fixture } = {}) =>
    (options.on ?? fixture).request("POST", "/v1/pathways/progress", {
      token: options.token === undefined ? null : options.token,
      body: { definition: definitionOfRecord, credentials },
    });

  it("progress (POST /v1/pathways/progress, no token): core's report, naming the missing SQL Basics", async function () {
    // Python's batch counts once it has its confirmations; until then it is "unqualified".
    await eventually(async () => {
      const answer = await progress([components.python, components.tableau], { token: fixture.tokens.a.all });
      return answer.body.components?.find((entry: Json) => entry.key === "python")?.state === "met" ? answer : undefined;
    }, 30_000, "Python counted");
    const { status, body } = await progress([components.python, components.tableau]);
    expect(status, JSON.stringify(body)).to.equal(200);
    expect(Object.keys(body).sort()).to.deep.equal(["candidates", "components", "definition", "definitionHash", "met", "missing", "recipient", "requirements"]);
    expect(body.met).to.equal(false);
    expect(body.components.map((entry: Json) => [entry.key, entry.state])).to.deep.equal([["sql", "missing"], ["python", "met"], ["tableau", "met"], ["powerbi", "missing"]]);
    expect(body.missing).to.have.length.above(0);
    expect(body.missing.join(" ")).to.contain("SQL Basics").and.not.contain("Python");
    // All three: met, nothing missing.
    const all = await progress([components.sql, components.python, components.tableau], { token: fixture.tokens.a.all });
    expect(all.body.met, JSON.stringify(all.body.missing)).to.equal(true);
    expect(all.body.missing).to.deep.equal([]);
  });

  it("progress refuses a bad body with 400 (a bad definition: the catalogue's 422) and the path at fault", async function () {
    const token = fixture.tokens.a.all;
    // A malformed definition is core's CA_PATHWAY_DEFINITION_INVALID, 422 as on /v1/pathways/definitions.
    const cases: [unknown, string, number][] = [
      [{ credentials: [] }, "$.definition", 422],
      [{ definition: "not json", credentials: [] }, "$.definition", 422],
      [{ definition: { ...definitionOfRecord, components: "none" }, credentials: [] }, "$.definition.components", 422],
      [{ definition: definitionOfRecord }, "$.credentials", 400],
      [{ definition: definitionOfRecord, credentials: Array.from({ length: 65 }, () => ({})) }, "$.credentials", 400],
      [{ definition: definitionOfRecord, credentials: [], recipient: { phone: "1" } }, "$.recipient.phone", 400],
      [{ definition: definitionOfRecord, credentials: [], award: {} }, "$.award", 400],
    ];
    for (const [body, path, code] of cases) {
      const answer = await fixture.request("POST", "/v1/pathways/progress", { token, body });
      expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).to.equal(code);
      expect(answer.body.error.details.map((detail: Json) => detail.path), JSON.stringify(answer.body)).to.include(path);
      expect(answer.body.error.message).to.be.a("string").and.not.include("    at ");
    }
  });

  it("progress counts no credential anchored in a registry this deployment does not trust", async function () {
    const other = await startFixture({ node: fixture.node, anchorerIndex: 6, revokerIndex: 7, secondInstitution: false });
    try {
      const { status, body } = await progress([components.sql, components.python, components.tableau], { on: other });
      expect(status, JSON.stringify(body)).to.equal(200);
      expect(body.met).to.equal(false);
      for (const key of ["sql", "python", "tableau"]) {
        const component = body.components.find((entry: Json) => entry.key === key);
        expect(component.state, JSON.stringify(component)).to.not.equal("met");
      }
      expect(JSON.stringify(body.candidates)).to.contain("CA_REGISTRY_UNTRUSTED");
    } finally {
      await other.stop();
    }
  });

  it("draws from the same per-address bucket as POST /v1/verify", async function () {
    // Empty the bucket with /v1/verify, then ask for an award within the second it takes to
    // refill one request: a shared bucket refuses it. A slower round proves nothing and is tried again.
    await eventually(async () => {
      await new Promise((resolve) => setTimeout(resolve, 3_100)); // a full bucket (3 requests at 1 per second)
      const started = performance.now();
      const singles = await Promise.all(Array.from({ length: 3 }, () => fixture.request("POST", "/v1/verify", { token: null, body: components.sql })));
      if (singles.some((answer) => answer.status !== 200)) return undefined;
      const answer = await verifyAward("awardStands");
      const elapsed = performance.now() - started;
      if (answer.status === 429) {
        expect(answer.body.error.code).to.equal("CA_RATE_LIMITED");
        expect(answer.body.error.message).to.contain("client address");
        return true;
      }
      expect(elapsed, `answered ${answer.status} within ${Math.round(elapsed)} ms of emptying the bucket: not the same bucket`).to.be.at.least(1000);
      return undefined;
    }, 60_000, "an award refused after /v1/verify emptied the bucket");
    // A token pays from its own bucket.
    expect((await verifyAward("awardStands", { token: fixture.tokens.a.all })).status).to.equal(200);
  });

  describe("after the academy revokes the Tableau badge", function () {
    before(async function () {
      const revoked = await fixture.request("POST", "/v1/credentials/revoke", { token: fixture.tokens.b.all, body: { ids: [ids.tableau], reasonCode: "superseded" } });
      expect(revoked.status, JSON.stringify(revoked.body)).to.be.oneOf([200, 202]);
    });

    it("components-must-stay-valid: Tableau no longer counts and the award fails", async function () {
      const body = await eventually(async () => {
        const answer = await verifyAward("mustStayValid", { token: fixture.tokens.a.all });
        return answer.body.status === "invalid" ? answer.body : undefined;
      }, 30_000, "the revocation to show");
      const tableau = body.components.find((entry: Json) => entry.name === "Tableau");
      expect(tableau.counts).to.equal(false);
      expect(tableau.reason).to.contain("revoked");
      expect(body.policy.name).to.equal("components-must-stay-valid");
      expect(body.requirements.met).to.equal(false);
    });

    it("progress does not count the revoked Tableau badge", async function () {
      const body = await eventually(async () => {
        const answer = await progress([components.sql, components.python, components.tableau], { token: fixture.tokens.a.all });
        return answer.body.components?.find((entry: Json) => entry.key === "tableau")?.state !== "met" ? answer.body : undefined;
      }, 30_000, "the revocation to show in progress");
      const tableau = body.components.find((entry: Json) => entry.key === "tableau");
      expect(tableau.state).to.equal("unqualified");
      expect(tableau.reason).to.contain("revoked");
      expect(body.met).to.equal(false);
      expect(body.missing.join(" ")).to.contain("Tableau");
    });

    it("award-stands: Tableau is revoked but held by the policy, and the award stands", async function () {
      const body = await eventually(async () => {
        const answer = await verifyAward("awardStands", { token: fixture.tokens.a.all });
        const tableau = answer.body.components?.find((entry: Json) => entry.name === "Tableau");
        return tableau?.heldByPolicy === true ? answer.body : undefined;
      }, 30_000, "Tableau held by policy");
      expect(body.status).to.equal("valid");
      expect(body.policy.name).to.equal("award-stands");
      expect(body.components.find((entry: Json) => entry.name === "Tableau").reason).to.contain("valid when awarded");
    });
  });
});
