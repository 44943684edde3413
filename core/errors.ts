/**
 * The one error type core throws, with stable codes.
 *
 * Every error carries a `code` that never changes once released (tests and API
 * clients match on it), a short `message`, `hints` for the person reading it, optional
 * machine-readable `details` (e.g. one entry per invalid field, named by JSON path),
 * the underlying `cause`, and the HTTP status the service answers with. The service
 * replies `{ error: error.toJSON() }`; the CLI prints `message` and `hints`.
 */

/** Stable error codes with their HTTP status and default hint. Append only. */
export const errorCatalogue = {
  CA_CREDENTIAL_INVALID: {
    httpStatus: 422,
    hint: "Fix the fields listed in `details` (each names a JSON path) and submit the credential again.",
  },
  CA_CREDENTIAL_NOT_CANONICALIZABLE: {
    httpStatus: 422,
    hint: "Credentials must be plain JSON: no NaN or Infinity, no lone UTF-16 surrogates, no cycles.",
  },
  CA_PROOF_MISSING: {
    httpStatus: 422,
    hint: "Only anchored (portable) credentials carry a `proof`; anchor the credential first.",
  },
  CA_PROOF_FORMAT_UNKNOWN: {
    httpStatus: 422,
    hint: "The proof was written by a newer or different tool; upgrade credanchor or check where the credential came from.",
  },
  CA_PROOF_MALFORMED: {
    httpStatus: 422,
    hint: "The proof object was altered or truncated; obtain the credential again from its issuer.",
  },
  CA_HEX_INVALID: {
    httpStatus: 400,
    hint: "Hex values are 0x-prefixed, use only 0-9 and a-f, and have the length the field requires.",
  },
  CA_INVALID_ARGUMENT: {
    httpStatus: 400,
    hint: "A core function was called with a value outside its documented range.",
  },
  CA_LEAF_INDEX_OUT_OF_RANGE: {
    httpStatus: 400,
    hint: "Leaf indices run from 0 to leafCount - 1.",
  },
  CA_BATCH_EMPTY: {
    httpStatus: 400,
    hint: "A batch needs at least one credential.",
  },
  CA_BATCH_TOO_LARGE: {
    httpStatus: 413,
    hint: "The registry records leaf counts as uint32; split the batch.",
  },
  CA_RANDOMNESS_UNAVAILABLE: {
    httpStatus: 500,
    hint: "globalThis.crypto.getRandomValues is required (Node >= 20, any current browser in a secure context).",
  },
  CA_RPC_UNAVAILABLE: {
    httpStatus: 503,
    hint: "The chain's RPC endpoint did not answer; check the RPC URL and that the node is running, then retry.",
  },
  CA_CHAIN_MISMATCH: {
    httpStatus: 409,
    hint: "The proof names a different chain than the RPC endpoint serves; connect to the chain named in `proof.chain`.",
  },
  CA_PATHWAY_DEFINITION_INVALID: {
    httpStatus: 422,
    hint: "Fix the fields listed in `details` (each names a JSON path) of the credanchor-pathway-v1 definition.",
  },
  CA_PATHWAY_REQUIREMENTS_NOT_MET: {
    httpStatus: 422,
    hint: "`credanchor pathway progress <definition> <credentials…>` lists what the holder has and what is missing.",
  },
  CA_PATHWAY_RECIPIENT_UNKNOWN: {
    httpStatus: 422,
    hint: "Give the recipient's identity (id, or the email / name its credentials hash) so every component can be matched to them.",
  },
  CA_PATHWAY_AWARD_MALFORMED: {
    httpStatus: 422,
    hint: "A pathway award carries `credanchorPathway` (its definition and hash) and one `evidence` entry per component.",
  },
  CA_SIGNATURE_INVALID: {
    httpStatus: 422,
    hint: "The issuer signature (an eddsa-rdfc-2022 DataIntegrityProof) does not verify against the issuer's DID: the credential was changed after signing, or signed with another key.",
  },
  CA_SIGNATURE_MISSING: {
    httpStatus: 422,
    hint: "credanchor-proof-v2 credentials carry the issuer's eddsa-rdfc-2022 signature first in `proof`; obtain the credential again from its issuer.",
  },
  CA_DID_UNRESOLVABLE: {
    httpStatus: 422,
    hint: "did:key needs nothing; a did:web DID document must be reachable at its HTTPS URL (or through the resolver given to the verifier).",
  },
  CA_DOCUMENT_NOT_LOADABLE: {
    httpStatus: 422,
    hint: "Only the VC 2.0, Open Badges 3.0.x, Bitstring Status List, Data Integrity, DID and Multikey contexts are supported; nothing is fetched at run time.",
  },
  CA_ANCHOR_AMBIGUOUS: {
    httpStatus: 422,
    hint: "A credential carries exactly one credanchor anchor proof; one with several was altered or merged by another tool.",
  },
  CA_REGISTRY_VERSION_UNKNOWN: {
    httpStatus: 422,
    hint: "The registry reports a version this software does not know; upgrade credanchor to verify its credentials.",
  },
  CA_SHARE_LINK_INVALID: {
    httpStatus: 400,
    hint: "The link was cut short or altered on the way; ask the holder to send the whole share link again.",
  },
  CA_BAKED_IMAGE_INVALID: {
    httpStatus: 422,
    hint: "Open Badges images carry the credential in a PNG iTXt chunk `openbadgecredential` or an SVG <openbadges:credential> element; use the image the issuer sent, or the credential's JSON file.",
  },
  CA_DEPLOYMENT_RECORD_INVALID: {
    httpStatus: 500,
    hint: "deployments/<network>.json has a field `details` names in the wrong shape; redeploy (`credanchor deploy`) or fix the field (deployments/README.md describes the format).",
  },
} as const satisfies Record<string, { readonly httpStatus: number; readonly hint: string }>;

/** Every stable error code. */
export type ErrorCode = keyof typeof errorCatalogue;

/** One problem in an input, located by JSON path (e.g. `$.credentialSubject.achievement.name`). */
export type FieldIssue = {
  /** JSON path of the offending value, `$` being the document root. */
  readonly path: string;
  /** What is wrong, in a sentence. */
  readonly message: string;
  /** What would be accepted, e.g. `"string"` or `"0x-prefixed hex of 32 bytes"`. */
  readonly expected?: string | undefined;
};

/**
 * A catalogue entry: the HTTP status an error answers with and the hint every instance
 * carries. Core's codes are in {@link errorCatalogue}; the service and other layers keep
 * catalogues of their own codes and pass the entry to {@link CredanchorError}.
 */
export type CatalogueEntry = { readonly httpStatus: number; readonly hint: string };

/** What {@link CredanchorError} is built from. */
export type CredanchorErrorParameters<Code extends string = ErrorCode> = {
  readonly code: Code;
  readonly message: string;
  /** Extra hints, shown before the catalogue's default hint. */
  readonly hints?: readonly string[] | undefined;
  readonly details?: readonly FieldIssue[] | undefined;
  readonly cause?: unknown;
};

/** The JSON body the service answers with: `{ error: CredanchorErrorJson }`. */
export type CredanchorErrorJson<Code extends string = ErrorCode> = {
  readonly code: Code;
  readonly message: string;
  readonly hints: readonly string[];
  readonly details?: readonly FieldIssue[] | undefined;
};

/**
 * Base class of every error core throws. Match on `code`, never on `message`.
 *
 * @example
 * ```ts
 * try {
 *   validateCredential({ credential });
 * } catch (error) {
 *   if (error instanceof CredanchorError && error.code === "CA_CREDENTIAL_INVALID") console.log(error.details);
 *   else throw error;
 * }
 * ```
 */
export class CredanchorError<Code extends string = ErrorCode> extends Error {
  override name = "CredanchorError";
  readonly code: Code;
  readonly hints: readonly string[];
  readonly details: readonly FieldIssue[] | undefined;
  readonly httpStatus: number;

  /**
   * @param entry The code's catalogue entry; defaults to core's {@link errorCatalogue}, so
   * only layers with codes of their own (the service) pass it.
   */
  constructor(
    parameters: CredanchorErrorParameters<Code>,
    entry: CatalogueEntry = (errorCatalogue as Record<string, CatalogueEntry>)[parameters.code]!,
  ) {
    super(parameters.message, parameters.cause === undefined ? undefined : { cause: parameters.cause });
    this.code = parameters.code;
    this.hints = [...(parameters.hints ?? []), entry.hint];
    this.details = parameters.details;
    this.httpStatus = entry.httpStatus;
  }

  /** The public shape (no stack, no cause): what the API returns and the CLI prints. */
  toJSON(): CredanchorErrorJson<Code> {
    return this.details === undefined
      ? { code: this.code, message: this.message, hints: this.hints }
      : { code: this.code, message: this.message, hints: this.hints, details: this.details };
  }
}

/** A credential failed VC 2.0 / Open Badges 3.0 validation; `details` lists every field issue. */
export class CredentialInvalidError extends CredanchorError {
  override name = "CredentialInvalidError";
  constructor(parameters: {
    readonly issues: readonly FieldIssue[];
    readonly hints?: readonly string[] | undefined;
    readonly cause?: unknown;
  }) {
    const first = parameters.issues[0];
    const more = parameters.issues.length > 1 ? ` (and ${parameters.issues.length - 1} more)` : "";
    super({
      code: "CA_CREDENTIAL_INVALID",
      message:
        first === undefined ? "Credential is invalid." : `Credential is invalid: ${first.path}: ${first.message}${more}`,
      hints: parameters.hints,
      details: parameters.issues,
      cause: parameters.cause,
    });
  }
}

/** A proof names a `format` this version of core does not know. */
export class ProofFormatUnknownError extends CredanchorError {
  override name = "ProofFormatUnknownError";
  readonly format: string;
  readonly knownFormats: readonly string[];
  constructor(parameters: { readonly format: string; readonly knownFormats: readonly string[]; readonly path: string }) {
    super({
      code: "CA_PROOF_FORMAT_UNKNOWN",
      message: `Unknown proof format "${parameters.format}"; known formats: ${parameters.knownFormats.join(", ")}.`,
      details: [
        {
          path: parameters.path,
          message: `unknown proof format "${parameters.format}"`,
          expected: `one of ${parameters.knownFormats.map((name) => `"${name}"`).join(", ")}`,
        },
      ],
    });
    this.format = parameters.format;
    this.knownFormats = parameters.knownFormats;
  }
}

/** A proof or status object of a known format does not have the required shape. */
export class ProofMalformedError extends CredanchorError {
  override name = "ProofMalformedError";
  constructor(parameters: { readonly issues: readonly FieldIssue[]; readonly cause?: unknown }) {
    const first = parameters.issues[0];
    const more = parameters.issues.length > 1 ? ` (and ${parameters.issues.length - 1} more)` : "";
    super({
      code: "CA_PROOF_MALFORMED",
      message: first === undefined ? "Proof is malformed." : `Proof is malformed: ${first.path}: ${first.message}${more}`,
      details: parameters.issues,
      cause: parameters.cause,
    });
  }
}

/** A value is not the 0x-hex string (of the right length) a field requires. */
export class HexInvalidError extends CredanchorError {
  override name = "HexInvalidError";
  constructor(parameters: { readonly path: string; readonly message: string; readonly expected: string }) {
    super({
      code: "CA_HEX_INVALID",
      message: `${parameters.path}: ${parameters.message}`,
      details: [{ path: parameters.path, message: parameters.message, expected: parameters.expected }],
    });
  }
}

/** The chain's RPC endpoint could not be reached (infrastructure, not an invalid credential). */
export class RpcUnavailableError extends CredanchorError {
  override name = "RpcUnavailableError";
  constructor(parameters: { readonly url?: string | undefined; readonly cause?: unknown }) {
    super({
      code: "CA_RPC_UNAVAILABLE",
      message: parameters.url === undefined ? "RPC endpoint unavailable." : `RPC endpoint ${parameters.url} unavailable.`,
      cause: parameters.cause,
    });
  }
}

/** The proof's chain is not the chain the RPC endpoint serves. */
export class ChainMismatchError extends CredanchorError {
  override name = "ChainMismatchError";
  constructor(parameters: { readonly expected: string; readonly actual: string }) {
    super({
      code: "CA_CHAIN_MISMATCH",
      message: `Proof is anchored on ${parameters.expected} but the RPC endpoint serves ${parameters.actual}.`,
    });
  }
}
