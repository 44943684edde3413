/** core/vc/base58.ts against base58-universal (what Digital Bazaar's libraries encode proofValues with). */
import { expect } from "chai";
import fc from "fast-check";
import { encode } from "base58-universal";

import { encodeBase58btc } from "../../core/vc/base58.ts";

describe("base58btc encoding", () => {
  it("gives base58-universal's text for random bytes, signatures and leading zeros", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 96 }), fc.nat({ max: 4 }), (bytes, zeros) => {
        const input = new Uint8Array(zeros + bytes.length);
        input.set(bytes, zeros);
        expect(encodeBase58btc(input)).to.equal(encode(input));
      }),
      { numRuns: 2000 },
    );
    for (const input of [new Uint8Array(0), new Uint8Array(64), new Uint8Array(64).fill(255), Uint8Array.of(0, 0, 1), Uint8Array.of(57), Uint8Array.of(58)]) {
      expect(encodeBase58btc(input)).to.equal(encode(input));
    }
  });
});
