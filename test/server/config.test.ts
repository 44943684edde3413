import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { encryptKeystoreJson, Wallet } from "ethers";

import { envVars as cliVariables } from "../../cli/lib/config.ts";
import { describeConfig, loadConfig, otherToolsVariables, resolveKeys, settings } from "../../server/config.ts";
import { createLogger } from "../../server/logger.ts";
import { hardhatKey } from "./helpers/fixture.ts";
import { tempDir } from "./helpers/processes.ts";

describe("configuration", function () {
  it("has working defaults: dev mode when nothing is configured", function () {
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

  it("is in dev mode only on purpose: CREDANCHOR_DEV=1, or nothing configured on a loopback RPC", function () {
    const dev = (env: Record<string, string>) => loadConfig({ env, argv: [] }).dev;
    expect(dev({})).to.equal(true);
    expect(dev({ CREDANCHOR_RPC_URL: "http://127.0.0.1:9545", CREDANCHOR_PORT: "0" })).to.equal(true);
    expect(dev({ CREDANCHOR_RPC_URL: "http://localhost:8545", CREDANCHOR_CHAIN_IDS: "31337" })).to.equal(true);
    expect(dev({ CREDANCHOR_DEV: "1", CREDANCHOR_RPC_URL: "https://rpc.example.org" })).to.equal(true);
    const refusal = (env: Record<string, string>) => {
      try {
        loadConfig({ env, argv: [] });
      } catch (error) {
        return error as Error & { code: string; hints: string[] };
      }
      throw new Error(`expected ${JSON.stringify(env)} to be refused`);
    };
    for (const env of [
      { CREDANCHOR_RPC_URL: "https://rpc.example.org" },
      { CREDANCHOR_CHAIN_IDS: "11155111" },
      { CREDANCHOR_REGISTRY_ADDRESS: "0x5FbDB2315678afecb367f032d93F642f64180aa3" },
      { CREDANCHOR_REVOKER_KEY: hardhatKey(5) },
      { CREDANCHOR_DEV: "0" },
    ] as Record<string, string>[]) {
      const error = refusal(env);
      expect(error.code, JSON.stringify(env)).to.equal("CA_CONFIG_INVALID");
      expect(error.message, JSON.stringify(env)).to.include("missing the anchorer key: CREDANCHOR_ANCHORER_KEY");
    }
    const both = refusal({ CREDANCHOR_RPC_URL: "https://rpc.example.org/v3/SECRET" });
    expect(both.message).to.include("missing the chain-id allow-list: CREDANCHOR_CHAIN_IDS");
    expect(both.hints.join(" ")).to.include("CREDANCHOR_RPC_URL is not a loopback address");
    expect(JSON.stringify(both)).to.not.include("SECRET");
  });

  it("reports an unknown CREDANCHOR_* variable by name with the nearest known name, never its value", function () {
    let error: any;
    try {
      loadConfig({ env: { CREDANCHOR_BATCH_MAX_SIZ: "5", CREDANCHOR_REVOKER_KYE: "0xsecretvalue" }, argv: [] });
    } catch (caught) {
      error = caught;
    }
    expect(error?.code).to.equal("CA_CONFIG_INVALID");
    expect(error.message).to.include("unknown variable CREDANCHOR_BATCH_MAX_SIZ (did you mean CREDANCHOR_BATCH_MAX_SIZE?)");
    expect(error.message).to.include("unknown variable CREDANCHOR_REVOKER_KYE (did you mean CREDANCHOR_REVOKER_KEY?)");
    expect(JSON.stringify(error)).to.not.include("secretvalue");
    // Variables of the CLI and scripts may share the environment: not unknown.
    expect(loadConfig({ env: { CREDANCHOR_TOKEN: "ca_x", CREDANCHOR_SERVICE_URL: "http://x" }, argv: [] }).dev).to.equal(true);
  });

  it("knows every CREDANCHOR_* variable of the CLI (as a service setting or another tool's)", function () {
    const known = new Set<string>([...Object.values(settings).map((setting) => setting.env), ...otherToolsVariables]);
    const missing = Object.keys(cliVariables).filter((name) => name.startsWith("CREDANCHOR_") && !known.has(name));
    expect(missing).to.deep.equal([]);
  });

  it("never logs the RPC URL beyond scheme, host and port, also inside error messages", function () {
    const rpcUrl = "https://eth.example.org:8443/v3/PROJECTSECRET?apikey=QUERYSECRET";
    const config = loadConfig({ env: { CREDANCHOR_RPC_URL: rpcUrl, CREDANCHOR_ANCHORER_KEY: hardhatKey(4), CREDANCHOR_CHAIN_IDS: "1" }, argv: [] });
    expect(describeConfig(config).rpcUrl).to.equal("https://eth.example.org:8443");
    let written = "";
    const destination = { write: (line: string) => ((written += line), true) } as unknown as NodeJS.WritableStream;
    const logger = createLogger({ level: "info", destination, conceal: [{ text: rpcUrl, replacement: "https://eth.example.org:8443" }] });
    logger.error({ err: new Error(`HTTP request failed.\n\nURL: ${rpcUrl}`) }, "publisher pass failed");
    expect(written).to.include("URL: https://eth.example.org:8443");
    expect(written).to.not.match(/PROJECTSECRET|QUERYSECRET/);
    expect(() => loadConfig({ env: { CREDANCHOR_RPC_URL: "not a url /v3/SECRET" }, argv: [] })).to.throw(/CREDANCHOR_RPC_URL \(value hidden\) is invalid/);
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
