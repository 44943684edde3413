/**
 * `credanchor` against registry v2's delayed and recoverable acts on a real local node:
 * `credanchor deploy` records v1 and v2 and the CLI anchors in v2; a batch revocation is only
 * scheduled (verify says pending) and an admin cancels it; a stolen revoker key's revocation
 * is undone by marking the key compromised from before it, executing that after the delay,
 * and `credanchor clear`; the registry's custom errors come back as sentences; a v1 registry
 * is refused by name.
 */
import { rmSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";

import type { HardhatNode } from "../../server/dev/devNode.ts";
import { startNode, tempDir } from "../server/helpers/processes.ts";
import { type Cli, type CliResult, badgeTemplate, createCli, devAddresses, devKeys, writeJson } from "./helpers.ts";

const ISSUER = { id: "did:web:example.edu", name: "Example University" };
const ACTION_DELAY = 3600;

function expectOk(result: CliResult): CliResult {
  expect(result.code, `exit code; stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).to.equal(0);
  return result;
}

/** Moves the node's clock forward (the delay is chain time, not wall time). */
async function increaseTime(url: string, seconds: number): Promise<void> {
  for (const [method, params] of [["evm_increaseTime", [seconds]], ["evm_mine", []]] as const) {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
    expect(response.ok).to.equal(true);
  }
}

describe("credanchor CLI: registry v2's delayed and recoverable acts", function () {
  let node: HardhatNode;
  let dir: string;
  let out: string;
  let cli: Cli;
  let batchId: string;
  let registries: { v1: { address: string }; v2: { address: string } };
  const file = (name: string) => join(out, `${name}.json`);
  const admin = { env: { CREDANCHOR_ADMIN_KEY: devKeys.admin, CREDANCHOR_INSTITUTION_ID: "1" } };
  const revoker = { env: { CREDANCHOR_REVOKER_KEY: devKeys.revoker } };

  before(async function () {
    node = await startNode();
    dir = tempDir("credanchor-cli-v2-");
    out = join(dir, "issued");
    cli = createCli({ CREDANCHOR_RPC_URL: node.url, CREDANCHOR_DEPLOYMENTS_DIR: join(dir, "deployments") });
    const deployed = expectOk(await cli(["deploy", "--action-delay", String(ACTION_DELAY), "--json"], { env: { CREDANCHOR_GOVERNOR_KEY: devKeys.governor } }));
    const body = deployed.json<{ address: string; registries: typeof registries }>();
    registries = body.registries;
    expect(body.address).to.equal(registries.v2.address);
    const governor = { env: { CREDANCHOR_GOVERNOR_KEY: devKeys.governor } };
    expectOk(await cli(["institution", "register", "--name", ISSUER.name, "--identifier", ISSUER.id, "--admin", devAddresses.admin], governor));
    expectOk(await cli(["keys", "add", devAddresses.anchorer, "--role", "anchorer"], admin));
    expectOk(await cli(["keys", "add", devAddresses.revoker, "--role", "revoker"], admin));
    const template = writeJson(dir, "badge.json", badgeTemplate(ISSUER));
    const roster = join(dir, "roster.csv");
    await writeFile(roster, "name,email\nAda Lovelace,ada@example.edu\nAlan Turing,alan@example.edu\nGrace Hopper,grace@example.edu\n");
    const issue = expectOk(
      await cli(["issue", roster, "--template", template, "--local", "--institution", "1", "--out", out, "--json"], { env: { CREDANCHOR_ANCHORER_KEY: devKeys.anchorer } }),
    );
    batchId = String(issue.json<{ batchId: string }>().batchId);
  });

  after(async function () {
    await node?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("anchors in v2 and verifies against both recorded registries", async function () {
    const credential = await readFile(file("roster-1-ada-lovelace"), "utf8");
    const verified = expectOk(await cli(["verify", file("roster-1-ada-lovelace"), "--json"])).json<{
      options: { trustedRegistries: string[] };
      results: { report: { status: string; anchor: { registry: string } } }[];
    }>();
    expect(verified.results[0]!.report.status).to.equal("valid");
    expect(verified.results[0]!.report.anchor.registry).to.equal(registries.v2.address);
    expect(credential.toLowerCase()).to.include(registries.v2.address.slice(2).toLowerCase());
    expect(verified.options.trustedRegistries).to.deep.equal([registries.v1.address, registries.v2.address]);
  });

  it("a batch revocation is only scheduled: verify says pending, an admin cancels it, and executing it then says nothing is scheduled", async function () {
    expectOk(await cli(["batch", "revoke", batchId, "--reason", "issuedInError"], revoker));
    const pending = await cli(["verify", file("roster-1-ada-lovelace"), "--json"]);
    const status = pending.json<{ results: { report: { status: string; checks: { id: string; reason: string }[] } }[] }>().results[0]!.report;
    expect(status.status).to.equal("pending");
    expect(status.checks.find((check) => check.id === "status")!.reason).to.include("revocation of the whole batch is scheduled");

    expectOk(await cli(["cancel", "batch-revocation", batchId], admin));
    expectOk(await cli(["verify", file("roster-1-ada-lovelace")]));
    const nothing = await cli(["execute", "batch-revocation", batchId], revoker);
    expect(nothing.code).to.equal(2);
    expect(nothing.stderr).to.include("CredentialRegistryNothingScheduled");
    expect(nothing.stderr).to.include("executed or cancelled already, or never scheduled");
  });

  it("undoes a stolen revoker key's revocation: compromise from before it, execute after the delay, clear", async function () {
    const latest = async () =>
      Number(((await (await fetch(node.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: ["latest", false] }) })).json()) as { result: { timestamp: string } }).result.timestamp);
    const cutoff = await latest();
    await increaseTime(node.url, 5);
    expectOk(await cli(["revoke", file("roster-2-alan-turing"), "--reason", "superseded"], revoker)); // the thief
    expect((await cli(["verify", file("roster-2-alan-turing")])).code).to.equal(1);

    expectOk(await cli(["keys", "compromise", devAddresses.revoker, "--at", String(cutoff)], admin));
    const early = await cli(["execute", "key-compromise", devAddresses.revoker, "--institution", "1"], revoker);
    expect(early.code).to.equal(2);
    expect(early.stderr).to.include("CredentialRegistryDelayNotPassed");
    expect(early.stderr).to.match(/can be executed from \d{4}-\d\d-\d\dT/);
    // Clearing before the compromise is applied is refused, with what to do.
    const tooSoon = await cli(["clear", batchId, devAddresses.revoker, "--index", "1"], admin);
    expect(tooSoon.code).to.equal(2);
    expect(tooSoon.stderr).to.include("CredentialRegistryNotCompromised");

    await increaseTime(node.url, ACTION_DELAY);
    expectOk(await cli(["execute", "key-compromise", devAddresses.revoker, "--institution", "1"], { env: { CREDANCHOR_REVOKER_KEY: devKeys.outsider } }));
    const cleared = expectOk(await cli(["clear", batchId, devAddresses.revoker, "--index", "1", "--reason", "issuedInError", "--json"], admin));
    expect(cleared.json<{ calls: { functionName: string }[] }>().calls.map((call) => call.functionName)).to.deep.equal(["clearCompromisedRevocations"]);

    const report = expectOk(await cli(["verify", file("roster-2-alan-turing"), "--json"])).json<{
      results: { report: { status: string; checks: { id: string; details?: { clearedRevocations?: { compromisedAccount: string }[] } }[] } }[];
    }>().results[0]!.report;
    expect(report.status).to.equal("valid");
    expect(report.checks.find((check) => check.id === "status")!.details?.clearedRevocations?.[0]?.compromisedAccount).to.equal(devAddresses.revoker);
    const again = await cli(["clear", batchId, devAddresses.revoker, "--index", "1"], admin);
    expect(again.code).to.equal(2);
    expect(again.stderr).to.include("CredentialRegistryNothingToClear");
  });

  it("refuses a v1 registry by name: it has no scheduled or recoverable acts", async function () {
    const result = await cli(["execute", "batch-revocation", batchId, "--registry", registries.v1.address], revoker);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include(`Registry ${registries.v1.address}`);
    expect(result.stderr).to.include("is version 1: it has no scheduled or recoverable acts");
  });
});
