/**
 * Differential test of the acceptance check intake uses to defer signing
 * (core/vc/jsonLdQuads.ts documentExpands) against the quad-building walk it shortens
 * (documentToQuads): the same answer, accept exactly when documentToQuads resolves, on
 * generated service credentials, on those credentials with one troublesome member put in
 * at a random depth (undefined terms, relative or blank-node IRIs, undefined types, lists,
 * value objects, embedded contexts...), on the OB 3.0 samples and 1EdTech's examples with
 * and without their credentialSchema.
 *
 * CANONIZE_RUNS sets the number of generated credentials (default 300).
 */
import { expect } from "chai";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";

import { createDocumentLoader } from "../../core/vc/documentLoader.ts";
import { documentExpands, documentToQuads } from "../../core/vc/jsonLdQuads.ts";
import { OFFICIAL_EXAMPLES, serviceCredential } from "./canonizeShapes.ts";

const RUNS = Number(process.env.CANONIZE_RUNS ?? 300);
const documentLoader = createDocumentLoader();

const quadsResolve = (document: Record<string, unknown>) =>
  documentToQuads({ document, documentLoader }).then(
    () => true,
    () => false,
  );

/** Members that each make, or may make, the fast walk decline somewhere in a credential. */
const TROUBLE: readonly (readonly [string, unknown])[] = [
  ["credanchorExtra", 1], // a term no context defines
  ["id", "relative/iri"],
  ["id", "_:b0"],
  ["id", 7],
  ["type", "UndefinedType"],
  ["type", 5],
  ["type", ["Profile", "Achievement"]],
  ["name", null],
  ["name", [["nested"]]],
  ["name", { "@value": "x", "@language": "en" }],
  ["name", { "@value": "x", "@language": "not a tag!" }],
  ["name", { "@value": {} }],
  ["name", { "@value": "x", "@type": "http://www.w3.org/2001/XMLSchema#string", "@language": "en" }],
  ["description", { "@value": 3, "@language": "en" }],
  ["description", { "@value": "x", "@type": "http://www.w3.org/2001/XMLSchema#string" }],
  ["@context", { extra: "https://example.org/extra" }],
  ["@graph", []],
  ["@reverse", {}],
  ["@type", "Profile"],
  ["url", "https://example.edu/x"],
  ["url", "not absolute"],
  ["image", { id: "https://example.edu/i.png", type: "Image" }],
  ["image", "not absolute"],
  ["credentialSchema", [{ id: "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json", type: "1EdTechJsonSchemaValidator2019" }]],
  ["allowedValue", ["A", "B"]],
  ["creditsEarned", 2.5],
  ["creditsEarned", 1e21],
  ["creditsEarned", true],
  ["https://example.org/absolute#property", "x"],
  ["ex:property", "x"],
  ["validFrom", 20250101],
  ["evidence", []],
  ["evidence", [{}]],
];

/** Every object in a JSON value (the value itself included), for choosing where to put a member. */
function objectsIn(value: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(value)) for (const item of value) objectsIn(item, out);
  else if (value !== null && typeof value === "object") {
    out.push(value as Record<string, unknown>);
    for (const member of Object.values(value)) objectsIn(member, out);
  }
  return out;
}

const mutated = fc
  .record({ credential: serviceCredential, where: fc.nat(), trouble: fc.constantFrom(...TROUBLE) })
  .map(({ credential, where, trouble }) => {
    const copy = structuredClone(credential);
    const targets = objectsIn(copy).filter((target) => target !== copy["@context"]);
    targets[where % targets.length]![trouble[0]] = structuredClone(trouble[1]);
    return copy;
  });

describe("documentExpands: accepts exactly what documentToQuads expands", function () {
  this.timeout(Math.max(60_000, RUNS * 100));

  it(`accepts the ${RUNS} generated service credentials documentToQuads expands (all of them)`, async () => {
    await fc.assert(
      fc.asyncProperty(serviceCredential, async (credential) => {
        expect(await quadsResolve(credential)).to.equal(true);
        expect(await documentExpands({ document: credential, documentLoader })).to.equal(true);
      }),
      { numRuns: RUNS },
    );
  });

  it(`answers as documentToQuads does for ${RUNS} credentials with one troublesome member at a random depth`, async () => {
    let declined = 0;
    await fc.assert(
      fc.asyncProperty(mutated, async (credential) => {
        const expected = await quadsResolve(credential);
        if (!expected) declined++;
        expect(await documentExpands({ document: credential, documentLoader })).to.equal(expected);
      }),
      { numRuns: RUNS },
    );
    // The mutations are there to reach the walk's refusals: most of them must.
    expect(declined, `documentToQuads declined ${declined} of ${RUNS}`).to.be.at.least(Math.floor(RUNS / 2));
  });

  it("answers as documentToQuads does for every troublesome member at the top and in the achievement", async () => {
    for (const [key, value] of TROUBLE) {
      for (const where of ["top", "achievement"] as const) {
        const credential = structuredClone(OFFICIAL_EXAMPLES["OB 3.0 sample OpenBadgeCredential (Teamwork Badge)"]!);
        const target = where === "top" ? credential : (credential.credentialSubject as { achievement: Record<string, unknown> }).achievement;
        target[key] = structuredClone(value);
        expect(await documentExpands({ document: credential, documentLoader }), `${key} = ${JSON.stringify(value)} (${where})`).to.equal(await quadsResolve(credential));
      }
    }
  });

  it("declines a document without @context and one with a context credanchor does not ship", async () => {
    const { "@context": _context, ...bare } = OFFICIAL_EXAMPLES["OB 3.0 sample OpenBadgeCredential (Teamwork Badge)"]!;
    const unknown = { ...bare, "@context": ["https://www.w3.org/ns/credentials/v2", "https://example.org/unknown-context.json"] };
    for (const document of [bare, unknown]) {
      expect(await quadsResolve(document)).to.equal(false);
      expect(await documentExpands({ document, documentLoader })).to.equal(false);
    }
  });

  // The walk is synchronous: at a context not yet processed it stops, the context is processed, and it walks again.
  it("walks again after each new context, also past the shared cache's 64 top-level contexts, with the same quads", async () => {
    const base = OFFICIAL_EXAMPLES["OB 3.0 sample OpenBadgeCredential (Teamwork Badge)"]!;
    for (let i = 0; i < 80; i++) {
      const document = { ...base, "@context": [...(base["@context"] as string[]), { [`credanchorTerm${i}`]: `https://example.org/terms/${i}` }], [`credanchorTerm${i}`]: `value ${i}` };
      const cold = await documentToQuads({ document, documentLoader });
      expect(cold.quads.some((quad) => quad.predicate === `<https://example.org/terms/${i}>`)).to.equal(true);
      expect(await documentToQuads({ document, documentLoader })).to.deep.equal(cold);
      expect(await documentExpands({ document: { ...document, [`credanchorTerm${i + 1000}`]: 1 }, documentLoader })).to.equal(false);
      expect(await documentExpands({ document, documentLoader })).to.equal(true);
    }
  });

  for (const [name, example] of Object.entries(OFFICIAL_EXAMPLES)) {
    it(`accepts the ${name}`, async () => {
      expect(await quadsResolve(example)).to.equal(true);
      expect(await documentExpands({ document: example, documentLoader })).to.equal(true);
    });
  }

  const EXAMPLES_DIR = "test/fixtures/ob3-examples";
  for (const file of readdirSync(EXAMPLES_DIR).filter((name) => name.endsWith(".json"))) {
    it(`answers as documentToQuads does for 1EdTech's ${file}, with and without its credentialSchema`, async () => {
      const example = JSON.parse(readFileSync(`${EXAMPLES_DIR}/${file}`, "utf8")) as Record<string, unknown>;
      const { credentialSchema: _schema, ...withoutSchema } = example;
      for (const document of [example, withoutSchema]) {
        expect(await documentExpands({ document, documentLoader })).to.equal(await quadsResolve(document));
      }
      // The schema entry's type is in no context: with it the walk declines, without it it expands.
      if ("credentialSchema" in example) expect(await documentExpands({ document: example, documentLoader })).to.equal(false);
      expect(await documentExpands({ document: withoutSchema, documentLoader })).to.equal(true);
    });
  }
});
