/**
 * Issuer identity for signatures: `did:key` (Ed25519, resolved offline from the DID
 * itself) and `did:web` (a DID document at an HTTPS URL, fetched by a resolver the
 * caller supplies, so core never opens a connection of its own).
 */
import { CredanchorError } from "../errors.ts";
import { DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT } from "./contexts.ts";

/** A DID document (W3C DID Core), as JSON. */
export type DidDocument = Readonly<Record<string, unknown>> & { readonly id: string };

/**
 * Resolves a DID (never a DID URL) to its DID document, or `undefined` when it cannot
 * (offline, no such host, no document). May throw for the same reasons; callers treat
 * both as "unresolvable", which is not the same as a bad signature.
 */
export type DidResolver = (did: string) => Promise<DidDocument | undefined>;

/** Multicodec header of an Ed25519 public key in a Multikey (0xed 0x01), base58btc 'z6Mk…'. */
const ED25519_MULTIKEY_PREFIX = "z6Mk";

/** Parameters of {@link didKeyDocument}. */
export type DidKeyDocumentParameters = { readonly did: string };
/** Return type of {@link didKeyDocument}. */
export type DidKeyDocumentReturnType = DidDocument;

/**
 * The DID document of an Ed25519 `did:key` (the key is the DID), with one Multikey
 * verification method `did:key:z6Mk…#z6Mk…` for assertion and authentication. Throws
 * `CA_INVALID_ARGUMENT` for any other did:key.
 *
 * @example
 * ```ts
 * didKeyDocument({ did: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK" }).assertionMethod;
 * ```
 */
export function didKeyDocument(parameters: DidKeyDocumentParameters): DidKeyDocumentReturnType {
  const match = /^did:key:(z6Mk[1-9A-HJ-NP-Za-km-z]{44})$/.exec(parameters.did);
  if (match === null) {
    throw new CredanchorError({
      code: "CA_INVALID_ARGUMENT",
      message: `Not an Ed25519 did:key: "${parameters.did}".`,
      hints: [`An Ed25519 did:key is did:key:${ED25519_MULTIKEY_PREFIX}… (48 base58btc characters).`],
    });
  }
  const key = match[1]!;
  const methodId = `${parameters.did}#${key}`;
  return {
    "@context": [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT],
    id: parameters.did,
    verificationMethod: [{ id: methodId, type: "Multikey", controller: parameters.did, publicKeyMultibase: key }],
    assertionMethod: [methodId],
    authentication: [methodId],
  };
}

/** Parameters of {@link didWebUrl}. */
export type DidWebUrlParameters = { readonly did: string };
/** Return type of {@link didWebUrl}. */
export type DidWebUrlReturnType = string;

/**
 * Where a `did:web` DID document lives (did:web method spec): `did:web:example.edu` →
 * `https://example.edu/.well-known/did.json`; `did:web:example.edu:dept:cs` →
 * `https://example.edu/dept/cs/did.json`; a port is written `%3A`. Throws
 * `CA_INVALID_ARGUMENT` for anything else.
 *
 * @example
 * ```ts
 * didWebUrl({ did: "did:web:localhost%3A8787:institutions:1" }); // "https://localhost:8787/institutions/1/did.json"
 * ```
 */
export function didWebUrl(parameters: DidWebUrlParameters): DidWebUrlReturnType {
  const match = /^did:web:([^:#?/]+)((?::[^:#?/]+)*)$/.exec(parameters.did);
  const host = match === null ? "" : safeDecode(match[1]!);
  if (match === null || host === undefined || !/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/.test(host)) {
    throw new CredanchorError({
      code: "CA_INVALID_ARGUMENT",
      message: `Not a did:web DID: "${parameters.did}".`,
      hints: ["A did:web DID is did:web:<host>[%3A<port>][:<path segment>]…"],
    });
  }
  const segments = match[2]!.split(":").slice(1).map((segment) => safeDecode(segment));
  if (segments.some((segment) => segment === undefined || segment === "" || segment.includes("/"))) {
    throw new CredanchorError({ code: "CA_INVALID_ARGUMENT", message: `Not a did:web DID: "${parameters.did}" (bad path segment).` });
  }
  const path = segments.length === 0 ? "/.well-known/did.json" : `/${segments.join("/")}/did.json`;
  return `https://${host}${path}`;
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** The DID a DID URL belongs to: `did:web:a.b#key-1` → `did:web:a.b`. */
export function didOf(didUrl: string): string {
  const end = didUrl.search(/[#?/]/u);
  return end === -1 ? didUrl : didUrl.slice(0, end);
}

/** A verification method's public part, as a DID document lists it. */
export type PublicKeyEntry = { readonly id: string; readonly publicKeyMultibase: string };

/** Parameters of {@link didDocumentForKeys}. */
export type DidDocumentForKeysParameters = { readonly did: string; readonly keys: readonly PublicKeyEntry[] };

/**
 * The DID document an issuer publishes for its Ed25519 keys (did:web): every key, current
 * and earlier, as a Multikey verification method authorised for `assertionMethod`, so
 * credentials signed before a key rotation keep verifying. Public parts only.
 *
 * @example
 * ```ts
 * didDocumentForKeys({ did: "did:web:example.edu", keys: [{ id: "did:web:example.edu#key-1", publicKeyMultibase: "z6Mk…" }] });
 * ```
 */
export function didDocumentForKeys(parameters: DidDocumentForKeysParameters): DidDocument {
  const { did } = parameters;
  const methods = parameters.keys.map((key) => ({ id: key.id, type: "Multikey", controller: did, publicKeyMultibase: key.publicKeyMultibase }));
  return {
    "@context": [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT],
    id: did,
    verificationMethod: methods,
    assertionMethod: methods.map((method) => method.id),
  };
}
