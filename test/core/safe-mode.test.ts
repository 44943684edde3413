/**
 * Every credential shape credanchor produces is a conforming JSON-LD document: it expands
 * in JSON-LD safe mode (which refuses any term no context defines; VC 2.0 has no @vocab)
 * with the offline document loader. Shapes: OB 3.0 from core's template (hashed email,
 * name, DID recipient, with validUntil), with the BitstringStatusListEntry the service
 * writes, plain VC 2.0, signed, and anchored v2 (anchor proof included), the status list
 * credential the service serves, plus the frozen v2 fixtures.
 */
import { expect } from "chai";
import jsonld from "jsonld";
import { readdirSync, readFileSync } from "node:fs";

import { attachAnchorProof, createOpenBadgeCredential } from "../../core/index.ts";
import { encodeStatusList, statusListCredential, statusListEntry } from "../../core/statusList.ts";
import { createDocumentLoader } from "../../core/vc/documentLoader.ts";
import { generateSigningKey, signCredential } from "../../core/vc/eddsa.ts";

const documentLoader = createDocumentLoader();
const expandSafely = (document: unknown) => jsonld.expand(structuredClone(document), { documentLoader, safe: true });

const key = await generateSigningKey();
const achievement = { id: "https://example.edu/badges/a", name: "A", description: "Did A.", criteria: { narrative: "Do A." } };
// The entry and the list exactly as the service writes them (core/statusList.ts).
const status = statusListEntry({ listUrl: "https://anchor.example/status-lists/1/0", index: 7 });
const statusList = statusListCredential({
  url: "https://anchor.example/status-lists/1/0",
  issuer: key.controller,
  encodedList: await encodeStatusList({ setIndices: [7] }),
  validFrom: new Date("2026-01-01T00:00:00Z"),
  validUntil: new Date("2026-01-02T00:00:00Z"),
});
const shapes: Record<string, Record<string, unknown>> = {
  "OB 3.0, hashed email": createOpenBadgeCredential({ issuer: { id: key.controller, name: "U" }, achievement, recipient: { email: "a@b.example" } }),
  "OB 3.0, name and DID recipient, validUntil": createOpenBadgeCredential({ issuer: { id: key.controller, name: "U" }, achievement, recipient: { id: "did:example:x", name: "Ada" }, validUntil: "2040-01-01T00:00:00Z" }),
  "OB 3.0, unhashed email": createOpenBadgeCredential({ issuer: { id: key.controller }, achievement, recipient: { email: "a@b.example" }, hashRecipient: false }),
  "OB 3.0 with a BitstringStatusListEntry": { ...createOpenBadgeCredential({ issuer: { id: key.controller, name: "U" }, achievement, recipient: { email: "a@b.example" } }), credentialStatus: status },
  "OB 3.0 with name recipient and a BitstringStatusListEntry": {
    ...createOpenBadgeCredential({ issuer: { id: key.controller, name: "U" }, achievement, recipient: { id: "did:example:x", name: "Ada" } }),
    credentialStatus: status,
  },
  "plain VC 2.0": { "@context": ["https://www.w3.org/ns/credentials/v2"], id: "urn:uuid:1", type: ["VerifiableCredential"], issuer: key.controller, credentialSubject: { id: "did:example:y" } },
};

describe("JSON-LD safe mode: no undefined term in any credential credanchor produces", () => {
  for (const [name, credential] of Object.entries(shapes)) {
    it(`${name}: unsigned, signed and anchored (v2) all expand`, async () => {
      await expandSafely(credential);
      const signed = await signCredential({ credential, key });
      await expandSafely(signed);
      const anchored = attachAnchorProof({
        credential: signed,
        anchor: { chain: 31337, registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3", institutionId: 1, merkleRoot: `0x${"11".repeat(32)}`, leafIndex: 0, leafCount: 2, salt: `0x${"22".repeat(32)}`, credentialHash: `0x${"33".repeat(32)}`, proofPath: [`0x${"44".repeat(32)}`], anchorTransaction: `0x${"55".repeat(32)}`, anchorBlock: 9, created: "2026-01-01T00:00:00Z" },
        check: false,
      });
      const expanded = JSON.stringify(await expandSafely(anchored));
      expect(expanded).to.include("credanchor-merkle-2026");
      expect(expanded).to.include("https://w3id.org/security#previousProof");
    });
  }

  for (const file of readdirSync("test/fixtures/credanchor-proof-v2").filter((name) => name.endsWith(".json"))) {
    it(`fixture ${file} expands`, async () => {
      await expandSafely(JSON.parse(readFileSync(`test/fixtures/credanchor-proof-v2/${file}`, "utf8")));
    });
  }

  it("the status list credential the service signs and serves expands, signed too", async () => {
    await expandSafely(statusList);
    const expanded = JSON.stringify(await expandSafely(await signCredential({ credential: statusList, key })));
    expect(expanded).to.include("https://www.w3.org/ns/credentials/status#encodedList");
  });

  it("a term no context defines is refused (the check can fail)", async () => {
    let refused = false;
    await expandSafely({ ...shapes["plain VC 2.0"], credanchorExtra: 1 }).catch(() => (refused = true));
    expect(refused).to.equal(true);
  });
});
