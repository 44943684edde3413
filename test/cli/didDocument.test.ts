/**
 * `credanchor did-document`: the DID document an institution hosts itself, from the
 * signing-keys file the service reads; public keys only.
 */
import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { generateSigningKey } from "../../core/vc/eddsa.ts";
import { createCli, writeJson } from "./helpers.ts";

describe("credanchor did-document", function () {
  const cli = createCli({});

  it("prints every key of the DID (earlier and current), no secret, and where to serve it", async function () {
    const did = "did:web:example.edu";
    const keys = [
      await generateSigningKey({ controller: did, id: `${did}#key-1` }),
      await generateSigningKey({ controller: did, id: `${did}#key-2` }),
      await generateSigningKey({ controller: "did:web:other.example", id: "did:web:other.example#key-1" }),
    ];
    const file = writeJson(mkdtempSync(join(tmpdir(), "credanchor-did-")), "keys.json", { keys });
    const result = await cli(["did-document", "--did", did, "--keys-file", file]);
    expect(result.code).to.equal(0);
    const document = JSON.parse(result.stdout);
    expect(document.id).to.equal(did);
    expect(document.assertionMethod).to.deep.equal([`${did}#key-1`, `${did}#key-2`]);
    expect(document.verificationMethod.map((method: { publicKeyMultibase: string }) => method.publicKeyMultibase)).to.deep.equal([keys[0]!.publicKeyMultibase, keys[1]!.publicKeyMultibase]);
    for (const key of keys) expect(result.stdout).to.not.include(key.secretKeyMultibase);
    expect(result.stderr).to.include("https://example.edu/.well-known/did.json");

    const none = await cli(["did-document", "--did", "did:web:nobody.example", "--keys-file", file]);
    expect(none.code).to.equal(2);
    expect(none.stderr).to.include("has no key whose controller is did:web:nobody.example");
    const bad = await cli(["did-document", "--did", "did:key:z6Mk", "--keys-file", file]);
    expect(bad.code).to.equal(2);
  });
});
