/**
 * The README's dev flow, as a new user runs it: `npm start` (dev mode, its own Hardhat
 * node), issue, revoke one credential with `credanchor revoke` straight to the chain with
 * the revoker key and suspend another with the institution admin's key, stop the service
 * (its node, and the chain, go away) and start it again. The replay re-sends every event
 * the service indexed, whoever sent it, so both changes survive the reset.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";

import { devAccounts } from "../../server/dev/devAccounts.ts";
import { eventually } from "../server/helpers/chain.ts";
import { sampleCredential } from "../server/helpers/credentials.ts";
import { type ServiceProcess, freePort, spawnService, tempDir } from "../server/helpers/processes.ts";
import { type CliResult, createCli, devKeys, writeJson } from "../cli/helpers.ts";

describe("a CLI revocation survives a restart of the dev service (the dev chain resets)", function () {
  this.timeout(240_000);
  let dir: string;
  let service: ServiceProcess | undefined;

  after(async function () {
    await service?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps a credential revoked with the revoker key and one suspended by the admin, with their history, after the chain is replayed", async function () {
    dir = tempDir("credanchor-dev-restart-");
    const rpcUrl = `http://127.0.0.1:${await freePort()}`;
    const deployments = join(dir, "deployments");
    const start = () =>
      spawnService({
        rpcUrl,
        dataDir: join(dir, "data"),
        env: {
          CREDANCHOR_DEV: "1",
          CREDANCHOR_SPAWN_NODE: "true", // as `npm start`: the service runs its own node
          CREDANCHOR_DEPLOYMENTS_DIR: deployments,
          CREDANCHOR_BATCH_MAX_WAIT_MS: "60000",
          CREDANCHOR_POLL_INTERVAL_MS: "100",
          CREDANCHOR_HASH_WORKERS: "1",
          CREDANCHOR_LOG_LEVEL: "warn",
        },
      });
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${service!.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${service!.token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await response.json()) as any;
    };
    const cli = createCli({ CREDANCHOR_RPC_URL: rpcUrl, CREDANCHOR_DEPLOYMENTS_DIR: deployments });
    const expectCode = (result: CliResult, code: number) => {
      expect(result.code, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).to.equal(code);
      return result;
    };

    service = await start();
    const submitted = await api("POST", "/v1/credentials", { credentials: [1, 2, 3].map((n) => sampleCredential({ n })) });
    await api("POST", "/v1/batches/close");
    const ids: string[] = submitted.credentials.map((credential: { id: string }) => credential.id);
    const files: string[] = [];
    for (const [i, id] of ids.entries()) {
      const record = await eventually(async () => {
        const body = await api("GET", `/v1/credentials/${id}`);
        return body.credential?.proof !== undefined ? body : undefined;
      }, 30_000, "the batch anchored");
      files.push(writeJson(join(dir, "issued"), `credential-${i}.json`, record.credential));
    }
    // Straight to the chain, not through the service: #3 is the demo revoker, #1 its admin.
    expectCode(await cli(["revoke", files[0]!, "--reason", "superseded"], { env: { CREDANCHOR_REVOKER_KEY: devKeys.revoker } }), 0);
    expectCode(await cli(["suspend", files[1]!, "--reason", "underInvestigation"], { env: { CREDANCHOR_REVOKER_KEY: devKeys.admin } }), 0);
    const before = await eventually(async () => {
      const body = await api("GET", `/v1/credentials/${ids[0]}/status`);
      return body.status === "revoked" ? body : undefined;
    }, 20_000, "the index read the CLI's revocation");

    await service.stop(); // the service's Hardhat node stops with it: that chain is gone
    service = await start();
    expect(service.output()).to.include("replay done");

    const revoked = await api("GET", `/v1/credentials/${ids[0]}/status`);
    expect(revoked.status).to.equal("revoked");
    expect(revoked.history.map((entry: any) => [entry.event, entry.reason.code, entry.actor])).to.deep.equal(
      before.history.map((entry: any) => [entry.event, entry.reason.code, entry.actor]),
    );
    expect(revoked.history[0].actor).to.equal(devAccounts().revoker.address);
    const suspended = await api("GET", `/v1/credentials/${ids[1]}/status`);
    expect(suspended.status).to.equal("suspended");
    expect(suspended.history[0].actor).to.equal(devAccounts().admin.address);
    expect((await api("GET", `/v1/credentials/${ids[2]}/status`)).status).to.equal("valid");

    // Verifiers see the same on the fresh chain, from the files alone.
    const verified = expectCode(await cli(["verify", join(dir, "issued"), "--json"]), 1).json<{ summary: Record<string, number> }>();
    expect(verified.summary).to.include({ total: 3, valid: 1, invalid: 2 });
    expect(expectCode(await cli(["verify", files[0]!]), 1).stdout).to.match(/revoked/i);
    expect(expectCode(await cli(["verify", files[1]!]), 1).stdout).to.match(/suspended/i);
  });
});
