/**
 * credanchor-proof-v2 at intake (server/hashing/prepare.ts): the service signs with the
 * institution's key, checks a signature made elsewhere against the institution's DID and
 * refuses a bad one naming `$.proof`; DID documents and the keyring.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { canonicalizeSignedCredential, credentialHashFromCanonical } from "../../core/index.ts";
import { generateSigningKey, signCredential, verifyIssuerSignature } from "../../core/vc/eddsa.ts";
import { prepareItems } from "../../server/hashing/prepare.ts";
import { didDocumentOf, didWebOfRequest } from "../../server/signing/didDocument.ts";
import { describeKeyring, loadKeyring, parseKeyring } from "../../server/signing/keyring.ts";
import { sampleCredential } from "./helpers/credentials.ts";

const DID = "did:web:demo.credanchor.local";
const oldKey = await generateSigningKey({ controller: DID, id: `${DID}#key-0` });
const key = await generateSigningKey({ controller: DID, id: `${DID}#key-1` });
const document = didDocumentOf({ did: DID, keys: [oldKey, key] });
const resolveDid = async (did: string) => (did === DID ? document : undefined);
const salt = (prepared: { salts: Uint8Array }, i: number) => prepared.salts.subarray(i * 32, i * 32 + 32);
const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}`;

describe("signing at intake (credanchor-proof-v2)", function () {
  it("signs unsigned credentials with the institution's current key and hashes the signed credential", async function () {
    const credential = sampleCredential({ n: 1 });
    const prepared = await prepareItems({ texts: [JSON.stringify(credential)], issuerIdentifier: DID, signingKeys: [oldKey, key] });
    expect(prepared.invalid).to.deep.equal([]);
    const signed = JSON.parse(prepared.bodies[0]!) as Record<string, any>;
    expect(signed.proof).to.include({ type: "DataIntegrityProof", cryptosuite: "eddsa-rdfc-2022", verificationMethod: key.id });
    expect(await verifyIssuerSignature({ credential: signed, resolveDid })).to.deep.include({ outcome: "valid" });
    const expected = credentialHashFromCanonical({ canonical: canonicalizeSignedCredential({ credential: signed }), salt: salt(prepared, 0) });
    expect(hex(prepared.hashes.subarray(0, 32))).to.equal(expected);
  });

  it("accepts a credential signed elsewhere with an earlier key of the institution's DID and keeps the signature", async function () {
    const signed = await signCredential({ credential: sampleCredential({ n: 2 }), key: oldKey });
    const prepared = await prepareItems({ values: [signed], issuerIdentifier: DID, signingKeys: [oldKey, key] });
    expect(prepared.invalid).to.deep.equal([]);
    expect(JSON.parse(prepared.bodies[0]!)).to.deep.equal(signed);
  });

  it("refuses a signature that does not verify, or by a key of another DID, naming $.proof", async function () {
    const signed = await signCredential({ credential: sampleCredential({ n: 3 }), key });
    const tampered = { ...signed, name: "Changed after signing" };
    const stranger = await generateSigningKey({ controller: DID, id: `${DID}#key-9` });
    const foreign = await signCredential({ credential: sampleCredential({ n: 4 }), key: stranger });
    const prepared = await prepareItems({ values: [tampered, foreign], issuerIdentifier: DID, signingKeys: [key] });
    expect(prepared.invalid.map((entry) => [entry.index, entry.kind, entry.issues[0]!.path])).to.deep.equal([
      [0, "credential", "$.proof"],
      [1, "credential", "$.proof"],
    ]);
    expect(prepared.invalid[0]!.issues[0]!.message).to.match(/^the issuer signature was not accepted: /);
  });

  it("refuses a signed credential whose status entry is not one BitstringStatusListEntry, naming the field", async function () {
    const entry = { id: "https://x.example/status/1#5", type: "BitstringStatusListEntry", statusPurpose: "revocation", statusListIndex: "5", statusListCredential: "https://x.example/status/1" };
    const good = await signCredential({ credential: { ...sampleCredential({ n: 7 }), credentialStatus: entry }, key });
    const twice = await signCredential({ credential: { ...sampleCredential({ n: 8 }), credentialStatus: [entry, { ...entry, statusPurpose: "suspension" }] }, key });
    const badIndex = await signCredential({ credential: { ...sampleCredential({ n: 9 }), credentialStatus: { ...entry, statusListIndex: "five" } }, key });
    const prepared = await prepareItems({ values: [good, twice, badIndex], issuerIdentifier: DID, signingKeys: [key] });
    expect(prepared.invalid.map((item) => [item.index, item.issues[0]!.path])).to.deep.equal([
      [1, "$.credentialStatus"],
      [2, "$.credentialStatus.statusListIndex"],
    ]);
  });

  it("still refuses a proof that is not an issuer signature, and a status entry on an unsigned credential", async function () {
    const withProof = { ...sampleCredential({ n: 5 }), proof: { type: "SomethingElse" } };
    const withStatus = { ...sampleCredential({ n: 6 }), credentialStatus: { type: "BitstringStatusListEntry" } };
    const prepared = await prepareItems({ values: [withProof, withStatus], issuerIdentifier: DID });
    expect(prepared.invalid.map((entry) => entry.issues.map((issue) => issue.path))).to.deep.equal([["$.proof"], ["$.credentialStatus"]]);
  });
});

describe("did:web documents and the keyring", function () {
  it("lists every key of the DID, current and earlier, for assertionMethod", function () {
    expect(document.assertionMethod).to.deep.equal([oldKey.id, key.id]);
    expect(JSON.stringify(document)).to.not.include(key.secretKeyMultibase);
  });

  it("maps request host and path to the did:web DID the method spec names", function () {
    expect(didWebOfRequest({ host: "demo.credanchor.local", path: "/.well-known/did.json" })).to.equal(DID);
    expect(didWebOfRequest({ host: "127.0.0.1:8787", path: "/institutions/7/did.json" })).to.equal("did:web:127.0.0.1%3A8787:institutions:7");
    expect(didWebOfRequest({ host: "a.b", path: "/did.json" })).to.equal(undefined);
    expect(didWebOfRequest({ host: "a.b", path: "/../x/did.json" })).to.equal(undefined);
  });

  it("dev mode creates the demo key once in a 0600 file and reuses it; errors never echo secrets", async function () {
    const file = join(mkdtempSync(join(tmpdir(), "credanchor-keys-")), "signing-keys.json");
    const first = await loadKeyring({ dev: { did: DID, file } });
    const second = await loadKeyring({ dev: { did: DID, file } });
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(second.keysOf(DID)).to.deep.equal(first.keysOf(DID));
    expect(JSON.stringify(describeKeyring(first))).to.not.include(first.keysOf(DID)[0]!.secretKeyMultibase);
    const text = readFileSync(file, "utf8").replace(`"${DID}#key-1"`, '"did:web:other#key-1"');
    expect(() => parseKeyring(text, "test")).to.throw(/is not a key of its controller/);
    const secret = first.keysOf(DID)[0]!.secretKeyMultibase;
    try {
      parseKeyring(text.replace(secret, `${secret}0OIl`), "test");
      expect.fail("accepted a malformed secret key");
    } catch (error) {
      expect((error as Error).message).to.not.include(secret);
    }
  });
});
