/**
 * What a credential says, for people: achievement, issuer, recipient, dates,
 * alignments. Read from the credential's own members only (never from `proof`), so the
 * same accessors serve every proof format (credanchor-proof-v1 and later ones). Every
 * accessor tolerates missing or oddly typed members: it reads, it does not validate
 * (validation is core/credential.ts's job, and verification's).
 */
import { hashIdentity, normalizeEmail } from "./identity.ts";

type Json = Readonly<Record<string, unknown>>;

const object = (value: unknown): Json | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;
const text = (value: unknown): string | undefined => (typeof value === "string" && value.trim() !== "" ? value : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** An image as OB 3.0 gives it: a URL string or `{ id, caption? }`. */
function imageOf(value: unknown): string | undefined {
  return text(value) ?? text(object(value)?.id);
}

/** OB 3.0 Alignment: a framework entry the achievement maps to. */
export type AlignmentContent = {
  readonly name: string;
  readonly url?: string | undefined;
  readonly description?: string | undefined;
  readonly code?: string | undefined;
  readonly framework?: string | undefined;
};

/** One recipient identifier (OB 3.0 IdentityObject). */
export type IdentifierContent = {
  readonly identityType: string;
  readonly hashed: boolean;
  /** The plain value when not hashed; the `sha256$…` hash when hashed. */
  readonly identityHash: string;
  readonly salt?: string | undefined;
};

/** What {@link credentialContent} returns. */
export type CredentialContent = {
  readonly id?: string | undefined;
  /** The credential's own name (often the achievement's). */
  readonly name?: string | undefined;
  readonly achievement: {
    readonly id?: string | undefined;
    readonly name?: string | undefined;
    readonly description?: string | undefined;
    readonly criteria?: { readonly narrative?: string | undefined; readonly url?: string | undefined } | undefined;
    readonly image?: string | undefined;
    readonly type?: string | undefined;
    readonly alignments: readonly AlignmentContent[];
    /** Tags / keywords, which OB 3.0 issuers use for skills. */
    readonly tags: readonly string[];
  };
  readonly issuer: {
    readonly id?: string | undefined;
    readonly name?: string | undefined;
    readonly url?: string | undefined;
    readonly image?: string | undefined;
    readonly email?: string | undefined;
  };
  readonly recipient: {
    readonly id?: string | undefined;
    /** A plain (unhashed) name identifier, when present. */
    readonly name?: string | undefined;
    readonly identifiers: readonly IdentifierContent[];
  };
  readonly validFrom?: string | undefined;
  readonly validUntil?: string | undefined;
  readonly awardedDate?: string | undefined;
  /** The badge image: the credential's, else the achievement's. */
  readonly image?: string | undefined;
};

/** Parameters of {@link credentialContent}. */
export type CredentialContentParameters = { readonly credential: unknown };

/**
 * Reads a credential's content for display.
 *
 * @example
 * ```ts
 * const { achievement, issuer, recipient, validUntil } = credentialContent({ credential });
 * ```
 */
export function credentialContent(parameters: CredentialContentParameters): CredentialContent {
  const credential = object(parameters.credential) ?? {};
  const issuerValue = credential["issuer"];
  const issuer = object(issuerValue) ?? {};
  const subject = object(list(credential["credentialSubject"])[0]) ?? {};
  const achievement = object(subject["achievement"]) ?? {};
  const criteria = object(achievement["criteria"]);
  const identifiers: IdentifierContent[] = list(subject["identifier"]).flatMap((entry) => {
    const item = object(entry);
    const identityHash = text(item?.["identityHash"]);
    if (item === undefined || identityHash === undefined) return [];
    return [
      {
        identityType: text(item["identityType"]) ?? "identifier",
        hashed: item["hashed"] === true,
        identityHash,
        salt: text(item["salt"]),
      },
    ];
  });
  const plainName = identifiers.find((entry) => entry.identityType === "name" && !entry.hashed)?.identityHash;
  const alignments: AlignmentContent[] = list(achievement["alignment"]).flatMap((entry) => {
    const item = object(entry);
    const name = text(item?.["targetName"]);
    if (item === undefined || name === undefined) return [];
    return [
      {
        name,
        url: text(item["targetUrl"]),
        description: text(item["targetDescription"]),
        code: text(item["targetCode"]),
        framework: text(item["targetFramework"]),
      },
    ];
  });
  return {
    id: text(credential["id"]),
    name: text(credential["name"]),
    achievement: {
      id: text(achievement["id"]),
      name: text(achievement["name"]),
      description: text(achievement["description"]),
      criteria: criteria === undefined ? undefined : { narrative: text(criteria["narrative"]), url: text(criteria["id"]) },
      image: imageOf(achievement["image"]),
      type: text(achievement["achievementType"]),
      alignments,
      tags: list(achievement["tag"]).flatMap((tag) => (text(tag) === undefined ? [] : [tag as string])),
    },
    issuer: {
      id: text(issuerValue) ?? text(issuer["id"]),
      name: text(issuer["name"]),
      url: text(issuer["url"]),
      image: imageOf(issuer["image"]),
      email: text(issuer["email"]),
    },
    recipient: { id: text(subject["id"]), name: text(subject["name"]) ?? plainName, identifiers },
    validFrom: text(credential["validFrom"]) ?? text(credential["issuanceDate"]),
    validUntil: text(credential["validUntil"]) ?? text(credential["expirationDate"]),
    awardedDate: text(credential["awardedDate"]),
    image: imageOf(credential["image"]) ?? imageOf(achievement["image"]),
  };
}

/** Parameters of {@link matchRecipientEmail}. */
export type MatchRecipientEmailParameters = { readonly credential: unknown; readonly email: string };
/** What {@link matchRecipientEmail} found. */
export type MatchRecipientEmailReturnType = "match" | "noMatch" | "noEmailIdentifier";

/**
 * Whether `email` is the address the credential was issued to: compared against each
 * `emailAddress` IdentityObject (OB 3.0 `identityHash` = `sha256$` + sha256(email + salt),
 * after credanchor's normalisation: trimmed, lowercased).
 *
 * @example
 * ```ts
 * matchRecipientEmail({ credential, email: "Ada@Example.edu " }); // "match"
 * ```
 */
export function matchRecipientEmail(parameters: MatchRecipientEmailParameters): MatchRecipientEmailReturnType {
  const emails = credentialContent({ credential: parameters.credential }).recipient.identifiers.filter(
    (entry) => entry.identityType === "emailAddress",
  );
  if (emails.length === 0) return "noEmailIdentifier";
  const typed = normalizeEmail({ email: parameters.email });
  const matches = emails.some((entry) =>
    entry.hashed
      ? hashIdentity({ identity: typed, salt: entry.salt ?? "" }) === entry.identityHash.toLowerCase()
      : normalizeEmail({ email: entry.identityHash }) === typed,
  );
  return matches ? "match" : "noMatch";
}
