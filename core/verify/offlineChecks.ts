/**
 * The checks that need no chain: format, integrity, inclusion, validity period. They run
 * first; a failure here makes the credential invalid whatever the chain says, and the
 * chain is not asked about it at all.
 */
import { CredanchorError } from "../errors.ts";
import { batchIdOf, credentialHash, credentialHashFromCanonical } from "../hash.ts";
import { canonicalJson } from "../jcs.ts";
import { computeRootFromProof } from "../merkle.ts";
import { type PortableCredentialParts, splitPortableCredential } from "../proof.ts";
import { isDateTimeStamp } from "../schema.ts";
import type { VerificationCheck } from "./types.ts";

/** What the offline checks learned about one credential. */
export type OfflineResult = {
  readonly checks: VerificationCheck[];
  /** Present when format, integrity and inclusion passed: the chain checks may run. */
  readonly parts?: PortableCredentialParts | undefined;
  /** Present when the credential could be parsed at all. */
  readonly parsed?: PortableCredentialParts | undefined;
};

/** Runs format, integrity, inclusion and validity-period checks on one input. */
export function runOfflineChecks({ input, now }: { readonly input: unknown; readonly now: Date }): OfflineResult {
  const checks: VerificationCheck[] = [];

  let parts: PortableCredentialParts;
  try {
    parts = splitPortableCredential({ portableCredential: input });
  } catch (error) {
    if (!(error instanceof CredanchorError)) throw error;
    checks.push({
      id: "format",
      outcome: "invalid",
      reason: error.message,
      details: { code: error.code, issues: error.details, hints: error.hints },
    });
    return { checks };
  }
  const { proof } = parts;
  checks.push({
    id: "format",
    outcome: "valid",
    reason: `a ${proof.format} credential anchored on ${proof.chain}`,
    details: { format: proof.format },
  });

  // v1 hashes the credential without proof and status; v2 the credential as signed.
  const recomputed =
    proof.format === "credanchor-proof-v1"
      ? credentialHash({ credential: parts.credential, salt: proof.salt })
      : credentialHashFromCanonical({ canonical: canonicalJson(parts.credential), salt: proof.salt });
  if (recomputed.toLowerCase() !== proof.credentialHash.toLowerCase()) {
    checks.push({
      id: "integrity",
      outcome: "invalid",
      reason: "the credential's content was changed after it was issued: its hash no longer matches the anchored one",
      details: { expected: proof.credentialHash, actual: recomputed },
    });
    return { checks, parsed: parts };
  }
  checks.push({ id: "integrity", outcome: "valid", reason: "content matches the hash that was anchored" });

  const root = computeRootFromProof({
    leafIndex: proof.leafIndex,
    leafCount: proof.leafCount,
    credentialHash: recomputed,
    proof: proof.proofPath,
  });
  if (root === null || root === undefined || root.toLowerCase() !== proof.merkleRoot.toLowerCase()) {
    checks.push({
      id: "inclusion",
      outcome: "invalid",
      reason: `the Merkle proof does not lead from leaf ${proof.leafIndex} to the batch root`,
      details: { expectedRoot: proof.merkleRoot, computedRoot: root ?? null },
    });
    return { checks, parsed: parts };
  }
  const expectedBatchId = batchIdOf({ institutionId: proof.institutionId, merkleRoot: proof.merkleRoot });
  if (expectedBatchId.toLowerCase() !== proof.batchId.toLowerCase()) {
    checks.push({
      id: "inclusion",
      outcome: "invalid",
      reason: "the proof's batch id does not belong to its institution and root",
      details: { expectedBatchId, batchId: proof.batchId },
    });
    return { checks, parsed: parts };
  }
  checks.push({
    id: "inclusion",
    outcome: "valid",
    reason: `leaf ${proof.leafIndex} of ${proof.leafCount} is in batch ${short(proof.batchId)}`,
  });

  checks.push(checkValidityPeriod({ credential: parts.credential, now }));
  return { checks, parts, parsed: parts };
}

/**
 * validFrom / validUntil (VC 2.0) against `now`. A date that is present but not an
 * xsd:dateTimeStamp (`"2020-13-45"`, a number, a date without time zone) makes the
 * credential invalid: read as "no date" it would turn an unreadable expiry into none.
 */
export function checkValidityPeriod({
  credential,
  now,
}: {
  readonly credential: Readonly<Record<string, unknown>>;
  readonly now: Date;
}): VerificationCheck {
  for (const field of ["validFrom", "validUntil"] as const) {
    const value = credential[field];
    if (value !== undefined && (typeof value !== "string" || !isDateTimeStamp(value))) {
      return {
        id: "validityPeriod",
        outcome: "invalid",
        reason: `${field} ${JSON.stringify(value)} is not a date-time: expected an XML Schema dateTimeStamp with time zone, e.g. 2025-06-30T12:00:00Z`,
        details: { code: "CA_CREDENTIAL_INVALID", field, value },
      };
    }
  }
  const validFrom = typeof credential.validFrom === "string" ? new Date(credential.validFrom) : undefined;
  const validUntil = typeof credential.validUntil === "string" ? new Date(credential.validUntil) : undefined;
  if (validFrom !== undefined && now < validFrom) {
    return {
      id: "validityPeriod",
      outcome: "invalid",
      reason: `not yet valid: valid from ${credential.validFrom as string}`,
      details: { validFrom: credential.validFrom, now: now.toISOString() },
    };
  }
  if (validUntil !== undefined && now > validUntil) {
    return {
      id: "validityPeriod",
      outcome: "invalid",
      reason: `expired on ${credential.validUntil as string}`,
      details: { validUntil: credential.validUntil, now: now.toISOString() },
    };
  }
  const range =
    validUntil === undefined
      ? validFrom === undefined
        ? "no validity period given"
        : `valid from ${credential.validFrom as string}, no expiry`
      : `valid until ${credential.validUntil as string}`;
  return { id: "validityPeriod", outcome: "valid", reason: range };
}

/** 0x1234…abcd, for reasons people read. */
export function short(hex: string): string {
  return hex.length <= 14 ? hex : `${hex.slice(0, 8)}…${hex.slice(-4)}`;
}
