import { createOpenBadgeCredential } from "../../core/openbadge.ts";
import { validateCredential } from "../../core/credential.ts";
import { CredanchorError } from "../../core/errors.ts";
const c = createOpenBadgeCredential({
  issuer: { id: "did:web:example.edu", name: "Example University" },
  achievement: { id: "https://example.edu/badges/rust-101", name: "Rust 101", description: "Completed Rust 101.", criteria: { narrative: "Pass the final project." } },
  recipient: { email: "Ada@example.edu" },
});
console.log(JSON.stringify(c, null, 1));
function tryIt(x: unknown) { try { validateCredential({ credential: x }); console.log("ok"); } catch (e) { if (e instanceof CredanchorError) console.log(e.message, JSON.stringify(e.details, null, 1)); else throw e; } }
const bad = structuredClone(c) as any;
bad.credentialSubject.achievement.name = 5; delete bad.credentialSubject.achievement.criteria.narrative; bad["@context"] = ["x"]; bad.issuer = "did:web:x"; bad.validFrom = "2025-02-30T00:00:00Z"; bad.type = ["VerifiableCredential", "OpenBadgeCredential"]; delete bad.id;
tryIt(bad);
tryIt({ "@context": ["https://www.w3.org/ns/credentials/v2"], type: "VerifiableCredential", issuer: { name: "x" }, credentialSubject: [] , validFrom: "2025-01-01T00:00:00Z", validUntil: "2024-01-01T00:00:00Z"});
tryIt({ "@context": ["https://www.w3.org/ns/credentials/v2"], type: "VerifiableCredential", issuer: 5, credentialSubject: {} , validFrom: "2025-01-01T00:00:00Z", validUntil: "2024-01-01T00:00:00Z"});
tryIt({ "@context": ["https://www.w3.org/ns/credentials/v2"], type: "VerifiableCredential", issuer: "did:x:y", credentialSubject: {} , validFrom: "2025-01-01T00:00:00Z", validUntil: "2024-01-01T00:00:00Z"});
const b2 = structuredClone(c) as any; delete b2.credentialSubject.identifier; b2.credentialSubject.achievement.criteria = {};
tryIt(b2);
const b3 = structuredClone(c) as any; b3.credentialSubject.identifier[0].identityHash = "abc"; tryIt(b3);
