/**
 * Whether a credential submitted again under an idempotency key is the one stored under
 * it. Equal bodies are; so are two credentials the service signed and gave a status list
 * entry, when they are equal without what the service added: a retry is signed again (a
 * new proof id and time) and is given a fresh entry, and the stored one, with its
 * original signature and index, is the answer. Rare path: only keys already in use.
 */
import { canonicalJson } from "../../core/jcs.ts";

/** The credential without the service's additions (issuer signature, status entry), as JCS. */
function submittedContent(body: string): string {
  const { proof: _proof, credentialStatus: _status, ...rest } = JSON.parse(body) as Record<string, unknown>;
  return canonicalJson(rest);
}

/** A stored or submitted credential, as idempotency compares it. */
export type SubmittedCredential = { readonly body: string; readonly hasServiceStatus: boolean };

/**
 * @example
 * ```ts
 * sameSubmission({ body: stored, hasServiceStatus: true }, { body: retried, hasServiceStatus: true }); // true
 * ```
 */
export function sameSubmission(stored: SubmittedCredential, submitted: SubmittedCredential): boolean {
  if (stored.body === submitted.body) return true;
  if (!stored.hasServiceStatus || !submitted.hasServiceStatus) return false;
  return submittedContent(stored.body) === submittedContent(submitted.body);
}
