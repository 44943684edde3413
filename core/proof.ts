/**
 * The portable proof format, `credanchor-proof-v1`, in the VC 2.0 `proof` shape.
 *
 * An anchored credential carries everything a verifier needs, offline and on chain:
 * the salt and credential hash (integrity), the leaf index, leaf count and sibling
 * path (inclusion, recomputed exactly as CredentialMerkle.computeRoot does), the
 * institution id and root (which give the batch id), and the chain (CAIP-2), registry
 * address, anchoring transaction and block (where to look). `credentialStatus` names
 * the (registry, batch, leaf) whose revocation and suspension bits apply.
 *
 * Formats are versioned: a released format never changes, and its fixtures under
 * test/fixtures/<format>/ are never edited, only added to.
 */
import * as z from "zod/mini";

import { toChecksumAddress } from "./address.ts";
import { CredanchorError, ProofFormatUnknownError, ProofMalformedError, type FieldIssue } from "./errors.ts";
import { batchIdOf, credentialHash } from "./hash.ts";
import type { Hex } from "./hex.ts";
import { toFieldIssues } from "./issues.ts";
import { computeRootFromProof } from "./merkle.ts";
import { isAnchorProofV2, splitPortableCredentialV2, type CredanchorProofV2, type PortableCredentialV2Parts } from "./proofV2.ts";
import {
  PROOF_TYPE,
  proofFormats,
  proofV1Schema,
  STATUS_PURPOSES,
  STATUS_TYPE,
  statusSchema,
  type AnchorData,
  type Caip2ChainId,
} from "./proofSchema.ts";

/** Formats written in a `CredanchorMerkleProof`'s `format` member (v2 is a DataIntegrityProof, see proofV2.ts). */
const KNOWN_FORMATS: readonly string[] = [proofFormats.v1];

/** A parsed `credanchor-proof-v1` proof. */
export type CredanchorProofV1 = {
  readonly type: typeof PROOF_TYPE;
  readonly format: typeof proofFormats.v1;
  readonly proofPurpose: "assertionMethod";
} & AnchorData;
/** Any proof this version of core reads. */
export type CredanchorProof = CredanchorProofV1 | CredanchorProofV2;

/** A parsed `credentialStatus` entry. */
export type CredanchorStatus = {
  /** `<chain>:<registry>/<batchId>/<leafIndex>`, e.g. `eip155:31337:0x5FbD…/0xab…/5`. */
  readonly id: string;
  readonly type: typeof STATUS_TYPE;
  readonly statusPurpose: readonly ["revocation", "suspension"];
  readonly chain: Caip2ChainId;
  readonly registry: Hex;
  readonly batchId: Hex;
  readonly leafIndex: number;
};

function statusId(parts: { chain: string; registry: string; batchId: string; leafIndex: number }): string {
  return `${parts.chain}:${parts.registry}/${parts.batchId}/${parts.leafIndex}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Parameters of {@link parseProof}. */
export type ParseProofParameters = {
  readonly proof: unknown;
  /** JSON path of the proof in its document, for error messages. Default `$.proof`. */
  readonly path?: string | undefined;
};
/** Return type of {@link parseProof}. */
export type ParseProofReturnType = CredanchorProof;

/**
 * Validates a proof object. Unknown `format` names throw `CA_PROOF_FORMAT_UNKNOWN`
 * (naming the format and listing the known ones); a wrong shape, bad hex, a wrong
 * length or a proof path of the wrong length for (leafIndex, leafCount) throws
 * `CA_PROOF_MALFORMED` with one issue per field, by JSON path. Unknown extra members
 * are dropped from the result.
 *
 * @example
 * ```ts
 * const proof = parseProof({ proof: portable.proof });
 * proof.merkleRoot; // "0x…"
 * ```
 */
export function parseProof(parameters: ParseProofParameters): ParseProofReturnType {
  const base = parameters.path ?? "$.proof";
  const { proof } = parameters;
  if (!isRecord(proof)) {
    throw new ProofMalformedError({ issues: [{ path: base, message: "is not an object", expected: "a proof object" }] });
  }
  const format = proof["format"];
  if (typeof format !== "string") {
    throw new ProofMalformedError({
      issues: [
        {
          path: `${base}.format`,
          message: format === undefined ? "is required but missing" : "is not a string",
          expected: KNOWN_FORMATS.map((name) => `"${name}"`).join(" or "),
        },
      ],
    });
  }
  if (!KNOWN_FORMATS.includes(format)) {
    throw new ProofFormatUnknownError({ format, knownFormats: KNOWN_FORMATS, path: `${base}.format` });
  }
  const result = z.safeParse(proofV1Schema, proof);
  if (!result.success) throw new ProofMalformedError({ issues: toFieldIssues({ issues: result.error.issues, input: proof, base }) });
  return result.data as CredanchorProofV1;
}

/** Parameters of {@link parseCredentialStatus}. */
export type ParseCredentialStatusParameters = {
  readonly credentialStatus: unknown;
  /** JSON path for error messages. Default `$.credentialStatus`. */
  readonly path?: string | undefined;
};
/** Return type of {@link parseCredentialStatus}. */
export type ParseCredentialStatusReturnType = CredanchorStatus;

/**
 * Validates a `CredanchorRegistryStatus` entry, including that its `id` is
 * `<chain>:<registry>/<batchId>/<leafIndex>` of its own fields. Throws `CA_PROOF_MALFORMED`.
 *
 * @example
 * ```ts
 * const status = parseCredentialStatus({ credentialStatus: portable.credentialStatus });
 * ```
 */
export function parseCredentialStatus(parameters: ParseCredentialStatusParameters): ParseCredentialStatusReturnType {
  const base = parameters.path ?? "$.credentialStatus";
  const input = parameters.credentialStatus;
  const result = z.safeParse(statusSchema, input);
  if (!result.success) throw new ProofMalformedError({ issues: toFieldIssues({ issues: result.error.issues, input, base }) });
  const status = result.data as CredanchorStatus;
  const id = statusId(status);
  if (status.id !== id) {
    throw new ProofMalformedError({ issues: [{ path: `${base}.id`, message: "does not match the status fields", expected: id }] });
  }
  return status;
}

/** One entry of `proof` / `credentialStatus` (VC 2.0 allows a single object or an array). */
function findOwn(value: unknown, type: string, base: string): { entry: unknown; path: string } | undefined {
  if (!Array.isArray(value)) return value === undefined ? undefined : { entry: value, path: base };
  const index = value.findIndex((entry) => isRecord(entry) && entry["type"] === type);
  return index < 0 ? undefined : { entry: value[index], path: `${base}[${index}]` };
}

function isOwnProof(value: unknown): boolean {
  const entries = Array.isArray(value) ? value : [value];
  return entries.some((entry) => isRecord(entry) && entry["type"] === PROOF_TYPE);
}

/** A credanchor-proof-v1 credential taken apart. */
export type PortableCredentialV1Parts = {
  /** The credential without `proof` and `credentialStatus`: exactly what was hashed. */
  readonly credential: Record<string, unknown>;
  readonly proof: CredanchorProofV1;
  readonly status: CredanchorStatus;
};
/** A portable credential taken apart; `proof.format` tells which format. */
export type PortableCredentialParts = PortableCredentialV1Parts | PortableCredentialV2Parts;

/** Parameters of {@link splitPortableCredential}. */
export type SplitPortableCredentialParameters = { readonly portableCredential: unknown };
/** Return type of {@link splitPortableCredential}. */
export type SplitPortableCredentialReturnType = PortableCredentialParts;

/**
 * Takes an anchored credential apart into the hashed credential, its parsed proof and
 * its parsed status entry. The format is read from the document: a DataIntegrityProof
 * with credanchor's cryptosuite is credanchor-proof-v2 (proofV2.ts), a
 * `CredanchorMerkleProof` is v1, whose proof and status must name the same chain,
 * registry, batch and leaf. More than one anchor proof is `CA_ANCHOR_AMBIGUOUS` (never
 * one of them silently ignored). Throws `CA_PROOF_MISSING`, `CA_PROOF_FORMAT_UNKNOWN`
 * or `CA_PROOF_MALFORMED`. Does not check hashes or signatures (the verifier does, and
 * reports it).
 *
 * @example
 * ```ts
 * const { credential, proof, status } = splitPortableCredential({ portableCredential: JSON.parse(text) });
 * credentialHash({ credential, salt: proof.salt }) === proof.credentialHash;
 * ```
 */
export function splitPortableCredential(parameters: SplitPortableCredentialParameters): SplitPortableCredentialReturnType {
  const input = parameters.portableCredential;
  if (!isRecord(input)) {
    throw new ProofMalformedError({ issues: [{ path: "$", message: "is not a JSON object", expected: "a credential object" }] });
  }
  const entries = Array.isArray(input["proof"]) ? input["proof"] : [input["proof"]];
  const v1Count = entries.filter((entry) => isRecord(entry) && entry["type"] === PROOF_TYPE).length;
  const v2Count = entries.filter(isAnchorProofV2).length;
  if (v1Count + v2Count > 1) {
    throw new CredanchorError({
      code: "CA_ANCHOR_AMBIGUOUS",
      message: `The credential carries ${v1Count + v2Count} credanchor anchor proofs; exactly one is verifiable.`,
      details: entries.flatMap((entry, index) =>
        (isRecord(entry) && entry["type"] === PROOF_TYPE) || isAnchorProofV2(entry)
          ? [{ path: `$.proof[${index}]`, message: "is an anchor proof", expected: "a single anchor proof" }]
          : [],
      ),
    });
  }
  if (v2Count === 1) return splitPortableCredentialV2(input);
  const { proof: rawProof, credentialStatus: rawStatus, ...credential } = input;
  const ownProof = findOwn(rawProof, PROOF_TYPE, "$.proof");
  if (ownProof === undefined) {
    throw new CredanchorError({
      code: "CA_PROOF_MISSING",
      message: `The credential carries no ${PROOF_TYPE} proof.`,
      details: [{ path: "$.proof", message: "is missing", expected: `a proof of type "${PROOF_TYPE}"` }],
    });
  }
  const proof = parseProof({ proof: ownProof.entry, path: ownProof.path }) as CredanchorProofV1;
  const ownStatus = findOwn(rawStatus, STATUS_TYPE, "$.credentialStatus");
  if (ownStatus === undefined) {
    throw new ProofMalformedError({
      issues: [{ path: "$.credentialStatus", message: "is missing", expected: `a status entry of type "${STATUS_TYPE}"` }],
    });
  }
  const status = parseCredentialStatus({ credentialStatus: ownStatus.entry, path: ownStatus.path });
  const issues: FieldIssue[] = [];
  for (const key of ["chain", "registry", "batchId", "leafIndex"] as const) {
    const same = typeof proof[key] === "string" ? String(status[key]).toLowerCase() === String(proof[key]).toLowerCase() : status[key] === proof[key];
    if (!same) {
      issues.push({ path: `${ownStatus.path}.${key}`, message: "differs from the proof", expected: String(proof[key]) });
    }
  }
  if (issues.length > 0) throw new ProofMalformedError({ issues });
  return { credential, proof, status };
}

/** Where and how a credential was anchored: what {@link attachProof} writes. */
export type AnchorRecord = {
  /** EVM chain id, e.g. 31337, or its CAIP-2 form `eip155:31337`. */
  readonly chain: number | Caip2ChainId;
  /** Registry contract address (any case; written EIP-55 checksummed). */
  readonly registry: string;
  readonly institutionId: number;
  /** Checked against `batchIdOf(institutionId, merkleRoot)`; computed if omitted. */
  readonly batchId?: Hex | undefined;
  readonly merkleRoot: Hex;
  readonly leafIndex: number;
  readonly leafCount: number;
  readonly salt: Hex;
  readonly credentialHash: Hex;
  readonly proofPath: readonly Hex[];
  readonly anchorTransaction: Hex;
  readonly anchorBlock: number;
  /** Time of the anchoring block. */
  readonly created: Date | string;
};

/** Parameters of {@link attachProof}. */
export type AttachProofParameters = {
  /** The credential as it was hashed (existing `proof` / `credentialStatus` entries are kept). */
  readonly credential: Readonly<Record<string, unknown>>;
  readonly anchor: AnchorRecord;
  /**
   * Recompute the credential hash, the root and the batch id before writing (default
   * true; ~40 µs per credential). Bulk callers that built the batch themselves may skip it.
   */
  readonly check?: boolean | undefined;
};
/** Return type of {@link attachProof}: the portable credential. */
export type AttachProofReturnType = Record<string, unknown> & {
  readonly proof: CredanchorProofV1 | readonly unknown[];
  readonly credentialStatus: CredanchorStatus | readonly unknown[];
};

function appendTo(existing: unknown, entry: unknown): unknown {
  if (existing === undefined) return entry;
  return Array.isArray(existing) ? [...existing, entry] : [existing, entry];
}

/**
 * Makes the portable credential: adds a `credanchor-proof-v1` proof and a
 * `CredanchorRegistryStatus` entry (appended to existing `proof` / `credentialStatus`
 * entries, VC 2.0 allowing several). Throws `CA_INVALID_ARGUMENT` if the anchor does
 * not fit the credential (with `check`), `CA_PROOF_MALFORMED` if a field is malformed.
 *
 * @example
 * ```ts
 * const portable = attachProof({ credential, anchor: {
 *   chain: 31337, registry, institutionId: 1, merkleRoot, leafIndex: 5, leafCount: 100,
 *   salt, credentialHash, proofPath, anchorTransaction, anchorBlock: 123, created: blockTime } });
 * ```
 */
export function attachProof(parameters: AttachProofParameters): AttachProofReturnType {
  const { credential, anchor } = parameters;
  if (isOwnProof(credential["proof"])) {
    throw new CredanchorError({
      code: "CA_INVALID_ARGUMENT",
      message: `The credential already carries a ${PROOF_TYPE} proof; attach proofs to the credential as it was hashed.`,
    });
  }
  const chainId = typeof anchor.chain === "number" ? (`eip155:${anchor.chain}` as Caip2ChainId) : anchor.chain;
  const registryAddress = toChecksumAddress({ address: anchor.registry }) ?? anchor.registry;
  const expectedBatchId = batchIdOf({ institutionId: anchor.institutionId, merkleRoot: anchor.merkleRoot });
  const draft = {
    type: PROOF_TYPE,
    format: proofFormats.v1,
    proofPurpose: "assertionMethod",
    created: anchor.created instanceof Date ? anchor.created.toISOString() : anchor.created,
    chain: chainId,
    registry: registryAddress,
    institutionId: anchor.institutionId,
    batchId: anchor.batchId ?? expectedBatchId,
    merkleRoot: anchor.merkleRoot,
    leafIndex: anchor.leafIndex,
    leafCount: anchor.leafCount,
    salt: anchor.salt,
    credentialHash: anchor.credentialHash,
    proofPath: [...anchor.proofPath],
    anchorTransaction: anchor.anchorTransaction,
    anchorBlock: anchor.anchorBlock,
  };
  const proof = parseProof({ proof: draft, path: "$.anchor" }) as CredanchorProofV1;
  if (parameters.check ?? true) {
    const issues: FieldIssue[] = [];
    const hash = credentialHash({ credential, salt: proof.salt });
    if (hash !== proof.credentialHash.toLowerCase()) {
      issues.push({ path: "$.anchor.credentialHash", message: "is not the hash of this credential with this salt", expected: hash });
    }
    const root = computeRootFromProof({ ...proof, proof: proof.proofPath });
    if (root !== proof.merkleRoot.toLowerCase()) {
      issues.push({ path: "$.anchor.proofPath", message: "does not lead to merkleRoot", expected: `a path to ${proof.merkleRoot}` });
    }
    if (proof.batchId.toLowerCase() !== expectedBatchId) {
      issues.push({ path: "$.anchor.batchId", message: "is not batchIdOf(institutionId, merkleRoot)", expected: expectedBatchId });
    }
    if (issues.length > 0) {
      throw new CredanchorError({ code: "CA_INVALID_ARGUMENT", message: "The anchor does not fit the credential.", details: issues });
    }
  }
  const status: CredanchorStatus = {
    id: statusId(proof),
    type: STATUS_TYPE,
    statusPurpose: STATUS_PURPOSES,
    chain: proof.chain,
    registry: proof.registry,
    batchId: proof.batchId,
    leafIndex: proof.leafIndex,
  };
  return {
    ...credential,
    proof: appendTo(credential["proof"], proof) as CredanchorProofV1,
    credentialStatus: appendTo(credential["credentialStatus"], { ...status, statusPurpose: [...STATUS_PURPOSES] }) as CredanchorStatus,
  };
}

/** Parameters of {@link chainIdOf}. */
export type ChainIdOfParameters = { readonly chain: Caip2ChainId | string };
/** Return type of {@link chainIdOf}: the numeric EVM chain id. */
export type ChainIdOfReturnType = number;

/**
 * The numeric chain id of a CAIP-2 `eip155:<id>` chain.
 *
 * @example
 * ```ts
 * chainIdOf({ chain: "eip155:31337" }); // 31337
 * ```
 */
export function chainIdOf(parameters: ChainIdOfParameters): ChainIdOfReturnType {
  const match = /^eip155:([1-9][0-9]{0,15})$/.exec(parameters.chain);
  const id = match === null ? Number.NaN : Number(match[1]);
  if (!Number.isSafeInteger(id)) {
    throw new CredanchorError({ code: "CA_INVALID_ARGUMENT", message: `Not a CAIP-2 EVM chain id: "${parameters.chain}".` });
  }
  return id;
}
