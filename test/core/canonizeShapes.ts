/**
 * Generators (fast-check) of every credential shape the service issues, for the
 * differential test of the fast eddsa-rdfc-2022 canonicaliser: OB 3.0 from core's
 * template (hashed or plain email, name, DID recipient, validUntil), with or without the
 * BitstringStatusListEntry intake adds, achievements with alignments, result
 * descriptions, images, tags, credits, results and evidence in the subject, names and
 * descriptions in several languages, awkward strings (quotes, backslashes, control
 * characters, astral characters), and the proof options the signer canonicalises.
 * Plus the Open Badges 3.0 specification's sample credentials.
 */
import fc from "fast-check";

import { createOpenBadgeCredential } from "../../core/index.ts";

const VC = "https://www.w3.org/ns/credentials/v2";
const OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/** Text with the characters N-Quads escapes (quotes, backslash, controls, DEL) and astral ones. */
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('a "quoted" word', "back\\slash", "tab\there", "line\nbreak\r\n", "\u0000\u0001\u007f", "emoji 🎓 ok", "é ñ ü 中文") },
);
const slug = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,15}$/);
const httpsIri = slug.map((s) => `https://example.edu/${s}`);
const iri = fc.oneof(httpsIri, fc.uuid().map((u) => `urn:uuid:${u}`), slug.map((s) => `did:web:example.edu:${s}`));
const dateTime = fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true }).map((d) => d.toISOString());
const language = fc.constantFrom("en", "fr", "de-CH", "EN-us", "zh-Hant");
/** A plain string or a list of language-tagged values ("names in languages"). */
const maybeLanguages = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 1, arbitrary: fc.uniqueArray(fc.record({ "@value": text, "@language": language }), { minLength: 1, maxLength: 3, selector: (v) => v["@language"].toLowerCase() }) },
);
const image = fc.record({ id: httpsIri, type: fc.constant("Image"), caption: text }, { requiredKeys: ["id", "type"] });
const alignment = fc.record(
  {
    type: fc.constant(["Alignment"]),
    targetName: text,
    targetUrl: httpsIri,
    targetDescription: text,
    targetFramework: text,
    targetCode: slug,
    targetType: fc.constantFrom("CFItem", "CTDL", "ext:Custom"),
  },
  { requiredKeys: ["type", "targetName", "targetUrl"] },
);
const resultDescription = fc.record(
  {
    id: httpsIri,
    type: fc.constant(["ResultDescription"]),
    name: text,
    resultType: fc.constantFrom("GradePointAverage", "LetterGrade", "Percent", "Status"),
    requiredValue: text,
    valueMin: fc.integer({ min: 0, max: 10 }).map(String),
    valueMax: fc.integer({ min: 11, max: 100 }).map(String),
  },
  { requiredKeys: ["id", "type", "name", "resultType"] },
);
const result = fc.record(
  { type: fc.constant(["Result"]), value: text, status: fc.constantFrom("Completed", "Enrolled", "Failed"), resultDescription: httpsIri },
  { requiredKeys: ["type"] },
);
const evidence = fc.record({ id: httpsIri, type: fc.constant(["Evidence"]), name: text, description: text, genre: text, audience: text }, { requiredKeys: ["type"] });

const achievement = fc.record(
  {
    id: httpsIri,
    name: text,
    description: text,
    criteria: fc.oneof(fc.record({ narrative: text }), fc.record({ id: httpsIri, narrative: text })),
    image: image,
    achievementType: fc.constantFrom("Badge", "Certificate", "Competency", "Course", "ext:MicroCredential"),
    alignment: fc.array(alignment, { minLength: 1, maxLength: 3 }),
    resultDescription: fc.array(resultDescription, { minLength: 1, maxLength: 2 }),
    tag: fc.array(text, { minLength: 1, maxLength: 4 }),
    creditsAvailable: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.double({ min: 0, max: 100, noNaN: true, noDefaultInfinity: true })),
    fieldOfStudy: text,
    humanCode: slug,
    inLanguage: language,
    version: slug,
  },
  { requiredKeys: ["id", "name", "description", "criteria"] },
);
const issuer = fc.record(
  {
    id: fc.oneof(slug.map((s) => `did:web:${s}.example.edu`), fc.constant("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")),
    name: text,
    url: httpsIri,
    email: slug.map((s) => `${s}@example.edu`),
    image: image,
    description: text,
  },
  { requiredKeys: ["id"] },
);
const recipient = fc.oneof(
  fc.record({ email: slug.map((s) => `${s}@example.edu`) }),
  fc.record({ name: text.filter((s) => s.trim().length > 0) }),
  fc.record({ id: iri }),
  fc.record({ id: iri, email: slug.map((s) => `${s}@example.edu`), name: text.filter((s) => s.trim().length > 0) }),
);
const statusEntry = fc.nat({ max: 131_071 }).map((index) => ({
  id: `https://anchor.example.edu/status/1/0#${index}`,
  type: "BitstringStatusListEntry",
  statusPurpose: "revocation",
  statusListIndex: String(index),
  statusListCredential: "https://anchor.example.edu/status/1/0",
}));
const subjectExtras = fc.record(
  { result: fc.array(result, { minLength: 1, maxLength: 3 }), activityStartDate: fc.constant("2024-01-15"), creditsEarned: fc.integer({ min: 1, max: 10 }), role: text },
  { requiredKeys: [] },
);

/** A credential as the service would issue it (before signing). */
export const serviceCredential = fc
  .record({
    issuer,
    achievement,
    recipient,
    hashRecipient: fc.boolean(),
    validFrom: dateTime,
    validForDays: fc.option(fc.integer({ min: 1, max: 3650 }), { nil: undefined }),
    status: fc.option(statusEntry, { nil: undefined }),
    subjectExtras,
    evidence: fc.option(fc.array(evidence, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    description: fc.option(maybeLanguages, { nil: undefined }),
    awardedDate: fc.option(dateTime, { nil: undefined }),
  })
  .map((shape) => {
    const credential: Record<string, unknown> = createOpenBadgeCredential({
      issuer: shape.issuer,
      achievement: shape.achievement,
      recipient: shape.recipient,
      hashRecipient: shape.hashRecipient,
      validFrom: shape.validFrom,
      validUntil: shape.validForDays === undefined ? undefined : new Date(Date.parse(shape.validFrom) + shape.validForDays * 86_400_000).toISOString(),
    });
    const subject = credential.credentialSubject as Record<string, unknown>;
    Object.assign(subject, shape.subjectExtras);
    if (shape.status !== undefined) credential.credentialStatus = shape.status;
    if (shape.evidence !== undefined) credential.evidence = shape.evidence;
    if (shape.description !== undefined) credential.description = shape.description;
    if (shape.awardedDate !== undefined) credential.awardedDate = shape.awardedDate;
    return credential;
  });

/** The proof options eddsa-rdfc-2022 canonicalises next to the credential (proofValue excluded). */
export const proofOptions = fc.record({
  "@context": fc.constant([VC, OB]),
  id: fc.uuid().map((u) => `urn:uuid:${u}`),
  type: fc.constant("DataIntegrityProof"),
  created: dateTime.map((d) => d.replace(/\.\d{3}Z$/, "Z")),
  verificationMethod: fc.oneof(slug.map((s) => `did:web:${s}.example.edu#key-1`), fc.constant("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")),
  cryptosuite: fc.constant("eddsa-rdfc-2022"),
  proofPurpose: fc.constant("assertionMethod"),
});

/**
 * The Open Badges 3.0 specification's sample credentials (basic, with alignment, a
 * skill assertion), as published by 1EdTech, with the VC 2.0 / OB 3.0.3 contexts.
 */
export const OFFICIAL_EXAMPLES: Record<string, Record<string, unknown>> = {
  "OB 3.0 sample OpenBadgeCredential (Teamwork Badge)": {
    "@context": [VC, OB],
    id: "http://example.com/credentials/3527",
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    issuer: { id: "https://example.com/issuers/876543", type: ["Profile"], name: "Example Corp" },
    validFrom: "2010-01-01T00:00:00Z",
    name: "Teamwork Badge",
    credentialSubject: {
      id: "did:example:ebfeb1f712ebc6f1c276e12ec21",
      type: ["AchievementSubject"],
      achievement: {
        id: "https://example.com/achievements/21st-century-skills/teamwork",
        type: ["Achievement"],
        criteria: { narrative: "Team members are nominated for this badge by their peers and recognized upon review by Example Corp management." },
        description: "This badge recognizes the development of the capacity to collaborate within a group environment.",
        name: "Teamwork",
      },
    },
  },
  "OB 3.0 sample with alignment": {
    "@context": [VC, OB],
    id: "http://example.com/credentials/3732",
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    issuer: { id: "https://example.com/issuers/876543", type: ["Profile"], name: "Example Corp", url: "https://www.example.com", image: { id: "https://example.com/logo.png", type: "Image" } },
    validFrom: "2010-01-01T00:00:00Z",
    name: "Teamwork Badge",
    credentialSubject: {
      id: "did:example:ebfeb1f712ebc6f1c276e12ec21",
      type: ["AchievementSubject"],
      achievement: {
        id: "https://example.com/achievements/21st-century-skills/teamwork",
        type: ["Achievement"],
        alignment: [
          {
            type: ["Alignment"],
            targetCode: "ce6c3d9c-f7d8-4c37-a6c2-d5b2a1a6b0b1",
            targetDescription: "Team members are nominated for this badge by their peers and recognized upon review by Example Corp management.",
            targetName: "Teamwork",
            targetFramework: "Example Framework",
            targetType: "CFItem",
            targetUrl: "https://example.com/frameworks/teamwork",
          },
        ],
        criteria: { narrative: "Team members are nominated for this badge by their peers and recognized upon review by Example Corp management." },
        description: "This badge recognizes the development of the capacity to collaborate within a group environment.",
        name: "Teamwork",
      },
    },
  },
  "OB 3.0 skill assertion": {
    "@context": [VC, OB],
    id: "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    issuer: { id: "https://example.com/issuers/876543", type: ["Profile"], name: "Example Corp" },
    validFrom: "2010-01-01T00:00:00Z",
    name: "Solve and graph linear equations and inequalities",
    credentialSubject: {
      id: "did:example:ebfeb1f712ebc6f1c276e12ec21",
      type: ["AchievementSubject"],
      achievement: {
        id: "https://example.com/achievements/math/linear-1",
        type: ["Achievement"],
        achievementType: "Competency",
        alignment: [
          {
            type: ["Alignment"],
            targetCode: "ce6c3d9c-f7d8-4c37-a6c2-d5b2a1a6b0b1",
            targetName: "Solve and graph linear equations and inequalities",
            targetType: "CFItem",
            targetUrl: "https://satchelcommons.com/ims/case/v1p0/CFItems/6e3d2a3b-6fbc-4c0a-a1d3-8c8a53a4a0a0",
            targetFramework: "Mathematics",
          },
        ],
        creator: { id: "https://example.com/issuers/123767", type: ["Profile"], name: "Example Industry Group", url: "https://example.com", description: "Example Industry Group is a consortium of luminaries who publish skills data for common usage.", email: "info@exammple.com" },
        criteria: { narrative: "Learners must demonstrate understanding of linear algebra and graphic representation of linear equations." },
        description: "This achievement represents developing capability to solve and graph linear equations and inequalities",
        image: { id: "https://example.com/achievements/math/linear-1/image", type: "Image", caption: "A line, sloping upward optimistically" },
        name: "Linear equations and inequalities",
      },
    },
  },
};
