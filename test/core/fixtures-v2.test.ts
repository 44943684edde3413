/**
 * Frozen credanchor-proof-v2 fixtures: they must keep parsing, hashing to their anchored
 * hash and root, and verifying their issuer signatures with every future version of core.
 * The files are never edited (test/fixtures/credanchor-proof-v2/README.md).
 */
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";

import {
  batchIdOf,
  canonicalizeSignedCredential,
  computeRootFromProof,
  credentialHashFromCanonical,
  splitPortableCredential,
  validateCredential,
  type DidDocument,
} from "../../core/index.ts";
import { verifyIssuerSignature } from "../../core/vc/eddsa.ts";

const FOLDER = "test/fixtures/credanchor-proof-v2";
const files = readdirSync(FOLDER).filter((name) => name.endsWith(".json") && !name.endsWith(".did.json")).sort();
const didWeb = JSON.parse(readFileSync(`${FOLDER}/did-web-example.edu.did.json`, "utf8")) as DidDocument;
const resolveDid = async (did: string) => (did === didWeb.id ? didWeb : undefined);

describe("frozen credanchor-proof-v2 fixtures", () => {
  it("are present", () => {
    expect(files.length).to.be.at.least(4);
  });

  for (const file of files) {
    it(`${file} still parses, validates, recomputes its hash, root and batch id, and its signature verifies`, async () => {
      const portableCredential = JSON.parse(readFileSync(`${FOLDER}/${file}`, "utf8")) as Record<string, unknown>;
      const { credential, proof } = splitPortableCredential({ portableCredential });
      expect(proof.format).to.equal("credanchor-proof-v2");
      validateCredential({ credential });
      const hash = credentialHashFromCanonical({ canonical: canonicalizeSignedCredential({ credential: portableCredential }), salt: proof.salt });
      expect(hash).to.equal(proof.credentialHash);
      const root = computeRootFromProof({ leafIndex: proof.leafIndex, leafCount: proof.leafCount, credentialHash: hash, proof: proof.proofPath });
      expect(root).to.equal(proof.merkleRoot);
      expect(batchIdOf({ institutionId: proof.institutionId, merkleRoot: proof.merkleRoot })).to.equal(proof.batchId);
      expect(await verifyIssuerSignature({ credential: portableCredential, resolveDid })).to.have.property("outcome", "valid");
    });
  }

  it("the did:web fixture's signature is skipped, not valid, when its DID cannot be resolved", async () => {
    const portableCredential = JSON.parse(readFileSync(`${FOLDER}/open-badge-did-web-issuer-single-leaf.json`, "utf8"));
    const result = await verifyIssuerSignature({ credential: portableCredential });
    expect(result).to.deep.include({ outcome: "skipped", code: "CA_DID_UNRESOLVABLE" });
  });
});
