/**
 * Dev mode: a local Hardhat node as a child process (`npx hardhat node`, run with this
 * Node binary so it gets the same version), killed when the service exits.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** Parameters of {@link startHardhatNode}. */
export type StartHardhatNodeParameters = {
  readonly repoRoot: string;
  readonly host: string;
  readonly port: number;
  /** File that receives the node's (verbose) output. */
  readonly logFile: string;
  /** How long to wait for the node to answer (default 60 s). */
  readonly timeoutMs?: number | undefined;
};

/** A running node. */
export type HardhatNode = {
  readonly url: string;
  readonly pid: number;
  /** Stops the node (its whole process group) and waits for it to exit. */
  stop(): Promise<void>;
};

/**
 * True if a JSON-RPC server answers `eth_chainId` at `url` within `timeoutMs`.
 *
 * @example
 * ```ts
 * if (!(await rpcAnswers({ url: "http://127.0.0.1:8545" }))) startHardhatNode(...);
 * ```
 */
export async function rpcAnswers(parameters: { readonly url: string; readonly timeoutMs?: number | undefined }): Promise<boolean> {
  try {
    const response = await fetch(parameters.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(parameters.timeoutMs ?? 2_000),
    });
    const body = (await response.json()) as { result?: unknown };
    return typeof body.result === "string";
  } catch {
    return false;
  }
}

function hardhatCli(repoRoot: string): string {
  const require = createRequire(join(repoRoot, "package.json"));
  return join(dirname(require.resolve("hardhat/package.json")), "dist/src/cli.js");
}

/**
 * Starts `hardhat node --hostname <host> --port <port>` in the repository and waits until
 * it answers.
 *
 * @example
 * ```ts
 * const node = await startHardhatNode({ repoRoot, host: "127.0.0.1", port: 8545, logFile: "data/hardhat-node.log" });
 * await node.stop();
 * ```
 */
export async function startHardhatNode(parameters: StartHardhatNodeParameters): Promise<HardhatNode> {
  const { repoRoot, host, port, logFile } = parameters;
  const url = `http://${host}:${port}`;
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: "a" });
  const child: ChildProcess = spawn(
    process.execPath,
    [hardhatCli(repoRoot), "node", "--hostname", host, "--port", String(port)],
    { cwd: repoRoot, detached: true, stdio: ["ignore", "pipe", "pipe"], env: process.env },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const pid = child.pid!;
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const kill = (signal: NodeJS.Signals) => {
    if (exited) return;
    try {
      process.kill(-pid, signal); // the node's own process group (detached)
    } catch {
      // already gone
    }
  };
  const onExit = () => kill("SIGKILL");
  process.once("exit", onExit);

  const deadline = Date.now() + (parameters.timeoutMs ?? 60_000);
  while (!(await rpcAnswers({ url, timeoutMs: 1_000 }))) {
    if (exited) throw new Error(`hardhat node exited before answering; see ${logFile}`);
    if (Date.now() > deadline) {
      kill("SIGKILL");
      throw new Error(`hardhat node did not answer at ${url}; see ${logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    pid,
    async stop() {
      process.removeListener("exit", onExit);
      kill("SIGTERM");
      const timer = setTimeout(() => kill("SIGKILL"), 3_000);
      await exitedPromise;
      clearTimeout(timer);
      log.end();
    },
  };
}
