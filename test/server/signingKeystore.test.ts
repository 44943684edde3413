/**
 * Issuer signing keys from an encrypted keystore (CREDANCHOR_SIGNING_KEYSTORE +
 * CREDANCHOR_SIGNING_KEYSTORE_PASSWORD): the file format, the configuration's checks, a
 * wrong password refused at start-up naming the variable with no secret in the output,
 * and the right one making the service sign with that key.
 */
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { Writable } from "node:stream";

import pino from "pino";

import { generateSigningKey } from "../../core/vc/eddsa.ts";
import { describeConfig, loadConfig } from "../../server/config.ts";
import { loadKeyring } from "../../server/signing/keyring.ts";
import { decryptSigningKeystore, encryptSigningKeystore } from "../../server/signing/keystore.ts";
import { eventually } from "./helpers/chain.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { hardhatKey, startFixture } from "./helpers/fixture.ts";
import { rejectionOf } from "./helpers/publisherFixture.ts";
import { spawnService, tempDir } from "./helpers/processes.ts";

const DEMO_DID = "did:web:demo.credanchor.local";
const PASSWORD = "correct horse battery staple";
/** Cheap scrypt for tests (the CLI writes the standard 2^17). */
const TEST_SCRYPT_N = 2 ** 12;

async function keystoreFile(): Promise<{ path: string; key: Awaited<ReturnType<typeof generateSigningKey>> }> {
  const key = await generateSigningKey({ controller: DEMO_DID, id: `${DEMO_DID}#key-7` });
  const path = join(tempDir("credanchor-keystore-"), "signing-keystore.json");
  writeFileSync(path, await encryptSigningKeystore({ plaintext: JSON.stringify({ keys: [key] }), password: PASSWORD, scryptN: TEST_SCRYPT_N }), { mode: 0o600 });
  return { path, key };
}

function getWithHost(url: string, host: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { host } }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, text }));
    });
    request.on("error", reject);
    request.end();
  });
}

describe("signing keys from an encrypted keystore", function () {
  this.timeout(120_000);

  describe("the keystore file", function () {
    it("decrypts to the keyring it was written from, and holds no secret in the clear", async function () {
      const { path, key } = await keystoreFile();
      const keyring = await loadKeyring({ keystore: { path, password: PASSWORD } });
      expect(keyring.keysOf(DEMO_DID)).to.deep.equal([key]);
      const text = (await import("node:fs")).readFileSync(path, "utf8");
      expect(text).to.not.include(key.secretKeyMultibase);
      expect(text).to.not.include(key.publicKeyMultibase);
    });

    it("is written with geth's standard scrypt cost unless told otherwise", async function () {
      const text = await encryptSigningKeystore({ plaintext: JSON.stringify({ keys: [] }), password: PASSWORD });
      expect(JSON.parse(text).kdfparams).to.include({ n: 2 ** 17, r: 8, p: 1, dklen: 32 });
    });

    it("refuses a wrong password naming the password variable, echoing neither the password nor a key", async function () {
      const { path, key } = await keystoreFile();
      const error = (await rejectionOf(loadKeyring({ keystore: { path, password: "not-the-password-123" } }))) as Error & { code?: string; hints?: string[] };
      expect(error.code).to.equal("CA_CONFIG_INVALID");
      expect(error.message).to.include("CREDANCHOR_SIGNING_KEYSTORE_PASSWORD");
      expect(error.message).to.include(path);
      const everything = `${error.message} ${(error.hints ?? []).join(" ")}`;
      expect(everything).to.not.include("not-the-password-123");
      expect(everything).to.not.include(PASSWORD);
      expect(everything).to.not.include(key.secretKeyMultibase);
    });

    it("refuses a changed ciphertext (authenticated encryption) and a file that is not a keystore", async function () {
      const { path } = await keystoreFile();
      const fs = await import("node:fs");
      const keystore = JSON.parse(fs.readFileSync(path, "utf8"));
      const flipped = (keystore.ciphertext[0] === "0" ? "1" : "0") + keystore.ciphertext.slice(1);
      const tampered = JSON.stringify({ ...keystore, ciphertext: flipped });
      expect((await rejectionOf(decryptSigningKeystore({ text: tampered, password: PASSWORD, source: "x.json" }))).message).to.match(/Cannot decrypt/);
      const plain = JSON.stringify({ keys: [] });
      expect((await rejectionOf(decryptSigningKeystore({ text: plain, password: PASSWORD, source: "keys.json" }))).message).to.match(
        /keys\.json is not a credanchor-signing-keystore-v1 file: format/,
      );
    });
  });

  describe("configuration", function () {
    const base = { CREDANCHOR_DEV: "1", CREDANCHOR_PORT: "0" };

    it("refuses a keystore without its password, naming CREDANCHOR_SIGNING_KEYSTORE_PASSWORD", function () {
      let error: any;
      try {
        loadConfig({ env: { ...base, CREDANCHOR_SIGNING_KEYSTORE: "/etc/ks.json" }, argv: [] });
      } catch (caught) {
        error = caught;
      }
      expect(error?.code).to.equal("CA_CONFIG_INVALID");
      expect(error.message).to.equal("CREDANCHOR_SIGNING_KEYSTORE is set but CREDANCHOR_SIGNING_KEYSTORE_PASSWORD is not.");
    });

    it("refuses two sources of signing keys at once", function () {
      expect(() => loadConfig({ env: { ...base, CREDANCHOR_SIGNING_KEYS_FILE: "/a.json", CREDANCHOR_SIGNING_KEYSTORE: "/b.json", CREDANCHOR_SIGNING_KEYSTORE_PASSWORD: "x" }, argv: [] })).to.throw(
        /CREDANCHOR_SIGNING_KEYS_FILE and CREDANCHOR_SIGNING_KEYSTORE are both set/,
      );
    });

    it("describes the keystore by its path only when logging the configuration", function () {
      const config = loadConfig({ env: { ...base, CREDANCHOR_SIGNING_KEYSTORE: "/etc/ks.json", CREDANCHOR_SIGNING_KEYSTORE_PASSWORD: PASSWORD }, argv: [] });
      const described = JSON.stringify(describeConfig(config));
      expect(described).to.include('"signing":"keystore /etc/ks.json"');
      expect(described).to.not.include(PASSWORD);
    });
  });

  it("start-up with a wrong password exits with code 1 naming the variable, before touching the chain, with no secret in the output", async function () {
    const { path, key } = await keystoreFile();
    const dataDir = tempDir();
    const error = await rejectionOf(
      spawnService({
        rpcUrl: "http://127.0.0.1:9", // nothing answers there: the keystore is refused first
        dataDir,
        env: {
          CREDANCHOR_DEV: "0",
          CREDANCHOR_CHAIN_IDS: "31337",
          CREDANCHOR_ANCHORER_KEY: hardhatKey(9),
          CREDANCHOR_SIGNING_KEYSTORE: path,
          CREDANCHOR_SIGNING_KEYSTORE_PASSWORD: "not the password",
        },
        timeoutMs: 60_000,
      }),
    );
    expect(error.message).to.match(/service exited \(code 1\) before answering/);
    expect(error.message).to.include(`Cannot decrypt the signing keystore ${path}: wrong password in CREDANCHOR_SIGNING_KEYSTORE_PASSWORD`);
    expect(error.message).to.not.include("not the password");
    expect(error.message).to.not.include(key.secretKeyMultibase);
    expect(error.message).to.not.include(hardhatKey(9).slice(2));
    expect(error.message).to.not.match(/RPC endpoint does not answer/);
  });

  it("start-up with the right password signs with the keystore's key, serves its public key in the DID document, and logs no secret", async function () {
    const { path, key } = await keystoreFile();
    let logged = "";
    const logger = pino({ level: "debug" }, new Writable({ write: (chunk, _encoding, done) => ((logged += chunk.toString()), done()) }));
    const fixture = await startFixture({
      secondInstitution: false,
      logger,
      env: { CREDANCHOR_SIGN: "1", CREDANCHOR_SIGNING_KEYSTORE: path, CREDANCHOR_SIGNING_KEYSTORE_PASSWORD: PASSWORD },
    });
    try {
      const served = await getWithHost(`${fixture.url}/.well-known/did.json`, "demo.credanchor.local");
      expect(served.status).to.equal(200);
      const document = JSON.parse(served.text);
      expect(document.verificationMethod.map((method: any) => [method.id, method.publicKeyMultibase])).to.deep.equal([[key.id, key.publicKeyMultibase]]);

      const submitted = await fixture.request("POST", "/v1/credentials", { body: sampleCredential({ n: 1 }) });
      expect(submitted.status).to.equal(202);
      await fixture.request("POST", "/v1/batches/close");
      const portable = await eventually(async () => {
        const { body } = await fixture.request("GET", `/v1/credentials/${submitted.body.id}`);
        return body.status === "anchored" ? body.credential : undefined;
      }, 30_000, "credential anchored");
      expect(portable.proof[0]).to.include({ cryptosuite: "eddsa-rdfc-2022", verificationMethod: key.id });
      expect(logged).to.include(key.publicKeyMultibase); // the log names the key by its public part
      expect(logged).to.not.include(key.secretKeyMultibase);
      expect(logged).to.not.include(PASSWORD);
    } finally {
      await fixture.stop();
    }
  });
});
