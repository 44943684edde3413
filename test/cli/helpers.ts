/**
 * Helpers for the CLI tests: run the real `credanchor` binary (`node cli/bin.js`) as a
 * child process with a clean environment, and make its output comparable (addresses,
 * hashes, times and temp paths replaced by placeholders). Nodes and services come from
 * test/server/helpers/processes.ts.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { repoRoot } from "../server/helpers/processes.ts";

/**
 * Hardhat's well-known development keys (public: tests only). #0 registry governance,
 * #1 institution admin, #2 anchorer, #3 revoker, #5 an outsider with no role.
 */
export const devKeys = {
  governor: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  admin: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  anchorer: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  revoker: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  outsider: "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
} as const;

/** The addresses of {@link devKeys}. */
export const devAddresses = {
  governor: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  admin: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  anchorer: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
  revoker: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  outsider: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
} as const;

/** What one run of the binary did. */
export type CliResult = {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json<T = Record<string, unknown>>(): T;
};

/** Options of one run. */
export type RunOptions = {
  /** Variables added to (or, with undefined, removed from) the base environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Written to stdin, then closed. */
  readonly input?: string;
};

/** Runs the binary with `args`. */
export type Cli = (args: readonly string[], options?: RunOptions) => Promise<CliResult>;

/**
 * A runner with a base environment: PATH and HOME only (no CREDANCHOR_* leaks in from the
 * developer's shell), NO_COLOR, plus `env`.
 *
 * @example
 * const cli = createCli({ CREDANCHOR_RPC_URL: node.url });
 * const { code, stdout } = await cli(["verify", "alice.json"]);
 */
export function createCli(env: Readonly<Record<string, string>>): Cli {
  const base = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1", ...env };
  return (args, options = {}) =>
    new Promise((resolve, reject) => {
      const merged: Record<string, string> = { ...base };
      for (const [key, value] of Object.entries(options.env ?? {})) {
        if (value === undefined) delete merged[key];
        else merged[key] = value;
      }
      const child = spawn(process.execPath, [join(repoRoot, "cli/bin.js"), ...args], {
        cwd: repoRoot,
        env: merged,
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.once("error", reject);
      child.once("close", (code) =>
        resolve({
          code,
          stdout,
          stderr,
          json<T>() {
            try {
              return JSON.parse(stdout) as T;
            } catch {
              throw new Error(`stdout is not JSON (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
            }
          },
        }),
      );
      child.stdin.end(options.input ?? "");
    });
}

/**
 * Replaces what changes from run to run with placeholders, so output can be pinned:
 * temp folders, 32-byte hashes, addresses, shortened hashes, ISO times, block numbers,
 * confirmation counts.
 */
export function normalise(text: string, folders: Readonly<Record<string, string>> = {}): string {
  let out = text;
  for (const [name, folder] of Object.entries(folders)) out = out.split(folder).join(`<${name}>`);
  return out
    .replace(/0x[0-9a-fA-F]{64}/g, "<hash>")
    .replace(/0x[0-9a-fA-F]{40}/g, "<address>")
    .replace(/0x[0-9a-f]{6}…[0-9a-f]{4}/g, "<short>")
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, "<time>")
    .replace(/\(block \d+\)/g, "(block <n>)")
    .replace(/\d+ confirmations? \(/g, "<n> confirmations (");
}

/** Writes `value` as JSON to `dir/name`, creating `dir`; returns the path. */
export function writeJson(dir: string, name: string, value: unknown): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

/** An Open Badges achievement template for `issue --template`. */
export function badgeTemplate(issuer: { id: string; name: string }) {
  return {
    issuer,
    achievement: {
      id: "https://example.edu/badges/rust-101",
      name: "Rust 101",
      description: "Completed the Rust 101 course.",
      criteria: { narrative: "Pass the final project." },
    },
    validFrom: "2025-01-15T09:00:00Z",
  };
}
