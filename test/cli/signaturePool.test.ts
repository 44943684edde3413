/**
 * The signature threads of `credanchor verify` (cli/lib/signaturePool.ts): the same
 * verdicts as core's verifier on the calling thread, for good, tampered and unsigned
 * credentials, in request order across chunks and threads; a request with a DID resolver
 * stays on the calling thread; close lets the threads exit.
 */
import { expect } from "chai";

import { createSignaturePool } from "../../cli/lib/signaturePool.ts";
import { createOpenBadgeCredential } from "../../core/index.ts";
import { generateSigningKey, signCredential, verifyIssuerSignature } from "../../core/vc/eddsa.ts";

describe("signature threads for bulk verification", function () {
  this.timeout(60_000);

  it("gives core's verdicts, in order, for valid, tampered and unsigned credentials over several chunks", async () => {
    const key = await generateSigningKey();
    const credentials: Record<string, unknown>[] = [];
    let untouched = 0;
    for (let i = 0; i < 150; i++) {
      const signed = await signCredential({
        key,
        credential: createOpenBadgeCredential({
          issuer: { id: key.controller, name: "Example University" },
          achievement: { id: "https://example.edu/badges/1", name: "Badge", description: "Did it.", criteria: { narrative: "Passed." } },
          recipient: { email: `student${i}@example.edu` },
        }),
      });
      if (i % 7 === 3) credentials.push({ ...signed, name: "Altered after signing" });
      else if (i % 11 === 5) credentials.push({ ...signed, proof: undefined });
      else {
        credentials.push(signed);
        untouched++;
      }
    }
    const pool = createSignaturePool({ threads: 2 });
    try {
      const threaded = await Promise.all(credentials.map((credential) => pool.verify({ credential })));
      const inline = await Promise.all(credentials.map((credential) => verifyIssuerSignature({ credential })));
      expect(threaded).to.deep.equal(inline);
      expect(threaded.filter((result) => result.outcome === "valid").length).to.equal(untouched);
      expect(untouched).to.be.within(1, credentials.length - 1);
    } finally {
      await pool.close();
    }
  });

  it("verifies on the calling thread when a DID resolver is given (a function cannot cross to a thread)", async () => {
    const key = await generateSigningKey({ controller: "did:web:uni.example", id: "did:web:uni.example#key-1" });
    const credential = await signCredential({
      key,
      credential: createOpenBadgeCredential({
        issuer: { id: key.controller, name: "Uni" },
        achievement: { id: "https://uni.example/badges/1", name: "Badge", description: "Did it.", criteria: { narrative: "Passed." } },
        recipient: { email: "student@uni.example" },
      }),
    });
    const resolved: string[] = [];
    const pool = createSignaturePool({ threads: 1 });
    try {
      const result = await pool.verify({
        credential,
        resolveDid: async (did) => {
          resolved.push(did);
          return {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            id: did,
            verificationMethod: [{ id: "#key-1", type: "Multikey", controller: did, publicKeyMultibase: key.publicKeyMultibase }],
            assertionMethod: ["#key-1"],
          };
        },
      });
      expect(result.outcome).to.equal("valid");
      expect(resolved).to.deep.equal(["did:web:uni.example"]);
    } finally {
      await pool.close();
    }
  });
});
