/**
 * The pathway endpoints on the real service: a definition checked and hashed, an award
 * refused with what is missing, then issued from components of two institutions (own
 * credentials by service id, the other institution's as a portable file), anchored with
 * the next batch, and verified with its stack.
 */
import { expect } from "chai";

import { createOpenBadgeCredential } from "../../core/openbadge.ts";
import { verifyPathwayAward } from "../../core/pathway/cascade.ts";
import { parsePathwayDefinition } from "../../core/pathway/definition.ts";
import { eventually } from "./helpers/chain.ts";
import { startFixture, type Fixture } from "./helpers/fixture.ts";

describe("service API: pathways", function () {
  let fixture: Fixture;
  let definition: Record<string, unknown>;
  const ids: Record<string, string> = {};
  let tableau: Record<string, unknown>;

  const badge = (issuer: string, key: string, name: string) =>
    createOpenBadgeCredential({
      issuer: { id: issuer, name },
      achievement: { id: `https://${key}.example/badge`, name: key, description: `${key} course.`, criteria: { narrative: "Passed." } },
      recipient: { id: "did:example:ada" },
      validFrom: "2026-01-05T00:00:00Z",
    });

  async function anchored(token: string, id: string): Promise<Record<string, unknown>> {
    return eventually(async () => {
      const { body } = await fixture.request("GET", `/v1/credentials/${id}`, { token });
      return body.status === "anchored" ? body.credential : undefined;
    }, 20_000, `credential ${id} anchored`);
  }

  before(async function () {
    fixture = await startFixture();
    const { a, b } = fixture.institutions;
    for (const key of ["sql", "python"]) {
      const { body } = await fixture.request("POST", "/v1/credentials", { body: badge(a.identifier, key, a.name) });
      ids[key] = body.id;
    }
    const other = await fixture.request("POST", "/v1/credentials", { token: fixture.tokens.b.all, body: badge(b.identifier, "tableau", b.name) });
    await fixture.request("POST", "/v1/batches/close");
    await fixture.request("POST", "/v1/batches/close", { token: fixture.tokens.b.all });
    await anchored(fixture.tokens.a.all, ids.sql!);
    tableau = await anchored(fixture.tokens.b.all, other.body.id);
    const chain = `eip155:${await fixture.client.getChainId()}`;
    definition = {
      format: "credanchor-pathway-v1",
      id: "https://demo.example/pathways/data-analytics",
      version: 1,
      name: "Data Analytics Certificate",
      institution: { chain, registry: fixture.registry, institutionId: a.id },
      award: { issuer: { id: a.identifier, name: a.name }, achievement: { id: "https://demo.example/badges/data-analytics", name: "Data Analytics Certificate", description: "SQL, Python, a BI tool." } },
      components: [
        { key: "sql", name: "SQL Basics", achievement: "https://sql.example/badge" },
        { key: "python", name: "Python for Data", achievement: "https://python.example/badge" },
        { key: "tableau", name: "Tableau", achievement: "https://tableau.example/badge", institution: { chain, registry: fixture.registry, institutionId: b.id } },
        { key: "powerbi", name: "Power BI", achievement: "https://powerbi.example/badge", institution: { chain, registry: fixture.registry, institutionId: b.id } },
      ],
      requirements: { allOf: ["sql", "python", { nOf: 1, of: ["tableau", "powerbi"] }] },
      revocationPolicy: "components-must-stay-valid",
    };
  });
  after(async function () {
    await fixture?.stop();
  });

  it("checks a definition and answers its hash; another institution's token cannot use it", async function () {
    const { status, body } = await fixture.request("POST", "/v1/pathways/definitions", { body: { definition } });
    expect(status).to.equal(200);
    expect(body.hash).to.equal(parsePathwayDefinition({ definition }).hash);
    const foreign = await fixture.request("POST", "/v1/pathways/definitions", { token: fixture.tokens.b.all, body: { definition } });
    expect(foreign.status).to.equal(400);
    expect(foreign.body.error.details[0].path).to.equal("$.definition.institution");
    const impostor = await fixture.request("POST", "/v1/pathways/definitions", {
      body: { definition: { ...definition, award: { ...(definition.award as object), issuer: { id: "did:web:elsewhere.example" } } } },
    });
    expect(impostor.status).to.equal(400);
    expect(impostor.body.error.details[0].path).to.equal("$.definition.award.issuer.id");
    const broken = await fixture.request("POST", "/v1/pathways/definitions", { body: { definition: { ...definition, requirements: { nOf: 5, of: ["sql"] } } } });
    expect(broken.status).to.equal(422);
    expect(broken.body.error.code).to.equal("CA_PATHWAY_DEFINITION_INVALID");
  });

  it("refuses an award that is not met, saying what is missing", async function () {
    const { status, body } = await fixture.request("POST", "/v1/pathways/awards", {
      body: { definition, components: [{ id: ids.sql }, { id: ids.python }] },
    });
    expect(status).to.equal(422);
    expect(body.error.code).to.equal("CA_PATHWAY_REQUIREMENTS_NOT_MET");
    expect(body.error.message).to.include("2 of 3: one of Tableau, Power BI missing");
    const noList = await fixture.request("POST", "/v1/pathways/awards", { body: { definition, components: { id: ids.sql } } });
    expect([noList.status, noList.body.error.details[0].path]).to.deep.equal([400, "$.components"]);
    const badRecipient = await fixture.request("POST", "/v1/pathways/awards", { body: { definition, components: [{ id: ids.sql }], recipient: { phone: "1" } } });
    expect([badRecipient.status, badRecipient.body.error.details[0].path]).to.deep.equal([400, "$.recipient.phone"]);
    const unknown = await fixture.request("POST", "/v1/pathways/awards", { body: { definition, components: [{ id: "0193a5c2-7f1e-7c3a-9b2d-4e5f6a7b8c9d" }] } });
    expect(unknown.status).to.equal(404);
  });

  it("awards from two institutions' components, anchors the award, and it verifies with its stack", async function () {
    const { status, body } = await fixture.request("POST", "/v1/pathways/awards", {
      body: { definition, components: [{ id: ids.sql }, { id: ids.python }, tableau] },
    });
    expect(status, JSON.stringify(body)).to.equal(202);
    expect(body.components.map((component: { key: string; state: string }) => [component.key, component.state])).to.deep.equal([
      ["sql", "met"],
      ["python", "met"],
      ["tableau", "met"],
      ["powerbi", "missing"],
    ]);
    await fixture.request("POST", "/v1/batches/close");
    const award = await anchored(fixture.tokens.a.all, body.award.id);
    const components = [await anchored(fixture.tokens.a.all, ids.sql!), await anchored(fixture.tokens.a.all, ids.python!), tableau];
    const report = await verifyPathwayAward({ award, components, client: fixture.client, trustedRegistries: [fixture.registry] });
    expect(report.status, JSON.stringify(report.checks)).to.equal("valid");
    expect(report.pathway?.hash).to.equal(body.pathway.hash);
    expect(report.components.map((entry) => entry.name)).to.deep.equal(["SQL Basics", "Python for Data", "Tableau"]);
  });
});
