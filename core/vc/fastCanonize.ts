/**
 * The canonicaliser eddsa-rdfc-2022 signs and verifies with: a fast path for the
 * credentials the service produces (jsonLdQuads.ts: JSON-LD to quads over the shipped
 * contexts, rdfcUnique.ts: RDFC-1.0 when every blank node has a unique first-degree
 * hash), and the reference (Digital Bazaar's eddsa-rdfc-2022 cryptosuite: jsonld.js toRDF
 * + rdf-canonize) for everything else. Both give the same bytes: the fast path declines
 * whatever it does not handle exactly (it never guesses), and a differential test over
 * generated credentials and the official examples holds it to the reference
 * (test/core/fastCanonize.test.ts, `npm run test:canonize` for 10,000+).
 */
import { cryptosuite as eddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";

import { createDocumentLoader, type DocumentLoader } from "./documentLoader.ts";
import { documentToQuads } from "./jsonLdQuads.ts";
import { proofOptionsByTemplate } from "./proofConfigTemplate.ts";
import { canonicalNQuadsIfUnique } from "./rdfcUnique.ts";

/** How often each path ran (benchmarks and tests read it to see the fast path was taken). */
export type CanonizeCounts = { fast: number; reference: number; lastFallback: string | undefined };
const counts: CanonizeCounts = { fast: 0, reference: 0, lastFallback: undefined };

/** A snapshot of the counts since the process started. */
export function canonizeCounts(): Readonly<CanonizeCounts> {
  return { ...counts };
}

let contextsOnly: DocumentLoader | undefined;

/** Parameters of {@link canonizeFastPath}. */
export type CanonizeFastPathParameters = { readonly document: Readonly<Record<string, unknown>> };

/**
 * The canonical N-Quads by the fast path alone, or `undefined` where it declines (the
 * reason in `canonizeCounts().lastFallback`). Contexts come from the shipped set only.
 *
 * @example
 * ```ts
 * const nquads = await canonizeFastPath({ document: credential }); // string | undefined
 * ```
 */
export async function canonizeFastPath(parameters: CanonizeFastPathParameters): Promise<string | undefined> {
  const templated = await proofOptionsByTemplate(parameters.document, canonizeWalking);
  return templated ?? canonizeWalking(parameters.document);
}

/** The fast path proper: JSON-LD to quads, then RDFC-1.0 for unique first-degree hashes. */
async function canonizeWalking(document: Readonly<Record<string, unknown>>): Promise<string | undefined> {
  contextsOnly ??= createDocumentLoader();
  try {
    const result = canonicalNQuadsIfUnique(await documentToQuads({ document, documentLoader: contextsOnly }));
    if (result === undefined) counts.lastFallback = "two blank nodes with the same first-degree hash";
    return result;
  } catch (error) {
    // Whatever the fast path cannot do (or any context it cannot load) is the reference's to do or to refuse.
    counts.lastFallback = error instanceof Error ? error.message : String(error);
    return undefined;
  }
}

/**
 * Canonicalises a JSON-LD document with RDFC-1.0 into N-Quads, with the signature of the
 * cryptosuite's `canonize` (so it can replace it): the fast path when it applies, the
 * reference otherwise.
 *
 * @example
 * ```ts
 * const nquads = await fastCanonize(credentialWithoutProof, { documentLoader, safe: true, base: null });
 * ```
 */
export async function fastCanonize(input: unknown, options: Record<string, unknown>): Promise<string> {
  if (input !== null && typeof input === "object" && !Array.isArray(input)) {
    const result = await canonizeFastPath({ document: input as Record<string, unknown> });
    if (result !== undefined) {
      counts.fast++;
      return result;
    }
  }
  counts.reference++;
  return eddsaRdfc2022.canonize(input, options);
}
