import { expect } from "chai";

import { issuerIdOf, issuerMatches } from "../../core/verify/issuerMatches.ts";

describe("core/verify/issuerMatches", () => {
  const matches = (issuerId: string, institutionIdentifier: string) => issuerMatches({ issuerId, institutionIdentifier });

  it("matches an identical identifier, and a domain by did:web or https host", () => {
    expect(matches("did:web:uni.example", "did:web:uni.example")).to.equal(true);
    expect(matches("did:web:uni.example", "uni.example")).to.equal(true);
    expect(matches("did:web:Uni.Example:issuers:1", "uni.example")).to.equal(true);
    expect(matches("https://uni.example/issuer", "uni.example")).to.equal(true);
  });

  it("refuses look-alike hosts, other schemes, ports and DIDs that merely share a prefix", () => {
    expect(matches("did:web:uni.example.evil.test", "uni.example")).to.equal(false);
    expect(matches("did:web:evil-uni.example", "uni.example")).to.equal(false);
    expect(matches("http://uni.example/issuer", "uni.example")).to.equal(false);
    expect(matches("did:web:uni.example%3A8443", "uni.example")).to.equal(false);
    expect(matches("did:web:uni.example2", "did:web:uni.example")).to.equal(false);
    expect(matches("did:key:z6Mk", "uni.example")).to.equal(false);
  });

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
