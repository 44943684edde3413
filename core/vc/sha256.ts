/**
 * SHA-256 of UTF-8 text, synchronously, for the canonicaliser and the Data Integrity
 * hashes: native where the runtime has it (nativeCrypto.ts), @noble/hashes elsewhere
 * (browsers). Same bytes either way.
 */
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";

import { nativeCrypto as native } from "./nativeCrypto.ts";

const encoder = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** The 32-byte SHA-256 digest of `text` (UTF-8). */
export function sha256OfText(text: string): Uint8Array {
  if (native !== undefined) {
    const digest = native.createHash("sha256").update(text, "utf8").digest();
    return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
  }
  return nobleSha256(encoder.encode(text));
}

/** The SHA-256 digest of `text` (UTF-8) as lowercase hex, no `0x`. */
export function sha256HexOfText(text: string): string {
  if (native !== undefined) return native.createHash("sha256").update(text, "utf8").digest("hex");
  let hex = "";
  for (const byte of nobleSha256(encoder.encode(text))) hex += HEX[byte];
  return hex;
}
