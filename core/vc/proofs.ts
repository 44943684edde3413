/**
 * The names that tell the proofs of a credanchor-proof-v2 credential apart. No heavy
 * imports: the format parser and the web page use this without the signing libraries.
 */

/** The W3C Data Integrity proof type. */
export const DATA_INTEGRITY_PROOF = "DataIntegrityProof";
/** The issuer signature's cryptosuite. */
export const EDDSA_RDFC_2022 = "eddsa-rdfc-2022";

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** True for an `eddsa-rdfc-2022` DataIntegrityProof made for `assertionMethod`. */
export function isIssuerSignature(value: unknown): value is Record<string, unknown> & { readonly verificationMethod?: unknown } {
  return (
    isRecord(value) &&
    value["type"] === DATA_INTEGRITY_PROOF &&
    value["cryptosuite"] === EDDSA_RDFC_2022 &&
    value["proofPurpose"] === "assertionMethod"
  );
}
