/**
 * The `credanchor` binary with the real anchoring service (dev mode) on a real local node:
 * issuing with idempotency keys and --wait, status and proof by id, batches, and API
 * tokens (directly in the database and through the API).
 */
import { rmSync } from "node:fs";
import { readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";

import type { HardhatNode } from "../../server/dev/devNode.ts";
import { sampleCredential } from "../server/helpers/credentials.ts";
import { type ServiceProcess, spawnService, startNode, tempDir } from "../server/helpers/processes.ts";
import { bakePng, unbake } from "../../core/baking.ts";
import { decodeShareFragment } from "../../core/share.ts";
import { badgePng } from "../web/helpers.ts";
import { type Cli, type CliResult, badgeTemplate, createCli, writeJson } from "./helpers.ts";

function expectOk(result: CliResult): CliResult {
  expect(result.code, `exit code; stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).to.equal(0);
  return result;
}

type IssueBody = {
  mode: string;
  submitted: number;
  alreadySubmitted: number;
  credentials: { source: string; file: string; id: string }[];
};

describe("credanchor CLI with the anchoring service", function () {
  let node: HardhatNode;
  let service: ServiceProcess;
  let dir: string;
  let cli: Cli;
  let inputs: string;
  let out: string;
  let first: IssueBody;

  before(async function () {
    dir = tempDir("credanchor-cli-service-");
    node = await startNode({ logDir: dir });
    const deployments = join(dir, "deployments");
    service = await spawnService({
      rpcUrl: node.url,
      dataDir: join(dir, "data"),
      env: { CREDANCHOR_DEPLOYMENTS_DIR: deployments, CREDANCHOR_BATCH_MAX_WAIT_MS: "60000", CREDANCHOR_LOG_LEVEL: "warn" },
    });
    cli = createCli({
      CREDANCHOR_RPC_URL: node.url,
      CREDANCHOR_DEPLOYMENTS_DIR: deployments,
      CREDANCHOR_SERVICE_URL: service.url,
      CREDANCHOR_TOKEN: service.token,
    });
    inputs = join(dir, "inputs");
    out = join(dir, "issued");
    for (const n of [1, 2, 3]) writeJson(inputs, `student-${n}.json`, sampleCredential({ n }));
    first = expectOk(await cli(["issue", inputs, "--wait", "--out", out, "--json"])).json<IssueBody>();
  });

  after(async function () {
    await service?.stop();
    await node?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("submits, closes the batch, waits until anchored and writes portable credentials that verify", async function () {
    expect(first).to.include({ mode: "service", submitted: 3, alreadySubmitted: 0 });
    expect((await readdir(out)).filter((name) => name.endsWith(".json")).sort()).to.deep.equal([
      "student-1.json",
      "student-2.json",
      "student-3.json",
    ]);
    const verify = expectOk(await cli(["verify", out, "--json"])).json<{ summary: Record<string, number> }>();
    expect(verify.summary).to.include({ total: 3, valid: 3, batches: 1 });
  });

  it("submits nothing twice when re-run, even after losing its journal (idempotency keys from the input)", async function () {
    await rm(join(out, ".credanchor"), { recursive: true });
    const again = expectOk(await cli(["issue", inputs, "--wait", "--out", out, "--json"])).json<IssueBody>();
    expect(again).to.include({ submitted: 0, alreadySubmitted: 3 });
    expect(again.credentials.map((credential) => credential.id).sort()).to.deep.equal(first.credentials.map((credential) => credential.id).sort());
    const batches = expectOk(await cli(["batches", "--json"])).json<{ batches: { state: string; size: number }[] }>();
    expect(batches.batches.map((batch) => [batch.state, batch.size])).to.deep.equal([["anchored", 3]]);
  });

  it("bakes each credential into the badge image, writes the mail-merge CSV, and verifies baked images (an altered one fails)", async function () {
    const cohort = join(dir, "cohort");
    const roster = join(cohort, "roster.csv");
    const template = writeJson(cohort, "template.json", badgeTemplate({ id: "did:web:demo.credanchor.local", name: "Demo University" }));
    const badge = join(cohort, "badge.png");
    await writeFile(roster, "name,email\nAda Lovelace,ada@example.edu\nAlan Turing,alan@example.edu\n");
    await writeFile(badge, badgePng(32));
    const issued = join(dir, "baked");
    const mail = join(dir, "mail.csv");
    expectOk(await cli(["issue", roster, "--template", template, "--wait", "--out", issued, "--bake", badge, "--mail-merge", mail, "--json"]));
    const images = (await readdir(issued)).filter((name) => name.endsWith(".png")).sort();
    expect(images).to.deep.equal(["roster-1-ada-lovelace.png", "roster-2-alan-turing.png"]);
    const json = JSON.parse(await readFile(join(issued, "roster-1-ada-lovelace.json"), "utf8"));
    expect(unbake({ image: await readFile(join(issued, images[0]!)) })).to.deep.equal(json);

    const lines = (await readFile(mail, "utf8")).trim().split("\r\n");
    expect(lines[0]).to.equal("recipient,email,file,share_link,linkedin_add_to_profile");
    const cells = lines[1]!.slice(1, -1).split('","');
    expect(cells.slice(0, 2)).to.deep.equal(["Ada Lovelace", "ada@example.edu"]);
    expect(cells[3]!.startsWith(`${service.url}/#c=`)).to.equal(true);
    expect(await decodeShareFragment({ fragment: cells[3]! })).to.deep.equal(json);
    expect(new URL(cells[4]!).searchParams.get("certUrl")).to.equal(cells[3]);

    const verified = expectOk(await cli(["verify", join(issued, images[0]!), "--json"])).json<{ summary: Record<string, number> }>();
    expect(verified.summary).to.include({ total: 1, valid: 1 });
    const altered = { ...json, name: "Something else" };
    const forged = join(dir, "forged.png");
    await writeFile(forged, bakePng({ image: badgePng(32), credential: altered }));
    const rejected = await cli(["verify", forged, "--json"]);
    expect(rejected.code).to.equal(1);
    expect(rejected.json<{ summary: Record<string, number> }>().summary).to.include({ total: 1, invalid: 1 });
  });

  it("with --hosted-pages opens the batch to hosted pages and puts each page and its withdraw link in the mail-merge CSV", async function () {
    const cohort = join(dir, "hosted-cohort");
    const roster = join(cohort, "roster.csv");
    const template = writeJson(cohort, "template.json", badgeTemplate({ id: "did:web:demo.credanchor.local", name: "Demo University" }));
    await writeFile(roster, "name,email\nEdsger Dijkstra,edsger@example.edu\n");
    const mail = join(dir, "hosted-mail.csv");
    const refused = await cli(["issue", roster, "--template", template, "--out", join(dir, "hosted"), "--hosted-pages"]);
    expect(refused.code).to.equal(2); // needs --wait
    const issued = expectOk(await cli(["issue", roster, "--template", template, "--wait", "--out", join(dir, "hosted"), "--hosted-pages", "--mail-merge", mail, "--json"]))
      .json<{ credentials: { id: string; hostedPage: { url: string; withdrawLink: string } }[] }>();
    const [{ id, hostedPage }] = issued.credentials as [{ id: string; hostedPage: { url: string; withdrawLink: string } }];
    expect(hostedPage.url).to.equal(`${service.url}/c/${id}`);
    const lines = (await readFile(mail, "utf8")).trim().split("\r\n");
    expect(lines[0]).to.equal("recipient,email,file,share_link,linkedin_add_to_profile,hosted_page,withdraw_link");
    const cells = lines[1]!.slice(1, -1).split('","');
    expect(cells.slice(5)).to.deep.equal([hostedPage.url, hostedPage.withdrawLink]);
    expect(new URL(cells[4]!).searchParams.get("certUrl")).to.equal(hostedPage.url);
    const served = await fetch(`${hostedPage.url}/credential.json`);
    expect(served.status).to.equal(200);
    const json = JSON.parse(await readFile(join(dir, "hosted", "roster-1-edsger-dijkstra.json"), "utf8"));
    expect(((await served.json()) as { credential: unknown }).credential).to.deep.equal(json);
  });

  it("shows the live status and the proof of a credential by its service id", async function () {
    const { id, file } = first.credentials[0]!;
    const copy = join(dir, "proof", "copy.json");
    const [status, proof] = await Promise.all([cli(["status", id, "--json"]), cli(["proof", id, "--out", copy])]);
    expect(expectOk(status).json()).to.include({ id, status: "valid", leafIndex: 0 });
    expectOk(proof);
    expect(JSON.parse(await readFile(copy, "utf8"))).to.deep.equal(JSON.parse(await readFile(file, "utf8")));
  });

  it("creates a token in the database, lists and revokes tokens through the API, and the revoked token is refused", async function () {
    const db = join(dir, "data", "credanchor.db");
    const created = expectOk(
      await cli(["tokens", "create", "--db", db, "--institution", "1", "--scopes", "admin,issue", "--name", "registrar", "--json"]),
    ).json<{ id: string; token: string; scopes: string[] }>();
    expect(created.token).to.match(/^ca_/);
    expect(created.scopes).to.deep.equal(["admin", "issue"]);
    const asRegistrar = { env: { CREDANCHOR_TOKEN: created.token } };
    const listed = expectOk(await cli(["tokens", "list", "--json"], asRegistrar)).json<{ tokens: { id: string; name: string }[] }>();
    expect(listed.tokens.map((token) => token.name)).to.include.members(["registrar", "demo token (dev mode)"]);
    expect(JSON.stringify(listed)).not.to.include(created.token);
    expectOk(await cli(["tokens", "revoke", created.id]));
    const refused = await cli(["batches", "--json"], asRegistrar);
    expect(refused.code).to.equal(2);
    expect(refused.json<{ error: { code: string } }>().error.code).to.match(/^CA_/);
  });

  it("answers an unknown id and an unreachable service with exit 2 and a hint", async function () {
    const [unknown, down] = await Promise.all([
      cli(["status", "0b5e0000-0000-4000-8000-000000000000"]),
      cli(["batches"], { env: { CREDANCHOR_SERVICE_URL: "http://127.0.0.1:9" } }),
    ]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.include("0b5e0000-0000-4000-8000-000000000000");
    expect(unknown.stderr).to.include("hint:");
    expect(down.code).to.equal(2);
    expect(down.stderr).to.include("did not answer");
  });
});
