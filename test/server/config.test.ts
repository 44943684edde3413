import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { encryptKeystoreJson, Wallet } from "ethers";

import { describeConfig, loadConfig, resolveKeys } from "../../server/config.ts";
import { hardhatKey } from "./helpers/fixture.ts";
import { tempDir } from "./helpers/processes.ts";

describe("configuration", function () {
  it("has working defaults: dev mode when no key is configured", function () {
    const config = loadConfig({ env: {}, argv: [], cwd: "/srv/app" });
    expect(config).to.deep.include({ rpcUrl: "http://127.0.0.1:8545", dev: true, spawnNode: true, confirmations: 1 });
    expect(config.dbPath).to.equal("/srv/app/data/credanchor.db");
    expect(config.listen).to.deep.equal({ host: "127.0.0.1", port: 8787 });
    expect(config.batch).to.deep.equal({ maxSize: 10_000, maxWaitMs: 5_000 });
    expect(config.allowedChainIds).to.deep.equal([31337]);
  });

  it("reads flags over environment variables", function () {
    const config = loadConfig({ env: { CREDANCHOR_PORT: "1000" }, argv: ["--port", "2000", "--batch-max-size", "5"] });
    expect(config.listen.port).to.equal(2000);
    expect(config.batch.maxSize).to.equal(5);
  });

  it("reads the SQLite cache size, defaulting to 1 GiB, and rejects a size of zero", function () {
    expect(loadConfig({ env: {}, argv: [] }).dbCacheBytes).to.equal(2 ** 30);
    expect(loadConfig({ env: { CREDANCHOR_DB_CACHE_BYTES: "67108864" }, argv: [] }).dbCacheBytes).to.equal(2 ** 26);
    expect(() => loadConfig({ env: { CREDANCHOR_DB_CACHE_BYTES: "0" }, argv: [] })).to.throw(/CREDANCHOR_DB_CACHE_BYTES "0" is invalid/);
  });

  it("names the variable or flag of an invalid value, and hides secrets", function () {
    expect(() => loadConfig({ env: { CREDANCHOR_PORT: "http" }, argv: [] })).to.throw(/CREDANCHOR_PORT "http" is invalid/);
    expect(() => loadConfig({ env: {}, argv: ["--confirmations", "0"] })).to.throw(/--confirmations/);
    expect(() => loadConfig({ env: {}, argv: ["--nope"] })).to.throw(/Invalid command line/);
    let message = "";
    try {
      loadConfig({ env: { CREDANCHOR_ANCHORER_KEY: "0x1234secret" }, argv: [] });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.include("CREDANCHOR_ANCHORER_KEY (value hidden) is invalid");
    expect(message).to.not.include("secret");
  });

  it("turns production mode on with a key, and then requires a chain allow-list", function () {
    expect(() => loadConfig({ env: { CREDANCHOR_ANCHORER_KEY: hardhatKey(4) }, argv: [] })).to.throw(/chain-id allow-list/);
    const config = loadConfig({ env: { CREDANCHOR_ANCHORER_KEY: hardhatKey(4), CREDANCHOR_CHAIN_IDS: "1,11155111" }, argv: [] });
    expect(config).to.deep.include({ dev: false, spawnNode: false, confirmations: 12, allowedChainIds: [1, 11155111] });
    expect(JSON.stringify(describeConfig(config))).to.not.include(hardhatKey(4).slice(2));
  });

  it("decrypts an encrypted JSON keystore, and says so when the password is wrong", async function () {
    this.timeout(60_000);
    const wallet = new Wallet(hardhatKey(7));
    const path = join(tempDir(), "anchorer.json");
    writeFileSync(path, await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, "correct horse", { scrypt: { N: 1024 } }));
    const ok = loadConfig({ env: { CREDANCHOR_ANCHORER_KEYSTORE: path, CREDANCHOR_ANCHORER_KEYSTORE_PASSWORD: "correct horse", CREDANCHOR_CHAIN_IDS: "1" }, argv: [] });
    const keys = await resolveKeys({ sources: ok.keySources });
    expect(keys.anchorer!.address).to.equal(wallet.address);
    const bad = loadConfig({ env: { CREDANCHOR_ANCHORER_KEYSTORE: path, CREDANCHOR_ANCHORER_KEYSTORE_PASSWORD: "wrong", CREDANCHOR_CHAIN_IDS: "1" }, argv: [] });
    let error: any;
    try {
      await resolveKeys({ sources: bad.keySources });
    } catch (caught) {
      error = caught;
    }
    expect(error?.message).to.match(/Cannot decrypt the anchorer keystore/);
    expect(() => loadConfig({ env: { CREDANCHOR_ANCHORER_KEYSTORE: path }, argv: [] })).to.throw(/KEYSTORE_PASSWORD is not/);
  });
});
