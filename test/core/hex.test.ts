import { expect } from "chai";
import fc from "fast-check";
import { getAddress } from "viem";

import { bytesToHex, hexToBytes, isChecksumAddress, isHex, toChecksumAddress } from "../../core/index.ts";
import { expectCredanchorError, propertyRuns } from "./helpers.ts";

describe("core/hex and core/address", () => {
  it("round-trips bytes through lowercase hex", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const hex = bytesToHex({ bytes });
        expect(hex).to.equal(`0x${Buffer.from(bytes).toString("hex")}`);
        expect(hexToBytes({ hex })).to.deep.equal(bytes);
        expect(hexToBytes({ hex: hex.toUpperCase().replace("0X", "0x") })).to.deep.equal(bytes);
      }),
      { numRuns: propertyRuns * 5 },
    );
  });

  it("rejects malformed hex, naming the path and the expected size", () => {
    for (const hex of ["12", "0x123", "0xgg", 12, null]) {
      expectCredanchorError(() => hexToBytes({ hex }), "CA_HEX_INVALID");
    }
    const error = expectCredanchorError(() => hexToBytes({ hex: "0x1234", size: 32, path: "$.proof.salt" }), "CA_HEX_INVALID");
    expect(error.details).to.deep.equal([
      { path: "$.proof.salt", message: "has 2 bytes, not 32", expected: "0x-prefixed hex of 32 bytes (66 characters)" },
    ]);
    expect(isHex({ value: "0xabCD", size: 2 })).to.equal(true);
    expect(isHex({ value: "0xabc" })).to.equal(false);
  });

  it("checksums addresses as EIP-55 (checked against viem)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (bytes) => {
        const lower = `0x${Buffer.from(bytes).toString("hex")}`;
        const checksummed = toChecksumAddress({ address: lower });
        expect(checksummed).to.equal(getAddress(lower));
        expect(isChecksumAddress({ address: checksummed })).to.equal(true);
      }),
      { numRuns: propertyRuns },
    );
    expect(toChecksumAddress({ address: "0x1234" })).to.equal(null);
    expect(isChecksumAddress({ address: "0x5FBDB2315678afecb367f032d93F642f64180aa3" })).to.equal(false);
  });
});
