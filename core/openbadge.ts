/**
 * Builds Open Badges 3.0 credentials from a template (issuer + achievement) and one
 * recipient: what the CLI does for every row of a CSV cohort.
 */
import { validateCredential } from "./credential.ts";
import { CredanchorError } from "./errors.ts";
import { encodeHex } from "./hex.ts";
import { hashIdentity, normalizeEmail } from "./identity.ts";
import { randomBytesInto } from "./random.ts";
import { OB_V3_CONTEXT, VC_V2_CONTEXT, type IdentityObject, type OpenBadgeCredential } from "./schema.ts";

/** The issuing organisation; `type: ["Profile"]` is added if missing. */
export type ProfileInput = { readonly id: string; readonly name?: string | undefined } & Readonly<Record<string, unknown>>;

/** The badge class; `type: ["Achievement"]` is added if missing. */
export type AchievementInput = {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly criteria: { readonly id?: string | undefined; readonly narrative?: string | undefined };
} & Readonly<Record<string, unknown>>;

/** Who receives the badge: at least one of `id` (a URI, e.g. a DID), `email`, `name`. */
export type RecipientInput = {
  readonly id?: string | undefined;
  readonly email?: string | undefined;
  readonly name?: string | undefined;
};

/** Parameters of {@link createOpenBadgeCredential}. */
export type CreateOpenBadgeCredentialParameters = {
  readonly issuer: ProfileInput;
  readonly achievement: AchievementInput;
  readonly recipient: RecipientInput;
  /** Default: now. */
  readonly validFrom?: string | Date | undefined;
  readonly validUntil?: string | Date | undefined;
  /** Store email and name as salted sha256 identity hashes (default true). */
  readonly hashRecipient?: boolean | undefined;
  /** Credential id; default a fresh `urn:uuid:`. */
  readonly id?: string | undefined;
  /** Credential name; default the achievement's name. */
  readonly name?: string | undefined;
};
/** Return type of {@link createOpenBadgeCredential}. */
export type CreateOpenBadgeCredentialReturnType = OpenBadgeCredential;

function uuidV4(): string {
  const bytes = randomBytesInto(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = encodeHex(bytes).slice(2);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function withType(value: Readonly<Record<string, unknown>>, name: string): Record<string, unknown> {
  return value["type"] === undefined ? { ...value, type: [name] } : { ...value };
}

function toDateTime(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : value;
}

function identityObject(identityType: string, identity: string, hashed: boolean): IdentityObject {
  if (!hashed) return { type: "IdentityObject", identityType, hashed: false, identityHash: identity };
  const salt = encodeHex(randomBytesInto(new Uint8Array(16))).slice(2);
  return { type: "IdentityObject", identityType, hashed: true, identityHash: hashIdentity({ identity, salt }), salt };
}

/**
 * Builds and validates one OB 3.0 `OpenBadgeCredential`. Email addresses are trimmed
 * and lowercased (see `normalizeEmail`) and, like names, stored as salted
 * `sha256$` identity hashes unless `hashRecipient` is false. Throws
 * `CA_CREDENTIAL_INVALID` if the template does not make a valid credential.
 *
 * @example
 * ```ts
 * const credential = createOpenBadgeCredential({
 *   issuer: { id: "did:web:example.edu", name: "Example University" },
 *   achievement: { id: "https://example.edu/badges/rust-101", name: "Rust 101",
 *     description: "Completed Rust 101.", criteria: { narrative: "Pass the final project." } },
 *   recipient: { email: "ada@example.edu" },
 * });
 * ```
 */
export function createOpenBadgeCredential(
  parameters: CreateOpenBadgeCredentialParameters,
): CreateOpenBadgeCredentialReturnType {
  const { issuer, achievement, recipient } = parameters;
  const hashed = parameters.hashRecipient ?? true;
  const identifier: IdentityObject[] = [];
  if (recipient.email !== undefined) {
    identifier.push(identityObject("emailAddress", normalizeEmail({ email: recipient.email }), hashed));
  }
  if (recipient.name !== undefined) identifier.push(identityObject("name", recipient.name.trim(), hashed));
  if (recipient.id === undefined && identifier.length === 0) {
    throw new CredanchorError({
      code: "CA_INVALID_ARGUMENT",
      message: "A recipient needs an id, an email or a name.",
      details: [{ path: "$.recipient", message: "names no recipient", expected: 'at least one of "id", "email", "name"' }],
    });
  }
  const credential: Record<string, unknown> = {
    "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT],
    id: parameters.id ?? `urn:uuid:${uuidV4()}`,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    name: parameters.name ?? achievement.name,
    issuer: withType(issuer, "Profile"),
    validFrom: toDateTime(parameters.validFrom ?? new Date()),
    ...(parameters.validUntil === undefined ? {} : { validUntil: toDateTime(parameters.validUntil) }),
    credentialSubject: {
      ...(recipient.id === undefined ? {} : { id: recipient.id }),
      type: ["AchievementSubject"],
      ...(identifier.length === 0 ? {} : { identifier }),
      achievement: withType(achievement, "Achievement"),
    },
  };
  return validateCredential({ credential }).credential as OpenBadgeCredential;
}
