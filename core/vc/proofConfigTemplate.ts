/**
 * Canonical N-Quads of Data Integrity proof options (the proof without `proofValue`,
 * under the credential's `@context`: what eddsa-rdfc-2022 hashes besides the credential)
 * by template. For one issuer key the proof options differ only in `id` (a fresh
 * `urn:uuid:`) and `created`; canonicalising them afresh for every signature and every
 * verification cost as much as a small credential. Here the options are canonicalised
 * once with sentinel values (by the caller's canonicaliser, so the template is whatever
 * the fast path or the reference says), and later ones get the template with their own
 * `id` and `created` put in.
 *
 * Why that is exact: a UUID URN and an XML Schema dateTime need no N-Quads escaping; the
 * `id` is the subject of every line (so all lines change alike) and every line has its
 * own predicate (so the sorted order is decided before the object where `created` sits).
 * The template is checked for both at creation and not used when either fails; options of
 * any other shape are not templated at all.
 */

/** A UUID URN (what the signer puts in `id`). */
const UUID_URN = /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** An XML Schema dateTime in UTC as Data Integrity writes `created`. */
const DATE_TIME_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
const SENTINEL_ID = "urn:uuid:00000000-0000-4000-8000-000000000000";
const SENTINEL_CREATED = "1970-01-01T00:00:00Z";
const PROOF_OPTION_KEYS = new Set(["@context", "id", "type", "cryptosuite", "created", "verificationMethod", "proofPurpose"]);
const MAX_TEMPLATES = 64;

/** A template, or null where the shape turned out not to be templatable. */
const templates = new Map<string, string | null>();

/** The document with sentinels for `id` and `created`, or undefined when it is not plain proof options. */
function stencilOf(document: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  if (document["type"] !== "DataIntegrityProof" || !("@context" in document)) return undefined;
  for (const key of Object.keys(document)) {
    if (!PROOF_OPTION_KEYS.has(key)) return undefined;
    if (key !== "@context" && typeof document[key] !== "string") return undefined;
  }
  const { id, created } = document;
  if (id !== undefined && !UUID_URN.test(id as string)) return undefined;
  if (created !== undefined && !DATE_TIME_UTC.test(created as string)) return undefined;
  const stencil: Record<string, unknown> = { ...document };
  if (id !== undefined) stencil["id"] = SENTINEL_ID;
  if (created !== undefined) stencil["created"] = SENTINEL_CREATED;
  return stencil;
}

/** Whether the canonical N-Quads of a stencil can be filled in as the module comment says. */
function isTemplatable(nquads: string, stencil: Readonly<Record<string, unknown>>): boolean {
  const lines = nquads.split("\n").slice(0, -1);
  const predicates = new Set(lines.map((line) => line.split(" ")[1]));
  if (predicates.size !== lines.length) return false;
  if (stencil["id"] !== undefined && !lines.every((line) => line.startsWith(`<${SENTINEL_ID}> `) && line.indexOf(SENTINEL_ID, SENTINEL_ID.length + 2) < 0)) return false;
  if (stencil["created"] !== undefined && nquads.split(`"${SENTINEL_CREATED}"`).length !== 2) return false;
  return true;
}

/**
 * The canonical N-Quads of proof options through their template (made with `canonize`
 * the first time), or `undefined` for a document that is not proof options of the
 * templated shape (the caller canonicalises it itself).
 *
 * @example
 * ```ts
 * const nquads = await proofOptionsByTemplate(options, (stencil) => canonizeFastPath({ document: stencil }));
 * ```
 */
export async function proofOptionsByTemplate(
  document: Readonly<Record<string, unknown>>,
  canonize: (stencil: Readonly<Record<string, unknown>>) => Promise<string | undefined>,
): Promise<string | undefined> {
  const stencil = stencilOf(document);
  if (stencil === undefined) return undefined;
  const key = JSON.stringify(stencil);
  let template = templates.get(key);
  if (template === undefined) {
    const nquads = await canonize(stencil);
    template = nquads !== undefined && isTemplatable(nquads, stencil) ? nquads : null;
    if (templates.size >= MAX_TEMPLATES) templates.delete(templates.keys().next().value!);
    templates.set(key, template);
  }
  if (template === null) return undefined;
  let nquads = template;
  if (document["id"] !== undefined) nquads = nquads.replaceAll(`<${SENTINEL_ID}> `, `<${document["id"] as string}> `);
  if (document["created"] !== undefined) nquads = nquads.replace(`"${SENTINEL_CREATED}"`, `"${document["created"] as string}"`);
  return nquads;
}
