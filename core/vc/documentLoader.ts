/**
 * The JSON-LD document loader for signing and verifying: contexts from memory
 * (contexts.ts), `did:key` from the DID itself, `did:web` through the caller's
 * resolver. Anything else is refused, never fetched.
 */
import { CredanchorError } from "../errors.ts";
import { staticContexts } from "./contexts.ts";
import { didKeyDocument, didOf, type DidDocument, type DidResolver } from "./did.ts";

/** What jsonld.js expects from a document loader. */
export type RemoteDocument = { readonly contextUrl: null; readonly documentUrl: string; readonly document: unknown };
/** A jsonld.js document loader. */
export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

/** Parameters of {@link createDocumentLoader}. */
export type CreateDocumentLoaderParameters = {
  /** Resolves DIDs other than did:key (e.g. did:web over HTTPS); without it only did:key resolves. */
  readonly resolveDid?: DidResolver | undefined;
  /** Told about every DID that could not be resolved (so a failure can be reported as "skipped"). */
  readonly onUnresolved?: ((did: string, cause: unknown) => void) | undefined;
};

function absolute(did: string, id: unknown): unknown {
  return typeof id === "string" && id.startsWith("#") ? `${did}${id}` : id;
}

/** Makes relative `#fragment` ids absolute, so proof purposes compare like with like. */
function normalise(document: DidDocument): DidDocument {
  const did = document.id;
  const out: Record<string, unknown> = { ...document };
  for (const relation of ["verificationMethod", "assertionMethod", "authentication"]) {
    const entries = document[relation];
    if (!Array.isArray(entries)) continue;
    out[relation] = entries.map((entry: unknown) =>
      entry !== null && typeof entry === "object"
        ? { ...(entry as Record<string, unknown>), id: absolute(did, (entry as { id?: unknown }).id), controller: absolute(did, (entry as { controller?: unknown }).controller) ?? did }
        : absolute(did, entry),
    );
  }
  return out as DidDocument;
}

function findMethod(document: DidDocument, id: string): Record<string, unknown> | undefined {
  for (const relation of ["verificationMethod", "assertionMethod", "authentication"]) {
    const entries = document[relation];
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      if (entry !== null && typeof entry === "object" && (entry as { id?: unknown }).id === id) return entry as Record<string, unknown>;
    }
  }
  return undefined;
}

/**
 * A document loader that fetches nothing itself.
 *
 * @example
 * ```ts
 * const documentLoader = createDocumentLoader({ resolveDid: async (did) => fetchDidWeb(did) });
 * ```
 */
export function createDocumentLoader(parameters: CreateDocumentLoaderParameters = {}): DocumentLoader {
  const cache = new Map<string, Promise<DidDocument>>();
  const resolve = (did: string): Promise<DidDocument> => {
    let pending = cache.get(did);
    if (pending === undefined) {
      pending = (async () => {
        const found = did.startsWith("did:key:") ? didKeyDocument({ did }) : await parameters.resolveDid?.(did);
        if (found === undefined || found === null) {
          throw new CredanchorError({
            code: "CA_DID_UNRESOLVABLE",
            message: `The DID ${did} could not be resolved${parameters.resolveDid === undefined ? " (no resolver for this DID method was given)" : ""}.`,
          });
        }
        if (found.id !== did) {
          throw new CredanchorError({ code: "CA_DID_UNRESOLVABLE", message: `The DID document for ${did} names another DID (${String(found.id)}).` });
        }
        return normalise(found);
      })();
      pending.catch((cause: unknown) => parameters.onUnresolved?.(did, cause));
      cache.set(did, pending);
    }
    return pending;
  };

  return async (url: string): Promise<RemoteDocument> => {
    const context = staticContexts().get(url);
    if (context !== undefined) return { contextUrl: null, documentUrl: url, document: context };
    if (url.startsWith("did:")) {
      const did = didOf(url);
      const document = await resolve(did);
      if (url === did) return { contextUrl: null, documentUrl: url, document };
      const method = findMethod(document, url);
      if (method === undefined) {
        throw new CredanchorError({ code: "CA_DID_UNRESOLVABLE", message: `The DID document of ${did} has no verification method ${url}.` });
      }
      return { contextUrl: null, documentUrl: url, document: { "@context": document["@context"], ...method } };
    }
    throw new CredanchorError({
      code: "CA_DOCUMENT_NOT_LOADABLE",
      message: `The JSON-LD document ${url} is not one credanchor ships; it is not fetched.`,
    });
  };
}
