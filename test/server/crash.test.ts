/**
 * Exactly-once anchoring across crashes: the REAL service process (child_process) runs
 * against a real Hardhat node and a real SQLite file, SIGKILLs itself at each publishing
 * step (CREDANCHOR_FAULT, a test aid), and is restarted without the fault. Every
 * accepted credential must end anchored exactly once, with a proof that verifies on chain.
 *
 * Soak: CREDANCHOR_SOAK_ROUNDS=20 npx hardhat test mocha test/server/crash.test.ts
 * repeats the four crash points 20 times on the same database and chain.
 */
import { expect } from "chai";
import { join } from "node:path";

import { createPublicClient, http, type PublicClient } from "viem";

import { batchIdOf } from "../../core/index.ts";
import { faultPoints } from "../../server/config.ts";
import type { HardhatNode } from "../../server/dev/devNode.ts";
import { registryAbi } from "../../server/chain/registryAbi.ts";
import { expectVerifiesOnChain, eventually } from "./helpers/chain.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { hardhatKey } from "./helpers/fixture.ts";
import { spawnService, startNode, tempDir, type ServiceProcess } from "./helpers/processes.ts";

describe("crash safety: SIGKILL at every publishing step, then restart", function () {
  this.timeout(180_000 * Number(process.env.CREDANCHOR_SOAK_ROUNDS ?? 1));
  let node: HardhatNode;
  let client: PublicClient;
  const dataDir = tempDir("credanchor-crash-");
  const env = {
    CREDANCHOR_DEV: "1",
    CREDANCHOR_ANCHORER_KEY: hardhatKey(8),
    CREDANCHOR_REVOKER_KEY: hardhatKey(9),
    CREDANCHOR_BATCH_MAX_WAIT_MS: "600000",
    CREDANCHOR_POLL_INTERVAL_MS: "100",
    CREDANCHOR_DEPLOYMENTS_DIR: join(dataDir, "deployments"),
    CREDANCHOR_LOG_LEVEL: "warn",
  };
  const accepted: { id: string; batch: number }[] = [];
  let service: ServiceProcess | undefined;

  before(async function () {
    node = await startNode({ logDir: dataDir });
    client = createPublicClient({ transport: http(node.url) }) as PublicClient;
  });
  after(async function () {
    await service?.stop();
    await node?.stop();
  });

  const call = async (svc: ServiceProcess, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${svc.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${svc.token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  const rounds = Number(process.env.CREDANCHOR_SOAK_ROUNDS ?? 1);
  const plan = Array.from({ length: rounds }, () => faultPoints).flat();
  for (const [round, fault] of plan.entries()) {
    it(`anchors exactly once after a crash ${fault}${rounds > 1 ? ` (round ${Math.floor(round / faultPoints.length) + 1})` : ""}`, async function () {
      service = await spawnService({ rpcUrl: node.url, dataDir, env: { ...env, CREDANCHOR_FAULT: fault } });
      const credentials = Array.from({ length: 25 }, (_, i) => sampleCredential({ n: round * 1000 + i }));
      const submitted = await call(service, "POST", "/v1/credentials", { credentials });
      expect(submitted.status).to.equal(202);
      for (const credential of submitted.body.credentials) accepted.push({ id: credential.id, batch: credential.batch });
      await call(service, "POST", "/v1/batches/close");
      const exit = await service.exited;
      expect(exit.signal, service.output()).to.equal("SIGKILL");
      expect(service.output()).to.include("CREDANCHOR_FAULT");

      service = await spawnService({ rpcUrl: node.url, dataDir, env });
      const restarted = service;
      await eventually(async () => {
        const { body } = await call(restarted, "GET", "/v1/batches?limit=1000");
        return body.batches.every((batch: any) => batch.state === "anchored") ? true : undefined;
      }, 30_000, "every batch anchored after restart");
      await service.stop();
      service = undefined;
    });
  }

  it("has exactly one on-chain batch per local batch, and every accepted credential verifies", async function () {
    service = await spawnService({ rpcUrl: node.url, dataDir, env });
    const { body } = await call(service, "GET", "/v1/batches?limit=1000");
    const batches = body.batches as any[];
    expect(batches).to.have.length(plan.length);
    const registry = (await call(service, "GET", `/v1/credentials/${accepted[0]!.id}`)).body.credential.proof.registry as `0x${string}`;
    const events = await client.getContractEvents({ address: registry, abi: registryAbi, eventName: "BatchAnchored", fromBlock: 0n });
    expect(events).to.have.length(batches.length);
    for (const batch of batches) {
      expect(batch.state).to.equal("anchored");
      expect(batch.chainBatchId).to.equal(batchIdOf({ institutionId: 1, merkleRoot: batch.merkleRoot }));
      expect(events.filter((event) => event.args.batchId === batch.chainBatchId)).to.have.length(1);
      const [record] = (await client.readContract({ address: registry, abi: registryAbi, functionName: "getBatch", args: [batch.chainBatchId] })) as any;
      expect(Number(record.leafCount)).to.equal(batch.size);
    }
    expect(accepted).to.have.length(plan.length * 25);
    for (const { id } of accepted) {
      const { status, body: credential } = await call(service, "GET", `/v1/credentials/${id}`);
      expect(status).to.equal(200);
      expect(credential.status).to.equal("anchored");
      await expectVerifiesOnChain({ client, registry, portable: credential.credential });
    }
  });
});
