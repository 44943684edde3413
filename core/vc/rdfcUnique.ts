/**
 * RDFC-1.0 (W3C RDF Dataset Canonicalization) for datasets in which every blank node has a
 * unique first-degree hash: the case of tree-shaped credentials, where each blank node
 * (an identity object, an image, a status entry...) differs from the others in its own
 * quads. Canonical labels are then issued in the order of those hashes (spec 4.4.3 step 5)
 * and the N-Degree hashing is never reached. When two blank nodes share a hash this
 * returns `undefined` and the caller uses the full algorithm (rdf-canonize).
 *
 * Twin: rdf-canonize lib/RDFC10.js (v5.0.0) `main` and `hashFirstDegreeQuads`.
 */
import type { DocumentQuads, Quad } from "./jsonLdQuads.ts";
import { sha256HexOfText } from "./sha256.ts";

function line(quad: Quad, label: (blankNode: number) => string): string {
  const subject = typeof quad.subject === "number" ? label(quad.subject) : quad.subject;
  const object = typeof quad.object === "number" ? label(quad.object) : quad.object;
  return `${subject} ${quad.predicate} ${object} .\n`;
}

/** Parameters of {@link canonicalNQuadsIfUnique}. */
export type CanonicalNQuadsIfUniqueParameters = DocumentQuads;

/**
 * The canonical N-Quads of the dataset (sorted lines, `_:c14nN` labels), or `undefined`
 * when two blank nodes have the same first-degree hash.
 *
 * @example
 * ```ts
 * const nquads = canonicalNQuadsIfUnique(await documentToQuads({ document, documentLoader }));
 * ```
 */
export function canonicalNQuadsIfUnique(parameters: CanonicalNQuadsIfUniqueParameters): string | undefined {
  const { quads, blankNodes } = parameters;
  // Blank node -> the quads that mention it (spec 4.4.3 step 2).
  const mentions: Quad[][] = Array.from({ length: blankNodes }, () => []);
  for (const quad of quads) {
    if (typeof quad.subject === "number") mentions[quad.subject]!.push(quad);
    if (typeof quad.object === "number" && quad.object !== quad.subject) mentions[quad.object]!.push(quad);
  }
  const hashes: { hash: string; node: number }[] = [];
  const seen = new Set<string>();
  for (let node = 0; node < blankNodes; node++) {
    const own = mentions[node]!;
    // A blank node no quad mentions is not in the dataset (rdf-canonize never sees it).
    if (own.length === 0) continue;
    // Hash First Degree Quads (4.6): itself `_:a`, any other blank node `_:z`.
    const lines = own.map((quad) => line(quad, (other) => (other === node ? "_:a" : "_:z"))).sort();
    const hash = sha256HexOfText(lines.join(""));
    if (seen.has(hash)) return undefined;
    seen.add(hash);
    hashes.push({ hash, node });
  }
  hashes.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  const canonical = new Array<string>(blankNodes);
  hashes.forEach(({ node }, index) => {
    canonical[node] = `_:c14n${index}`;
  });
  const lines = quads.map((quad) => line(quad, (node) => canonical[node]!));
  lines.sort();
  return lines.join("");
}
