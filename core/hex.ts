/**
 * 0x-hex <-> bytes. Core never uses `Buffer`: bytes are `Uint8Array`, text forms are
 * lowercase `0x` hex (checksummed addresses excepted, see address.ts).
 */
import { HexInvalidError } from "./errors.ts";

/** A `0x`-prefixed hex string. */
export type Hex = `0x${string}`;

// Two ASCII codes per byte value; hex text is written into a scratch byte buffer and
// decoded once. That builds flat strings (`+=` builds ropes that the garbage collector
// and later comparisons pay for) and measured ~2.5x faster (scripts/bench/core-merkle.ts).
const HEX_CODES = new Uint8Array(512);
for (let byte = 0; byte < 256; byte++) {
  const pair = byte.toString(16).padStart(2, "0");
  HEX_CODES[2 * byte] = pair.charCodeAt(0);
  HEX_CODES[2 * byte + 1] = pair.charCodeAt(1);
}
const latin1 = new TextDecoder("latin1");
let ascii = new Uint8Array(2 + 2 * 64 * 32);

function asciiBuffer(length: number): Uint8Array {
  if (ascii.length < length) ascii = new Uint8Array(Math.max(length, 2 * ascii.length));
  return ascii;
}

function writeHexDigits(target: Uint8Array, at: number, bytes: Uint8Array, offset: number, length: number): void {
  for (let i = 0; i < length; i++) {
    const code = bytes[offset + i]! << 1;
    target[at + 2 * i] = HEX_CODES[code]!;
    target[at + 2 * i + 1] = HEX_CODES[code + 1]!;
  }
}

/**
 * Lowercase hex of `length` bytes of `bytes` from `offset`. Internal fast path (no
 * object parameter) for hot loops; the public form is {@link bytesToHex}.
 */
export function encodeHex(bytes: Uint8Array, offset = 0, length = bytes.length - offset): Hex {
  const target = asciiBuffer(2 + 2 * length);
  target[0] = 48; // "0"
  target[1] = 120; // "x"
  writeHexDigits(target, 2, bytes, offset, length);
  return latin1.decode(target.subarray(0, 2 + 2 * length)) as Hex;
}

/**
 * Hex of several 32-byte words of `bytes`, starting at the given byte offsets, decoded
 * in one go (one proof path = one decode).
 * @internal fast path of merkle.ts
 */
export function encodeHex32List(bytes: Uint8Array, byteOffsets: readonly number[]): Hex[] {
  const count = byteOffsets.length;
  const target = asciiBuffer(66 * count);
  for (let k = 0; k < count; k++) {
    target[66 * k] = 48;
    target[66 * k + 1] = 120;
    writeHexDigits(target, 66 * k + 2, bytes, byteOffsets[k]!, 32);
  }
  const text = latin1.decode(target.subarray(0, 66 * count));
  const out: Hex[] = new Array(count);
  for (let k = 0; k < count; k++) out[k] = text.slice(66 * k, 66 * k + 66) as Hex;
  return out;
}

/** Parameters of {@link bytesToHex}. */
export type BytesToHexParameters = { readonly bytes: Uint8Array };
/** Return type of {@link bytesToHex}. */
export type BytesToHexReturnType = Hex;

/**
 * Encodes bytes as lowercase `0x` hex.
 *
 * @example
 * ```ts
 * bytesToHex({ bytes: new Uint8Array([1, 255]) }); // "0x01ff"
 * ```
 */
export function bytesToHex(parameters: BytesToHexParameters): BytesToHexReturnType {
  return encodeHex(parameters.bytes);
}

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

/**
 * Decodes `0x` hex of exactly `target.length` bytes into `target` (no allocation).
 * Throws `CA_HEX_INVALID` naming `path`.
 * @internal fast path of merkle.ts and {@link hexToBytes}
 */
export function decodeHexInto(hex: unknown, target: Uint8Array, path: string): void {
  const size = target.length;
  const expected = `0x-prefixed hex of ${size} bytes (${2 + 2 * size} characters)`;
  if (typeof hex !== "string") throw new HexInvalidError({ path, message: `expected a hex string, got ${typeof hex}`, expected });
  if (hex.charCodeAt(0) !== 48 || hex.charCodeAt(1) !== 120) {
    throw new HexInvalidError({ path, message: "missing 0x prefix", expected });
  }
  const digits = hex.length - 2;
  if (digits % 2 !== 0) throw new HexInvalidError({ path, message: "odd number of hex digits", expected });
  if (digits !== 2 * size) throw new HexInvalidError({ path, message: `has ${digits / 2} bytes, not ${size}`, expected });
  for (let i = 0; i < size; i++) {
    const high = nibble(hex.charCodeAt(2 + 2 * i));
    const low = nibble(hex.charCodeAt(3 + 2 * i));
    if (high < 0 || low < 0) {
      throw new HexInvalidError({ path, message: `non-hex character near position ${2 + 2 * i}`, expected });
    }
    target[i] = (high << 4) | low;
  }
}

/** Parameters of {@link hexToBytes}. */
export type HexToBytesParameters = {
  readonly hex: unknown;
  /** Required byte length (e.g. 32 for a hash); any even length if omitted. */
  readonly size?: number | undefined;
  /** JSON path named in the error, e.g. `$.proof.merkleRoot`. Default `$`. */
  readonly path?: string | undefined;
};
/** Return type of {@link hexToBytes}. */
export type HexToBytesReturnType = Uint8Array;

/**
 * Decodes `0x` hex (either case) into bytes, strictly: a missing prefix, odd length,
 * a non-hex digit or the wrong size throws `CA_HEX_INVALID` naming `path`.
 *
 * @example
 * ```ts
 * hexToBytes({ hex: "0x01ff" }); // Uint8Array [1, 255]
 * hexToBytes({ hex: proof.merkleRoot, size: 32, path: "$.proof.merkleRoot" });
 * ```
 */
export function hexToBytes(parameters: HexToBytesParameters): HexToBytesReturnType {
  const { hex } = parameters;
  const path = parameters.path ?? "$";
  let size = parameters.size;
  if (size === undefined) {
    const expected = "0x-prefixed hex";
    if (typeof hex !== "string") throw new HexInvalidError({ path, message: `expected a hex string, got ${typeof hex}`, expected });
    if (!hex.startsWith("0x")) throw new HexInvalidError({ path, message: "missing 0x prefix", expected });
    if (hex.length % 2 !== 0) throw new HexInvalidError({ path, message: "odd number of hex digits", expected });
    size = (hex.length - 2) / 2;
  }
  const bytes = new Uint8Array(size);
  decodeHexInto(hex, bytes, path);
  return bytes;
}

/** Parameters of {@link isHex}. */
export type IsHexParameters = { readonly value: unknown; readonly size?: number | undefined };
/** Return type of {@link isHex}. */
export type IsHexReturnType = boolean;

/**
 * True if `value` is `0x` hex (of `size` bytes, if given).
 *
 * @example
 * ```ts
 * isHex({ value: "0xabcd", size: 2 }); // true
 * ```
 */
export function isHex(parameters: IsHexParameters): IsHexReturnType {
  const { value, size } = parameters;
  if (typeof value !== "string") return false;
  const pattern = size === undefined ? /^0x(?:[0-9a-fA-F]{2})*$/ : new RegExp(`^0x[0-9a-fA-F]{${2 * size}}$`);
  return pattern.test(value);
}
