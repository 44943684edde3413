/**
 * zod schemas of the credentials credanchor anchors: W3C Verifiable Credentials 2.0,
 * and 1EdTech Open Badges 3.0 `OpenBadgeCredential` / `AchievementCredential` on top.
 *
 * Objects are loose: members the schemas do not name (evidence, image, alignment,
 * results…) pass through untouched, since the credential hash covers the whole
 * document anyway. Every check that can fail says what it expects, which credential.ts
 * turns into the `expected` of a field issue: refinements carry `params.expected`, and
 * type errors use a message of the form "expected <description>".
 */
import * as z from "zod/mini";

import "./zodMessages.ts";

/** First `@context` entry of every VC 2.0 credential. */
export const VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2";
/** The Open Badges 3.0 context written by credanchor. */
export const OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/** Any released Open Badges 3.0 context (3.0.0 … 3.0.x). */
const OB_V3_CONTEXT_PATTERN = /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(?:-3\.0\.\d+)?\.json$/;
/** A credential is an Open Badge if its `type` names one of these. */
export const OPEN_BADGE_TYPES = ["OpenBadgeCredential", "AchievementCredential"] as const;

const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/;
/** xsd:dateTimeStamp: an XML Schema dateTime whose time zone is mandatory (VC 2.0 §4.9). */
const DATE_TIME_STAMP = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;
/** OB 3.0 IdentityHash of a hashed identity: `sha256$` + 64 hex digits (or legacy md5). */
const IDENTITY_HASH = /^(?:sha256\$[0-9a-f]{64}|md5\$[0-9a-f]{32})$/;

const EXPECTED_URI = "an absolute URI, e.g. https://example.edu/x, did:web:example.edu or urn:uuid:…";
const EXPECTED_DATE_TIME = "an XML Schema dateTimeStamp with time zone, e.g. 2025-06-30T12:00:00Z";

/** True for an xsd:dateTimeStamp whose fields are in range (Feb 30 fails). */
export function isDateTimeStamp(value: string): boolean {
  const match = DATE_TIME_STAMP.exec(value);
  if (match === null) return false;
  const [, year, month, day, hour, minute, second, zoneHour, zoneMinute] = match.map(Number) as number[];
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return (
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= daysInMonth &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 &&
    (match[8] === undefined || (zoneHour! <= 14 && zoneMinute! <= 59))
  );
}

function requiredString() {
  return z
    .string({ error: "expected a non-empty string" })
    .check(z.refine((value) => value.length > 0, { error: "is empty", params: { expected: "a non-empty string" } }));
}

const uri = z
  .string({ error: `expected ${EXPECTED_URI}` })
  .check(z.refine((value) => ABSOLUTE_URI.test(value), { error: "is not an absolute URI", params: { expected: EXPECTED_URI } }));

const dateTimeStamp = z
  .string({ error: `expected ${EXPECTED_DATE_TIME}` })
  .check(z.refine(isDateTimeStamp, { error: "is not a valid dateTimeStamp", params: { expected: EXPECTED_DATE_TIME } }));

/** `type`: one name or a non-empty array of names, including every name of `required` and one of `oneOf`. */
function typeNames(required: readonly string[], oneOf: readonly string[] = []) {
  const expectedParts = [
    ...required.map((name) => `"${name}"`),
    ...(oneOf.length === 0 ? [] : [oneOf.map((name) => `"${name}"`).join(" or ")]),
  ];
  const expected = `a type name, or an array of type names, including ${expectedParts.join(" and ")}`;
  return z
    .custom<string | [string, ...string[]]>(
      (value) =>
        typeof value === "string" ||
        (Array.isArray(value) && value.length > 0 && value.every((name) => typeof name === "string")),
      { error: "must be a string or a non-empty array of strings", params: { expected } },
    )
    .check(
      z.refine(
        (value) => {
          const names: readonly string[] = typeof value === "string" ? [value] : value;
          return required.every((name) => names.includes(name)) && (oneOf.length === 0 || oneOf.some((name) => names.includes(name)));
        },
        { error: `does not include ${expectedParts.join(" and ")}`, params: { expected } },
      ),
    );
}

function context(requireOpenBadges: boolean) {
  const expected = requireOpenBadges
    ? `an array starting with "${VC_V2_CONTEXT}" and including "${OB_V3_CONTEXT}"`
    : `an array starting with "${VC_V2_CONTEXT}"`;
  return z
    .array(z.union([z.string(), z.record(z.string(), z.unknown())]), { error: `expected ${expected}` })
    .check(
      z.refine((entries) => entries[0] === VC_V2_CONTEXT, {
        error: `must start with "${VC_V2_CONTEXT}" (VC 2.0)`,
        params: { expected },
      }),
      z.refine((entries) => !requireOpenBadges || entries.some((entry) => typeof entry === "string" && OB_V3_CONTEXT_PATTERN.test(entry)), {
        error: "does not include the Open Badges 3.0 context",
        params: { expected },
      }),
    );
}

const validityOrder = (credential: { validFrom?: string | undefined; validUntil?: string | undefined }) =>
  credential.validFrom === undefined ||
  credential.validUntil === undefined ||
  Date.parse(credential.validUntil) >= Date.parse(credential.validFrom);
const validityOrderError = {
  error: "is before validFrom",
  path: ["validUntil"],
  params: { expected: "a dateTimeStamp not earlier than validFrom" },
};

// ---------------------------------------------------------------------------
// Verifiable Credentials 2.0
// ---------------------------------------------------------------------------

const vcIssuer = z.union([uri, z.looseObject({ id: uri })], {
  error: `expected ${EXPECTED_URI}, or an object with such an "id"`,
});
const vcSubject = z.record(z.string(), z.unknown(), { error: "expected an object" });

/** Any VC 2.0 credential. */
export const verifiableCredentialSchema = z
  .looseObject({
    "@context": context(false),
    id: z.optional(uri),
    type: typeNames(["VerifiableCredential"]),
    issuer: vcIssuer,
    credentialSubject: z.union([vcSubject, z.array(vcSubject).check(z.minLength(1))], {
      error: "expected an object or a non-empty array of objects",
    }),
    validFrom: z.optional(dateTimeStamp),
    validUntil: z.optional(dateTimeStamp),
    name: z.optional(z.string({ error: "expected a string" })),
    description: z.optional(z.string({ error: "expected a string" })),
  })
  .check(z.refine(validityOrder, validityOrderError));

// ---------------------------------------------------------------------------
// Open Badges 3.0
// ---------------------------------------------------------------------------

/** OB 3.0 IdentityObject: one (optionally salted and hashed) recipient identifier. */
export const identityObjectSchema = z
  .looseObject({
    type: z.literal("IdentityObject", { error: 'expected "IdentityObject"' }),
    identityHash: requiredString(),
    identityType: requiredString(),
    hashed: z.boolean({ error: "expected true or false" }),
    salt: z.optional(z.string({ error: "expected a string" })),
  })
  .check(
    z.refine((identity) => !identity.hashed || IDENTITY_HASH.test(identity.identityHash), {
      error: "is not a sha256$… identity hash",
      path: ["identityHash"],
      params: { expected: "sha256$ followed by 64 lowercase hex digits (see hashIdentity)" },
    }),
  );

const criteria = z
  .looseObject({ id: z.optional(uri), narrative: z.optional(z.string({ error: "expected a string" })) })
  .check(
    z.refine((value) => value.id !== undefined || value.narrative !== undefined, {
      error: "needs an id or a narrative",
      params: { expected: 'an object with "id" (URI) or "narrative" (string)' },
    }),
  );

/** OB 3.0 Achievement (the badge class). */
export const achievementSchema = z.looseObject({
  id: uri,
  type: typeNames(["Achievement"]),
  name: requiredString(),
  description: z.string({ error: "expected a string" }),
  criteria,
});

const achievementSubject = z
  .looseObject({
    id: z.optional(uri),
    type: typeNames(["AchievementSubject"]),
    achievement: achievementSchema,
    identifier: z.optional(z.array(identityObjectSchema, { error: "expected an array of IdentityObject" })),
  })
  .check(
    z.refine((subject) => subject.id !== undefined || (subject.identifier?.length ?? 0) > 0, {
      error: "names no recipient: needs an id or at least one identifier",
      params: { expected: 'an "id" (URI) or a non-empty "identifier" array' },
    }),
  );

const profile = z.looseObject({
  id: uri,
  type: typeNames(["Profile"]),
  name: z.optional(z.string({ error: "expected a string" })),
});

/** OB 3.0 OpenBadgeCredential (a.k.a. AchievementCredential). */
export const openBadgeCredentialSchema = z
  .looseObject({
    "@context": context(true),
    id: uri,
    type: typeNames(["VerifiableCredential"], OPEN_BADGE_TYPES),
    name: requiredString(),
    description: z.optional(z.string({ error: "expected a string" })),
    issuer: profile,
    credentialSubject: achievementSubject,
    validFrom: dateTimeStamp,
    validUntil: z.optional(dateTimeStamp),
  })
  .check(z.refine(validityOrder, validityOrderError));

/** A validated VC 2.0 credential. */
export type VerifiableCredential = z.infer<typeof verifiableCredentialSchema>;
/** A validated Open Badges 3.0 credential. */
export type OpenBadgeCredential = z.infer<typeof openBadgeCredentialSchema>;
/** An Open Badges 3.0 Achievement. */
export type Achievement = z.infer<typeof achievementSchema>;
/** An Open Badges 3.0 IdentityObject. */
export type IdentityObject = z.infer<typeof identityObjectSchema>;
