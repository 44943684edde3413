/**
 * The credanchor-proof-v2 anchor proof, offline: encoding round trip, malformed values
 * named by path, and every single-bit change of the anchor data caught by the offline checks.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";

import { parseAnchorProof, splitPortableCredential } from "../../core/index.ts";
import { decodeBase64url, encodeBase64url } from "../../core/base64url.ts";
import { runOfflineChecks } from "../../core/verify/offlineChecks.ts";
import { expectCredanchorError } from "./helpers.ts";

const fixture = JSON.parse(readFileSync("test/fixtures/credanchor-proof-v2/open-badge-did-key-issuer-leaf-1-of-3.json", "utf8")) as Record<string, any>;
const anchorProof = fixture.proof[1] as Record<string, string>;

function withProofValue(bytes: Uint8Array): Record<string, any> {
  const copy = structuredClone(fixture);
  copy.proof[1].proofValue = `u${encodeBase64url(bytes)}`;
  return copy;
}

describe("credanchor-proof-v2 anchor proof", () => {
  it("base64url round-trips every length and refuses non-canonical text", () => {
    for (let length = 0; length < 70; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 0xff);
      expect(decodeBase64url(encodeBase64url(bytes))).to.deep.equal(bytes);
    }
    expect(decodeBase64url("AB")).to.equal(undefined); // stray low bits
    expect(decodeBase64url("A+==")).to.equal(undefined);
  });

  it("decodes the fixture's anchor data to the fields its hash and tree need", () => {
    const proof = parseAnchorProof({ proof: anchorProof });
    expect(proof).to.include({ chain: "eip155:31337", registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3", institutionId: 1, leafIndex: 1, leafCount: 3, anchorBlock: 43 });
    expect(proof.proofPath).to.have.length(2);
  });

  it("names the field of a malformed anchor proof by JSON path", () => {
    const cases: [string, (proof: Record<string, unknown>) => void, string][] = [
      ["proofValue not multibase", (p) => (p.proofValue = "z123"), "$.proof[1].proofValue"],
      ["truncated", (p) => (p.proofValue = (p.proofValue as string).slice(0, 40)), "$.proof[1].proofValue"],
      ["no previousProof", (p) => delete p.previousProof, "$.proof[1].previousProof"],
      ["wrong verificationMethod", (p) => (p.verificationMethod = "eip155:1:0x5FbDB2315678afecb367f032d93F642f64180aa3"), "$.proof[1].verificationMethod"],
      ["bad created", (p) => (p.created = "yesterday"), "$.proof[1].created"],
    ];
    for (const [what, change, path] of cases) {
      const proof = { ...anchorProof };
      change(proof);
      const error = expectCredanchorError(() => parseAnchorProof({ proof }), "CA_PROOF_MALFORMED");
      expect(error.details?.[0]?.path, what).to.equal(path);
    }
  });

  it("names the field of a malformed status entry by JSON path, in every entry of a list", () => {
    const entry = { id: "https://u.example/status-lists/1/0#7", type: "BitstringStatusListEntry", statusPurpose: "revocation", statusListIndex: "7", statusListCredential: "https://u.example/status-lists/1/0" };
    const cases: [string, unknown, string][] = [
      ["not an entry", { ...entry, type: "StatusList2021Entry" }, "$.credentialStatus"],
      ["index not decimal", { ...entry, statusListIndex: "0x07" }, "$.credentialStatus.statusListIndex"],
      ["list not a URL", { ...entry, statusListCredential: "list-0" }, "$.credentialStatus.statusListCredential"],
      ["id is the list", { ...entry, id: entry.statusListCredential }, "$.credentialStatus.id"],
      ["no purpose", { ...entry, statusPurpose: "" }, "$.credentialStatus.statusPurpose"],
      ["second entry malformed", [entry, { ...entry, statusPurpose: "suspension", statusListIndex: -1 }], "$.credentialStatus[1].statusListIndex"],
      ["empty list", [], "$.credentialStatus"],
    ];
    for (const [what, credentialStatus, path] of cases) {
      const copy = { ...structuredClone(fixture), credentialStatus };
      const error = expectCredanchorError(() => splitPortableCredential({ portableCredential: copy }), "CA_PROOF_MALFORMED");
      expect(error.details?.[0]?.path, what).to.equal(path);
    }
    // Well-formed, the same credential splits (the integrity check, not the format, then sees the change).
    expect(() => splitPortableCredential({ portableCredential: { ...structuredClone(fixture), credentialStatus: entry } })).to.not.throw();
  });

  it("previousProof must name the issuer signature", () => {
    const copy = structuredClone(fixture);
    copy.proof[1].previousProof = "urn:uuid:someone-else";
    const error = expectCredanchorError(() => splitPortableCredential({ portableCredential: copy }), "CA_PROOF_MALFORMED");
    expect(error.details?.[0]?.path).to.equal("$.proof[1].previousProof");
  });

  it("flipping any one bit of the anchor data fails the offline checks (never passes silently)", () => {
    const bytes = decodeBase64url(anchorProof.proofValue!.slice(1))!;
    const now = new Date("2027-01-01T00:00:00Z");
    expect(runOfflineChecks({ input: fixture, now }).parts).to.not.equal(undefined);
    // Bytes 1..176 hold chain, registry, institution, leaf, block, salt, root, hash, tx; then the siblings.
    const passed: number[] = [];
    for (let bit = 8; bit < bytes.length * 8; bit++) {
      const flipped = Uint8Array.from(bytes);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      const result = runOfflineChecks({ input: withProofValue(flipped), now });
      // chain, registry, institution (the batch id is derived from it), block and transaction are checked on chain, not offline.
      const byte = bit >> 3;
      const chainChecked = (byte >= 1 && byte < 33) || (byte >= 41 && byte < 49) || (byte >= 145 && byte < 177);
      if (result.parts !== undefined && !chainChecked) passed.push(bit);
    }
    expect(passed).to.deep.equal([]);
  });
});
