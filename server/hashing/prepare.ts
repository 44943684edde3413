/**
 * The CPU-heavy part of intake, as one pure function that runs in a worker thread or
 * inline: validate each credential (core), check it names the institution as issuer,
 * canonicalise it (RFC 8785), draw its 32-byte salt and hash it (core).
 */
import { validateCredential } from "../../core/credential.ts";
import { CredanchorError, type FieldIssue } from "../../core/errors.ts";
import { canonicalizeCredential } from "../../core/hash.ts";
import { keccak256PrefixedText } from "../../core/keccak.ts";
import { randomBytesInto } from "../../core/random.ts";
import { issuerIdOf, issuerMatches } from "../../core/verify/issuerMatches.ts";

/** Parameters of {@link prepareCredentials}. */
export type PrepareCredentialsParameters = {
  readonly credentials: readonly unknown[];
  /** The institution's registered identifier: every credential's issuer must match it. */
  readonly issuerIdentifier: string;
};

/** One invalid credential: its index in `credentials` and its issues (paths from `$`). */
export type PreparedIssue = { readonly index: number; readonly issues: readonly FieldIssue[] };

/** Return type of {@link prepareCredentials}. When `invalid` is non-empty the rest is empty. */
export type PrepareCredentialsReturnType = {
  readonly invalid: readonly PreparedIssue[];
  /** JCS text of each credential. */
  readonly bodies: readonly string[];
  /** n × 32 bytes of salt. */
  readonly salts: Uint8Array;
  /** n × 32 bytes of credential hash. */
  readonly hashes: Uint8Array;
};

/**
 * Validates and hashes credentials. Invalid ones are collected (all of them, so a bulk
 * rejection can list every bad position), never thrown.
 *
 * The credential hash is keccak256(salt ‖ JCS(credential)) computed from the JCS text
 * this function also returns for storage: the same steps as core's
 * `credentialHash` (test/server/intake.test.ts checks they agree), done once.
 * TODO(core): a core function returning both the canonical text and the hash would
 * remove this two-line duplication.
 *
 * @example
 * ```ts
 * const { invalid, bodies, hashes } = prepareCredentials({ credentials, issuerIdentifier: "did:web:example.edu" });
 * ```
 */
export function prepareCredentials(parameters: PrepareCredentialsParameters): PrepareCredentialsReturnType {
  const { credentials, issuerIdentifier } = parameters;
  const invalid: PreparedIssue[] = [];
  const bodies: string[] = new Array(credentials.length);
  const salts = randomBytesInto(new Uint8Array(credentials.length * 32));
  const hashes = new Uint8Array(credentials.length * 32);
  for (let index = 0; index < credentials.length; index++) {
    const credential = credentials[index];
    const issues = checkCredential(credential, issuerIdentifier);
    if (issues.length > 0) {
      invalid.push({ index, issues });
      continue;
    }
    if (invalid.length > 0) continue; // the request fails anyway: only collect issues
    try {
      const text = canonicalizeCredential({ credential: credential as Record<string, unknown> });
      bodies[index] = text;
      hashes.set(keccak256PrefixedText(salts.subarray(index * 32, index * 32 + 32), text), index * 32);
    } catch (error) {
      if (!(error instanceof CredanchorError)) throw error;
      invalid.push({ index, issues: error.details ?? [{ path: "$", message: error.message }] });
    }
  }
  if (invalid.length > 0) return { invalid, bodies: [], salts: new Uint8Array(0), hashes: new Uint8Array(0) };
  return { invalid, bodies, salts, hashes };
}

function checkCredential(credential: unknown, issuerIdentifier: string): readonly FieldIssue[] {
  try {
    validateCredential({ credential });
  } catch (error) {
    if (error instanceof CredanchorError) return error.details ?? [{ path: "$", message: error.message }];
    throw error;
  }
  const record = credential as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  for (const member of ["proof", "credentialStatus"] as const) {
    if (member in record) {
      issues.push({
        path: `$.${member}`,
        message: "must not be present: the service adds it once the credential is anchored",
        expected: "absent",
      });
    }
  }
  const issuerId = issuerIdOf(record);
  if (issuerId === undefined || !issuerMatches({ issuerId, institutionIdentifier: issuerIdentifier })) {
    issues.push({
      path: typeof record.issuer === "string" ? "$.issuer" : "$.issuer.id",
      message: `does not name this institution (${JSON.stringify(issuerId ?? null)})`,
      expected: JSON.stringify(issuerIdentifier),
    });
  }
  return issues;
}
