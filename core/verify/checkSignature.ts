/**
 * The `signature` check: the issuer's eddsa-rdfc-2022 signature against the issuer's
 * DID (did:key offline, did:web through the caller's resolver). credanchor-proof-v2
 * requires it: a missing or bad signature is invalid whatever the anchor says; a DID
 * that cannot be resolved is `skipped` (the anchor still establishes the issuer).
 * credanchor-proof-v1 predates issuer signatures, so the check is skipped for it.
 *
 * The signing libraries (jsonld.js, rdf-canonize) are loaded only when a v2 credential
 * is met, unless the caller injects a verifier.
 */
import type { PortableCredentialParts } from "../proof.ts";
import { proofFormats } from "../proofSchema.ts";
import type { DidResolver } from "../vc/did.ts";
import type { SignatureResult } from "../vc/eddsa.ts";
import type { VerificationCheck } from "./types.ts";

/** Verifies the issuer signature of a credential (signature first in `proof`). */
export type SignatureVerifier = (parameters: {
  readonly credential: Readonly<Record<string, unknown>>;
  readonly resolveDid?: DidResolver | undefined;
}) => Promise<SignatureResult>;

let loaded: Promise<SignatureVerifier> | undefined;

/** The reference verifier (core/vc/eddsa.ts), imported on first use. */
export function defaultSignatureVerifier(): Promise<SignatureVerifier> {
  loaded ??= import("../vc/eddsa.ts").then((module) => module.verifyIssuerSignature);
  return loaded;
}

/** Runs the signature check for one credential whose offline checks passed. */
export async function checkSignature({
  parts,
  verifier,
  resolveDid,
}: {
  readonly parts: PortableCredentialParts;
  readonly verifier: SignatureVerifier | undefined;
  readonly resolveDid: DidResolver | undefined;
}): Promise<VerificationCheck> {
  if (parts.proof.format === proofFormats.v1) {
    return {
      id: "signature",
      outcome: "skipped",
      reason: "a credanchor-proof-v1 credential carries no issuer signature that credanchor checks; the anchor establishes the issuer",
    };
  }
  let result: SignatureResult;
  try {
    result = await (verifier ?? (await defaultSignatureVerifier()))({ credential: parts.credential, resolveDid });
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { id: "signature", outcome: "error", reason: `the signature could not be checked: ${message}` };
  }
  switch (result.outcome) {
    case "valid":
      return {
        id: "signature",
        outcome: "valid",
        reason: `signed by the issuer with ${result.verificationMethod}`,
        details: { verificationMethod: result.verificationMethod },
      };
    case "skipped":
      return { id: "signature", outcome: "skipped", reason: result.reason, details: { code: result.code } };
    default:
      return { id: "signature", outcome: "invalid", reason: result.reason, details: { code: result.code } };
  }
}
