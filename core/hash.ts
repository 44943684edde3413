/**
 * credanchor's hashing scheme.
 *
 * TWIN: contracts/libraries/CredentialMerkle.sol (`leafHash`, `nodeHash`, `batchIdOf`)
 * computes exactly the same values; test/vectors/merkle-v1.json is checked against both
 * (test/core/vectors.test.ts and test/contracts/GoldenVectors.t.sol).
 *
 * - credential hash = keccak256(salt(32) ‖ utf8(JCS(credential minus top-level `proof`
 *   and `credentialStatus`))). JCS is RFC 8785 (jcs.ts). `credentialStatus` is left out because
 *   it names the batch, which only exists once this hash is in a tree; `proof` because
 *   it is added after anchoring. The random salt keeps a guessable credential (name +
 *   badge) from being confirmed against a public hash.
 * - leaf = keccak256(0x00 ‖ uint256(leafIndex) ‖ credentialHash)  (65 bytes)
 * - node = keccak256(0x01 ‖ left ‖ right)                         (65 bytes)
 *   The tags domain-separate leaves from internal nodes, so an internal node can never
 *   be presented as a credential; the index binds a proof to one position.
 * - batch id = keccak256(abi.encode(uint256(institutionId), merkleRoot))  (64 bytes)
 */
import { CredanchorError } from "./errors.ts";
import { encodeHex, hexToBytes, type Hex } from "./hex.ts";
import { canonicalJson } from "./jcs.ts";
import { keccak256, keccak256Into, keccak256PrefixedText } from "./keccak.ts";

/** Domain tag of a leaf preimage. */
export const LEAF_TAG = 0x00;
/** Domain tag of an internal-node preimage. */
export const NODE_TAG = 0x01;
/** Largest institution id: the registry stores it as uint24. */
export const MAX_INSTITUTION_ID = 0xffffff;

/** 32 bytes given either as `0x` hex or as bytes. */
export type Bytes32Input = Hex | Uint8Array;

/** Decodes a 32-byte input, naming `path` when it is not 32 bytes of hex. */
export function toBytes32(value: Bytes32Input | string, path: string): Uint8Array {
  if (value instanceof Uint8Array) {
    if (value.length !== 32) {
      throw new CredanchorError({ code: "CA_INVALID_ARGUMENT", message: `${path}: expected 32 bytes, got ${value.length}.` });
    }
    return value;
  }
  return hexToBytes({ hex: value, size: 32, path });
}

// ---------------------------------------------------------------------------
// Reused 65-byte preimage for the hot paths (tree building, proof checking).
// It sits at offset 3 of a 68-byte buffer so that preimage bytes 1..64 (the two
// 32-byte halves) are 4-byte aligned and can be filled with Uint32 word copies from
// the tree, with no allocation per hash.
// ---------------------------------------------------------------------------
const scratch = new ArrayBuffer(68);
const preimage = new Uint8Array(scratch, 3, 65);
const preimageWords = new Uint32Array(scratch, 4, 16);

/**
 * Writes leaf(leafIndex, credentialHash) at `out[outOffset..+32]`, reading the
 * credential hash from `words[word..word+8]`. `leafIndex` must be below 2^32.
 * @internal fast path of merkle.ts
 */
export function hashLeafFromWordsInto(
  leafIndex: number,
  words: Uint32Array,
  word: number,
  out: Uint8Array,
  outOffset: number,
): void {
  preimage[0] = LEAF_TAG;
  for (let i = 0; i < 7; i++) preimageWords[i] = 0; // index bytes 1..28: a uint32 index leaves them zero
  preimage[29] = leafIndex >>> 24;
  preimage[30] = (leafIndex >>> 16) & 0xff;
  preimage[31] = (leafIndex >>> 8) & 0xff;
  preimage[32] = leafIndex & 0xff;
  for (let i = 0; i < 8; i++) preimageWords[8 + i] = words[word + i]!;
  keccak256Into(preimage, out, outOffset);
}

/**
 * Writes node(left, right) at `out[outOffset..+32]`, where left and right are the 16
 * consecutive words `words[word..word+16]` (siblings sit side by side in the tree).
 * @internal fast path of merkle.ts
 */
export function hashSiblingsFromWordsInto(words: Uint32Array, word: number, out: Uint8Array, outOffset: number): void {
  preimage[0] = NODE_TAG;
  for (let i = 0; i < 16; i++) preimageWords[i] = words[word + i]!;
  keccak256Into(preimage, out, outOffset);
}

/**
 * node(left, right) for two separate 32-byte arrays.
 * @internal fast path of merkle.ts (proof checking)
 */
export function hashPair(left: Uint8Array, right: Uint8Array): Uint8Array {
  preimage[0] = NODE_TAG;
  preimage.set(left, 1);
  preimage.set(right, 33);
  return keccak256(preimage);
}

/**
 * leaf(leafIndex, credentialHash) for a safe-integer index.
 * @internal shared by {@link leafHash} and merkle.ts
 */
export function hashLeaf(leafIndex: number, credentialHash: Uint8Array): Uint8Array {
  preimage.fill(0);
  let rest = leafIndex;
  for (let i = 32; i >= 1 && rest > 0; i--) {
    preimage[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  preimage.set(credentialHash, 33);
  return keccak256(preimage);
}

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/** Parameters of {@link canonicalizeCredential}. */
export type CanonicalizeCredentialParameters = { readonly credential: Readonly<Record<string, unknown>> };
/** Return type of {@link canonicalizeCredential}. */
export type CanonicalizeCredentialReturnType = string;

/**
 * The exact text the credential hash covers: RFC 8785 (JCS) of the credential without
 * its top-level `proof` and `credentialStatus` members.
 *
 * @example
 * ```ts
 * canonicalizeCredential({ credential: { b: 1, a: "x", proof: {} } }); // '{"a":"x","b":1}'
 * ```
 */
export function canonicalizeCredential(parameters: CanonicalizeCredentialParameters): CanonicalizeCredentialReturnType {
  const { credential } = parameters;
  if (credential === null || typeof credential !== "object" || Array.isArray(credential)) {
    throw new CredanchorError({
      code: "CA_CREDENTIAL_NOT_CANONICALIZABLE",
      message: "A credential must be a JSON object.",
      details: [{ path: "$", message: "not a JSON object", expected: "object" }],
    });
  }
  const { proof: _proof, credentialStatus: _status, ...hashed } = credential;
  return canonicalJson(hashed);
}

/**
 * Credential hash as bytes, for callers that already hold the salt as bytes.
 * @internal used by batch.ts; the public form is {@link credentialHash}
 */
export function credentialHashBytes(credential: Readonly<Record<string, unknown>>, salt: Uint8Array): Uint8Array {
  return keccak256PrefixedText(salt, canonicalizeCredential({ credential }));
}

/** Parameters of {@link credentialHash}. */
export type CredentialHashParameters = {
  /** The credential; top-level `proof` and `credentialStatus` are ignored. */
  readonly credential: Readonly<Record<string, unknown>>;
  /** 32 random bytes, kept with the credential (`proof.salt`). */
  readonly salt: Bytes32Input;
};
/** Return type of {@link credentialHash}. */
export type CredentialHashReturnType = Hex;

/**
 * keccak256(salt ‖ utf8(JCS(credential without proof and credentialStatus))).
 *
 * @example
 * ```ts
 * const salt = generateSalt();
 * const hash = credentialHash({ credential, salt }); // "0x…" (32 bytes)
 * ```
 */
export function credentialHash(parameters: CredentialHashParameters): CredentialHashReturnType {
  return encodeHex(credentialHashBytes(parameters.credential, toBytes32(parameters.salt, "salt")));
}

/** Parameters of {@link credentialHashFromCanonical}. */
export type CredentialHashFromCanonicalParameters = {
  /** The credential's canonical text, as {@link canonicalizeCredential} returns it. */
  readonly canonical: string;
  readonly salt: Bytes32Input;
};
/** Return type of {@link credentialHashFromCanonical}. */
export type CredentialHashFromCanonicalReturnType = Hex;

/**
 * The credential hash from already canonicalised text, for callers that keep the text
 * (the service stores it): `credentialHash` = this ∘ `canonicalizeCredential`.
 *
 * @example
 * ```ts
 * const canonical = canonicalizeCredential({ credential });
 * const hash = credentialHashFromCanonical({ canonical, salt }); // === credentialHash({ credential, salt })
 * ```
 */
export function credentialHashFromCanonical(
  parameters: CredentialHashFromCanonicalParameters,
): CredentialHashFromCanonicalReturnType {
  return encodeHex(keccak256PrefixedText(toBytes32(parameters.salt, "salt"), parameters.canonical));
}

/** Parameters of {@link leafHash}. */
export type LeafHashParameters = {
  /** Position in the batch, 0-based (a uint256 on chain). */
  readonly leafIndex: number | bigint;
  readonly credentialHash: Bytes32Input;
};
/** Return type of {@link leafHash}. */
export type LeafHashReturnType = Hex;

/**
 * keccak256(0x00 ‖ uint256(leafIndex) ‖ credentialHash): CredentialMerkle.leafHash.
 *
 * @example
 * ```ts
 * leafHash({ leafIndex: 5, credentialHash: "0x…" });
 * ```
 */
export function leafHash(parameters: LeafHashParameters): LeafHashReturnType {
  const hash = toBytes32(parameters.credentialHash, "credentialHash");
  const index = parameters.leafIndex;
  if (typeof index === "number") {
    if (!Number.isSafeInteger(index) || index < 0) {
      throw new CredanchorError({ code: "CA_INVALID_ARGUMENT", message: `leafIndex must be a non-negative safe integer, got ${index}.` });
    }
    return encodeHex(hashLeaf(index, hash));
  }
  if (index < 0n || index >= 1n << 256n) {
    throw new CredanchorError({ code: "CA_INVALID_ARGUMENT", message: `leafIndex must fit in uint256, got ${index}.` });
  }
  const input = new Uint8Array(65);
  input[0] = LEAF_TAG;
  input.set(hexToBytes({ hex: `0x${index.toString(16).padStart(64, "0")}` }), 1);
  input.set(hash, 33);
  return encodeHex(keccak256(input));
}

/** Parameters of {@link nodeHash}. */
export type NodeHashParameters = { readonly left: Bytes32Input; readonly right: Bytes32Input };
/** Return type of {@link nodeHash}. */
export type NodeHashReturnType = Hex;

/**
 * keccak256(0x01 ‖ left ‖ right): CredentialMerkle.nodeHash. Order matters (no sorting).
 *
 * @example
 * ```ts
 * nodeHash({ left: "0x…", right: "0x…" });
 * ```
 */
export function nodeHash(parameters: NodeHashParameters): NodeHashReturnType {
  return encodeHex(hashPair(toBytes32(parameters.left, "left"), toBytes32(parameters.right, "right")));
}

/** Parameters of {@link batchIdOf}. */
export type BatchIdOfParameters = {
  /** Registry institution id, 1..2^24-1 (uint24 on chain). */
  readonly institutionId: number | bigint;
  readonly merkleRoot: Bytes32Input;
};
/** Return type of {@link batchIdOf}. */
export type BatchIdOfReturnType = Hex;

/**
 * keccak256(abi.encode(uint256(institutionId), merkleRoot)): CredentialRegistry.batchIdOf.
 *
 * @example
 * ```ts
 * batchIdOf({ institutionId: 1, merkleRoot: "0x…" });
 * ```
 */
export function batchIdOf(parameters: BatchIdOfParameters): BatchIdOfReturnType {
  const id = Number(parameters.institutionId);
  if (!Number.isInteger(id) || id < 0 || id > MAX_INSTITUTION_ID) {
    throw new CredanchorError({
      code: "CA_INVALID_ARGUMENT",
      message: `institutionId must be an integer in 0..${MAX_INSTITUTION_ID} (uint24), got ${parameters.institutionId}.`,
    });
  }
  const input = new Uint8Array(64);
  input[29] = id >>> 16;
  input[30] = (id >>> 8) & 0xff;
  input[31] = id & 0xff;
  input.set(toBytes32(parameters.merkleRoot, "merkleRoot"), 32);
  return encodeHex(keccak256(input));
}
