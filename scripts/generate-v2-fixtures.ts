/**
 * Writes the frozen credanchor-proof-v2 fixtures (test/fixtures/credanchor-proof-v2/)
 * once, from fixed seeds, salts and times. It refuses to overwrite a file: released
 * fixtures are never edited, only added to. Signing keys come from public seeds: these
 * are test keys, never used for anything else.
 *
 *   node --import tsx scripts/generate-v2-fixtures.ts
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";

import {
  attachAnchorProof,
  buildBatchFromHashes,
  canonicalizeSignedCredential,
  credentialHashFromCanonical,
  didKeyDocument,
  getBatchEntry,
  hexToBytes,
  type Hex,
} from "../core/index.ts";
import { keccak256 } from "../core/keccak.ts";
import { generateSigningKey, signCredential } from "../core/vc/eddsa.ts";

const FOLDER = "test/fixtures/credanchor-proof-v2";
const REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const utf8 = new TextEncoder();
const seed = (text: string) => keccak256(utf8.encode(text));
const hex = (bytes: Uint8Array): Hex => `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;

const didKeyIssuer = await generateSigningKey({ seed: seed("credanchor-proof-v2 fixture did:key issuer") });
const webDid = "did:web:example.edu";
const webIssuer = await generateSigningKey({ controller: webDid, id: `${webDid}#key-1`, seed: seed("credanchor-proof-v2 fixture did:web issuer") });

function openBadge(n: number, issuer: string, subject: Record<string, unknown>): Record<string, unknown> {
  return {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    id: `urn:uuid:00000000-0000-4000-9000-${String(n).padStart(12, "0")}`,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    name: "Introduction to Smart Contracts",
    issuer: { id: issuer, type: ["Profile"], name: "Example University" },
    validFrom: "2026-06-30T12:00:00Z",
    validUntil: "2031-06-30T12:00:00Z",
    credentialSubject: {
      type: ["AchievementSubject"],
      ...subject,
      achievement: {
        id: "https://example.edu/badges/smart-contracts-101",
        type: ["Achievement"],
        name: "Introduction to Smart Contracts",
        description: "Completed the 6-week introduction to smart contracts.",
        criteria: { narrative: "Passed the final project and exam." },
      },
    },
    credentialStatus: {
      id: `https://anchor.example.edu/status/1/0#${1000 + n}`,
      type: "BitstringStatusListEntry",
      statusPurpose: "revocation",
      statusListIndex: String(1000 + n),
      statusListCredential: "https://anchor.example.edu/status/1/0",
    },
  };
}

const plainVc = {
  "@context": ["https://www.w3.org/ns/credentials/v2"],
  id: "urn:uuid:00000000-0000-4000-9000-000000000009",
  type: ["VerifiableCredential"],
  issuer: didKeyIssuer.controller,
  validFrom: "2026-06-30T12:00:00Z",
  credentialSubject: { id: "did:example:grace" },
};

const batches: { name: string; institutionId: number; key: typeof didKeyIssuer; credentials: Record<string, unknown>[] }[] = [
  {
    name: "open-badge-did-key-issuer-leaf-{i}-of-3",
    institutionId: 1,
    key: didKeyIssuer,
    credentials: [
      openBadge(1, didKeyIssuer.controller, {
        identifier: [{ type: "IdentityObject", identityType: "emailAddress", hashed: true, identityHash: "sha256$d0c5b1a4e1e5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5", salt: "0f1e2d3c4b5a69788796a5b4c3d2e1f0" }],
      }),
      openBadge(2, didKeyIssuer.controller, { id: "did:example:linus" }),
      plainVc,
    ],
  },
  {
    name: "open-badge-did-web-issuer-single-leaf",
    institutionId: 2,
    key: webIssuer,
    credentials: [openBadge(4, webDid, { id: "did:example:ada" })],
  },
];

mkdirSync(FOLDER, { recursive: true });
const write = (file: string, value: unknown) => {
  const path = `${FOLDER}/${file}`;
  if (existsSync(path)) {
    console.log(`kept ${path} (frozen)`);
    return;
  }
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  console.log(`wrote ${path}`);
};

for (const batch of batches) {
  const signed = [];
  for (const [i, credential] of batch.credentials.entries()) {
    signed.push(
      await signCredential({
        credential,
        key: batch.key,
        proofId: `urn:uuid:00000000-0000-4000-a000-${String(batch.institutionId * 100 + i).padStart(12, "0")}`,
        created: "2026-07-01T09:00:00Z",
      }),
    );
  }
  const salts = signed.map((_, i) => hex(seed(`${batch.name} salt ${i}`)));
  const hashes = signed.map((credential, i) =>
    credentialHashFromCanonical({ canonical: canonicalizeSignedCredential({ credential }), salt: salts[i]! }),
  );
  const tree = buildBatchFromHashes({ credentialHashes: hashes.map((h) => hexToBytes({ hex: h })), salts: salts.map((s) => hexToBytes({ hex: s })) });
  signed.forEach((credential, i) => {
    const entry = getBatchEntry({ batch: tree, leafIndex: i });
    const portable = attachAnchorProof({
      credential,
      anchor: {
        chain: 31337,
        registry: REGISTRY,
        institutionId: batch.institutionId,
        merkleRoot: tree.merkleRoot,
        leafIndex: i,
        leafCount: tree.leafCount,
        salt: entry.salt,
        credentialHash: entry.credentialHash,
        proofPath: entry.proofPath,
        anchorTransaction: hex(seed(`${batch.name} transaction`)),
        anchorBlock: 42 + batch.institutionId,
        created: "2026-07-01T09:30:12.000Z",
      },
    });
    write(`${batch.name.replace("{i}", String(i))}.json`, portable);
  });
}

write("did-web-example.edu.did.json", {
  "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
  id: webDid,
  verificationMethod: [{ id: `${webDid}#key-1`, type: "Multikey", controller: webDid, publicKeyMultibase: webIssuer.publicKeyMultibase }],
  assertionMethod: [`${webDid}#key-1`],
});
// did:key documents need no file: the DID is the key (checked by the fixture test).
void didKeyDocument;
