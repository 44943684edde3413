/**
 * Open Badges 3.0 recipient identity hashing (IdentityObject.identityHash).
 */
import { sha256 } from "@noble/hashes/sha2.js";

import { encodeHex } from "./hex.ts";

const utf8 = new TextEncoder();

/** Parameters of {@link hashIdentity}. */
export type HashIdentityParameters = {
  /** The plaintext identifier, e.g. an email address, exactly as it will be compared. */
  readonly identity: string;
  /** The IdentityObject's `salt` (any string; empty for an unsalted hash). */
  readonly salt: string;
};
/** Return type of {@link hashIdentity}: `sha256$` followed by 64 lowercase hex digits. */
export type HashIdentityReturnType = `sha256$${string}`;

/**
 * OB 3.0 identity hash: `"sha256$" + hex(sha256(utf8(identity + salt)))`. No
 * normalisation happens here; {@link normalizeEmail} is what credanchor applies to
 * email addresses before hashing them.
 *
 * @example
 * ```ts
 * hashIdentity({ identity: "ada@example.edu", salt: "c0ffee" }); // "sha256$…"
 * ```
 */
export function hashIdentity(parameters: HashIdentityParameters): HashIdentityReturnType {
  return `sha256$${encodeHex(sha256(utf8.encode(parameters.identity + parameters.salt))).slice(2)}`;
}

/** Parameters of {@link normalizeEmail}. */
export type NormalizeEmailParameters = { readonly email: string };
/** Return type of {@link normalizeEmail}. */
export type NormalizeEmailReturnType = string;

/**
 * The form of an email address credanchor hashes: trimmed and lowercased, so a
 * verifier typing `Ada@Example.edu ` still matches.
 *
 * @example
 * ```ts
 * normalizeEmail({ email: " Ada@Example.EDU" }); // "ada@example.edu"
 * ```
 */
export function normalizeEmail(parameters: NormalizeEmailParameters): NormalizeEmailReturnType {
  return parameters.email.trim().toLowerCase();
}
