/**
 * The bundled CLI (cli/dist, scripts/build-cli.ts) against the source it was built from:
 * the same command gives byte-for-byte the same output and exit code, on a real node.
 * And cli/bin.js really runs the bundle when it is fresh, and the source when a file it
 * was built from is newer (checked by recording which modules the process resolved).
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { expect } from "chai";

import { buildCli } from "../../scripts/build-cli.ts";
import type { HardhatNode } from "../../server/dev/devNode.ts";
import { repoRoot, startNode, tempDir } from "../server/helpers/processes.ts";
import { badgeTemplate, createCli, devAddresses, devKeys, writeJson } from "./helpers.ts";

type Run = { code: number | null; stdout: string; stderr: string; modules: string[] };

describe("bundled CLI (cli/dist)", function () {
  this.timeout(180_000);
  let node: HardhatNode;
  let dir: string;
  let env: Record<string, string>;
  let valid: string;
  let tampered: string;
  let hook: string;

  /** Runs bin.js; `modules` lists the repository's modules the process resolved. */
  function run(args: readonly string[], extraEnv: Record<string, string> = {}): Promise<Run> {
    const log = join(dir, `modules-${Math.random().toString(36).slice(2)}.txt`);
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", pathToFileURL(hook).href, join(repoRoot, "cli/bin.js"), ...args], {
        cwd: repoRoot,
        env: { ...env, ...extraEnv, MODULE_LOG: log },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.once("error", reject);
      child.once("close", (code) => {
        let modules: string[] = [];
        try {
          modules = readFileSync(log, "utf8").split("\n").filter(Boolean);
        } catch {
          // nothing resolved through the hook
        }
        resolve({ code, stdout, stderr, modules });
      });
    });
  }

  const bundled = (result: Run) => result.modules.some((url) => url.includes("/cli/dist/main.mjs"));
  const fromSource = (result: Run) => result.modules.some((url) => url.endsWith("/cli/main.ts"));

  before(async function () {
    [node] = await Promise.all([startNode(), buildCli()]);
    dir = tempDir("credanchor-cli-bundle-");
    // Records every module the process resolves (a synchronous in-thread hook, Node >= 22.15).
    hook = join(dir, "log-modules.mjs");
    writeFileSync(
      hook,
      'import { registerHooks } from "node:module"; import { appendFileSync } from "node:fs";\n' +
        "registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); if (result.url.startsWith('file:')) appendFileSync(process.env.MODULE_LOG, result.url + '\\n'); return result; } });\n",
    );
    env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1", CREDANCHOR_RPC_URL: node.url, CREDANCHOR_DEPLOYMENTS_DIR: join(dir, "deployments") };
    const cli = createCli(env);
    const ok = async (args: string[], extra: Record<string, string>) => {
      const result = await cli(args, { env: extra });
      expect(result.code, `${args.join(" ")}:\n${result.stdout}\n${result.stderr}`).to.equal(0);
    };
    await ok(["deploy"], { CREDANCHOR_GOVERNOR_KEY: devKeys.governor });
    await ok(["institution", "register", "--name", "Example University", "--identifier", "did:web:example.edu", "--admin", devAddresses.admin], { CREDANCHOR_GOVERNOR_KEY: devKeys.governor });
    await ok(["keys", "add", devAddresses.anchorer, "--role", "anchorer"], { CREDANCHOR_ADMIN_KEY: devKeys.admin, CREDANCHOR_INSTITUTION_ID: "1" });
    const roster = join(dir, "roster.csv");
    writeFileSync(roster, "name,email\nAda Lovelace,ada@example.edu\n");
    const template = writeJson(dir, "badge.json", badgeTemplate({ id: "did:web:example.edu", name: "Example University" }));
    await ok(["issue", roster, "--template", template, "--local", "--institution", "1", "--out", join(dir, "issued")], { CREDANCHOR_ANCHORER_KEY: devKeys.anchorer });
    valid = join(dir, "issued", "roster-1-ada-lovelace.json");
    const altered = JSON.parse(readFileSync(valid, "utf8"));
    altered.credentialSubject.achievement.name = "Rust 201";
    tampered = writeJson(dir, "tampered.json", altered);
  });

  after(async function () {
    await node?.stop();
  });

  const cases: [string, () => string[]][] = [
    ["verify, human-readable", () => ["verify", valid]],
    ["verify --json", () => ["verify", valid, "--json"]],
    ["verify of an altered credential (exit 1)", () => ["verify", tampered, "--verbose"]],
    ["verify of a missing file (exit 2)", () => ["verify", join(dir, "missing.json"), "--json"]],
    ["verify --help", () => ["verify", "--help"]],
    ["--help (every command)", () => ["--help"]],
    ["an unknown command", () => ["verfy", valid]],
  ];
  for (const [name, args] of cases) {
    it(`gives the source's output and exit code: ${name}`, async function () {
      const [fromBundle, source] = [await run(args()), await run(args(), { CREDANCHOR_CLI_SOURCE: "1" })];
      expect(bundled(fromBundle), "the bundle ran").to.equal(true);
      expect(fromSource(source), "the source ran").to.equal(true);
      expect(fromBundle.stderr).to.equal(source.stderr);
      expect(fromBundle.stdout).to.equal(source.stdout);
      expect(fromBundle.code).to.equal(source.code);
    });
  }

  it("runs the source, not a stale bundle, when a file the bundle was built from changed since", async function () {
    const inputs = join(repoRoot, "cli/dist/inputs.json");
    const original = readFileSync(inputs, "utf8");
    const { files } = JSON.parse(original) as { files: string[] };
    expect(files).to.include("cli/commands/verify.ts");
    try {
      // As if cli/commands/verify.ts had been saved after the build.
      writeFileSync(inputs, JSON.stringify({ builtAt: 0, files }));
      const result = await run(["verify", valid, "--json"]);
      expect(result.code).to.equal(0);
      expect(bundled(result)).to.equal(false);
      expect(fromSource(result)).to.equal(true);
    } finally {
      writeFileSync(inputs, original);
    }
  });
});
