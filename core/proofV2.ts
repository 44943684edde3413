/**
 * The portable proof format `credanchor-proof-v2`: a credential signed by its issuer
 * (an `eddsa-rdfc-2022` DataIntegrityProof, first in `proof`) with a standard
 * `BitstringStatusListEntry`, plus credanchor's anchor proof second:
 *
 * ```json
 * { "type": "DataIntegrityProof", "cryptosuite": "credanchor-merkle-2026",
 *   "proofPurpose": "assertionMethod", "verificationMethod": "eip155:<chain>:<registry>",
 *   "created": "<anchoring block time>", "previousProof": "<issuer signature id>",
 *   "proofValue": "u<base64url(anchor data)>" }
 * ```
 *
 * Every member is a term of the VC 2.0 context, so the credential stays a conforming
 * JSON-LD document; standard verifiers skip a cryptosuite they do not know.
 *
 * The credential hash covers the credential as signed (signature and status entry
 * included, anchor proof left out): keccak256(salt ‖ JCS(signed credential)).
 *
 * Anchor data, layout 1 (big-endian): 0x01 ‖ chainId u64 ‖ registry 20 ‖ institutionId
 * u32 ‖ leafIndex u32 ‖ leafCount u32 ‖ anchorBlock u64 ‖ salt 32 ‖ merkleRoot 32 ‖
 * credentialHash 32 ‖ anchorTransaction 32 ‖ sibling count u8 ‖ siblings 32 each. The
 * batch id is batchIdOf(institutionId, merkleRoot).
 *
 * Frozen fixtures: test/fixtures/credanchor-proof-v2/ (never edited, only added to).
 */
import { toChecksumAddress } from "./address.ts";
import { decodeBase64url, encodeBase64url } from "./base64url.ts";
import { CredanchorError, ProofMalformedError, type FieldIssue } from "./errors.ts";
import { batchIdOf, credentialHashFromCanonical, MAX_INSTITUTION_ID } from "./hash.ts";
import { decodeHexInto, encodeHex, type Hex } from "./hex.ts";
import { canonicalJson } from "./jcs.ts";
import { computeRootFromProof, getProofLength, MAX_LEAF_COUNT } from "./merkle.ts";
import { proofFormats, type AnchorData, type Caip2ChainId } from "./proofSchema.ts";
import { isDateTimeStamp } from "./schema.ts";
import { DATA_INTEGRITY_PROOF, isIssuerSignature } from "./vc/proofs.ts";

/** The anchor proof's cryptosuite name (credanchor's own; standard verifiers skip it). */
export const ANCHOR_CRYPTOSUITE = "credanchor-merkle-2026";
/** `credentialStatus.type` of a v2 credential (W3C Bitstring Status List v1.0). */
export const BITSTRING_STATUS_TYPE = "BitstringStatusListEntry";
const LAYOUT = 1;
const FIXED = 1 + 8 + 20 + 4 + 4 + 4 + 8 + 32 * 4 + 1;

/** A parsed credanchor-proof-v2 anchor proof, with the same anchor fields as v1. */
export type CredanchorProofV2 = {
  readonly type: typeof DATA_INTEGRITY_PROOF;
  readonly cryptosuite: typeof ANCHOR_CRYPTOSUITE;
  readonly format: typeof proofFormats.v2;
  readonly proofPurpose: "assertionMethod";
  readonly previousProof: string;
} & AnchorData;

/** A `BitstringStatusListEntry` as credanchor writes and reads it. */
export type BitstringStatusEntry = {
  readonly id?: string | undefined;
  readonly type: typeof BITSTRING_STATUS_TYPE;
  readonly statusPurpose: string;
  readonly statusListIndex: string;
  readonly statusListCredential: string;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** True for a credanchor anchor proof in the v2 shape (whatever its content). */
export function isAnchorProofV2(value: unknown): boolean {
  return isRecord(value) && value["type"] === DATA_INTEGRITY_PROOF && value["cryptosuite"] === ANCHOR_CRYPTOSUITE;
}

/** `proof` as a list (VC 2.0 allows one object or an array). */
export function proofList(value: unknown): readonly unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Parameters of {@link canonicalizeSignedCredential}. */
export type CanonicalizeSignedCredentialParameters = { readonly credential: Readonly<Record<string, unknown>> };

/**
 * The text a v2 credential hash covers: JCS of the credential with every anchor proof
 * removed from `proof` (one remaining proof is written as the object itself, as the
 * signer produced it) and `credentialStatus` kept.
 *
 * @example
 * ```ts
 * const canonical = canonicalizeSignedCredential({ credential: portable });
 * credentialHashFromCanonical({ canonical, salt }) === anchorProof.credentialHash;
 * ```
 */
export function canonicalizeSignedCredential(parameters: CanonicalizeSignedCredentialParameters): string {
  return canonicalJson(signedPart(parameters.credential));
}

/** The credential as its issuer signed it: anchor proofs removed, a lone proof unwrapped. */
export function signedPart(credential: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { proof, ...rest } = credential;
  const kept = proofList(proof).filter((entry) => !isAnchorProofV2(entry));
  if (kept.length === 0) return rest;
  return { ...rest, proof: kept.length === 1 ? kept[0] : kept };
}

/** Where and how a signed credential was anchored: what {@link attachAnchorProof} writes. */
export type AnchorV2Record = {
  readonly chain: number | Caip2ChainId;
  readonly registry: string;
  readonly institutionId: number;
  readonly merkleRoot: Hex;
  readonly leafIndex: number;
  readonly leafCount: number;
  readonly salt: Hex;
  readonly credentialHash: Hex;
  readonly proofPath: readonly Hex[];
  readonly anchorTransaction: Hex;
  readonly anchorBlock: number;
  readonly created: Date | string;
};

function writeUint(out: Uint8Array, offset: number, bytes: number, value: number): void {
  let rest = value;
  for (let i = bytes - 1; i >= 0; i--) {
    out[offset + i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
}

function readUint(bytes: Uint8Array, offset: number, length: number): number {
  let value = 0;
  for (let i = 0; i < length; i++) value = value * 256 + bytes[offset + i]!;
  return value;
}

/** Encodes the anchor data as the multibase `proofValue`. */
export function encodeAnchorData(anchor: Omit<AnchorV2Record, "created">): string {
  const chainId = typeof anchor.chain === "number" ? anchor.chain : Number(anchor.chain.slice("eip155:".length));
  const out = new Uint8Array(FIXED + 32 * anchor.proofPath.length);
  out[0] = LAYOUT;
  writeUint(out, 1, 8, chainId);
  decodeHexInto(anchor.registry, out.subarray(9, 29), "$.anchor.registry");
  writeUint(out, 29, 4, anchor.institutionId);
  writeUint(out, 33, 4, anchor.leafIndex);
  writeUint(out, 37, 4, anchor.leafCount);
  writeUint(out, 41, 8, anchor.anchorBlock);
  decodeHexInto(anchor.salt, out.subarray(49, 81), "$.anchor.salt");
  decodeHexInto(anchor.merkleRoot, out.subarray(81, 113), "$.anchor.merkleRoot");
  decodeHexInto(anchor.credentialHash, out.subarray(113, 145), "$.anchor.credentialHash");
  decodeHexInto(anchor.anchorTransaction, out.subarray(145, 177), "$.anchor.anchorTransaction");
  out[177] = anchor.proofPath.length;
  anchor.proofPath.forEach((sibling, i) => decodeHexInto(sibling, out.subarray(FIXED + 32 * i, FIXED + 32 * i + 32), `$.anchor.proofPath[${i}]`));
  return `u${encodeBase64url(out)}`;
}

/** Parameters of {@link parseAnchorProof}. */
export type ParseAnchorProofParameters = { readonly proof: unknown; readonly path?: string | undefined };

/**
 * Validates a v2 anchor proof and decodes its `proofValue`. Throws `CA_PROOF_MALFORMED`
 * with one issue per field, by JSON path.
 *
 * @example
 * ```ts
 * const anchor = parseAnchorProof({ proof: portable.proof[1] });
 * anchor.leafIndex;
 * ```
 */
export function parseAnchorProof(parameters: ParseAnchorProofParameters): CredanchorProofV2 {
  const base = parameters.path ?? "$.proof[1]";
  const proof = parameters.proof;
  const fail = (path: string, message: string, expected: string): never => {
    throw new ProofMalformedError({ issues: [{ path: `${base}${path}`, message, expected }] });
  };
  if (!isRecord(proof) || !isAnchorProofV2(proof)) {
    return fail("", "is not a credanchor anchor proof", `a DataIntegrityProof with cryptosuite "${ANCHOR_CRYPTOSUITE}"`);
  }
  if (proof["proofPurpose"] !== "assertionMethod") fail(".proofPurpose", "is not assertionMethod", '"assertionMethod"');
  if (typeof proof["previousProof"] !== "string" || proof["previousProof"].length === 0) {
    fail(".previousProof", "is missing", "the id of the issuer signature");
  }
  const created = proof["created"];
  if (typeof created !== "string" || !isDateTimeStamp(created)) fail(".created", "is not an ISO 8601 date-time", "the anchoring block's time");
  const value = proof["proofValue"];
  const bytes = typeof value === "string" && value.startsWith("u") ? decodeBase64url(value.slice(1)) : undefined;
  if (bytes === undefined) return fail(".proofValue", "is not base64url multibase ('u…')", "the encoded anchor data");
  if (bytes.length < FIXED || bytes[0] !== LAYOUT) fail(".proofValue", `has an unknown layout or is truncated (${bytes.length} bytes)`, `anchor data layout ${LAYOUT}`);
  const siblings = bytes[177]!;
  if (bytes.length !== FIXED + 32 * siblings) fail(".proofValue", `has ${bytes.length} bytes for ${siblings} siblings`, `${FIXED + 32 * siblings} bytes`);
  const chainId = readUint(bytes, 1, 8);
  const institutionId = readUint(bytes, 29, 4);
  const leafIndex = readUint(bytes, 33, 4);
  const leafCount = readUint(bytes, 37, 4);
  const issues: FieldIssue[] = [];
  if (chainId < 1 || !Number.isSafeInteger(chainId)) issues.push({ path: `${base}.proofValue`, message: "encodes chain id 0 or above 2^53", expected: "an EVM chain id" });
  if (institutionId < 1 || institutionId > MAX_INSTITUTION_ID) issues.push({ path: `${base}.proofValue`, message: `encodes institution ${institutionId}`, expected: `1..${MAX_INSTITUTION_ID}` });
  if (leafCount < 1 || leafCount > MAX_LEAF_COUNT || leafIndex >= leafCount) {
    issues.push({ path: `${base}.proofValue`, message: `encodes leaf ${leafIndex} of ${leafCount}`, expected: "a leaf index below a leaf count of at least 1" });
  } else if (getProofLength({ leafIndex, leafCount }) !== siblings) {
    issues.push({ path: `${base}.proofValue`, message: `has ${siblings} siblings; leaf ${leafIndex} of ${leafCount} needs ${getProofLength({ leafIndex, leafCount })}`, expected: "the proof path of that leaf" });
  }
  if (issues.length > 0) throw new ProofMalformedError({ issues });
  const registry = toChecksumAddress({ address: encodeHex(bytes, 9, 20) })!;
  const expectedMethod = `eip155:${chainId}:${registry}`;
  if (typeof proof["verificationMethod"] !== "string" || proof["verificationMethod"].toLowerCase() !== expectedMethod.toLowerCase()) {
    fail(".verificationMethod", "does not name the registry in the anchor data", expectedMethod);
  }
  const merkleRoot = encodeHex(bytes, 81, 32);
  return {
    type: DATA_INTEGRITY_PROOF,
    cryptosuite: ANCHOR_CRYPTOSUITE,
    format: proofFormats.v2,
    proofPurpose: "assertionMethod",
    previousProof: proof["previousProof"] as string,
    created: created as string,
    chain: `eip155:${chainId}`,
    registry,
    institutionId,
    batchId: batchIdOf({ institutionId, merkleRoot }),
    merkleRoot,
    leafIndex,
    leafCount,
    salt: encodeHex(bytes, 49, 32),
    credentialHash: encodeHex(bytes, 113, 32),
    proofPath: Array.from({ length: siblings }, (_, i) => encodeHex(bytes, FIXED + 32 * i, 32)),
    anchorTransaction: encodeHex(bytes, 145, 32),
    anchorBlock: readUint(bytes, 41, 8),
  };
}

/** Parameters of {@link parseBitstringStatusEntry}. */
export type ParseBitstringStatusEntryParameters = { readonly credentialStatus: unknown; readonly path?: string | undefined };

/** Validates a `BitstringStatusListEntry`. Throws `CA_PROOF_MALFORMED`. */
export function parseBitstringStatusEntry(parameters: ParseBitstringStatusEntryParameters): BitstringStatusEntry {
  const base = parameters.path ?? "$.credentialStatus";
  const entry = parameters.credentialStatus;
  const issues: FieldIssue[] = [];
  if (!isRecord(entry) || entry["type"] !== BITSTRING_STATUS_TYPE) {
    throw new ProofMalformedError({ issues: [{ path: base, message: "is not a BitstringStatusListEntry", expected: `an object of type "${BITSTRING_STATUS_TYPE}"` }] });
  }
  if (typeof entry["statusPurpose"] !== "string" || entry["statusPurpose"] === "") issues.push({ path: `${base}.statusPurpose`, message: "is missing", expected: '"revocation"' });
  if (typeof entry["statusListIndex"] !== "string" || !/^(0|[1-9][0-9]{0,15})$/.test(entry["statusListIndex"])) {
    issues.push({ path: `${base}.statusListIndex`, message: "is not a decimal string", expected: 'a non-negative integer as a string, e.g. "94567"' });
  }
  if (typeof entry["statusListCredential"] !== "string" || !/^https?:\/\//.test(entry["statusListCredential"])) {
    issues.push({ path: `${base}.statusListCredential`, message: "is not a URL", expected: "the status list credential's https URL" });
  }
  // Bitstring Status List v1.0 §2.1: the entry's id, when present, is not the list's URL.
  if (entry["id"] !== undefined && (typeof entry["id"] !== "string" || entry["id"] === entry["statusListCredential"])) {
    issues.push({ path: `${base}.id`, message: "is not a URL of its own", expected: "a URL other than statusListCredential, e.g. <list URL>#<index>" });
  }
  if (issues.length > 0) throw new ProofMalformedError({ issues });
  return entry as BitstringStatusEntry;
}

/** A v2 portable credential taken apart. */
export type PortableCredentialV2Parts = {
  /** The credential as its issuer signed it (signature and status entry kept): exactly what was hashed. */
  readonly credential: Record<string, unknown>;
  readonly proof: CredanchorProofV2;
  /** The issuer signature the anchor proof's previousProof names (absent if stripped). */
  readonly signature: Record<string, unknown> | undefined;
  readonly status: BitstringStatusEntry | undefined;
};

/**
 * Takes a v2 credential apart. Exactly one anchor proof (more is `CA_ANCHOR_AMBIGUOUS`);
 * its `previousProof` must name the first proof. The signature itself is checked by the
 * verifier (a missing one is reported there, not thrown here).
 */
export function splitPortableCredentialV2(input: Record<string, unknown>): PortableCredentialV2Parts {
  const proofs = proofList(input["proof"]);
  const anchors = proofs.flatMap((entry, index) => (isAnchorProofV2(entry) ? [index] : []));
  if (anchors.length !== 1) {
    throw new CredanchorError({
      code: "CA_ANCHOR_AMBIGUOUS",
      message: `The credential carries ${anchors.length} credanchor anchor proofs; exactly one is verifiable.`,
      details: anchors.map((index) => ({ path: `$.proof[${index}]`, message: "is an anchor proof", expected: "a single anchor proof" })),
    });
  }
  const position = anchors[0]!;
  const path = Array.isArray(input["proof"]) ? `$.proof[${position}]` : "$.proof";
  const proof = parseAnchorProof({ proof: proofs[position], path });
  const first = proofs[0];
  const signature = isIssuerSignature(first) ? first : undefined;
  if (signature !== undefined && signature["id"] !== proof.previousProof) {
    throw new ProofMalformedError({
      issues: [{ path: `${path}.previousProof`, message: "does not name the issuer signature", expected: JSON.stringify(signature["id"] ?? null) }],
    });
  }
  const rawStatus = input["credentialStatus"];
  // Every entry must be well-formed (a second, e.g. suspension, entry too); the first is the one reported.
  const entries = rawStatus === undefined ? [] : Array.isArray(rawStatus) ? rawStatus : [rawStatus];
  const parsed = entries.map((entry, index) => parseBitstringStatusEntry({ credentialStatus: entry, path: Array.isArray(rawStatus) ? `$.credentialStatus[${index}]` : "$.credentialStatus" }));
  if (Array.isArray(rawStatus) && rawStatus.length === 0) {
    throw new ProofMalformedError({ issues: [{ path: "$.credentialStatus", message: "is an empty list", expected: "one BitstringStatusListEntry" }] });
  }
  const status = parsed[0];
  return { credential: signedPart(input), proof, signature, status };
}

/** Parameters of {@link attachAnchorProof}. */
export type AttachAnchorProofParameters = {
  /** The credential as signed by its issuer (signature in `proof`, status entry in place). */
  readonly credential: Readonly<Record<string, unknown>>;
  readonly anchor: AnchorV2Record;
  /** Recompute hash and root first (default true). */
  readonly check?: boolean | undefined;
};

/**
 * Makes the v2 portable credential: `proof` becomes [issuer signature, anchor proof].
 * Throws `CA_SIGNATURE_MISSING` when the credential carries no eddsa-rdfc-2022 signature
 * with an `id`, `CA_INVALID_ARGUMENT` when the anchor does not fit it (with `check`).
 *
 * @example
 * ```ts
 * const portable = attachAnchorProof({ credential: signed, anchor });
 * ```
 */
export function attachAnchorProof(parameters: AttachAnchorProofParameters): Record<string, unknown> {
  const signed = signedPart(parameters.credential);
  const proofs = proofList(signed["proof"]);
  const signature = proofs[0];
  if (!isIssuerSignature(signature) || typeof signature["id"] !== "string") {
    throw new CredanchorError({
      code: "CA_SIGNATURE_MISSING",
      message: "Only a credential signed by its issuer (an eddsa-rdfc-2022 proof with an id, first in `proof`) can be anchored as credanchor-proof-v2.",
    });
  }
  const { anchor } = parameters;
  if (parameters.check ?? true) {
    const issues: FieldIssue[] = [];
    const hash = credentialHashFromCanonical({ canonical: canonicalJson(signed), salt: anchor.salt });
    if (hash !== anchor.credentialHash.toLowerCase()) issues.push({ path: "$.anchor.credentialHash", message: "is not the hash of this signed credential with this salt", expected: hash });
    const root = computeRootFromProof({ leafIndex: anchor.leafIndex, leafCount: anchor.leafCount, credentialHash: anchor.credentialHash, proof: anchor.proofPath });
    if (root !== anchor.merkleRoot.toLowerCase()) issues.push({ path: "$.anchor.proofPath", message: "does not lead to merkleRoot", expected: `a path to ${anchor.merkleRoot}` });
    if (issues.length > 0) throw new CredanchorError({ code: "CA_INVALID_ARGUMENT", message: "The anchor does not fit the credential.", details: issues });
  }
  const chainId = typeof anchor.chain === "number" ? anchor.chain : Number(anchor.chain.slice("eip155:".length));
  const registry = toChecksumAddress({ address: anchor.registry }) ?? anchor.registry;
  const anchorProof = {
    type: DATA_INTEGRITY_PROOF,
    cryptosuite: ANCHOR_CRYPTOSUITE,
    proofPurpose: "assertionMethod",
    verificationMethod: `eip155:${chainId}:${registry}`,
    created: anchor.created instanceof Date ? anchor.created.toISOString() : anchor.created,
    previousProof: signature["id"],
    proofValue: encodeAnchorData(anchor),
  };
  return { ...signed, proof: [...proofs, anchorProof] };
}
