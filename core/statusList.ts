/**
 * W3C Bitstring Status List v1.0 as credanchor writes it: the `BitstringStatusListEntry`
 * a v2 credential carries, and the (unsigned) `BitstringStatusListCredential` the service
 * publishes for it. The bits mirror the chain (the registry stays authoritative); a
 * standard verifier reads them, credanchor's verifier reads the chain.
 *
 * Encoding (spec §3.2 / §4.1): bit `i` is the i-th bit from the left of the bitstring
 * (index 0 = most significant bit of byte 0), GZIP-compressed, then multibase base64url
 * without padding (`u…`). The bit handling and compression are @digitalbazaar/bitstring's
 * (leftToRightIndexing, pako), the library the Digital Bazaar status list verifiers use.
 */
import { Bitstring } from "@digitalbazaar/bitstring";

import { CredanchorError } from "./errors.ts";
import { BITSTRING_STATUS_TYPE, type BitstringStatusEntry } from "./proofV2.ts";

/**
 * Entries per status list: the spec's minimum (131,072 = 16 KiB uncompressed), so that
 * one index hides among at least that many (herd privacy, spec §6.1). A full list is
 * followed by a new one.
 */
export const STATUS_LIST_LENGTH = 131_072;

/** The one status purpose service-issued credentials carry (Open Badges 3.0 allows one entry). */
export const STATUS_PURPOSE_REVOCATION = "revocation";

/** `type` of a status list credential. */
export const BITSTRING_STATUS_LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential";

/** The VC 2.0 context: it defines every Bitstring Status List term. */
const VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2";

/**
 * The chain statuses that set a credential's revocation bit: the permanent ones. A
 * suspension (of the credential or of the whole institution) is temporary and leaves the
 * bit clear; credanchor's verifier reports it from the chain.
 */
export const REVOCATION_BIT_STATUSES: ReadonlySet<string> = new Set(["revoked", "batchRevoked", "anchoringKeyCompromised"]);

/** Parameters of {@link statusListEntry}. */
export type StatusListEntryParameters = {
  /** URL of the status list credential (its `id`). */
  readonly listUrl: string;
  /** Position in the list, 0 ≤ index < {@link STATUS_LIST_LENGTH}. */
  readonly index: number;
};

/**
 * The `credentialStatus` of a service-issued v2 credential.
 *
 * @example
 * ```ts
 * statusListEntry({ listUrl: "https://example.edu/status-lists/1/0", index: 94567 });
 * // { id: "https://example.edu/status-lists/1/0#94567", type: "BitstringStatusListEntry", statusPurpose: "revocation", … }
 * ```
 */
export function statusListEntry(parameters: StatusListEntryParameters): BitstringStatusEntry {
  const { listUrl, index } = parameters;
  if (!Number.isSafeInteger(index) || index < 0 || index >= STATUS_LIST_LENGTH) {
    throw new CredanchorError({ code: "CA_INVALID_ARGUMENT", message: `Status list index ${index} is outside 0..${STATUS_LIST_LENGTH - 1}.` });
  }
  return {
    id: `${listUrl}#${index}`,
    type: BITSTRING_STATUS_TYPE,
    statusPurpose: STATUS_PURPOSE_REVOCATION,
    statusListIndex: String(index),
    statusListCredential: listUrl,
  };
}

/** Parameters of {@link encodeStatusList}. */
export type EncodeStatusListParameters = {
  /** Indices whose bit is set. */
  readonly setIndices: Iterable<number>;
  /** Bits in the list (default {@link STATUS_LIST_LENGTH}). */
  readonly length?: number | undefined;
};

/**
 * The `encodedList` of a status list: GZIP of the bitstring, multibase base64url (`u…`).
 *
 * @example
 * ```ts
 * const encodedList = await encodeStatusList({ setIndices: [42] });
 * ```
 */
export async function encodeStatusList(parameters: EncodeStatusListParameters): Promise<string> {
  const bits = new Bitstring({ length: parameters.length ?? STATUS_LIST_LENGTH });
  for (const index of parameters.setIndices) bits.set(index, true);
  return `u${await bits.encodeBits()}`;
}

/** Parameters of {@link decodeStatusList}. */
export type DecodeStatusListParameters = { readonly encodedList: string };
/** Return type of {@link decodeStatusList}: reads one bit. */
export type DecodedStatusList = { readonly length: number; isSet(index: number): boolean };

/**
 * Decodes an `encodedList`. Throws `CA_INVALID_ARGUMENT` for anything that is not
 * multibase base64url GZIP data.
 *
 * @example
 * ```ts
 * (await decodeStatusList({ encodedList })).isSet(42); // true
 * ```
 */
export async function decodeStatusList(parameters: DecodeStatusListParameters): Promise<DecodedStatusList> {
  const { encodedList } = parameters;
  let bytes: Uint8Array;
  try {
    if (!encodedList.startsWith("u")) throw new Error('it does not start with the multibase prefix "u"');
    bytes = await Bitstring.decodeBits({ encoded: encodedList.slice(1) });
  } catch (error) {
    throw new CredanchorError({
      code: "CA_INVALID_ARGUMENT",
      message: `The status list's encodedList cannot be decoded: ${(error as Error).message ?? String(error)}.`,
      hints: ["encodedList is multibase base64url (u…) of the GZIP-compressed bitstring (Bitstring Status List v1.0 §4.1)."],
    });
  }
  const bits = new Bitstring({ buffer: bytes });
  return { length: bits.length, isSet: (index) => index >= 0 && index < bits.length && bits.get(index) };
}

/** Parameters of {@link statusListCredential}. */
export type StatusListCredentialParameters = {
  /** The list's URL: the credential's `id`, and what entries name in `statusListCredential`. */
  readonly url: string;
  /** The issuer DID (the same issuer as the credentials whose status it holds: verifiers check). */
  readonly issuer: string;
  readonly encodedList: string;
  readonly validFrom: Date;
  readonly validUntil: Date;
};

/**
 * The unsigned `BitstringStatusListCredential` (VC 2.0) of one list; the service signs it
 * with the issuer's key (eddsa-rdfc-2022), as it signs credentials.
 *
 * @example
 * ```ts
 * const unsigned = statusListCredential({ url, issuer: "did:web:example.edu", encodedList, validFrom, validUntil });
 * ```
 */
export function statusListCredential(parameters: StatusListCredentialParameters): Record<string, unknown> {
  const { url, issuer, encodedList } = parameters;
  return {
    "@context": [VC_V2_CONTEXT],
    id: url,
    type: ["VerifiableCredential", BITSTRING_STATUS_LIST_CREDENTIAL_TYPE],
    issuer,
    validFrom: isoSeconds(parameters.validFrom),
    validUntil: isoSeconds(parameters.validUntil),
    credentialSubject: { id: `${url}#list`, type: "BitstringStatusList", statusPurpose: STATUS_PURPOSE_REVOCATION, encodedList },
  };
}

/** XML Schema dateTimeStamp without fractional seconds (what VC 2.0 validity dates use). */
function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
