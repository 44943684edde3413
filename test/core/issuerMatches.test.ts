import { expect } from "chai";

import { issuerIdOf, issuerMatches } from "../../core/verify/issuerMatches.ts";

describe("core/verify/issuerMatches", () => {
  const matches = (issuerId: string, institutionIdentifier: string) => issuerMatches({ issuerId, institutionIdentifier });

  const cases: [issuerId: string, institutionIdentifier: string, expected: boolean, why: string][] = [
    ["did:web:uni.example", "did:web:uni.example", true, "identical identifier"],
    ["did:web:uni.example", "uni.example", true, "did:web of the domain"],
    ["did:web:Uni.Example:issuers:1", "uni.example", true, "did:web with a path, any case"],
    ["https://uni.example/issuer", "uni.example", true, "https URL on the domain"],
    ["did:web:uni.example.evil.test", "uni.example", false, "look-alike host with a suffix"],
    ["did:web:evil-uni.example", "uni.example", false, "look-alike host with a prefix"],
    ["http://uni.example/issuer", "uni.example", false, "plain http"],
    ["did:web:uni.example%3A8443", "uni.example", false, "another port"],
    ["did:web:uni.example2", "did:web:uni.example", false, "a DID that merely shares a prefix"],
    ["did:key:z6Mk", "uni.example", false, "another DID method"],
  ];
  for (const [issuerId, institutionIdentifier, expected, why] of cases) {
    it(`${expected ? "matches" : "refuses"} ${issuerId} for ${institutionIdentifier} (${why})`, () => {
      expect(matches(issuerId, institutionIdentifier)).to.equal(expected);
    });
  }

  it("answers false, without throwing, for malformed percent-encoding", () => {
    expect(matches("did:web:%E0%A4%A", "uni.example")).to.equal(false);
  });

  it("reads the issuer id from a string or an object with an id", () => {
    expect(issuerIdOf({ issuer: "did:web:a.example" })).to.equal("did:web:a.example");
    expect(issuerIdOf({ issuer: { id: "did:web:b.example", name: "B" } })).to.equal("did:web:b.example");
    expect(issuerIdOf({ issuer: { name: "no id" } })).to.equal(undefined);
    expect(issuerIdOf({})).to.equal(undefined);
  });
});
