/**
 * base58btc (the Bitcoin alphabet) encoding for Data Integrity `proofValue`s, the
 * multibase `z` form. Digital Bazaar's base58-universal converts one base-58 digit per
 * pass over the bytes, about a tenth of the CPU of a whole signature for 64 bytes; this
 * converts into limbs of five base-58 digits (58^5 < 2^32, so a limb times 256 plus a
 * carry stays an exact double). Same text for the same bytes: leading zero bytes become
 * leading `1`s, as there (test/core/fastSign.test.ts compares whole signed credentials
 * with the reference's, and test/core/base58.test.ts the encodings).
 */
const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const LIMB = 58 ** 5;

/** The base58btc text of `bytes` (no multibase prefix). */
export function encodeBase58btc(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  // Little-endian limbs of 5 base-58 digits each.
  const limbs: number[] = [];
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i]!;
    for (let j = 0; j < limbs.length; j++) {
      const value = limbs[j]! * 256 + carry;
      carry = Math.floor(value / LIMB);
      limbs[j] = value - carry * LIMB;
    }
    while (carry > 0) {
      limbs.push(carry % LIMB);
      carry = Math.floor(carry / LIMB);
    }
  }
  let digits = "";
  for (let j = 0; j < limbs.length; j++) {
    let limb = limbs[j]!;
    const last = j === limbs.length - 1;
    for (let k = 0; k < 5 && (!last || limb > 0); k++) {
      digits = ALPHABET[limb % 58]! + digits;
      limb = Math.floor(limb / 58);
    }
  }
  return "1".repeat(zeros) + digits;
}
