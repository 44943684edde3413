/**
 * A did:web resolver over HTTPS for `credanchor verify --resolve-did-web`: fetches the
 * DID document at the URL the did:web method names (core's didWebUrl), with a timeout.
 * Anything that goes wrong is "unresolvable" (the signature check is then skipped and
 * says why), never a crash.
 */
import { didWebUrl, type DidDocument, type DidResolver } from "../../core/index.ts";

/** A resolver for did:web DIDs; other methods resolve to nothing (did:key needs none). */
export function createDidWebResolver({ timeoutMs = 10_000 }: { readonly timeoutMs?: number } = {}): DidResolver {
  return async (did) => {
    if (!did.startsWith("did:web:")) return undefined;
    const response = await fetch(didWebUrl({ did }), { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/did+json, application/json" } });
    if (!response.ok) throw new Error(`GET ${response.url} answered ${response.status}`);
    return (await response.json()) as DidDocument;
  };
}
