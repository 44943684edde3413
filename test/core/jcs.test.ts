/**
 * core/jcs.ts is a fast RFC 8785 canonicaliser; the `canonicalize` package is the
 * reference it must agree with, byte for byte.
 */
import canonicalize from "canonicalize";
import { expect } from "chai";
import fc from "fast-check";

import { canonicalJson } from "../../core/jcs.ts";
import { expectCredanchorError, propertyRuns } from "./helpers.ts";

describe("core/jcs (RFC 8785)", () => {
  it("agrees with the canonicalize package on arbitrary JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).to.equal(canonicalize(value));
      }),
      { numRuns: propertyRuns * 25 },
    );
  });

  it("agrees on full-Unicode strings and keys, and on awkward numbers", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ unit: "grapheme" }),
          fc.oneof(fc.string({ unit: "grapheme" }), fc.double({ noNaN: true, noDefaultInfinity: true })),
        ),
        (value) => {
          expect(canonicalJson(value)).to.equal(canonicalize(value));
        },
      ),
      { numRuns: propertyRuns * 2 },
    );
    const numbers = [0, -0, 1e21, 1e-7, 123456789012345680000, 5e-324, Number.MAX_VALUE, 0.1 + 0.2, -1.5e300];
    expect(canonicalJson(numbers)).to.equal(canonicalize(numbers));
  });

  it("sorts keys by UTF-16 code units and keeps __proto__ as a member", () => {
    const value = JSON.parse('{"b":1,"a":2,"\\u20ac":3,"\\ud83d\\ude00":4,"\\u00e9":5,"__proto__":{"z":1,"y":2}}');
    expect(canonicalJson(value)).to.equal(canonicalize(value));
    expect(canonicalJson(value)).to.equal('{"__proto__":{"y":2,"z":1},"a":2,"b":1,"é":5,"€":3,"😀":4}');
  });

  it("orders array-index member names as JCS does, not as JavaScript enumerates them", () => {
    const value = { b: 1, "10": 2, "": 3, "9": { "1": 0, "01": 1 }, "4294967295": 4 };
    expect(canonicalJson(value)).to.equal('{"":3,"10":2,"4294967295":4,"9":{"01":1,"1":0},"b":1}');
    expect(canonicalJson(value)).to.equal(canonicalize(value));
  });

  it("uses toJSON and unboxes primitives, as JSON.stringify does", () => {
    const value = { when: new Date(0), boxed: [new String("s"), new Number(1), new Boolean(false)], skip: undefined, arr: [undefined] };
    expect(canonicalJson(value)).to.equal(canonicalize(value));
  });

  it("rejects what has no canonical form", () => {
    for (const value of [{ n: Number.NaN }, { n: Number.POSITIVE_INFINITY }, { s: "\udc00" }, { ["\ud800"]: 1 }, { b: 1n }]) {
      expectCredanchorError(() => canonicalJson(value), "CA_CREDENTIAL_NOT_CANONICALIZABLE");
    }
    const cycle: Record<string, unknown> = {};
    cycle["self"] = cycle;
    expectCredanchorError(() => canonicalJson(cycle), "CA_CREDENTIAL_NOT_CANONICALIZABLE");
  });
});
