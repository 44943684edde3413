/**
 * Does a credential's issuer id name the institution registered on-chain?
 *
 * The registry stores one identifier per institution: a DID, an https URL or a bare DNS
 * domain. The credential's `issuer` (string or object with `id`) matches when it is
 * - exactly the identifier; or
 * - for a bare domain `example.edu`: `did:web:example.edu` (optionally with a `:path`), or an
 *   https URL on that host (any path).
 * Matching is case-insensitive for hosts only; anything else must be equal.
 */
export function issuerMatches({
  issuerId,
  institutionIdentifier,
}: {
  readonly issuerId: string;
  readonly institutionIdentifier: string;
}): boolean {
  if (issuerId === institutionIdentifier) return true;
  const domain = institutionIdentifier.toLowerCase();
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) return false;
  if (issuerId.toLowerCase().startsWith("did:web:")) {
    const host = issuerId.slice("did:web:".length).split(":")[0] ?? "";
    try {
      return decodeURIComponent(host).toLowerCase() === domain;
    } catch {
      return false; // malformed percent-encoding: not a host, so no match (and not a crash)
    }
  }
  try {
    const url = new URL(issuerId);
    return url.protocol === "https:" && url.hostname.toLowerCase() === domain;
  } catch {
    return false;
  }
}

/** The issuer id of a credential: `issuer` itself when a string, else `issuer.id`. */
export function issuerIdOf(credential: Readonly<Record<string, unknown>>): string | undefined {
  const issuer = credential.issuer;
  if (typeof issuer === "string") return issuer;
  if (issuer !== null && typeof issuer === "object") {
    const id = (issuer as Record<string, unknown>).id;
    return typeof id === "string" ? id : undefined;
  }
  return undefined;
}
