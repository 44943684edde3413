/**
 * eddsa-rdfc-2022 with the fast implementation (fast canonicaliser + Ed25519 keys
 * imported once) against Digital Bazaar's cryptosuite unchanged: Ed25519 is
 * deterministic, so the same credential, key, proof id and time must give the very same
 * signed credential; each verifies the other's signatures; a tampered credential fails
 * both. Also a credential the fast path declines (it falls back) signs identically.
 */
import { expect } from "chai";
import fc from "fast-check";

import { generateSigningKey, signCredential, verifyIssuerSignature } from "../../core/vc/eddsa.ts";
import { canonizeCounts } from "../../core/vc/fastCanonize.ts";
import { OFFICIAL_EXAMPLES, serviceCredential } from "./canonizeShapes.ts";

const RUNS = Number(process.env.CANONIZE_RUNS ?? 300) >= 1000 ? 200 : 25;

describe("eddsa-rdfc-2022: the fast implementation signs and verifies exactly as the reference", function () {
  this.timeout(120_000);
  const created = "2026-01-02T03:04:05Z";

  it("makes the same signature as the reference, and each accepts the other's", async () => {
    const key = await generateSigningKey({ controller: "did:web:example.edu", id: "did:web:example.edu#key-1" });
    const keyOwnDid = await generateSigningKey();
    const fastBefore = canonizeCounts().fast;
    await fc.assert(
      fc.asyncProperty(serviceCredential, fc.boolean(), async (generated, didKey) => {
        const signingKey = didKey ? keyOwnDid : key;
        const credential = { ...generated, issuer: { ...(generated.issuer as object), id: signingKey.controller } };
        const proofId = "urn:uuid:2f0c4e5a-6a0b-4f1e-9d57-1b7a1c9d8e01";
        const fast = await signCredential({ credential, key: signingKey, proofId, created });
        const reference = await signCredential({ credential, key: signingKey, proofId, created, implementation: "reference" });
        expect(fast).to.deep.equal(reference);
        if (!didKey) return; // did:web needs a resolver; the did:key half checks verification
        expect((await verifyIssuerSignature({ credential: fast, implementation: "reference" })).outcome).to.equal("valid");
        expect((await verifyIssuerSignature({ credential: reference })).outcome).to.equal("valid");
      }),
      { numRuns: RUNS },
    );
    expect(canonizeCounts().fast - fastBefore).to.be.at.least(RUNS * 2); // the fast path did the work
  });

  it("refuses a tampered credential in both implementations", async () => {
    const key = await generateSigningKey();
    const credential = { ...OFFICIAL_EXAMPLES["OB 3.0 sample with alignment"]!, issuer: { id: key.controller, type: ["Profile"], name: "Example Corp" } };
    const signed = await signCredential({ credential, key });
    const tampered = structuredClone(signed) as { credentialSubject: { achievement: { name: string } } };
    tampered.credentialSubject.achievement.name = "Teamwork!";
    for (const implementation of ["fast", "reference"] as const) {
      expect((await verifyIssuerSignature({ credential: signed, implementation })).outcome).to.equal("valid");
      const result = await verifyIssuerSignature({ credential: tampered as Record<string, unknown>, implementation });
      expect(result.outcome).to.equal("invalid");
    }
  });

  it("signs a credential the fast path declines (an @list) through the reference canonicaliser, identically", async () => {
    const key = await generateSigningKey();
    const credential = structuredClone(OFFICIAL_EXAMPLES["OB 3.0 sample OpenBadgeCredential (Teamwork Badge)"]!) as Record<string, any>;
    credential.issuer = { id: key.controller, type: ["Profile"], name: "Example Corp" };
    credential.credentialSubject.achievement.resultDescription = [{ id: "https://example.edu/rd/1", type: ["ResultDescription"], name: "Grade", resultType: "LetterGrade", allowedValue: ["A", "B"] }];
    const before = canonizeCounts().reference;
    const fast = await signCredential({ credential, key, proofId: "urn:uuid:1", created });
    expect(canonizeCounts().reference).to.be.greaterThan(before);
    expect(fast).to.deep.equal(await signCredential({ credential, key, proofId: "urn:uuid:1", created, implementation: "reference" }));
    expect((await verifyIssuerSignature({ credential: fast })).outcome).to.equal("valid");
  });
});
