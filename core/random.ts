/**
 * Randomness for salts: `globalThis.crypto.getRandomValues` (Web Crypto), present in
 * browsers and in Node >= 19 without importing `node:crypto`.
 */
import { CredanchorError } from "./errors.ts";
import { encodeHex, type Hex } from "./hex.ts";

/** Fills `bytes` from the platform CSPRNG; throws `CA_RANDOMNESS_UNAVAILABLE` if there is none. */
export function randomBytesInto(bytes: Uint8Array): Uint8Array {
  const crypto = (globalThis as { crypto?: Crypto }).crypto;
  if (crypto === undefined || typeof crypto.getRandomValues !== "function") {
    throw new CredanchorError({ code: "CA_RANDOMNESS_UNAVAILABLE", message: "No secure random number generator." });
  }
  // getRandomValues fills at most 65,536 bytes per call.
  for (let offset = 0; offset < bytes.length; offset += 65_536) {
    crypto.getRandomValues(bytes.subarray(offset, Math.min(bytes.length, offset + 65_536)));
  }
  return bytes;
}

/** Parameters of {@link generateSalt}. */
export type GenerateSaltParameters = { readonly size?: number | undefined };
/** Return type of {@link generateSalt}. */
export type GenerateSaltReturnType = Hex;

/**
 * A fresh random salt, `0x` hex of 32 bytes by default (the credential-hash salt).
 *
 * @example
 * ```ts
 * const salt = generateSalt(); // "0x3f…" (66 characters)
 * ```
 */
export function generateSalt(parameters: GenerateSaltParameters = {}): GenerateSaltReturnType {
  return encodeHex(randomBytesInto(new Uint8Array(parameters.size ?? 32)));
}
