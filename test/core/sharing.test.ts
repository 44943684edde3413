/**
 * Share links, OB 3.0 baking, content accessors and the LinkedIn link: the pieces the
 * verifier page, the CLI and the service share.
 */
import { expect } from "chai";

import { bakePng, bakeSvg, imageKind, unbake } from "../../core/baking.ts";
import { credentialContent, matchRecipientEmail } from "../../core/content.ts";
import { CredanchorError } from "../../core/errors.ts";
import { linkedInAddToProfileUrl } from "../../core/linkedin.ts";
import { createOpenBadgeCredential } from "../../core/openbadge.ts";
import { decodeShareFragment, encodeShareFragment, shareLink } from "../../core/share.ts";
import { badgePng } from "../web/helpers.ts";

const credential = createOpenBadgeCredential({
  issuer: { id: "did:web:example.edu", name: "Example University" },
  achievement: {
    id: "https://example.edu/badges/rust-101",
    name: "Rust 101",
    description: "Completed Rust 101 ]]> with a CDATA terminator in it.",
    criteria: { narrative: "Pass the final project." },
    alignment: [{ type: ["Alignment"], targetName: "Systems programming", targetFramework: "ESCO", targetCode: "S1" }],
  },
  recipient: { email: "Ada@Example.edu" },
  validFrom: "2025-03-15T00:00:00Z",
  validUntil: "2027-11-30T00:00:00Z",
});

async function code(run: () => unknown): Promise<string | undefined> {
  try {
    await run();
  } catch (error) {
    return error instanceof CredanchorError ? error.code : `not a CredanchorError: ${error}`;
  }
  return undefined;
}

describe("share links", function () {
  it("carry the whole credential in the fragment and decode to the same JSON", async function () {
    const link = await shareLink({ baseUrl: "https://verify.example.edu/#old", credential });
    expect(link.startsWith("https://verify.example.edu/#c=")).to.equal(true);
    expect(link).to.match(/^[^#]+#c=[A-Za-z0-9_-]+$/);
    expect(await decodeShareFragment({ fragment: link })).to.deep.equal(credential);
    expect(await decodeShareFragment({ fragment: `#${await encodeShareFragment({ credential })}` })).to.deep.equal(credential);
  });

  it("compress: the link is shorter than the JSON", async function () {
    const fragment = await encodeShareFragment({ credential });
    expect(fragment.length).to.be.lessThan(JSON.stringify(credential).length);
  });

  it("answer undefined without a credential, and CA_SHARE_LINK_INVALID for a cut or altered one", async function () {
    expect(await decodeShareFragment({ fragment: "#section-2" })).to.equal(undefined);
    const fragment = await encodeShareFragment({ credential });
    expect(await code(() => decodeShareFragment({ fragment: fragment.slice(0, fragment.length / 2) }))).to.equal("CA_SHARE_LINK_INVALID");
    expect(await code(() => decodeShareFragment({ fragment: "c=not*base64" }))).to.equal("CA_SHARE_LINK_INVALID");
    expect(await code(() => decodeShareFragment({ fragment: "c=AAAA" }))).to.equal("CA_SHARE_LINK_INVALID");
  });
});

describe("Open Badges 3.0 baking", function () {
  it("bakes a PNG into an iTXt chunk with keyword openbadgecredential, before IEND, and reads it back", function () {
    const image = badgePng(16);
    const baked = bakePng({ image, credential });
    expect(imageKind(baked)).to.equal("png");
    const text = new TextDecoder("latin1").decode(baked);
    const at = text.indexOf("iTXtopenbadgecredential\0\0\0\0\0");
    expect(at).to.be.greaterThan(0);
    expect(text.indexOf("IEND")).to.be.greaterThan(at);
    expect(unbake({ image: baked })).to.deep.equal(credential);
  });

  it("replaces the credential when an image is baked again (one chunk, the new credential)", function () {
    const other = { ...credential, name: "Another" };
    const twice = bakePng({ image: bakePng({ image: badgePng(16), credential }), credential: other });
    const text = new TextDecoder("latin1").decode(twice);
    expect(text.split("openbadgecredential").length - 1).to.equal(1);
    expect(unbake({ image: twice })).to.deep.equal(other);
  });

  it("bakes an SVG into <openbadges:credential> with the namespace, even with ]]> inside a string", function () {
    const baked = bakeSvg({ svg: '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10"><rect/></svg>', credential });
    expect(baked).to.contain('xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"');
    expect(baked).to.match(/<svg [^>]*><openbadges:credential><!\[CDATA\[/);
    expect(imageKind(new TextEncoder().encode(baked))).to.equal("svg");
    expect(unbake({ image: new TextEncoder().encode(baked) })).to.deep.equal(credential);
    const again = bakeSvg({ svg: baked, credential });
    expect(again.split("<openbadges:credential>").length - 1).to.equal(1);
  });

  it("refuses images without a credential, other files, and truncated PNGs with CA_BAKED_IMAGE_INVALID", async function () {
    expect(await code(() => unbake({ image: badgePng(8) }))).to.equal("CA_BAKED_IMAGE_INVALID");
    expect(await code(() => unbake({ image: new TextEncoder().encode('{"a":1}') }))).to.equal("CA_BAKED_IMAGE_INVALID");
    expect(await code(() => unbake({ image: new TextEncoder().encode("<svg></svg>") }))).to.equal("CA_BAKED_IMAGE_INVALID");
    const baked = bakePng({ image: badgePng(8), credential });
    expect(await code(() => unbake({ image: baked.subarray(0, baked.length - 20) }))).to.equal("CA_BAKED_IMAGE_INVALID");
    expect(await code(() => bakePng({ image: new Uint8Array([1, 2, 3]), credential }))).to.equal("CA_BAKED_IMAGE_INVALID");
  });
});

describe("credential content and the recipient email check", function () {
  it("reads achievement, issuer, dates and alignments without looking at the proof", function () {
    const content = credentialContent({ credential: { ...credential, proof: { format: "some-future-format" } } });
    expect(content.achievement.name).to.equal("Rust 101");
    expect(content.achievement.criteria?.narrative).to.equal("Pass the final project.");
    expect(content.achievement.alignments).to.deep.equal([
      { name: "Systems programming", url: undefined, description: undefined, code: "S1", framework: "ESCO" },
    ]);
    expect(content.issuer).to.include({ id: "did:web:example.edu", name: "Example University" });
    expect(content.validUntil).to.equal("2027-11-30T00:00:00Z");
    expect(credentialContent({ credential: "not an object" }).achievement.alignments).to.deep.equal([]);
  });

  it("matches the email the credential was issued to (normalised), and nothing else", function () {
    expect(matchRecipientEmail({ credential, email: " ada@EXAMPLE.edu" })).to.equal("match");
    expect(matchRecipientEmail({ credential, email: "ada@example.org" })).to.equal("noMatch");
    const byDid = createOpenBadgeCredential({ ...credentialInputs(), recipient: { id: "did:example:ada" } });
    expect(matchRecipientEmail({ credential: byDid, email: "ada@example.edu" })).to.equal("noEmailIdentifier");
  });
});

function credentialInputs() {
  return {
    issuer: { id: "did:web:example.edu" },
    achievement: { id: "https://example.edu/b", name: "B", description: "B.", criteria: { narrative: "B." } },
  };
}

describe("LinkedIn add-to-profile link", function () {
  it("names the certification, organisation, issue and expiry month, credential id and certificate URL", function () {
    const url = new URL(linkedInAddToProfileUrl({ credential, certificateUrl: "https://verify.example.edu/#c=abc" }));
    expect(url.origin + url.pathname).to.equal("https://www.linkedin.com/profile/add");
    expect(Object.fromEntries(url.searchParams)).to.deep.equal({
      startTask: "CERTIFICATION_NAME",
      name: "Rust 101",
      organizationName: "Example University",
      issueYear: "2025",
      issueMonth: "3",
      expirationYear: "2027",
      expirationMonth: "11",
      certUrl: "https://verify.example.edu/#c=abc",
      certId: credential.id,
    });
  });
});
