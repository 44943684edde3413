import { expect } from "chai";
import { createHash } from "node:crypto";

import {
  createOpenBadgeCredential,
  credentialKinds,
  generateSalt,
  hashIdentity,
  isDateTimeStamp,
  isHex,
  normalizeEmail,
  toJsonPath,
  validateCredential,
} from "../../core/index.ts";
import { expectCredanchorError, expectIssueAt, sampleOpenBadge, sampleVerifiableCredential } from "./helpers.ts";

// Tests poke at arbitrary members of JSON documents.
type Json = Record<string, any>;

/** Validates a copy of the sample Open Badge after `change`, expecting an issue at `path`. */
function rejectsOpenBadge(change: (credential: Json) => void, path: string, expected?: string): void {
  const credential = structuredClone(sampleOpenBadge()) as Json;
  change(credential);
  const error = expectCredanchorError(() => validateCredential({ credential }), "CA_CREDENTIAL_INVALID");
  expectIssueAt(error, path, expected);
}

const template = {
  issuer: { id: "did:web:example.edu", name: "Example University" },
  achievement: {
    id: "https://example.edu/badges/rust-101",
    name: "Rust 101",
    description: "Completed Rust 101.",
    criteria: { narrative: "Pass the final project." },
  },
};

describe("core/credential", () => {
  describe("validateCredential", () => {
    it("accepts an Open Badges 3.0 credential as open-badge-v3 and returns the same object", () => {
      const credential = sampleOpenBadge();
      const result = validateCredential({ credential });
      expect(result.kind).to.equal(credentialKinds.openBadge);
      expect(result.credential).to.equal(credential);
      const achievementCredential = { ...credential, type: ["VerifiableCredential", "AchievementCredential"] };
      expect(validateCredential({ credential: achievementCredential }).kind).to.equal("open-badge-v3");
    });

    it("accepts other VC 2.0 credentials as vc-v2 (issuer as URI or object, one or many subjects)", () => {
      expect(validateCredential({ credential: sampleVerifiableCredential() }).kind).to.equal("vc-v2");
      const variant = { ...sampleVerifiableCredential(), issuer: { id: "https://example.org/issuer" }, credentialSubject: [{}, { a: 1 }] };
      expect(validateCredential({ credential: variant }).kind).to.equal("vc-v2");
      const withValidity = { ...sampleVerifiableCredential(), validFrom: "2025-01-01T00:00:00+02:00", validUntil: "2026-01-01T00:00:00.5Z" };
      expect(validateCredential({ credential: withValidity }).kind).to.equal("vc-v2");
    });

    it("names each wrong field by JSON path with what is expected", () => {
      rejectsOpenBadge((c) => delete c.credentialSubject.achievement.name, "$.credentialSubject.achievement.name", "non-empty string");
      rejectsOpenBadge((c) => (c.credentialSubject.achievement.name = 42), "$.credentialSubject.achievement.name");
      rejectsOpenBadge((c) => (c.credentialSubject.achievement.criteria = {}), "$.credentialSubject.achievement.criteria", "narrative");
      rejectsOpenBadge((c) => (c.credentialSubject.achievement.id = "not a uri"), "$.credentialSubject.achievement.id", "absolute URI");
      rejectsOpenBadge((c) => (c["@context"] = ["https://www.w3.org/2018/credentials/v1"]), "$['@context']", "https://www.w3.org/ns/credentials/v2");
      rejectsOpenBadge((c) => (c.type = ["OpenBadgeCredential"]), "$.type", '"VerifiableCredential"');
      rejectsOpenBadge((c) => delete c.issuer.id, "$.issuer.id", "absolute URI");
      rejectsOpenBadge((c) => (c.issuer.type = ["Organization"]), "$.issuer.type", '"Profile"');
      rejectsOpenBadge((c) => (c.validFrom = "2025-02-30T00:00:00Z"), "$.validFrom", "dateTimeStamp");
      rejectsOpenBadge((c) => (c.validFrom = "2025-06-30T12:00:00"), "$.validFrom", "time zone");
      rejectsOpenBadge((c) => (c.validUntil = "2025-06-29T12:00:00Z"), "$.validUntil", "not earlier than validFrom");
      rejectsOpenBadge((c) => delete c.credentialSubject.id, "$.credentialSubject", '"identifier"');
      rejectsOpenBadge(
        (c) => (c.credentialSubject.identifier = [{ type: "IdentityObject", identityType: "emailAddress", hashed: true, identityHash: "abc" }]),
        "$.credentialSubject.identifier[0].identityHash",
        "sha256$",
      );
      rejectsOpenBadge((c) => delete c.id, "$.id", "absolute URI");
    });

    it("reports every issue at once", () => {
      const credential = structuredClone(sampleOpenBadge()) as Json;
      delete credential.name;
      credential.issuer = "did:web:example.edu";
      credential.credentialSubject.achievement.description = 7;
      const error = expectCredanchorError(() => validateCredential({ credential }), "CA_CREDENTIAL_INVALID");
      expect(error.details?.map((issue) => issue.path)).to.have.members(["$.name", "$.issuer", "$.credentialSubject.achievement.description"]);
    });

    it("says what was wrong in its message (wording pinned)", () => {
      const credential = structuredClone(sampleOpenBadge()) as Json;
      delete credential.credentialSubject.achievement.name;
      const error = expectCredanchorError(() => validateCredential({ credential }), "CA_CREDENTIAL_INVALID");
      expect(error.message).to.equal("Credential is invalid: $.credentialSubject.achievement.name: is required but missing");
      expect(error.details).to.deep.equal([
        { path: "$.credentialSubject.achievement.name", message: "is required but missing", expected: "a non-empty string" },
      ]);
    });

    it("rejects non-objects and generic VC errors by path", () => {
      expectIssueAt(expectCredanchorError(() => validateCredential({ credential: [] }), "CA_CREDENTIAL_INVALID"), "$");
      const noSubject = { ...sampleVerifiableCredential(), credentialSubject: "me" };
      expectIssueAt(expectCredanchorError(() => validateCredential({ credential: noSubject }), "CA_CREDENTIAL_INVALID"), "$.credentialSubject");
      const issuerNumber = { ...sampleVerifiableCredential(), issuer: 5 };
      expectIssueAt(expectCredanchorError(() => validateCredential({ credential: issuerNumber }), "CA_CREDENTIAL_INVALID"), "$.issuer", "absolute URI");
      const badIssuerId = { ...sampleVerifiableCredential(), issuer: { id: "nope" } };
      expectIssueAt(expectCredanchorError(() => validateCredential({ credential: badIssuerId }), "CA_CREDENTIAL_INVALID"), "$.issuer.id");
    });
  });

  it("formats JSON paths", () => {
    expect(toJsonPath({ path: ["credentialSubject", "identifier", 0, "salt"] })).to.equal("$.credentialSubject.identifier[0].salt");
    expect(toJsonPath({ path: ["@context", 1] })).to.equal("$['@context'][1]");
    expect(toJsonPath({ path: ["it's"], base: "$.proof" })).to.equal("$.proof['it\\'s']");
  });

  it("recognises xsd:dateTimeStamp values", () => {
    for (const good of ["2025-06-30T12:00:00Z", "2024-02-29T23:59:59.123+05:30", "2025-01-01T00:00:00-12:00"]) {
      expect(isDateTimeStamp(good), good).to.equal(true);
    }
    for (const bad of ["2025-06-30", "2025-06-30T12:00:00", "2023-02-29T00:00:00Z", "2025-13-01T00:00:00Z", "2025-06-30T24:00:01Z", "2025-06-30 12:00:00Z"]) {
      expect(isDateTimeStamp(bad), bad).to.equal(false);
    }
  });

  describe("identities and salts", () => {
    it("hashes identities as OB 3.0 specifies: sha256$hex(sha256(identity + salt))", () => {
      const expected = createHash("sha256").update("ada@example.edu" + "c0ffee", "utf8").digest("hex");
      expect(hashIdentity({ identity: "ada@example.edu", salt: "c0ffee" })).to.equal(`sha256$${expected}`);
      expect(hashIdentity({ identity: "ada@example.edu", salt: "" })).to.equal(
        `sha256$${createHash("sha256").update("ada@example.edu").digest("hex")}`,
      );
      expect(normalizeEmail({ email: "  Ada@Example.EDU " })).to.equal("ada@example.edu");
    });

    it("generates 32-byte random salts", () => {
      const salts = new Set(Array.from({ length: 100 }, () => generateSalt()));
      expect(salts.size).to.equal(100);
      for (const salt of salts) expect(isHex({ value: salt, size: 32 })).to.equal(true);
      expect(isHex({ value: generateSalt({ size: 16 }), size: 16 })).to.equal(true);
    });
  });

  describe("createOpenBadgeCredential", () => {
    it("builds a valid OB 3.0 credential with a hashed, salted, normalised email", () => {
      const credential = createOpenBadgeCredential({ ...template, recipient: { email: " Ada@Example.edu" } }) as Json;
      expect(validateCredential({ credential }).kind).to.equal("open-badge-v3");
      expect(credential.id).to.match(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(credential.name).to.equal("Rust 101");
      expect(credential.issuer.type).to.deep.equal(["Profile"]);
      expect(credential.credentialSubject.achievement.type).to.deep.equal(["Achievement"]);
      const [identity] = credential.credentialSubject.identifier;
      expect(identity).to.include({ type: "IdentityObject", identityType: "emailAddress", hashed: true });
      expect(identity.identityHash).to.equal(hashIdentity({ identity: "ada@example.edu", salt: identity.salt }));
      expect(credential.credentialSubject.id).to.equal(undefined);
    });

    it("can store plaintext identities, a DID subject, and an explicit validity period", () => {
      const credential = createOpenBadgeCredential({
        ...template,
        recipient: { id: "did:example:ada", name: "Ada Lovelace" },
        hashRecipient: false,
        validFrom: new Date("2025-06-30T12:00:00Z"),
        validUntil: "2030-06-30T12:00:00Z",
        id: "https://example.edu/credentials/1",
      }) as Json;
      expect(credential.id).to.equal("https://example.edu/credentials/1");
      expect(credential.validFrom).to.equal("2025-06-30T12:00:00.000Z");
      expect(credential.validUntil).to.equal("2030-06-30T12:00:00Z");
      expect(credential.credentialSubject.id).to.equal("did:example:ada");
      expect(credential.credentialSubject.identifier).to.deep.equal([
        { type: "IdentityObject", identityType: "name", hashed: false, identityHash: "Ada Lovelace" },
      ]);
    });

    it("rejects a recipient without id, email or name, and a template that makes an invalid credential", () => {
      expectCredanchorError(() => createOpenBadgeCredential({ ...template, recipient: {} }), "CA_INVALID_ARGUMENT");
      const error = expectCredanchorError(
        () => createOpenBadgeCredential({ ...template, achievement: { ...template.achievement, name: "" }, recipient: { id: "did:example:x" } }),
        "CA_CREDENTIAL_INVALID",
      );
      expectIssueAt(error, "$.credentialSubject.achievement.name");
    });
  });
});
