/**
 * `credanchor signing-keys new|encrypt|show`: keystores the service reads
 * (server/signing/keyring.ts), rotation, the DID document from a keystore
 * (`did-document --keystore`), and a wrong or missing password refused by name.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { generateSigningKey } from "../../core/vc/eddsa.ts";
import { loadKeyring } from "../../server/signing/keyring.ts";
import { createCli, writeJson } from "./helpers.ts";

const PASSWORD = "cli keystore password";

describe("credanchor signing-keys", function () {
  this.timeout(60_000);
  const cli = createCli({ CREDANCHOR_SIGNING_KEYSTORE_PASSWORD: PASSWORD });
  const did = "did:web:example.edu";

  // --light-kdf keeps each run fast; the standard cost is the default (server/signing/keystore.ts).
  it("creates a keystore the service reads, adds a rotated key, and shows public keys only", async function () {
    const keystore = join(mkdtempSync(join(tmpdir(), "credanchor-sk-")), "signing-keystore.json");
    const first = await cli(["signing-keys", "new", "--did", did, "--keystore", keystore, "--light-kdf", "--json"]);
    expect(first.code, first.stderr).to.equal(0);
    const second = await cli(["signing-keys", "new", "--did", did, "--keystore", keystore, "--light-kdf", "--json"]);
    expect(second.code, second.stderr).to.equal(0);
    expect(statSync(keystore).mode & 0o777).to.equal(0o600);

    const keyring = await loadKeyring({ keystore: { path: keystore, password: PASSWORD } });
    const keys = keyring.keysOf(did);
    expect(keys.map((key) => key.id)).to.deep.equal([`${did}#key-1`, `${did}#key-2`]); // the last one signs
    expect(second.json<{ key: { publicKeyMultibase: string } }>().key.publicKeyMultibase).to.equal(keys[1]!.publicKeyMultibase);
    const shown = await cli(["signing-keys", "show", "--keystore", keystore]);
    expect(shown.code).to.equal(0);
    for (const key of keys) {
      expect(shown.stdout).to.include(key.publicKeyMultibase);
      for (const output of [first.stdout, second.stdout, shown.stdout, shown.stderr]) expect(output).to.not.include(key.secretKeyMultibase);
    }
    expect(readFileSync(keystore, "utf8")).to.not.include(keys[0]!.secretKeyMultibase);

    // The DID document an institution hosts itself, straight from the keystore.
    const document = await cli(["did-document", "--did", did, "--keystore", keystore]);
    expect(document.code, document.stderr).to.equal(0);
    expect(JSON.parse(document.stdout).verificationMethod.map((method: { publicKeyMultibase: string }) => method.publicKeyMultibase)).to.deep.equal(
      keys.map((key) => key.publicKeyMultibase),
    );
    expect(document.stdout).to.not.include(keys[1]!.secretKeyMultibase);
  });

  it("encrypts a plain keys file into a new keystore, and will not overwrite one", async function () {
    const dir = mkdtempSync(join(tmpdir(), "credanchor-sk-"));
    const key = await generateSigningKey({ controller: did, id: `${did}#key-1` });
    const plain = writeJson(dir, "keys.json", { keys: [key] });
    const keystore = join(dir, "signing-keystore.json");
    const encrypted = await cli(["signing-keys", "encrypt", "--keys-file", plain, "--keystore", keystore, "--light-kdf"]);
    expect(encrypted.code, encrypted.stderr).to.equal(0);
    expect((await loadKeyring({ keystore: { path: keystore, password: PASSWORD } })).keysOf(did)).to.deep.equal([key]);
    const again = await cli(["signing-keys", "encrypt", "--keys-file", plain, "--keystore", keystore, "--light-kdf"]);
    expect(again.code).to.equal(2);
    expect(again.stderr).to.include("exists; not overwriting it");
  });

  it("refuses a wrong password and a missing one, naming CREDANCHOR_SIGNING_KEYSTORE_PASSWORD", async function () {
    const keystore = join(mkdtempSync(join(tmpdir(), "credanchor-sk-")), "signing-keystore.json");
    expect((await cli(["signing-keys", "new", "--did", did, "--keystore", keystore, "--light-kdf"])).code).to.equal(0);
    const wrong = await cli(["signing-keys", "show", "--keystore", keystore], { env: { CREDANCHOR_SIGNING_KEYSTORE_PASSWORD: "guess" } });
    expect(wrong.code).to.not.equal(0);
    expect(wrong.stderr).to.include("wrong password in CREDANCHOR_SIGNING_KEYSTORE_PASSWORD");
    expect(wrong.stderr).to.not.include("guess");
    const missing = await cli(["signing-keys", "new", "--did", did, "--keystore", keystore], { env: { CREDANCHOR_SIGNING_KEYSTORE_PASSWORD: undefined } });
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.include("CREDANCHOR_SIGNING_KEYSTORE_PASSWORD is not set");
  });
});
