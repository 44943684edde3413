/**
 * Start-up as an operator sees it, with real processes (`node server/main.ts`): dev mode
 * only on purpose, refusals that name what is missing, and no secret in any output.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";

import { hardhatKey } from "./helpers/fixture.ts";
import { freePort, repoRoot, tempDir } from "./helpers/processes.ts";

/** Runs the service with exactly `env` (plus PATH), until it exits or `until` matches its output. */
async function runService(env: Record<string, string>, until?: RegExp): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "server/main.ts")], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the service neither exited nor printed ${String(until)} in time:\n${output}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (until !== undefined && until.test(output)) child.kill("SIGKILL");
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("service start-up", function () {
  this.timeout(90_000);

  it("refuses the misconfigured start of issue 11 (remote RPC, chain 11155111, misspelt key variable), naming the missing key and logging no secret", async function () {
    const dataDir = tempDir();
    const key = hardhatKey(9);
    const { code, output } = await runService({
      CREDANCHOR_RPC_URL: "https://eth-sepolia.example.invalid/v3/PROJECTSECRET?apikey=QUERYSECRET",
      CREDANCHOR_CHAIN_IDS: "11155111",
      CREDANCHOR_ANCHORER_KY: key,
      CREDANCHOR_DB_PATH: join(dataDir, "db", "credanchor.db"),
    });
    expect(code, output).to.equal(1);
    expect(output).to.include("missing the anchorer key: CREDANCHOR_ANCHORER_KEY");
    expect(output).to.include("unknown variable CREDANCHOR_ANCHORER_KY (did you mean CREDANCHOR_ANCHORER_KEY?)");
    expect(output).to.not.include(key.slice(2));
    expect(output).to.not.match(/PROJECTSECRET|QUERYSECRET/);
    expect(output).to.not.include("DEV MODE");
    expect(existsSync(join(dataDir, "db")), "no database was created").to.equal(false);
  });

  it("logs the RPC URL as scheme, host and port only, at start-up and while waiting for the RPC", async function () {
    const port = await freePort(); // nothing listens there
    const dataDir = tempDir();
    const { output } = await runService(
      {
        CREDANCHOR_RPC_URL: `http://127.0.0.1:${port}/v3/PROJECTSECRET?apikey=QUERYSECRET`,
        CREDANCHOR_CHAIN_IDS: "31337",
        CREDANCHOR_ANCHORER_KEY: hardhatKey(9),
        CREDANCHOR_DB_PATH: join(dataDir, "credanchor.db"),
        CREDANCHOR_PORT: "0",
      },
      /RPC endpoint does not answer; waiting/,
    );
    const lines = output.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, any>);
    const starting = lines.find((line) => line.msg === "starting");
    const waiting = lines.find((line) => line.msg === "RPC endpoint does not answer; waiting");
    expect(starting?.config?.rpcUrl, output).to.equal(`http://127.0.0.1:${port}`);
    expect(waiting?.rpc, output).to.equal(`http://127.0.0.1:${port}`);
    expect(output).to.not.match(/PROJECTSECRET|QUERYSECRET/);
  });

  it("logs for people in dev mode on a terminal, and JSON lines when stdout is a pipe", async function () {
    const port = await freePort(); // nothing listens: the service logs, then waits for the RPC
    const env = {
      CREDANCHOR_DEV: "1",
      CREDANCHOR_SPAWN_NODE: "false",
      CREDANCHOR_RPC_URL: `http://127.0.0.1:${port}`,
      CREDANCHOR_DB_PATH: join(tempDir(), "credanchor.db"),
      CREDANCHOR_PORT: "0",
    };
    const waiting = /RPC endpoint does not answer; waiting/;
    const piped = await runService(env, waiting);
    expect(piped.output).to.match(/^\{"level":40,.*"msg":"RPC endpoint does not answer; waiting"/m);
    // script(1) runs the service on a pseudo-terminal.
    const command = `exec ${process.execPath} --import tsx ${join(repoRoot, "server/main.ts")}`;
    const onTerminal = await runScript(command, env, waiting);
    expect(onTerminal).to.match(/WARN.*RPC endpoint does not answer; waiting/);
    expect(onTerminal).to.not.include('{"level"');
  });
});

/** Runs `command` under script(1) (a pseudo-terminal) until `until` matches its output. */
async function runScript(command: string, env: Record<string, string>, until: RegExp): Promise<string> {
  const child = spawn("script", ["-qfec", command, "/dev/null"], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TERM: "xterm", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no ${String(until)} in time:\n${output}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (until.test(output)) {
        clearTimeout(timer);
        child.kill("SIGTERM");
        resolve(output);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
  });
}
