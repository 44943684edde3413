/**
 * Sample Open Badges 3.0 credentials for the service tests and benchmarks: each is a
 * typical ~1 KB `OpenBadgeCredential` (VC 2.0) naming the demo institution as issuer.
 */

/** Parameters of {@link sampleCredential}. */
export type SampleCredentialParameters = {
  /** Makes the credential unique (recipient, credential id). */
  readonly n: number;
  /** Issuer identifier; default the dev-mode demo institution. */
  readonly issuer?: string | undefined;
  /** Extra top-level members (override defaults). */
  readonly extra?: Readonly<Record<string, unknown>> | undefined;
};

/**
 * A valid OpenBadgeCredential for recipient number `n`.
 *
 * @example
 * ```ts
 * const credential = sampleCredential({ n: 1 });
 * ```
 */
export function sampleCredential(parameters: SampleCredentialParameters): Record<string, unknown> {
  const { n } = parameters;
  const issuer = parameters.issuer ?? "did:web:demo.credanchor.local";
  return {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    id: `urn:uuid:${uuidFor(n)}`,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    issuer: { id: issuer, type: ["Profile"], name: "Demo University" },
    validFrom: "2025-01-15T09:00:00Z",
    name: "Introduction to Distributed Systems",
    credentialSubject: {
      type: ["AchievementSubject"],
      identifier: [
        {
          type: "IdentityObject",
          identityHash: `sha256$${(n * 2654435761).toString(16).padStart(64, "0").slice(-64)}`,
          identityType: "emailAddress",
          hashed: true,
          salt: `salt-${n}`,
        },
      ],
      achievement: {
        id: "https://demo.credanchor.local/achievements/cs-101",
        type: ["Achievement"],
        achievementType: "Course",
        name: "Introduction to Distributed Systems",
        description:
          "Awarded for completing the 6-ECTS course on consensus, replication, fault tolerance and the design of large-scale distributed systems.",
        criteria: { narrative: "Pass the final exam with at least 60% and complete three graded lab assignments." },
        creator: { id: issuer, type: ["Profile"] },
      },
      result: [{ type: ["Result"], value: `${60 + (n % 40)}%` }],
    },
    ...parameters.extra,
  };
}

function uuidFor(n: number): string {
  const hex = n.toString(16).padStart(12, "0").slice(-12);
  return `0c5e7a1e-0000-4000-8000-${hex}`;
}
