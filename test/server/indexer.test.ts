/**
 * The registry event index behind credential status: events sent by anyone (here straight
 * to the chain, as the CLI or an admin's wallet would), institution suspensions and role
 * changes, a restart resuming from the cursor without duplicates, and a reorg that removes
 * an indexed event. Run on both stores: the SQLite file and a fresh PostgreSQL database.
 */
import { expect } from "chai";

import { sendRegistryCall } from "../../server/chain/clients.ts";
import { devAccounts } from "../../server/dev/devAccounts.ts";
import { eventually } from "./helpers/chain.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { startFixture, type Fixture } from "./helpers/fixture.ts";
import { createTestDatabase, type TestDatabase } from "./helpers/postgres.ts";

async function rpc(url: string, method: string, params: unknown[] = []): Promise<any> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return ((await response.json()) as { result: unknown }).result;
}

for (const store of ["SQLite", "PostgreSQL"] as const) describe(`registry event index (${store}): status and history from the chain, whoever sent the change`, function () {
  this.timeout(120_000);
  let fixture: Fixture;
  let database: TestDatabase | undefined;
  let credentials: { id: string; batch: number; leafIndex: number }[];
  let chainBatchId: `0x${string}`;
  const dev = devAccounts();

  const status = async (id: string) => (await fixture.request("GET", `/v1/credentials/${id}/status`)).body;
  const direct = (account: typeof dev.admin, functionName: string, args: readonly unknown[]) =>
    sendRegistryCall({ client: fixture.service.chain.client, chain: fixture.service.chain.chain, registry: fixture.registry, account, functionName, args });

  before(async function () {
    database = store === "PostgreSQL" ? await createTestDatabase() : undefined;
    fixture = await startFixture({ secondInstitution: false, env: database === undefined ? {} : { CREDANCHOR_DATABASE_URL: database.url } });
    const { body } = await fixture.request("POST", "/v1/credentials", { body: { credentials: [1, 2, 3, 4].map((n) => sampleCredential({ n })) } });
    credentials = body.credentials;
    await fixture.request("POST", "/v1/batches/close");
    const batch = await eventually(async () => {
      const { body: row } = await fixture.request("GET", `/v1/batches/${credentials[0]!.batch}`);
      return row.state === "anchored" ? row : undefined;
    });
    chainBatchId = batch.chainBatchId;
  });
  after(async function () {
    await fixture?.stop();
    await database?.drop();
  });

  it("answers a revocation sent straight to the chain by the institution's admin, with actor, reason, time and transaction", async function () {
    const { receipt } = await direct(dev.admin, "revokeCredentials", [chainBatchId, [1n], 4]);
    const revoked = await eventually(async () => {
      const body = await status(credentials[1]!.id);
      return body.status === "revoked" ? body : undefined;
    }, 20_000, "the index read the revocation");
    expect(revoked.history).to.have.length(1);
    expect(revoked.history[0]).to.deep.include({
      event: "revoked",
      actor: dev.admin.address,
      blockNumber: Number(receipt.blockNumber),
      transactionHash: receipt.transactionHash,
    });
    expect(revoked.history[0].reason.code).to.equal(4);
    const block = await fixture.client.getBlock({ blockNumber: receipt.blockNumber });
    expect(revoked.history[0].at).to.equal(new Date(Number(block.timestamp) * 1000).toISOString());
    expect(revoked.reason).to.include({ code: 4, transactionHash: receipt.transactionHash });
    expect((await status(credentials[0]!.id)).status).to.equal("valid");
  });

  it("folds an institution suspension by governance and its lifting into every credential's history", async function () {
    await direct(dev.governance, "suspendInstitution", [fixture.institutions.a.id, 6]);
    const suspended = await eventually(async () => {
      const body = await status(credentials[0]!.id);
      return body.status === "institutionSuspended" ? body : undefined;
    }, 20_000, "the suspension indexed");
    expect(suspended.history.map((entry: any) => [entry.event, entry.actor])).to.deep.equal([["institutionSuspended", dev.governance.address]]);
    await direct(dev.governance, "reinstateInstitution", [fixture.institutions.a.id, 0]);
    const reinstated = await eventually(async () => {
      const body = await status(credentials[0]!.id);
      return body.status === "valid" && body.history.length === 2 ? body : undefined;
    }, 20_000, "the reinstatement indexed");
    expect(reinstated.history.map((entry: any) => entry.event)).to.deep.equal(["institutionSuspended", "institutionReinstated"]);
  });

  it("indexes role changes of the institution's keys", async function () {
    const outsider = devAccounts().revoker.address;
    await direct(dev.admin, "grantRoles", [fixture.institutions.a.id, outsider, 4]);
    await direct(dev.admin, "revokeRoles", [fixture.institutions.a.id, outsider, 4]);
    const roles = await eventually(async () => {
      const events = await fixture.service.store.listRegistryEvents({ limit: 1_000 });
      const mine = events.filter((event) => (event.name === "InstitutionRolesGranted" || event.name === "InstitutionRolesRevoked") && event.args.account === outsider);
      return mine.length === 2 ? mine : undefined;
    }, 20_000, "the role changes indexed");
    expect(roles.map((event) => [event.name, event.actor, event.args.roles])).to.deep.equal([
      ["InstitutionRolesGranted", dev.admin.address, 4],
      ["InstitutionRolesRevoked", dev.admin.address, 4],
    ]);
  });

  it("resumes from its cursor after a restart, storing nothing twice", async function () {
    const before = await fixture.service.store.listRegistryEvents({ limit: 10_000 });
    const cursor = (await fixture.service.store.getIndexCursor())!;
    await fixture.restart();
    const after = await fixture.service.store.listRegistryEvents({ limit: 10_000 });
    expect(after.map((event) => `${event.blockNumber}:${event.logIndex}`)).to.deep.equal(before.map((event) => `${event.blockNumber}:${event.logIndex}`));
    expect((await fixture.service.store.getIndexCursor())!.blockNumber).to.be.at.least(cursor.blockNumber);
    expect((await status(credentials[1]!.id)).history.map((entry: any) => entry.event)).to.deep.equal(["revoked", "institutionSuspended", "institutionReinstated"]);
  });

  it("forgets an event a reorg removed, and indexes the chain that replaced it", async function () {
    const snapshot = await rpc(fixture.node.url, "evm_snapshot");
    await direct(dev.admin, "suspendCredentials", [chainBatchId, [2n], 8]);
    await eventually(async () => ((await status(credentials[2]!.id)).status === "suspended" ? true : undefined), 20_000, "the suspension indexed");
    expect(await rpc(fixture.node.url, "evm_revert", [snapshot])).to.equal(true);
    // The replacing chain: another change in a block at the same height, then more blocks.
    await direct(dev.admin, "suspendCredentials", [chainBatchId, [3n], 9]);
    await rpc(fixture.node.url, "hardhat_mine", ["0x3"]);
    const [gone, replaced] = await eventually(async () => {
      const [a, b] = [await status(credentials[2]!.id), await status(credentials[3]!.id)];
      return a.status === "valid" && b.status === "suspended" ? [a, b] : undefined;
    }, 20_000, "the reorg handled");
    const own = (body: any) => body.history.filter((entry: any) => entry.event === "suspended").map((entry: any) => entry.reason.code);
    expect(own(gone)).to.deep.equal([]);
    expect(own(replaced)).to.deep.equal([9]);
  });
});
