/**
 * The `credanchor` binary against a real local Hardhat node, no service: registry
 * governance and institution admins (deploy, institution, keys), an institution issuing
 * on its own (`issue --local` from a CSV cohort), status changes, and verification with
 * nothing but the files and the RPC. A few tests pin the full human-readable text.
 */
import { rmSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import { encryptKeystoreJson } from "ethers";

import type { HardhatNode } from "../../server/dev/devNode.ts";
import { startNode, tempDir } from "../server/helpers/processes.ts";
import { type Cli, type CliResult, badgeTemplate, createCli, devAddresses, devKeys, normalise, writeJson } from "./helpers.ts";

const ISSUER = { id: "did:web:example.edu", name: "Example University" };

/** Exit 0, or a failure that shows what the command printed. */
function expectOk(result: CliResult): CliResult {
  expect(result.code, `exit code; stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).to.equal(0);
  return result;
}

describe("credanchor CLI on a local chain (no service)", function () {
  let node: HardhatNode;
  let dir: string;
  let out: string;
  let cli: Cli;
  let issued: Record<string, unknown>;
  const file = (name: string) => join(out, `${name}.json`);

  before(async function () {
    node = await startNode();
    dir = tempDir("credanchor-cli-");
    out = join(dir, "issued");
    cli = createCli({ CREDANCHOR_RPC_URL: node.url, CREDANCHOR_DEPLOYMENTS_DIR: join(dir, "deployments") });
    expectOk(await cli(["deploy"], { env: { CREDANCHOR_GOVERNOR_KEY: devKeys.governor } }));
    const register = expectOk(
      await cli(
        ["institution", "register", "--name", ISSUER.name, "--identifier", ISSUER.id, "--admin", devAddresses.admin, "--json"],
        { env: { CREDANCHOR_GOVERNOR_KEY: devKeys.governor } },
      ),
    );
    expect(register.json().institutionId).to.equal(1);
    const admin = { env: { CREDANCHOR_ADMIN_KEY: devKeys.admin, CREDANCHOR_INSTITUTION_ID: "1" } };
    expectOk(await cli(["keys", "add", devAddresses.anchorer, "--role", "anchorer"], admin));
    expectOk(await cli(["keys", "add", devAddresses.revoker, "--role", "revoker"], admin));

    const template = writeJson(dir, "rust-101.json", badgeTemplate(ISSUER));
    const roster = join(dir, "roster.csv");
    await writeFile(
      roster,
      'name,email,id\nAda Lovelace,ada@example.edu,did:example:ada\n"Turing, Alan",alan@example.edu,\nGrace Hopper,,did:example:grace\nEdsger Dijkstra,edsger@example.edu,\n',
    );
    const issue = expectOk(
      await cli(["issue", roster, "--template", template, "--local", "--institution", "1", "--out", out, "--json"], {
        env: { CREDANCHOR_ANCHORER_KEY: devKeys.anchorer },
      }),
    );
    issued = issue.json();
  });

  after(async function () {
    await node?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  describe("deploy", function () {
    it("prints the deployment and its gas estimate with --dry-run, and records nothing", async function () {
      const result = expectOk(await cli(["deploy", "--name", "other", "--dry-run", "--from", devAddresses.governor, "--json"]));
      const body = result.json<{ dryRun: boolean; gas: string; governance: string }>();
      expect(body.dryRun).to.equal(true);
      expect(Number(body.gas)).to.be.greaterThan(1_000_000);
      expect(body.governance).to.equal(devAddresses.governor);
      expect(await readdir(join(dir, "deployments"))).to.deep.equal(["localhost.json"]);
    });

    it("refuses to replace the record of a registry that is still live", async function () {
      const result = await cli(["deploy"], { env: { CREDANCHOR_GOVERNOR_KEY: devKeys.governor } });
      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(/localhost\.json already records a live registry/);
      expect(result.stderr).to.include("--force");
    });
  });

  describe("institutions and keys", function () {
    it("shows the institution with every key and its roles (--json)", async function () {
      const body = expectOk(await cli(["institution", "show", "1", "--json"])).json<{
        institution: { name: string; identifier: string; status: string };
        keys: { account: string; roles: string[]; compromisedFrom: number }[];
      }>();
      expect(body.institution).to.include({ name: ISSUER.name, identifier: ISSUER.id, status: "active" });
      expect(body.keys).to.deep.equal([
        { account: devAddresses.admin, roles: ["admin"], compromisedFrom: 0 },
        { account: devAddresses.anchorer, roles: ["anchorer"], compromisedFrom: 0 },
        { account: devAddresses.revoker, roles: ["revoker"], compromisedFrom: 0 },
      ]);
    });

    it("rejects an address whose EIP-55 checksum is wrong, before any call", async function () {
      const wrong = devAddresses.admin.replace("C51812dc", "C51812DC");
      const result = await cli(["keys", "add", wrong, "--role", "revoker", "--institution", "1", "--json"], {
        env: { CREDANCHOR_ADMIN_KEY: devKeys.admin },
      });
      expect(result.code).to.equal(2);
      expect(result.json<{ error: { code: string; message: string } }>().error).to.include({ code: "CA_CLI_USAGE" });
      expect(result.stdout).to.include("wrong EIP-55 checksum");
    });

    it("names the registry's error and the missing role when the key is not an admin", async function () {
      const result = await cli(["keys", "add", devAddresses.outsider, "--role", "anchorer", "--institution", "1"], {
        env: { CREDANCHOR_ADMIN_KEY: devKeys.outsider },
      });
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include(`CredentialRegistryUnauthorized(1, ${devAddresses.outsider}, 1)`);
      expect(result.stderr).to.include("holds none of the roles admin in institution 1");
      expect(result.stdout).to.equal("");
    });

    it("never echoes a malformed private key, and names the variables when no key is set", async function () {
      const secret = "0xdeadbeefnot-a-key-but-a-secret-all-the-same";
      const [malformed, missing] = await Promise.all([
        cli(["keys", "add", devAddresses.outsider, "--role", "revoker", "--institution", "1", "--json"], {
          env: { CREDANCHOR_ADMIN_KEY: secret },
        }),
        cli(["institution", "suspend", "1", "--reason", "underInvestigation"]),
      ]);
      expect(malformed.code).to.equal(2);
      expect(malformed.json<{ error: { code: string } }>().error.code).to.equal("CA_CLI_KEY_INVALID");
      expect(malformed.stdout + malformed.stderr).not.to.include("deadbeef");
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.include("No governor key");
      expect(missing.stderr).to.include("CREDANCHOR_GOVERNOR_KEY");
    });

    it("signs with an encrypted JSON keystore, and says so when the password is wrong", async function () {
      const keystore = join(dir, "admin.keystore.json");
      const json = await encryptKeystoreJson({ address: devAddresses.admin, privateKey: devKeys.admin }, "correct horse", {
        scrypt: { N: 1 << 10 },
      });
      await writeFile(keystore, json);
      const args = ["keys", "compromise", devAddresses.outsider, "--institution", "1", "--keystore", keystore, "--dry-run", "--json"];
      const [good, bad] = await Promise.all([
        cli(args, { env: { CREDANCHOR_KEYSTORE_PASSWORD: "correct horse" } }),
        cli(args, { env: { CREDANCHOR_KEYSTORE_PASSWORD: "wrong" } }),
      ]);
      const body = expectOk(good).json<{ dryRun: boolean; calls: { functionName: string; from: string; gas: string }[] }>();
      expect(body.dryRun).to.equal(true);
      expect(body.calls).to.have.length(1);
      expect(body.calls[0]).to.include({ functionName: "markKeyCompromised", from: devAddresses.admin });
      expect(bad.code).to.equal(2);
      expect(bad.json<{ error: { code: string } }>().error.code).to.equal("CA_CLI_KEYSTORE_PASSWORD");
    });
  });

  describe("issue --local", function () {
    it("anchors a CSV cohort as one batch and writes one portable credential per recipient", async function () {
      expect(issued).to.include({ mode: "local", leafCount: 4, alreadyAnchored: false, institutionId: 1 });
      expect((await readdir(out)).filter((name) => name.endsWith(".json")).sort()).to.deep.equal([
        "roster-1-ada-lovelace.json",
        "roster-2-turing-alan.json",
        "roster-3-grace-hopper.json",
        "roster-4-edsger-dijkstra.json",
      ]);
      const ada = JSON.parse(await readFile(file("roster-1-ada-lovelace"), "utf8"));
      expect(ada.proof).to.include({ format: "credanchor-proof-v1", chain: "eip155:31337", leafIndex: 0, leafCount: 4 });
      expect(ada.credentialSubject.id).to.equal("did:example:ada");
      expect(JSON.stringify(ada)).not.to.include("ada@example.edu"); // recipients are hashed
    });

    it("sends nothing when re-run with the same input (resumes from its journal)", async function () {
      const again = expectOk(
        await cli(["issue", join(dir, "roster.csv"), "--template", join(dir, "rust-101.json"), "--local", "--institution", "1", "--out", out, "--json"], {
          env: { CREDANCHOR_ANCHORER_KEY: devKeys.anchorer },
        }),
      ).json<{ alreadyAnchored: boolean; batchId: string; transactionHash: string }>();
      expect(again.alreadyAnchored).to.equal(true);
      expect(again.batchId).to.equal(issued.batchId);
      expect(again.transactionHash).to.equal(issued.transactionHash);
    });

    it("rejects invalid credentials before anchoring anything, naming the file and the field", async function () {
      const bad = writeJson(join(dir, "bad"), "no-issuer.json", {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        type: ["VerifiableCredential"],
        credentialSubject: { id: "did:example:x" },
      });
      const result = await cli(["issue", bad, "--local", "--institution", "1", "--out", join(dir, "bad-out"), "--json"], {
        env: { CREDANCHOR_ANCHORER_KEY: devKeys.anchorer },
      });
      expect(result.code).to.equal(2);
      const error = result.json<{ error: { code: string; message: string; hints: string[] } }>().error;
      expect(error.code).to.equal("CA_CREDENTIAL_INVALID");
      expect(error.message).to.include("nothing was anchored");
      expect(error.hints.join("\n")).to.match(/no-issuer\.json.*\$\.issuer/);
      const batches = expectOk(await cli(["batches", "--source", "chain", "--institution", "1", "--json"])).json<{ batches: unknown[] }>();
      expect(batches.batches).to.have.length(1);
    });
  });

  describe("verify", function () {
    it("prints every check of a valid credential (pinned text)", async function () {
      const result = expectOk(await cli(["verify", file("roster-1-ada-lovelace")]));
      expect(normalise(result.stdout, { out })).to.equal(
        [
          "<out>/roster-1-ada-lovelace.json: VALID",
          '  "Rust 101" issued by did:web:example.edu to did:example:ada',
          "  ✔ format           a credanchor-proof-v1 credential anchored on eip155:31337",
          "  ✔ integrity        content matches the hash that was anchored",
          "  - signature        a credanchor-proof-v1 credential carries no issuer signature that credanchor checks; the anchor establishes the issuer",
          "  ✔ inclusion        leaf 0 of 4 is in batch <short>",
          "  ✔ validity period  valid from <time>, no expiry",
          "  ✔ anchored         root anchored in registry <address> on eip155:31337 at <time>",
          "  ✔ issuer           issued by Example University (did:web:example.edu), institution 1",
          "  ✔ status           not revoked, not suspended",
          "  ✔ confirmations    <n> confirmations (1 required)",
          "",
        ].join("\n"),
      );
    });

    it("reports a tampered credential as invalid, exit 1 (pinned text)", async function () {
      const original = JSON.parse(await readFile(file("roster-3-grace-hopper"), "utf8"));
      original.credentialSubject.achievement.name = "Rust 999";
      const tampered = writeJson(join(dir, "tampered"), "grace.json", original);
      const result = await cli(["verify", tampered]);
      expect(result.code).to.equal(1);
      expect(normalise(result.stdout, { dir })).to.equal(
        [
          "<dir>/tampered/grace.json: INVALID",
          '  "Rust 999" issued by did:web:example.edu to did:example:grace',
          "  ✔ format           a credanchor-proof-v1 credential anchored on eip155:31337",
          "  ✘ integrity        the credential's content was changed after it was issued: its hash no longer matches the anchored one",
          "  - signature        not checked: the integrity check did not pass",
          "  - inclusion        not checked: the integrity check did not pass",
          "  - validity period  not checked: the integrity check did not pass",
          "  - anchored         not checked: the integrity check did not pass",
          "  - issuer           not checked: the integrity check did not pass",
          "  - status           not checked: the integrity check did not pass",
          "  - confirmations    not checked: the integrity check did not pass",
          "",
        ].join("\n"),
      );
    });

    it("revokes a credential by its file, then verify reports it revoked with the reason, exit 1 (pinned text)", async function () {
      const revoke = expectOk(
        await cli(["revoke", file("roster-2-turing-alan"), "--reason", "superseded", "--json"], {
          env: { CREDANCHOR_REVOKER_KEY: devKeys.revoker },
        }),
      ).json<{ dryRun: boolean; reason: number; credentials: { leafIndex: number }[]; calls: { transactionHash: string }[] }>();
      expect(revoke).to.deep.include({ dryRun: false, reason: 2, credentials: [{ batchId: issued.batchId, leafIndex: 1 }] });
      expect(revoke.calls[0]!.transactionHash).to.match(/^0x[0-9a-f]{64}$/);

      const result = await cli(["verify", file("roster-2-turing-alan")]);
      expect(result.code).to.equal(1);
      expect(normalise(result.stdout, { out })).to.equal(
        [
          "<out>/roster-2-turing-alan.json: INVALID",
          '  "Rust 101" issued by did:web:example.edu',
          "  ✔ format           a credanchor-proof-v1 credential anchored on eip155:31337",
          "  ✔ integrity        content matches the hash that was anchored",
          "  - signature        a credanchor-proof-v1 credential carries no issuer signature that credanchor checks; the anchor establishes the issuer",
          "  ✔ inclusion        leaf 1 of 4 is in batch <short>",
          "  ✔ validity period  valid from <time>, no expiry",
          "  ✔ anchored         root anchored in registry <address> on eip155:31337 at <time>",
          "  ✔ issuer           issued by Example University (did:web:example.edu), institution 1",
          "  ✘ status           revoked by the issuer: superseded by a newer credential (reason 2)",
          "  ✔ confirmations    <n> confirmations (1 required)",
          "",
        ].join("\n"),
      );

      // As of a moment before the revocation, it was valid (rebuilt from the registry's events).
      const anchoredAt = JSON.parse(await readFile(file("roster-2-turing-alan"), "utf8")).proof.created as string;
      // And revoking it again (an interrupted run, re-run) sends nothing.
      const [then, again] = await Promise.all([
        cli(["verify", file("roster-2-turing-alan"), "--at", anchoredAt, "--json"]),
        cli(["revoke", file("roster-2-turing-alan"), "--reason", "superseded", "--json"], { env: { CREDANCHOR_REVOKER_KEY: devKeys.revoker } }),
      ]);
      expect(then.code).to.equal(0);
      expect(then.json<{ results: { status: string }[] }>().results[0]!.status).to.equal("valid");
      expect(expectOk(again).json()).to.deep.include({ calls: [], skipped: [{ batchId: issued.batchId, leafIndex: 1, status: "revoked" }] });
    });

    it("verifies a folder in one run: one line each, a summary, and exit 2 for an unreadable file (--json shape too)", async function () {
      await writeFile(join(dir, "tampered", "broken.json"), "{ not json");
      const [human, machine] = await Promise.all([cli(["verify", out, join(dir, "tampered")]), cli(["verify", out, join(dir, "tampered"), "--json"])]);
      expect(human.code).to.equal(2);
      expect(normalise(human.stdout, { out, dir })).to.equal(
        [
          "✔ VALID    <out>/roster-1-ada-lovelace.json",
          "✘ INVALID  <out>/roster-2-turing-alan.json",
          "    status: revoked by the issuer: superseded by a newer credential (reason 2)",
          "✔ VALID    <out>/roster-3-grace-hopper.json",
          "✔ VALID    <out>/roster-4-edsger-dijkstra.json",
          "✘ INVALID  <dir>/tampered/grace.json",
          "    integrity: the credential's content was changed after it was issued: its hash no longer matches the anchored one",
          "! ERROR    <dir>/tampered/broken.json: not JSON: Expected property name or '}' in JSON at position 2 (line 1 column 3)",
          "6 credentials in 1 batch: 3 valid, 2 invalid, 0 pending, 1 error",
          "",
        ].join("\n"),
      );
      const body = machine.json<{
        summary: Record<string, number>;
        results: { source: string; status: string; report?: { checks: { id: string; outcome: string }[] }; error?: { code: string } }[];
      }>();
      expect(machine.code).to.equal(2);
      expect(body.summary).to.deep.equal({ total: 6, valid: 3, invalid: 2, pending: 0, error: 1, batches: 1 });
      expect(body.results.map((result) => result.status)).to.deep.equal(["valid", "invalid", "valid", "valid", "invalid", "error"]);
      expect(body.results[0]!.report!.checks.map((check) => check.id)).to.deep.equal([
        "format",
        "integrity",
        "signature",
        "inclusion",
        "validityPeriod",
        "anchored",
        "issuer",
        "status",
        "confirmations",
      ]);
      expect(body.results[5]!.error!.code).to.equal("CA_CLI_FILE_INVALID");
    });

    it("reads a credential from stdin", async function () {
      const result = await cli(["verify", "-", "--json"], { input: await readFile(file("roster-4-edsger-dijkstra"), "utf8") });
      expect(result.code).to.equal(0);
      expect(result.json<{ results: { source: string; status: string }[] }>().results).to.deep.include.members([
        { source: "stdin", status: "valid", report: result.json<{ results: { report: unknown }[] }>().results[0]!.report },
      ]);
    });

    it("treats a chain outside the allow-list and an untrusted registry as invalid (exit 1)", async function () {
      const [chain, registry] = await Promise.all([
        cli(["verify", file("roster-1-ada-lovelace"), "--chain", "eip155:1", "--json"]),
        cli(["verify", file("roster-1-ada-lovelace"), "--registry", devAddresses.outsider, "--json"]),
      ]);
      type Body = { results: { status: string; report: { checks: { id: string; outcome: string; reason: string }[] } }[] };
      const anchored = (result: CliResult) => result.json<Body>().results[0]!.report.checks.find((check) => check.id === "anchored")!;
      expect(chain.code).to.equal(1);
      expect(anchored(chain)).to.deep.include({ outcome: "invalid" });
      expect(anchored(chain).reason).to.include("not an allowed chain (eip155:1)");
      expect(registry.code).to.equal(1);
      expect(anchored(registry).reason).to.include("is not one of the trusted registries");
    });

    it("trusts no registry when none is given or recorded, and only warns with --registry any", async function () {
      const nowhere = { env: { CREDANCHOR_DEPLOYMENTS_DIR: join(dir, "no-deployments-here") } };
      const [closed, open] = await Promise.all([
        cli(["verify", file("roster-1-ada-lovelace")], nowhere),
        cli(["verify", file("roster-1-ada-lovelace"), "--registry", "any"], nowhere),
      ]);
      expect(closed.code).to.equal(1);
      expect(closed.stdout).to.include("INVALID");
      expect(closed.stdout).to.include("is not trusted: no trusted registry was given");
      expect(closed.stderr + closed.stdout).to.include("Pass --registry <address>");
      expect(open.code).to.equal(0);
      expect(open.stdout).to.include("NOT checked against a trusted list");
      expect(open.stderr + open.stdout).to.include("warning: --registry any");
    });

    it("reports an unreachable RPC as an error, never as invalid (exit 2)", async function () {
      const result = await cli(["verify", file("roster-1-ada-lovelace"), "--rpc", "http://127.0.0.1:9", "--json"]);
      expect(result.code).to.equal(2);
      const [report] = result.json<{ results: { status: string; report: { checks: { id: string; outcome: string; reason: string }[] } }[] }>().results;
      expect(report!.status).to.equal("error");
      expect(report!.report.checks.find((check) => check.id === "anchored")).to.deep.include({ outcome: "error" });
      expect(report!.report.checks.every((check) => check.outcome !== "invalid")).to.equal(true);
    });
  });

  describe("status changes", function () {
    it("suspends by batch and index, shows the reason, and reinstates", async function () {
      const revoker = { env: { CREDANCHOR_REVOKER_KEY: devKeys.revoker } };
      const batch = String(issued.batchId);
      expectOk(await cli(["suspend", "--batch", batch, "--index", "2", "--reason", "underInvestigation"], revoker));
      const suspended = await cli(["status", file("roster-3-grace-hopper")]);
      expect(suspended.code).to.equal(1);
      expect(normalise(suspended.stdout, { out }).split("\n").slice(0, 5)).to.deep.equal([
        "✘ <out>/roster-3-grace-hopper.json: suspended",
        "  credential  urn:uuid:" + JSON.parse(await readFile(file("roster-3-grace-hopper"), "utf8")).id.slice("urn:uuid:".length),
        "  batch       <hash> index 2",
        "  registry    <address> on eip155:31337",
        "  reason      under investigation (reason 8)",
      ]);
      expectOk(await cli(["reinstate", "--batch", batch, "--index", "2", "--reason", "cleared"], revoker));
      const status = expectOk(await cli(["status", file("roster-3-grace-hopper"), "--json"])).json<{ status: string; history: { kind: string }[] }>();
      expect(status.status).to.equal("valid");
      expect(status.history.map((event) => event.kind)).to.deep.equal(["suspended", "reinstated"]);
    });

    it("prints the revocation of a whole batch with --dry-run and sends nothing", async function () {
      const [result, after] = await Promise.all([
        cli(["batch", "revoke", String(issued.batchId), "--reason", "issuedInError", "--dry-run", "--json"], {
          env: { CREDANCHOR_REVOKER_KEY: devKeys.revoker },
        }),
        cli(["batch", "show", String(issued.batchId), "--json"]),
      ]);
      const body = expectOk(result).json<{ dryRun: boolean; calls: { functionName: string; args: unknown[]; gas: string }[] }>();
      expect(body.dryRun).to.equal(true);
      expect(body.calls[0]).to.deep.include({ functionName: "revokeBatch", args: [issued.batchId, 1] });
      expect(Number(body.calls[0]!.gas)).to.be.greaterThan(21_000);
      expect(body.calls[0]).not.to.have.property("transactionHash");
      const show = expectOk(after).json<{ batch: { revoked: boolean; leafCount: number } }>();
      expect(show.batch).to.include({ revoked: false, leafCount: 4 });
    });

    it("answers usage errors and unknown batches with exit 2 and a hint", async function () {
      const [usage, unknown, reason] = await Promise.all([
        cli(["revoke", "--reason", "superseded"], { env: { CREDANCHOR_REVOKER_KEY: devKeys.revoker } }),
        cli(["batch", "show", `0x${"ab".repeat(32)}`]),
        cli(["revoke", "--batch", String(issued.batchId), "--index", "0", "--reason", "because"], { env: { CREDANCHOR_REVOKER_KEY: devKeys.revoker } }),
      ]);
      expect(usage.code).to.equal(2);
      expect(usage.stderr).to.include("Which credentials?");
      expect(unknown.code).to.equal(2);
      expect(unknown.stderr).to.match(/No batch 0x(ab){32} in registry/);
      expect(reason.code).to.equal(2);
      expect(reason.stderr).to.include("Standard reasons: unspecified, issuedInError, superseded");
    });
  });

  it("shows examples and the environment variables it reads in every subcommand's --help", async function () {
    const [verify, revoke] = await Promise.all([cli(["verify", "--help"]), cli(["revoke", "--help"])]);
    expect(verify.code).to.equal(0);
    expect(verify.stdout).to.include("Examples:\n  $ credanchor verify alice.json");
    expect(verify.stdout).to.match(/Environment variables:\n\s+CREDANCHOR_RPC_URL/);
    expect(revoke.stdout).to.include("CREDANCHOR_REVOKER_KEY");
    expect(revoke.stdout).to.include("--dry-run");
  });
});
