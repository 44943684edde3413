/**
 * A production start, end to end, as an operator runs it: a Hardhat node the test starts,
 * the service with no dev mode and its anchorer and revoker keys in encrypted keystores,
 * registry governance deploying and registering two institutions with the CLI, their
 * admins granting the service's keys the roles `credanchor service institution add`
 * asks for, both onboarded, each issuing with its own token, and neither able to read or
 * revoke the other's credentials.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import { encryptKeystoreJson } from "ethers";
import { createPublicClient, http, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import type { HardhatNode } from "../../server/dev/devNode.ts";
import { expectVerifiesOnChain, eventually } from "../server/helpers/chain.ts";
import { sampleCredential } from "../server/helpers/credentials.ts";
import { hardhatAccount, hardhatKey } from "../server/helpers/fixture.ts";
import { type ServiceProcess, spawnService, startNode, tempDir } from "../server/helpers/processes.ts";
import { type Cli, type CliResult, createCli, devAddresses, devKeys, writeJson } from "../cli/helpers.ts";

const A = { name: "Alpha University", identifier: "did:web:alpha.example" };
const B = { name: "Beta College", identifier: "did:web:beta.example" };
const PASSWORD = "correct horse battery staple";

function expectOk(result: CliResult): CliResult {
  expect(result.code, `exit code; stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).to.equal(0);
  return result;
}

/** The argv of a `credanchor …` command printed in a hint. */
function commandIn(hint: string): string[] {
  const command = /credanchor (.+)$/.exec(hint)?.[1];
  expect(command, `a credanchor command in: ${hint}`).to.be.a("string");
  return command!.split(" ");
}

describe("production start: two institutions onboarded by the operator, each issuing with its own token", function () {
  this.timeout(180_000);
  let dir: string;
  let node: HardhatNode;
  let service: ServiceProcess;
  let cli: Cli;
  let client: PublicClient;
  let registry: `0x${string}`;
  let db: string;
  // The service's own keys: fresh accounts, kept only in encrypted keystores.
  const anchorerKey = generatePrivateKey();
  const revokerKey = generatePrivateKey();
  const anchorer = privateKeyToAccount(anchorerKey);
  const revoker = privateKeyToAccount(revokerKey);
  const adminB = { address: hardhatAccount(6).address, key: hardhatKey(6) };
  const tokens: Record<"a" | "b", string> = { a: "", b: "" };
  const issued: Record<"a" | "b", { id: string; batch: number }[]> = { a: [], b: [] };

  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  before(async function () {
    dir = tempDir("credanchor-production-");
    node = await startNode({ logDir: dir });
    client = createPublicClient({ transport: http(node.url) }) as PublicClient;
    const deployments = join(dir, "deployments");
    db = join(dir, "data", "credanchor.db");
    cli = createCli({ CREDANCHOR_RPC_URL: node.url, CREDANCHOR_DEPLOYMENTS_DIR: deployments, CREDANCHOR_DB_PATH: db });
    const governor = { env: { CREDANCHOR_GOVERNOR_KEY: devKeys.governor } };
    registry = expectOk(await cli(["deploy", "--json"], governor)).json<{ address: `0x${string}` }>().address;
    for (const [institution, admin] of [[A, devAddresses.admin], [B, adminB.address]] as const) {
      expectOk(await cli(["institution", "register", "--name", institution.name, "--identifier", institution.identifier, "--admin", admin], governor));
    }
    const keystores: Record<string, string> = {};
    for (const [role, account] of [["anchorer", anchorer], ["revoker", revoker]] as const) {
      // Funded by the node (hardhat_setBalance: 100 ETH).
      await fetch(node.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "hardhat_setBalance", params: [account.address, "0x56BC75E2D63100000"] }),
      });
      const privateKey = role === "anchorer" ? anchorerKey : revokerKey;
      // A low scrypt cost keeps the test fast; the service decrypts any standard keystore.
      const json = await encryptKeystoreJson({ address: account.address, privateKey }, PASSWORD, { scrypt: { N: 1 << 10 } });
      keystores[role] = writeJson(join(dir, "keys"), `${role}.json`, JSON.parse(json));
    }
    service = await spawnService({
      rpcUrl: node.url,
      dataDir: join(dir, "data"),
      env: {
        CREDANCHOR_DEV: "0",
        CREDANCHOR_CHAIN_IDS: "31337",
        CREDANCHOR_DEPLOYMENTS_DIR: deployments,
        CREDANCHOR_ANCHORER_KEYSTORE: keystores.anchorer!,
        CREDANCHOR_ANCHORER_KEYSTORE_PASSWORD: PASSWORD,
        CREDANCHOR_REVOKER_KEYSTORE: keystores.revoker!,
        CREDANCHOR_REVOKER_KEYSTORE_PASSWORD: PASSWORD,
        CREDANCHOR_CONFIRMATIONS: "1",
        CREDANCHOR_POLL_INTERVAL_MS: "200",
        CREDANCHOR_BATCH_MAX_WAIT_MS: "60000",
        CREDANCHOR_HASH_WORKERS: "1",
        CREDANCHOR_LOG_LEVEL: "warn",
      },
    });
  });
  after(async function () {
    await service?.stop();
    await node?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("starts without dev mode, signing with the keystores' keys, and serves no institution until one is onboarded", async function () {
    expect(service.output()).not.to.include("DEV MODE");
    expect(service.token).to.equal(""); // no demo token in production
    const list = expectOk(await cli(["service", "institution", "list", "--json"])).json<{ institutions: unknown[] }>();
    expect(list.institutions).to.deep.equal([]);
    const unknown = await cli(["service", "institution", "add", "9", "--json"]);
    expect(unknown.code).to.equal(2);
    expect(unknown.json<{ error: { code: string; message: string } }>().error).to.deep.include({
      code: "CA_NOT_FOUND",
      message: `Institution 9 is not registered in registry ${registry}.`,
    });
  });

  it("refuses to onboard an institution until its admin grants the service's keys their roles, naming each missing role and the command that grants it", async function () {
    const refused = await cli(["service", "institution", "add", "1", "--json"]);
    expect(refused.code).to.equal(2);
    const { error } = refused.json<{ error: { code: string; message: string; hints: string[] } }>();
    expect(error.code).to.equal("CA_SIGNER_UNAUTHORIZED");
    expect(error.message).to.include(`anchorer key ${anchorer.address} has no ROLE_ANCHORER`).and.include(`revoker key ${revoker.address} has no ROLE_REVOKER`);
    const grants = error.hints.filter((hint) => hint.includes("credanchor keys add"));
    expect(grants).to.have.length(2);

    // The admin runs the first printed command: only the other role is still missing.
    const asAdminA = { env: { CREDANCHOR_ADMIN_KEY: devKeys.admin } };
    expectOk(await cli(commandIn(grants[0]!), asAdminA));
    const still = (await cli(["service", "institution", "add", "1", "--json"])).json<{ error: { message: string; hints: string[] } }>().error;
    expect(still.message).to.include(revoker.address).and.not.include(anchorer.address);
    expectOk(await cli(commandIn(still.hints.find((hint) => hint.includes("credanchor keys add"))!), asAdminA));

    const added = expectOk(await cli(["service", "institution", "add", "1", "--json"])).json<{ institution: any; created: boolean }>();
    expect(added.created).to.equal(true);
    expect(added.institution).to.deep.include({ id: 1, name: A.name, identifier: A.identifier, status: "active" });
    expect(added.institution.keys).to.deep.equal({ anchorer: anchorer.address, revoker: revoker.address, signingKey: null });
  });

  it("onboards the second institution and gives each institution its own token", async function () {
    const asAdminB = { env: { CREDANCHOR_ADMIN_KEY: adminB.key } };
    expectOk(await cli(["keys", "add", anchorer.address, "--role", "anchorer", "--institution", "2"], asAdminB));
    expectOk(await cli(["keys", "add", revoker.address, "--role", "revoker", "--institution", "2"], asAdminB));
    expectOk(await cli(["service", "institution", "add", "2"]));
    const list = expectOk(await cli(["service", "institution", "list", "--json"])).json<{ institutions: { id: number; status: string }[] }>();
    expect(list.institutions.map((row) => [row.id, row.status])).to.deep.equal([[1, "active"], [2, "active"]]);
    for (const [name, id] of [["a", "1"], ["b", "2"]] as const) {
      tokens[name] = expectOk(await cli(["tokens", "create", "--db", db, "--institution", id, "--scopes", "read,issue,revoke", "--json"])).json<{ token: string }>().token;
    }
  });

  it("anchors each institution's credentials with its own token; the proofs verify on chain", async function () {
    for (const [name, institution, first] of [["a", A, 0], ["b", B, 100]] as const) {
      const credentials = [0, 1].map((i) => sampleCredential({ n: first + i, issuer: institution.identifier }));
      const submitted = await api("POST", "/v1/credentials", tokens[name], { credentials });
      expect(submitted.status, JSON.stringify(submitted.body)).to.equal(202);
      issued[name] = submitted.body.credentials;
      await api("POST", "/v1/batches/close", tokens[name]);
    }
    for (const name of ["a", "b"] as const) {
      const record = await eventually(async () => {
        const { body } = await api("GET", `/v1/credentials/${issued[name][0]!.id}`, tokens[name]);
        return body.credential?.proof !== undefined ? body : undefined;
      }, 30_000, `institution ${name}'s batch anchored`);
      expect(record.credential.proof).to.include({ institutionId: name === "a" ? 1 : 2, registry });
      await expectVerifiesOnChain({ client, registry, portable: record.credential });
    }
    // A credential naming the other institution as issuer is refused.
    const foreign = await api("POST", "/v1/credentials", tokens.a, sampleCredential({ n: 7, issuer: B.identifier }));
    expect(foreign.status).to.equal(422);
  });

  it("lets neither institution read or revoke the other's credentials or batches", async function () {
    const [mine, theirs] = [issued.a[0]!, issued.b[0]!];
    for (const path of [`/v1/credentials/${theirs.id}`, `/v1/credentials/${theirs.id}/status`, `/v1/credentials/${theirs.id}/proof`, `/v1/batches/${theirs.batch}`]) {
      expect((await api("GET", path, tokens.a)).status, path).to.equal(404);
    }
    expect((await api("POST", "/v1/credentials/revoke", tokens.a, { ids: [theirs.id] })).status).to.equal(404);
    expect((await api("POST", `/v1/batches/${theirs.batch}/revoke`, tokens.a, {})).status).to.equal(404);
    expect((await api("GET", `/v1/credentials/${mine.id}`, tokens.b)).status).to.equal(404);
    // B's credential is untouched; B revokes its own, and the history names the service's revoker.
    expect((await api("GET", `/v1/credentials/${theirs.id}/status`, tokens.b)).body.status).to.equal("valid");
    const revoked = await api("POST", "/v1/credentials/revoke", tokens.b, { ids: [theirs.id], reasonCode: "superseded" });
    expect(revoked.status, JSON.stringify(revoked.body)).to.equal(200);
    const status = (await api("GET", `/v1/credentials/${theirs.id}/status`, tokens.b)).body;
    expect(status.status).to.equal("revoked");
    expect(status.history).to.have.length(1);
    expect(status.history[0]).to.deep.include({ event: "revoked", actor: revoker.address, transactionHash: revoked.body.transactions[0].txHash });
    expect((await api("GET", `/v1/credentials/${mine.id}/status`, tokens.a)).body.status).to.equal("valid");
  });

  it("refuses a disabled institution's tokens and serves it again once enabled", async function () {
    expectOk(await cli(["service", "institution", "disable", "2"]));
    const refused = await eventually(async () => {
      const response = await api("GET", "/v1/batches", tokens.b);
      return response.status === 403 ? response : undefined;
    }, 10_000, "institution 2's token refused");
    expect(refused.body.error.code).to.equal("CA_INSTITUTION_DISABLED");
    expect((await api("GET", "/v1/batches", tokens.a)).status).to.equal(200);
    expectOk(await cli(["service", "institution", "enable", "2"]));
    await eventually(async () => ((await api("GET", "/v1/batches", tokens.b)).status === 200 ? true : undefined), 10_000, "institution 2 served again");
  });
});
