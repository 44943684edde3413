/**
 * Frozen fixtures: portable credentials of each released proof format must keep parsing
 * and verifying offline with every future version of core. The files are never edited,
 * only added to (test/fixtures/credanchor-proof-v1/README.md).
 */
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";

import {
  batchIdOf,
  computeRootFromProof,
  credentialHash,
  splitPortableCredential,
  validateCredential,
  type PortableCredentialV1Parts,
} from "../../core/index.ts";

const FOLDER = "test/fixtures/credanchor-proof-v1";
const files = readdirSync(FOLDER).filter((name) => name.endsWith(".json")).sort();

describe("frozen credanchor-proof-v1 fixtures", () => {
  it("are present", () => {
    expect(files.length).to.be.at.least(4);
  });

  for (const file of files) {
    it(`${file} still parses, validates, and recomputes its hash, root and batch id`, () => {
      const portableCredential: unknown = JSON.parse(readFileSync(`${FOLDER}/${file}`, "utf8"));
      const parts = splitPortableCredential({ portableCredential });
      if (parts.proof.format !== "credanchor-proof-v1") throw new Error(`${file} did not parse as credanchor-proof-v1`);
      const { credential, proof, status } = parts as PortableCredentialV1Parts;
      expect(status.batchId).to.equal(proof.batchId);
      validateCredential({ credential });
      const hash = credentialHash({ credential, salt: proof.salt });
      expect(hash).to.equal(proof.credentialHash);
      const root = computeRootFromProof({ leafIndex: proof.leafIndex, leafCount: proof.leafCount, credentialHash: hash, proof: proof.proofPath });
      expect(root).to.equal(proof.merkleRoot);
      expect(batchIdOf({ institutionId: proof.institutionId, merkleRoot: proof.merkleRoot })).to.equal(proof.batchId);
    });
  }
});
