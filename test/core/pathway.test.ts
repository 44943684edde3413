/**
 * Pathway awards on a real chain: the Data Analytics Certificate (SQL Basics + Python for
 * Data + one of {Tableau, Power BI}) from two institutions, awarded, verified with its
 * stack, and attacked: components revoked after the award under each policy, a component
 * of someone else, forged references, a definition changed after the award.
 */
import { expect } from "chai";
import { type PublicClient, createPublicClient, custom } from "viem";

import { PATHWAY_MEMBER, preparePathwayAward } from "../../core/pathway/award.ts";
import { type PathwayVerificationReport, verifyPathwayAward } from "../../core/pathway/cascade.ts";
import { pathwayProgress } from "../../core/pathway/progress.ts";
import { formatStackTree, type StackNode, stackTree } from "../../core/pathway/tree.ts";
import {
  anchorBatch,
  client,
  dataAnalyticsDefinition,
  deployPathwayFixture,
  networkHelpers,
  type PathwayFixture,
  provider,
  revoke,
} from "./pathwayFixture.ts";
import { registrySelectorsOf } from "./helpers.ts";

const ADA = { email: "Ada@Uni.example" };
const BOB = { email: "bob@uni.example" };

/** Components of Ada (and Bob) in one batch per institution. */
async function issueComponents(fixture: PathwayFixture) {
  const uni = await anchorBatch(fixture, 1, [
    { achievement: "sql", recipient: ADA },
    { achievement: "python", recipient: ADA },
    { achievement: "sql", recipient: BOB },
  ]);
  const academy = await anchorBatch(fixture, 2, [
    { achievement: "tableau", recipient: ADA },
    { achievement: "powerbi", recipient: BOB },
    { achievement: "tableau", recipient: BOB },
  ]);
  const [sql, python, bobSql] = uni.portable;
  const [tableau, bobPowerBi, bobTableau] = academy.portable;
  return { sql: sql!, python: python!, bobSql: bobSql!, tableau: tableau!, bobPowerBi: bobPowerBi!, bobTableau: bobTableau!, uni, academy };
}

/** Prepares the award with core and anchors it as the university: what the service does. */
async function awardFor(fixture: PathwayFixture, definition: Record<string, unknown>, credentials: readonly unknown[], recipient: Record<string, string>) {
  const prepared = await preparePathwayAward({ definition, credentials, recipient, client, trustedRegistries: [fixture.address] });
  expect(prepared.met, prepared.missing.join("\n")).to.equal(true);
  const anchored = await anchorBatch(fixture, 1, [prepared.credential!]);
  return { award: anchored.portable[0]!, batchId: anchored.batchId, prepared };
}

function verify(fixture: PathwayFixture, award: unknown, components: readonly unknown[], extra: Record<string, unknown> = {}) {
  return verifyPathwayAward({ award, components, client, trustedRegistries: [fixture.address], ...extra });
}

function node(tree: StackNode, label: string): StackNode {
  const found = [tree, ...tree.children.flatMap((child) => [child, ...child.children])].find((entry) => entry.label === label);
  expect(found, `node ${label} in\n${formatStackTree(tree).join("\n")}`).to.not.equal(undefined);
  return found!;
}

function pathwayCheck(report: PathwayVerificationReport, id: string) {
  return report.checks.find((check) => check.id === id)!;
}

/** An anchored copy of the award whose evidence entry `index` was edited before anchoring. */
async function forgedAward(fixture: PathwayFixture, credential: Record<string, unknown>, index: number, edit: Record<string, unknown>) {
  const forged = structuredClone(credential) as Record<string, any>;
  Object.assign(forged.evidence[index].credanchorComponent, edit);
  return (await anchorBatch(fixture, 1, [forged])).portable[0]!;
}

describe("pathway awards on a real chain", () => {
  it("awards the Data Analytics Certificate from two institutions and shows the stack", async () => {
    const fixture = await networkHelpers.loadFixture(deployPathwayFixture);
    const c = await issueComponents(fixture);
    const { award, prepared } = await awardFor(fixture, dataAnalyticsDefinition(fixture), [c.sql, c.python, c.tableau, c.bobPowerBi], ADA);

    // The plaintext email is not in the award; the recipient is a fresh salted hash.
    expect(JSON.stringify(award).toLowerCase()).to.not.include("ada@uni.example");
    expect((award as any).evidence).to.have.length(3);
    expect((award as any)[PATHWAY_MEMBER].hash).to.equal(prepared.definitionHash);

    const report = await verify(fixture, award, [c.sql, c.python, c.tableau]);
    expect(report.status, JSON.stringify(report.checks)).to.equal("valid");
    expect(report.policy?.name).to.equal("award-stands");
    expect(report.components.map((entry) => [entry.name, entry.counts])).to.deep.equal([
      ["SQL Basics", true],
      ["Python for Data", true],
      ["Tableau", true],
    ]);
    expect(pathwayCheck(report, "recipient").outcome).to.equal("skipped");
    const tree = stackTree({ report });
    expect(tree.children.map((child) => [child.label, child.status])).to.deep.equal([
      ["SQL Basics", "valid"],
      ["Python for Data", "valid"],
      ["one of Tableau, Power BI", "valid"],
    ]);
    expect(node(tree, "Tableau").status).to.equal("valid");
    expect(node(tree, "Power BI").status).to.equal("missing");

    // With the plaintext, a verifier can check the hashed identifiers itself.
    const checked = await verify(fixture, award, [c.sql, c.python, c.tableau], { recipient: ADA });
    expect(pathwayCheck(checked, "recipient").outcome).to.equal("valid");
    expect((await verify(fixture, award, [c.sql, c.python, c.tableau], { recipient: BOB })).status).to.equal("invalid");
  });

  it('refuses to award when a component is absent, saying "2 of 3: SQL Basics missing"', async () => {
    const fixture = await networkHelpers.loadFixture(deployPathwayFixture);
    const c = await issueComponents(fixture);
    const prepared = await preparePathwayAward({
      definition: dataAnalyticsDefinition(fixture),
      credentials: [c.python, c.tableau],
      recipient: ADA,
      client,
      trustedRegistries: [fixture.address],
    });
    expect(prepared.met).to.equal(false);
    expect(prepared.credential).to.equal(undefined);
    expect(prepared.missing).to.deep.equal(["Data Analytics Certificate: 2 of 3: SQL Basics missing"]);
  });

  it("one bulk pass: one status read per batch for an award and its components", async () => {
    const fixture = await networkHelpers.loadFixture(deployPathwayFixture);
    const c = await issueComponents(fixture);
    const { award } = await awardFor(fixture, dataAnalyticsDefinition(fixture), [c.sql, c.python, c.tableau], ADA);
    const selectors: string[] = [];
    let ethCalls = 0;
    const counting = createPublicClient({
      transport: custom({
        request: async (request: { method: string; params?: unknown }) => {
          if (request.method === "eth_call") {
            const [call] = request.params as [{ data?: string; input?: string }];
            ethCalls += 1;
            selectors.push(...registrySelectorsOf(call.data ?? call.input ?? ""));
          }
          return provider.request(request as never);
        },
      }),
    }) as PublicClient;
    const report = await verifyPathwayAward({ award, components: [c.sql, c.python, c.tableau], client: counting, trustedRegistries: [fixture.address] });
    expect(report.status).to.equal("valid");
    const statusSelector = fixture.registry.interface.getFunction("credentialStatuses")!.selector;
    // Three batches: the university's components, the academy's, the award's.
    expect(selectors.filter((selector) => selector === statusSelector)).to.have.length(3);
    // The registry, its batches and both institutions in one combined read, then one read per
    // anchoring key (one per institution): the component reads are shared, not repeated.
    expect(ethCalls).to.equal(3);
  });

  it("award-stands: a component revoked after the award is held, and the report says which policy applied", async () => {
    const fixture = await networkHelpers.loadFixture(deployPathwayFixture);
    const c = await issueComponents(fixture);
    const { award } = await awardFor(fixture, dataAnalyticsDefinition(fixture), [c.sql, c.python, c.tableau], ADA);
    await networkHelpers.time.increase(60);
    await revoke(fixture, c.academy.batchId, 0);
    const report = await verify(fixture, award, [c.sql, c.python, c.tableau]);
    expect(report.status, JSON.stringify(report.checks)).to.equal("valid");
    expect(report.policy?.name).to.equal("award-stands");
    expect(report.policy?.applied).to.include("1 component is no longer valid but counted");
    const tableau = report.components.find((entry) => entry.name === "Tableau")!;
    expect(tableau.report?.status).to.equal("invalid");
    expect(tableau.heldByPolicy).to.equal(true);
    expect(node(stackTree({ report }), "Tableau").status).to.equal("held");
  });

  it("components-must-stay-valid: the same revocation fails the award", async () => {
    const fixture = await networkHelpers.loadFixture(deployPathwayFixture);
    const c = await issueComponents(fixture);
    const definition = dataAnalyticsDefinition(fixture, { revocationPolicy: "components-must-stay-valid" });
    const { award } = await awardFor(fixture, definition, [c.sql, c.python, c.tableau], ADA);
    await revoke(fixture, c.academy.batchId, 0);
    const report = await verify(fixture, award, [c.sql, c.python, c.tableau]);
    expect(report.status).to.equal("invalid");
    expect(report.policy?.name).to.equal("components-must-stay-valid");
    expect(report.policy?.applied).to.include("1 component is no longer valid and not counted");
    expect(pathwayCheck(report, "requirements").reason).to.include("2 of 3: one of Tableau, Power BI missing");
    const tree = stackTree({ report });
    expect(tree.status).to.equal("invalid");
    expect(node(tree, "Tableau").status).to.equal("invalid");
    expect(node(tree, "Tableau").detail).to.include("revoked by the issuer");
  });

  it("award-stands does not rescue a component revoked before the award", async () => {
    const fixture = await networkHelpers.loadFixture(deployPathwayFixture);
    const c = await issueComponents(fixture);
    await revoke(fixture, c.academy.batchId, 0);
    const prepared = await preparePathwayAward({
      definition: dataAnalyticsDefinition(fixture),
      credentials: [c.sql, c.python, c.tableau],
      recipient: ADA,
      client,
      trustedRegistries: [fixture.address],
    });
    expect(prepared.met).to.equal(false);
    expect(prepared.components.find((component) => component.key === "tableau")!.reason).to.include("revoked by the issuer");
  });

  it("a component of a different recipient is not counted, at award time and in the cascade", async () => {
    const fixture = await networkHelpers.loadFixture(deployPathwayFixture);
    const c = await issueComponents(fixture);
    // Hashed identifiers: the institution's plaintext shows Bob's Tableau is not Ada's.
    const prepared = await preparePathwayAward({
      definition: dataAnalyticsDefinition(fixture),
      credentials: [c.sql, c.python, c.bobTableau],
      recipient: ADA,
      client,
      trustedRegistries: [fixture.address],
    });
    expect(prepared.met).to.equal(false);
    expect(prepared.components.find((component) => component.key === "tableau")!.reason).to.include("is for someone else");

    // Subject ids: an award for did:example:ada whose evidence names Bob's credential fails without any plaintext.
    const ids = await anchorBatch(fixture, 1, [
      { achievement: "sql", recipient: { id: "did:example:ada" } },
      { achievement: "python", recipient: { id: "did:example:ada" } },
    ]);
    const viz = await anchorBatch(fixture, 2, [
      { achievement: "tableau", recipient: { id: "did:example:ada" } },
      { achievement: "tableau", recipient: { id: "did:example:bob" } },
    ]);
    const { prepared: good } = await awardFor(fixture, dataAnalyticsDefinition(fixture), [...ids.portable, viz.portable[0]!], { id: "did:example:ada" });
    const bobs = (await import("../../core/pathway/references.ts")).anchoredIdentityOf(viz.portable[1]);
    const swapped = await forgedAward(fixture, good.credential!, 2, { ...bobs });
    const report = await verify(fixture, swapped, [...ids.portable, viz.portable[1]!]);
    expect(report.status).to.equal("invalid");
    expect(pathwayCheck(report, "recipient").outcome).to.equal("invalid");
    expect(pathwayCheck(report, "recipient").reason).to.include("is for someone else");
  });

  it("hashed identifiers in the cascade: another person's component fails against the recipient's plaintext, which the award never carries", async () => {
    const fixture = await networkHelpers.loadFixture(deployPathwayFixture);
    const c = await issueComponents(fixture);
    const { prepared } = await awardFor(fixture, dataAnalyticsDefinition(fixture), [c.sql, c.python, c.tableau], ADA);
    // The award (hashed email of Ada) re-anchored with its Tableau reference swapped for Bob's Tableau.
    const { anchoredIdentityOf } = await import("../../core/pathway/references.ts");
    const swapped = await forgedAward(fixture, prepared.credential!, 2, { ...anchoredIdentityOf(c.bobTableau) });
    expect(JSON.stringify(swapped).toLowerCase()).to.not.include(ADA.email.toLowerCase());
    const presented = [c.sql, c.python, c.bobTableau];

    const checked = await verify(fixture, swapped, presented, { recipient: ADA });
    expect(checked.status).to.equal("invalid");
    expect(pathwayCheck(checked, "recipient").outcome).to.equal("invalid");
    expect(pathwayCheck(checked, "recipient").reason).to.match(/Tableau: .*is for someone else: emailAddress differs/);
    expect(checked.components.find((entry) => entry.name === "Tableau")!.counts).to.equal(false);
    expect(pathwayCheck(checked, "requirements").reason).to.include("one of Tableau, Power BI missing");

    // Bob's plaintext: the award itself is not his.
    const asBob = await verify(fixture, swapped, presented, { recipient: BOB });
    expect(pathwayCheck(asBob, "recipient").reason).to.include("the award is for someone else");

    // Without the plaintext the verifier cannot compare salted hashes, and says so rather than guessing.
    const blind = await verify(fixture, swapped, presented);
    expect(pathwayCheck(blind, "recipient").outcome).to.equal("skipped");
    expect(pathwayCheck(blind, "recipient").reason).to.include("give the recipient's email or name");
  });

  it("an award carrying another institution's pathway fails the definition check", async () => {
    const fixture = await networkHelpers.loadFixture(deployPathwayFixture);
    const c = await issueComponents(fixture);
    const { prepared } = await awardFor(fixture, dataAnalyticsDefinition(fixture), [c.sql, c.python, c.tableau], ADA);
    // The academy anchors a copy of the university's award, issuer renamed to itself.
    const copy = { ...structuredClone(prepared.credential!), issuer: { ...(prepared.credential!.issuer as object), id: "did:web:bi.example", name: "BI Academy" } };
    const [award] = (await anchorBatch(fixture, 2, [copy])).portable;
    const report = await verify(fixture, award, [c.sql, c.python, c.tableau]);
    expect(report.award.status, "the copy is genuinely anchored by the academy").to.equal("valid");
    expect(report.status).to.equal("invalid");
    expect(pathwayCheck(report, "definition").outcome).to.equal("invalid");
    expect(pathwayCheck(report, "definition").reason).to.include("the pathway belongs to institution 1");
    expect(pathwayCheck(report, "definition").reason).to.include("anchored by institution 2");
  });

  it("forged references fail: the hash of another credential, another batch, an index moved", async () => {
    const fixture = await networkHelpers.loadFixture(deployPathwayFixture);
    const c = await issueComponents(fixture);
    const { prepared } = await awardFor(fixture, dataAnalyticsDefinition(fixture), [c.sql, c.python, c.tableau], ADA);
    const bobSqlHash = (c.bobSql.proof as { credentialHash: string }).credentialHash;
    const cases = [
      { edit: { credentialHash: bobSqlHash }, says: "the credential presented there hashes to" },
      { edit: { batchId: c.academy.batchId }, says: "but it is anchored at leaf 0 of batch" },
      { edit: { leafIndex: 1 }, says: "but it is anchored at leaf 0 of batch" },
    ];
    for (const { edit, says } of cases) {
      const forged = await forgedAward(fixture, prepared.credential!, 0, edit);
      const report = await verify(fixture, forged, [c.sql, c.python, c.tableau]);
      expect(report.award.status, "the forged award itself is genuinely anchored").to.equal("valid");
      expect(report.status, JSON.stringify(edit)).to.equal("invalid");
      expect(pathwayCheck(report, "references").outcome).to.equal("invalid");
      expect(pathwayCheck(report, "references").reason).to.include(says);
      expect(pathwayCheck(report, "requirements").reason).to.include("SQL Basics missing");
    }
  });

  it("a definition changed after the award is detected, in the verifier's copy and in the award file", async () => {
    const fixture = await networkHelpers.loadFixture(deployPathwayFixture);
    const c = await issueComponents(fixture);
    const definition = dataAnalyticsDefinition(fixture);
    const { award } = await awardFor(fixture, definition, [c.sql, c.python, c.tableau], ADA);
    const components = [c.sql, c.python, c.tableau];

    expect((await verify(fixture, award, components, { definition })).status).to.equal("valid");
    const loosened = { ...definition, requirements: { allOf: ["python", { nOf: 1, of: ["tableau", "powerbi"] }] } };
    const changed = await verify(fixture, award, components, { definition: loosened });
    expect(changed.status).to.equal("invalid");
    expect(pathwayCheck(changed, "definition").reason).to.include("the definition was changed after the award");
    const newer = await verify(fixture, award, components, { definition: { ...loosened, version: 2 } });
    expect(pathwayCheck(newer, "definition").reason).to.include("earned under version 1");

    const edited = structuredClone(award) as Record<string, any>;
    edited[PATHWAY_MEMBER].definition.requirements = loosened.requirements;
    const tampered = await verify(fixture, edited, components);
    expect(tampered.status).to.equal("invalid");
    expect(tampered.award.checks.find((check) => check.id === "integrity")!.outcome).to.equal("invalid");
    expect(pathwayCheck(tampered, "definition").reason).to.include("the carried definition hashes to");
  });

  it("progress lists what a holder has and lacks, and a window excludes an old component", async () => {
    const fixture = await networkHelpers.loadFixture(deployPathwayFixture);
    const old = await anchorBatch(fixture, 1, [
      { achievement: "sql", recipient: { id: "did:example:ada" }, validFrom: "2020-01-01T00:00:00Z" },
      { achievement: "python", recipient: { id: "did:example:ada" } },
    ]);
    const progress = await pathwayProgress({
      definition: dataAnalyticsDefinition(fixture, { window: { months: 24 } }),
      credentials: old.portable,
      client,
      trustedRegistries: [fixture.address],
    });
    expect(progress.recipient).to.deep.equal({ id: "did:example:ada" });
    expect(progress.components.map((component) => [component.key, component.state])).to.deep.equal([
      ["sql", "unqualified"],
      ["python", "met"],
      ["tableau", "missing"],
      ["powerbi", "missing"],
    ]);
    expect(progress.components[0]!.reason).to.include("more than 24 months before the award");
    expect(progress.missing[0]).to.equal("Data Analytics Certificate: 1 of 3: SQL Basics and one of Tableau, Power BI missing");
  });
});
