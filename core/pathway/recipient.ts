/**
 * Is a credential's recipient the person an award is for? By subject id, or by the
 * OB 3.0 identifiers (hashed with the credential's own salt, so the plaintext identity
 * the institution supplies is compared without ever being written anywhere).
 */
import { hashIdentity, normalizeEmail } from "../identity.ts";

/** Who an award is for, as the awarding institution knows them. Plaintext stays in memory. */
export type RecipientIdentity = {
  /** The subject id (DID or URI) the credentials name. */
  readonly id?: string | undefined;
  /** The email address the credentials hash (normalised as credanchor does before hashing). */
  readonly email?: string | undefined;
  /** The name the credentials hash. */
  readonly name?: string | undefined;
};

/** What a credential says about its recipient. */
export type RecipientClaims = {
  readonly subjectId?: string | undefined;
  readonly identifiers: readonly Readonly<Record<string, unknown>>[];
};

/** Reads the recipient claims of a credential (OB 3.0 `credentialSubject`). */
export function recipientClaimsOf(credential: Readonly<Record<string, unknown>>): RecipientClaims {
  const subject = credential.credentialSubject as Record<string, unknown> | undefined;
  const identifiers = Array.isArray(subject?.identifier)
    ? (subject.identifier as unknown[]).filter((entry): entry is Record<string, unknown> => entry !== null && typeof entry === "object")
    : [];
  return { subjectId: typeof subject?.id === "string" ? subject.id : undefined, identifiers };
}

const identityTypes = { email: "emailAddress", name: "name" } as const;

function normalise(kind: keyof typeof identityTypes, value: string): string {
  return kind === "email" ? normalizeEmail({ email: value }) : value.trim();
}

/** One identifier against one plaintext value: "match", "differs", or undefined when not comparable. */
function compareIdentifier(entry: Readonly<Record<string, unknown>>, value: string): "match" | "differs" {
  const hash = entry.identityHash;
  if (entry.hashed === true) {
    return typeof hash === "string" && hashIdentity({ identity: value, salt: typeof entry.salt === "string" ? entry.salt : "" }) === hash ? "match" : "differs";
  }
  return hash === value ? "match" : "differs";
}

/** The result of {@link matchRecipient}. */
export type RecipientMatch = {
  /** True when at least one identity could be compared and every compared one matched. */
  readonly matches: boolean;
  /** What was compared ("subject id", "emailAddress"), for the report. */
  readonly compared: readonly string[];
  readonly reason: string;
};

/**
 * Compares a recipient with a credential's claims. Every identity the recipient gives
 * and the credential carries is compared; none comparable is no match.
 *
 * @example
 * ```ts
 * matchRecipient({ recipient: { email: "ada@uni.example" }, claims: recipientClaimsOf(credential) }).matches;
 * ```
 */
export function matchRecipient({ recipient, claims }: { readonly recipient: RecipientIdentity; readonly claims: RecipientClaims }): RecipientMatch {
  const compared: string[] = [];
  const differing: string[] = [];
  if (recipient.id !== undefined && claims.subjectId !== undefined) {
    compared.push("subject id");
    if (recipient.id !== claims.subjectId) differing.push(`subject id ${claims.subjectId}`);
  }
  for (const kind of ["email", "name"] as const) {
    const value = recipient[kind];
    if (value === undefined) continue;
    const entries = claims.identifiers.filter((entry) => entry.identityType === identityTypes[kind]);
    if (entries.length === 0) continue;
    compared.push(identityTypes[kind]);
    const plain = normalise(kind, value);
    if (!entries.some((entry) => compareIdentifier(entry, plain) === "match")) differing.push(identityTypes[kind]);
  }
  if (compared.length === 0) {
    return { matches: false, compared, reason: "names its recipient in none of the ways given for the award's recipient (subject id, email, name)" };
  }
  if (differing.length > 0) return { matches: false, compared, reason: `is for someone else: ${differing.join(", ")} differ${differing.length === 1 ? "s" : ""}` };
  return { matches: true, compared, reason: `same recipient (${compared.join(", ")})` };
}
