/**
 * Differential test of the fast eddsa-rdfc-2022 canonicaliser (core/vc/fastCanonize.ts)
 * against the reference it replaces (the cryptosuite's canonize: jsonld.js toRDF +
 * rdf-canonize): byte-identical N-Quads on generated credentials of every shape the
 * service issues, on their proof options, and on the OB 3.0 specification's samples;
 * the fast path really runs for those shapes, and declines (leaving the reference to
 * answer) what it does not handle.
 *
 * CANONIZE_RUNS sets the number of generated credentials (default 300; `npm run
 * test:canonize` runs 10,000).
 */
import { cryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import { expect } from "chai";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";

import { createDocumentLoader } from "../../core/vc/documentLoader.ts";
import { canonizeCounts, canonizeFastPath, fastCanonize } from "../../core/vc/fastCanonize.ts";
import { OFFICIAL_EXAMPLES, proofOptions, serviceCredential } from "./canonizeShapes.ts";

const RUNS = Number(process.env.CANONIZE_RUNS ?? 300);
const documentLoader = createDocumentLoader();
const reference = (document: unknown) => cryptosuite.canonize(structuredClone(document), { documentLoader, safe: true, base: null });

/** The reference's answer, or its refusal. */
async function referenceOutcome(document: unknown): Promise<{ nquads?: string; refused?: true }> {
  try {
    return { nquads: await reference(document) };
  } catch {
    return { refused: true };
  }
}

describe("fast eddsa-rdfc-2022 canonicaliser: byte-identical to jsonld.js + rdf-canonize", function () {
  this.timeout(Math.max(60_000, RUNS * 100));

  it(`gives the reference's N-Quads for ${RUNS} generated service credentials, taking the fast path for nearly all`, async () => {
    const before = canonizeCounts();
    let fast = 0;
    await fc.assert(
      fc.asyncProperty(serviceCredential, async (credential) => {
        const expected = await reference(credential);
        const quick = await canonizeFastPath({ document: credential });
        if (quick !== undefined) {
          fast++;
          expect(quick).to.equal(expected);
        }
        expect(await fastCanonize(credential, { documentLoader })).to.equal(expected);
      }),
      { numRuns: RUNS },
    );
    expect(canonizeCounts().fast - before.fast).to.equal(fast);
    // Declining is allowed (two identical blank nodes), but these shapes are what the fast path is for.
    expect(fast, `fast path taken for ${fast} of ${RUNS}; last reason: ${canonizeCounts().lastFallback}`).to.be.at.least(Math.floor(RUNS * 0.95));
  });

  it("gives the reference's N-Quads for the proof options the signer canonicalises", async () => {
    await fc.assert(
      fc.asyncProperty(proofOptions, async (options) => {
        const quick = await canonizeFastPath({ document: options });
        expect(quick).to.not.equal(undefined);
        expect(quick).to.equal(await reference(options));
      }),
      { numRuns: Math.min(RUNS, 200) },
    );
  });

  // Proof options go through a template (core/vc/proofConfigTemplate.ts) filled with their id and created.
  it("gives the reference's N-Quads for proof options by template: without id, with fractional seconds, with other keys", async () => {
    const variant = fc.record({
      dropId: fc.boolean(),
      dropCreated: fc.boolean(),
      milliseconds: fc.boolean(),
      upperCaseId: fc.boolean(),
      extra: fc.option(fc.constantFrom({ expires: "2030-01-01T00:00:00Z" }, { domain: "example.edu" }, { challenge: "abc" }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(proofOptions, variant, fc.date({ noInvalidDate: true, min: new Date("2000-01-01"), max: new Date("2099-01-01") }), async (options, how, when) => {
        const document: Record<string, unknown> = { ...options, ...how.extra };
        if (how.upperCaseId) document.id = (document.id as string).toUpperCase().replace("URN:UUID:", "urn:uuid:");
        if (how.milliseconds) document.created = when.toISOString();
        if (how.dropId) delete document.id;
        if (how.dropCreated) delete document.created;
        const quick = await canonizeFastPath({ document });
        expect(quick).to.not.equal(undefined);
        expect(quick).to.equal(await reference(document));
      }),
      { numRuns: Math.min(RUNS, 200) },
    );
  });

  for (const [name, example] of Object.entries(OFFICIAL_EXAMPLES)) {
    it(`gives the reference's N-Quads for the ${name}`, async () => {
      const quick = await canonizeFastPath({ document: example });
      expect(quick).to.not.equal(undefined);
      expect(quick).to.equal(await reference(example));
    });
  }

  // 1EdTech's own OB 3.0 examples (test/fixtures/ob3-examples): the same bytes, or the same refusal.
  const EXAMPLES_DIR = "test/fixtures/ob3-examples";
  for (const file of readdirSync(EXAMPLES_DIR).filter((name) => name.endsWith(".json"))) {
    it(`answers as the reference does for 1EdTech's ${file}, with and without its credentialSchema`, async () => {
      const example = JSON.parse(readFileSync(`${EXAMPLES_DIR}/${file}`, "utf8")) as Record<string, unknown>;
      const { credentialSchema: _schema, ...withoutSchema } = example;
      for (const document of [example, withoutSchema]) {
        const expected = await referenceOutcome(document);
        const quick = await canonizeFastPath({ document });
        if (expected.refused) expect(quick).to.equal(undefined);
        else expect(quick).to.equal(expected.nquads);
      }
      // Without the schema entry (a type no context defines) the service issues it: the fast path must take it.
      if ((await referenceOutcome(withoutSchema)).nquads !== undefined) expect(await canonizeFastPath({ document: withoutSchema })).to.not.equal(undefined);
    });
  }

  const declined: Record<string, Record<string, unknown>> = {
    "a term no context defines (the reference refuses it)": { ...OFFICIAL_EXAMPLES["OB 3.0 sample OpenBadgeCredential (Teamwork Badge)"]!, credanchorExtra: 1 },
    "an @list container (ResultDescription.allowedValue)": withAchievement({
      resultDescription: [{ id: "https://example.edu/rd/1", type: ["ResultDescription"], name: "Grade", resultType: "LetterGrade", allowedValue: ["A", "B", "C"] }],
    }),
    "two identical blank nodes (same first-degree hash)": withAchievement({
      alignment: [
        { type: ["Alignment"], targetName: "Same", targetUrl: "https://example.edu/a" },
        { type: ["Alignment"], targetName: "Same", targetUrl: "https://example.edu/a" },
      ],
    }),
    "a context credanchor does not ship": { ...OFFICIAL_EXAMPLES["OB 3.0 sample OpenBadgeCredential (Teamwork Badge)"]!, "@context": ["https://www.w3.org/ns/credentials/v2", "https://example.org/unknown-context.json"] },
    "a relative type (1EdTechJsonSchemaValidator2019 is in no context)": {
      ...OFFICIAL_EXAMPLES["OB 3.0 sample OpenBadgeCredential (Teamwork Badge)"]!,
      credentialSchema: [{ id: "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json", type: "1EdTechJsonSchemaValidator2019" }],
    },
  };
  for (const [name, document] of Object.entries(declined)) {
    it(`declines ${name}, and fastCanonize then answers as the reference does`, async () => {
      expect(await canonizeFastPath({ document })).to.equal(undefined);
      const expected = await referenceOutcome(document);
      const actual = await fastCanonize(structuredClone(document), { documentLoader, safe: true, base: null }).then(
        (nquads) => ({ nquads }),
        () => ({ refused: true as const }),
      );
      expect(actual).to.deep.equal(expected);
    });
  }
});

function withAchievement(extra: Record<string, unknown>): Record<string, unknown> {
  const example = structuredClone(OFFICIAL_EXAMPLES["OB 3.0 sample OpenBadgeCredential (Teamwork Badge)"]!);
  const subject = example.credentialSubject as { achievement: Record<string, unknown> };
  Object.assign(subject.achievement, extra);
  return example;
}
