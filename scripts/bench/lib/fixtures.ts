/**
 * Benchmark inputs: typical Open Badges 3.0 credentials made with core's
 * createOpenBadgeCredential, OpenAttestation v2 documents of about the same size and
 * field count, and deterministic pseudo-random 32-byte hashes for the tree benchmarks.
 */
import { createOpenBadgeCredential } from "../../../core/openbadge.ts";

const ISSUER = { id: "did:web:credentials.example.edu", name: "Example University", url: "https://www.example.edu" } as const;
const ACHIEVEMENT = {
  id: "https://credentials.example.edu/achievements/data-science-101",
  name: "Data Science Foundations",
  description: "Awarded for completing the Data Science Foundations micro-credential: statistics, Python and visualisation.",
  criteria: { narrative: "Completed all six modules, scored at least 70% on each assessment and passed a capstone project." },
} as const;

/**
 * `count` OB 3.0 credentials, one per student (hashed email and name identifiers, as
 * the CLI issues them): about 1.3 KB of JSON and 28 leaf values each.
 */
export function openBadgeCredentials(count: number): Record<string, unknown>[] {
  const credentials: Record<string, unknown>[] = new Array(count);
  for (let i = 0; i < count; i++) {
    credentials[i] = createOpenBadgeCredential({
      issuer: ISSUER,
      achievement: ACHIEVEMENT,
      recipient: { email: `student${i}@example.edu`, name: `Student Number ${i}` },
      validFrom: "2026-06-30T12:00:00Z",
      validUntil: "2031-06-30T12:00:00Z",
    });
  }
  return credentials;
}

/**
 * `count` OpenAttestation v2 documents (OpenCerts-style) carrying the same information
 * as {@link openBadgeCredentials}: about 1.2 KB and 28 leaf values each before
 * wrapping (OA then salts every value).
 */
export function openAttestationDocuments(count: number): Record<string, unknown>[] {
  const documents: Record<string, unknown>[] = new Array(count);
  for (let i = 0; i < count; i++) {
    documents[i] = {
      $template: { name: "OPENBADGE", type: "EMBEDDED_RENDERER", url: "https://renderer.example.edu" },
      id: `urn:uuid:00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`,
      name: ACHIEVEMENT.name,
      issuedOn: "2026-06-30T12:00:00Z",
      expiresOn: "2031-06-30T12:00:00Z",
      issuers: [
        {
          id: ISSUER.id,
          name: ISSUER.name,
          url: ISSUER.url,
          documentStore: "0x9178F546D3FF57D7A6352bD61B80cCCD46199C2d",
          identityProof: { type: "DNS-TXT", location: "credentials.example.edu" },
        },
      ],
      recipient: {
        name: `Student Number ${i}`,
        email: `student${i}@example.edu`,
        studentId: `S${(1_000_000 + i).toString()}`,
      },
      achievement: {
        id: ACHIEVEMENT.id,
        type: "Achievement",
        name: ACHIEVEMENT.name,
        description: ACHIEVEMENT.description,
        criteria: ACHIEVEMENT.criteria.narrative,
        level: "Foundation",
        creditPoints: 5,
      },
      transcript: [
        { name: "Statistics", grade: "A", semester: "2026-1" },
        { name: "Python for Data", grade: "B+", semester: "2026-1" },
      ],
    };
  }
  return documents;
}

/** Counts the leaf (non-object) values of a JSON value. */
export function countLeafValues(value: unknown): number {
  if (value === null || typeof value !== "object") return 1;
  let count = 0;
  for (const child of Object.values(value)) count += countLeafValues(child);
  return count;
}

/**
 * `count` deterministic pseudo-random 32-byte hashes (xorshift32), concatenated: the
 * same input for every tree implementation, with no hashing cost in setup.
 */
export function pseudoRandomHashes(count: number, seed = 0x9e3779b9): Uint8Array {
  const bytes = new Uint8Array(count * 32);
  const words = new Uint32Array(bytes.buffer);
  let state = seed >>> 0;
  for (let i = 0; i < words.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    words[i] = state >>> 0;
  }
  return bytes;
}
