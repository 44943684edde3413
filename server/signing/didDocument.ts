/**
 * DID documents for did:web issuers whose keys the service holds: every key of the DID
 * (current and earlier) as a Multikey verification method authorised for
 * `assertionMethod`, so credentials signed before a key rotation keep verifying.
 */
import { didDocumentForKeys, type DidDocument } from "../../core/index.ts";
import type { SigningKey } from "../../core/vc/eddsa.ts";

/** The DID document of `did` with `keys` (public parts only; core's didDocumentForKeys). */
export function didDocumentOf({ did, keys }: { readonly did: string; readonly keys: readonly SigningKey[] }): DidDocument {
  return didDocumentForKeys({ did, keys: keys.map(({ id, publicKeyMultibase }) => ({ id, publicKeyMultibase })) });
}

/**
 * The did:web DID a request for a DID document names (did:web method spec, reversed):
 * host `example.edu` + `/.well-known/did.json` → `did:web:example.edu`; host
 * `localhost:8787` + `/dept/cs/did.json` → `did:web:localhost%3A8787:dept:cs`.
 * `undefined` for any other path.
 */
export function didWebOfRequest({ host, path }: { readonly host: string; readonly path: string }): string | undefined {
  const encodedHost = host.replace(":", "%3A");
  if (path === "/.well-known/did.json") return `did:web:${encodedHost}`;
  const match = /^\/((?:[A-Za-z0-9._~-]+\/)+)did\.json$/.exec(path);
  if (match === null) return undefined;
  const segments = match[1]!.slice(0, -1).split("/");
  if (segments.some((segment) => /^\.+$/.test(segment))) return undefined; // no dot segments
  return `did:web:${encodedHost}:${segments.join(":")}`;
}
