/**
 * Requirement evaluation, windows and definitions without a chain: properties over
 * random requirement trees (n-of-m, nesting, monotonicity) and random dates, plus the
 * wording of the "what is missing" report pinned in a few cases.
 */
import { readFileSync } from "node:fs";

import { expect } from "chai";
import fc from "fast-check";

import { parsePathwayDefinition, pathwayDefinitionHash, type Requirement } from "../../core/pathway/definition.ts";
import { evaluateRequirements, missingLines } from "../../core/pathway/requirements.ts";
import { subtractMonths, windowProblem } from "../../core/pathway/window.ts";
import { expectCredanchorError, propertyRuns } from "./helpers.ts";

const KEYS = ["a", "b", "c", "d", "e", "f"] as const;

/** Random requirement trees over KEYS: leaves, allOf groups and nOf groups (n within its list). */
const requirementTree: fc.Arbitrary<Requirement> = fc.letrec<{ node: Requirement }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...KEYS),
    fc.array(tie("node"), { minLength: 1, maxLength: 4 }).map((allOf) => ({ allOf })),
    fc
      .array(tie("node"), { minLength: 1, maxLength: 4 })
      .chain((of) => fc.integer({ min: 1, max: of.length }).map((nOf) => ({ nOf, of }))),
  ),
})).node;

const keySet = fc.subarray([...KEYS]).map((keys) => new Set<string>(keys));

const met = (requirement: Requirement, satisfied: ReadonlySet<string>) => evaluateRequirements({ requirement, satisfied }).met;

describe("pathway requirements", () => {
  it("n of m distinct components is met exactly when at least n of them qualify", () => {
    fc.assert(
      fc.property(fc.subarray([...KEYS], { minLength: 1 }), keySet, fc.nat(), (of, satisfied, pick) => {
        const nOf = (pick % of.length) + 1;
        const result = evaluateRequirements({ requirement: { nOf, of }, satisfied });
        const count = of.filter((key) => satisfied.has(key)).length;
        expect(result.have).to.equal(count);
        expect(result.met).to.equal(count >= nOf);
      }),
      { numRuns: propertyRuns },
    );
  });

  it("all of a list is the same as n of it with n its length", () => {
    fc.assert(
      fc.property(fc.array(requirementTree, { minLength: 1, maxLength: 4 }), keySet, (children, satisfied) => {
        expect(met({ allOf: children }, satisfied)).to.equal(met({ nOf: children.length, of: children }, satisfied));
      }),
      { numRuns: propertyRuns },
    );
  });

  it("more qualifying components never un-meet a requirement (monotone)", () => {
    fc.assert(
      fc.property(requirementTree, keySet, keySet, (requirement, some, more) => {
        const superset = new Set([...some, ...more]);
        if (met(requirement, some)) expect(met(requirement, superset)).to.equal(true);
      }),
      { numRuns: propertyRuns },
    );
  });

  it("a nested group counts in its parent exactly as a component with its outcome would", () => {
    fc.assert(
      fc.property(fc.array(requirementTree, { minLength: 1, maxLength: 4 }), fc.nat(), fc.nat(), keySet, (children, pickChild, pickN, satisfied) => {
        const position = pickChild % children.length;
        const nOf = (pickN % children.length) + 1;
        const inner = children[position]!;
        // "z" is not a key of the inner tree: it stands for the inner group, met iff the group is.
        const flattened = new Set(satisfied);
        if (met(inner, satisfied)) flattened.add("z");
        else flattened.delete("z");
        const replaced = children.map((child, index) => (index === position ? "z" : child));
        expect(met({ nOf, of: children }, satisfied)).to.equal(met({ nOf, of: replaced }, flattened));
      }),
      { numRuns: propertyRuns },
    );
  });

  it("the report of an unmet group names exactly its unmet members, and adding them meets it", () => {
    fc.assert(
      fc.property(fc.subarray([...KEYS], { minLength: 1 }), keySet, (allOf, satisfied) => {
        const result = evaluateRequirements({ requirement: { allOf }, satisfied });
        const unmet = allOf.filter((key) => !satisfied.has(key));
        expect(result.met).to.equal(unmet.length === 0);
        expect(result.children.filter((child) => !child.met).map((child) => child.label)).to.deep.equal(unmet);
        if (unmet.length > 0) {
          expect(result.summary).to.match(new RegExp(`^${allOf.length - unmet.length} of ${allOf.length}: `));
          for (const key of unmet) expect(result.summary).to.include(key);
          expect(met({ allOf }, new Set([...satisfied, ...unmet]))).to.equal(true);
        }
      }),
      { numRuns: propertyRuns },
    );
  });

  it('says "2 of 3: SQL Basics missing" and what a one-of group lacks', () => {
    const names = new Map([
      ["sql", "SQL Basics"],
      ["python", "Python for Data"],
      ["tableau", "Tableau"],
      ["powerbi", "Power BI"],
    ]);
    const requirement: Requirement = { allOf: ["sql", "python", { nOf: 1, of: ["tableau", "powerbi"] }] };
    const sqlMissing = evaluateRequirements({ requirement, satisfied: new Set(["python", "powerbi"]), names });
    expect(sqlMissing.summary).to.equal("2 of 3: SQL Basics missing");
    const vizMissing = evaluateRequirements({ requirement, satisfied: new Set(["sql", "python"]), names });
    expect(vizMissing.summary).to.equal("2 of 3: one of Tableau, Power BI missing");
    expect(missingLines(vizMissing)).to.deep.equal([
      "all of SQL Basics, Python for Data, one of Tableau, Power BI: 2 of 3: one of Tableau, Power BI missing",
      "one of Tableau, Power BI: 0 of 1 from Tableau or Power BI: one more missing",
    ]);
  });
});

describe("pathway windows", () => {
  const dates = fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2090-01-01T00:00:00Z"), noInvalidDate: true });

  it("subtracting months goes back that many calendar months, clamping the day", () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: 0, max: 240 }), (date, months) => {
        const earlier = subtractMonths(date, months);
        expect(earlier.getTime()).to.be.at.most(date.getTime());
        const monthIndex = (d: Date) => d.getUTCFullYear() * 12 + d.getUTCMonth();
        expect(monthIndex(date) - monthIndex(earlier)).to.equal(months);
        expect(earlier.getUTCDate()).to.equal(Math.min(date.getUTCDate(), new Date(Date.UTC(earlier.getUTCFullYear(), earlier.getUTCMonth() + 1, 0)).getUTCDate()));
        expect(earlier.getUTCHours()).to.equal(date.getUTCHours());
      }),
      { numRuns: propertyRuns },
    );
  });

  it("a component counts exactly when earned inside [award - N months, award]", () => {
    fc.assert(
      fc.property(dates, dates, fc.integer({ min: 1, max: 60 }), (earnedAt, awardTime, months) => {
        const inside = earnedAt >= subtractMonths(awardTime, months) && earnedAt <= awardTime;
        expect(windowProblem({ earnedAt, validUntil: undefined, awardTime, months }) === undefined).to.equal(inside);
      }),
      { numRuns: propertyRuns },
    );
  });

  it("a component that expired before the award never counts, with or without a window", () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: 1, max: 10_000_000 }), fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }), (awardTime, secondsBefore, months) => {
        const validUntil = new Date(awardTime.getTime() - secondsBefore * 1000);
        expect(windowProblem({ earnedAt: validUntil, validUntil, awardTime, months })).to.match(/^expired on /);
      }),
      { numRuns: propertyRuns },
    );
  });

  it("the boundary itself is inside: earned exactly N months before the award counts", () => {
    const awardTime = new Date("2026-03-31T10:00:00Z");
    expect(subtractMonths(awardTime, 1).toISOString()).to.equal("2026-02-28T10:00:00.000Z");
    expect(windowProblem({ earnedAt: subtractMonths(awardTime, 1), validUntil: undefined, awardTime, months: 1 })).to.equal(undefined);
    expect(windowProblem({ earnedAt: new Date("2026-02-28T09:59:59Z"), validUntil: undefined, awardTime, months: 1 })).to.match(/more than 1 month before/);
  });
});

describe("pathway definitions", () => {
  const definition = {
    format: "credanchor-pathway-v1",
    id: "https://uni.example/pathways/data-analytics",
    version: 1,
    name: "Data Analytics Certificate",
    institution: { chain: "eip155:31337", registry: "0x5fbdb2315678afecb367f032d93f642f64180aa3", institutionId: 1 },
    award: {
      issuer: { id: "did:web:uni.example", name: "Example University" },
      achievement: { id: "https://uni.example/badges/data-analytics", name: "Data Analytics Certificate", description: "SQL, Python and a BI tool." },
    },
    components: [
      { key: "sql", name: "SQL Basics", achievement: "https://uni.example/badges/sql" },
      { key: "viz", name: "Tableau", achievement: "https://bi.example/badges/tableau" },
    ],
    requirements: { allOf: ["sql", { nOf: 1, of: ["viz"] }] },
    revocationPolicy: "award-stands",
  };

  it("the documented example (examples/data-analytics-pathway.json, docs/PATHWAYS.md) is a valid definition", () => {
    const example = JSON.parse(readFileSync(new URL("../../examples/data-analytics-pathway.json", import.meta.url), "utf8"));
    const { definition: parsed } = parsePathwayDefinition({ definition: example });
    expect(parsed.components.map((component) => component.name)).to.deep.equal(["SQL Basics", "Python for Data", "Tableau", "Power BI"]);
  });

  it("hashes the same for any member order and differently for any change", () => {
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(definition).reverse())));
    expect(parsePathwayDefinition({ definition: reordered }).hash).to.equal(parsePathwayDefinition({ definition }).hash);
    expect(pathwayDefinitionHash({ definition: { ...definition, version: 2 } })).to.not.equal(parsePathwayDefinition({ definition }).hash);
  });

  it("rejects a requirement naming an unlisted component, n larger than its list, unknown members and a repeated achievement, by path", () => {
    const unknownKey = expectCredanchorError(() => parsePathwayDefinition({ definition: { ...definition, requirements: { allOf: ["sql", "python"] } } }), "CA_PATHWAY_DEFINITION_INVALID");
    expect(unknownKey.details?.[0]?.path).to.equal("$.requirements.allOf[1]");
    const tooMany = expectCredanchorError(() => parsePathwayDefinition({ definition: { ...definition, requirements: { nOf: 3, of: ["sql", "viz"] } } }), "CA_PATHWAY_DEFINITION_INVALID");
    expect(tooMany.details?.[0]?.path).to.equal("$.requirements.nOf");
    const extra = expectCredanchorError(() => parsePathwayDefinition({ definition: { ...definition, grading: "strict" } }), "CA_PATHWAY_DEFINITION_INVALID");
    expect(extra.message).to.include("grading");
    const twice = expectCredanchorError(
      () => parsePathwayDefinition({ definition: { ...definition, components: [...definition.components, { key: "sql2", name: "SQL again", achievement: "https://uni.example/badges/sql" }] } }),
      "CA_PATHWAY_DEFINITION_INVALID",
    );
    expect(twice.details?.[0]?.path).to.equal("$.components[2].achievement");
  });
});
