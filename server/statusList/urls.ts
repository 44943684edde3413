/**
 * Where an institution's status lists are published: `<base>/status-lists/<institution id>/<list number>`.
 * The base is the did:web issuer's own origin (the service answers for that host, as it
 * does for the DID document), else the service's configured public URL. Without either
 * there is no URL a verifier could fetch, and credentials are issued without an entry.
 */
import { didWebUrl } from "../../core/vc/did.ts";

/** The route the service serves status lists at (`:institution` = registry institution id). */
export const STATUS_LIST_ROUTE = "/status-lists/:institution/:list";

/** Parameters of {@link statusListBaseOf}. */
export type StatusListBaseOfParameters = {
  /** The institution's DID (its registry identifier). */
  readonly identifier: string;
  /** The service's public URL (CREDANCHOR_PUBLIC_URL), if configured. */
  readonly publicUrl?: string | undefined;
};

/**
 * The origin status list URLs of an institution start with, or undefined.
 *
 * @example
 * ```ts
 * statusListBaseOf({ identifier: "did:web:example.edu" }); // "https://example.edu"
 * ```
 */
export function statusListBaseOf(parameters: StatusListBaseOfParameters): string | undefined {
  if (parameters.identifier.startsWith("did:web:")) {
    try {
      return new URL(didWebUrl({ did: parameters.identifier })).origin;
    } catch {
      // not a well-formed did:web: fall through to the configured URL
    }
  }
  return parameters.publicUrl === undefined ? undefined : new URL(parameters.publicUrl).origin;
}

/** Parameters of {@link statusListUrl}. */
export type StatusListUrlParameters = { readonly base: string; readonly institutionId: number; readonly listNumber: number };

/**
 * The URL of one status list credential.
 *
 * @example
 * ```ts
 * statusListUrl({ base: "https://example.edu", institutionId: 1, listNumber: 0 }); // "https://example.edu/status-lists/1/0"
 * ```
 */
export function statusListUrl(parameters: StatusListUrlParameters): string {
  return `${parameters.base}/status-lists/${parameters.institutionId}/${parameters.listNumber}`;
}
