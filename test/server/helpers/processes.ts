/**
 * Real processes for the service tests and benchmarks: a Hardhat node on a free port and
 * the service itself (`node --import tsx server/main.ts`) with its own data directory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { startHardhatNode, type HardhatNode } from "../../../server/dev/devNode.ts";

/** The repository root. */
export const repoRoot = resolve(import.meta.dirname, "../../..");

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** A fresh temporary directory. */
export function tempDir(prefix = "credanchor-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Starts `hardhat node` on a free port.
 *
 * @example
 * ```ts
 * const node = await startNode();
 * await node.stop();
 * ```
 */
export async function startNode(parameters: { port?: number | undefined; logDir?: string | undefined } = {}): Promise<HardhatNode> {
  const port = parameters.port ?? (await freePort());
  return startHardhatNode({
    repoRoot,
    host: "127.0.0.1",
    port,
    logFile: join(parameters.logDir ?? tempDir("credanchor-node-"), "hardhat-node.log"),
  });
}

/** A service process. */
export type ServiceProcess = {
  readonly child: ChildProcess;
  readonly url: string;
  /** The dev-mode demo token (from <dataDir>/demo-token). */
  readonly token: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
};

/**
 * Spawns the service against `rpcUrl` with a database in `dataDir`; resolves once
 * /healthz answers (or rejects if the process exits first).
 *
 * @example
 * ```ts
 * const service = await spawnService({ rpcUrl: node.url, dataDir, env: { CREDANCHOR_BATCH_MAX_WAIT_MS: "200" } });
 * ```
 */
export async function spawnService(parameters: {
  readonly rpcUrl: string;
  readonly dataDir: string;
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly port?: number | undefined;
  readonly timeoutMs?: number | undefined;
}): Promise<ServiceProcess> {
  const port = parameters.port ?? (await freePort());
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "server/main.ts")], {
    cwd: repoRoot,
    env: {
      ...process.env,
      CREDANCHOR_RPC_URL: parameters.rpcUrl,
      CREDANCHOR_DB_PATH: join(parameters.dataDir, "credanchor.db"),
      CREDANCHOR_PORT: String(port),
      CREDANCHOR_SPAWN_NODE: "false",
      CREDANCHOR_LOG_LEVEL: "info",
      CREDANCHOR_SIGN: "0", // credanchor-proof-v1 unless a test opts in
      ...parameters.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.once("exit", (code, signal) => resolveExit({ code, signal })),
  );
  let done = false;
  let exitCode: number | null = null;
  void exited.then(({ code }) => ((exitCode = code), (done = true)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (parameters.timeoutMs ?? 90_000);
  for (;;) {
    if (done) throw new Error(`service exited (code ${exitCode}) before answering:\n${output}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`service did not answer in time:\n${output}`);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  let token = "";
  try {
    token = readFileSync(join(parameters.dataDir, "demo-token"), "utf8").trim();
  } catch {
    // production-mode runs have no demo token
  }
  return {
    child,
    url,
    token,
    output: () => output,
    exited,
    async stop() {
      if (done) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
