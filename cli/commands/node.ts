/**
 * `credanchor node`: a local Hardhat node for development (`npx hardhat node` in the
 * project), running in the foreground until Ctrl-C.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

import type { Command } from "commander";

import { type Runtime, action, parseIntFlag, withHelp } from "../lib/command.ts";
import { CliError } from "../lib/errors.ts";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

type NodeFlags = { readonly port: string; readonly hostname: string };

export function registerNodeCommand(program: Command, runtime: Runtime): void {
  const command = program
    .command("node")
    .description("start a local Hardhat node (chain 31337, funded dev accounts) in the foreground")
    .option("--port <port>", "port to listen on", "8545")
    .option("--hostname <host>", "address to bind", "127.0.0.1");
  withHelp(command, {
    examples: [
      "credanchor node                      # then, in another terminal: credanchor deploy",
      "credanchor node --port 8546",
    ],
    env: [],
  });
  command.action(
    action(runtime, async (out, flags: NodeFlags) => {
      const port = parseIntFlag(flags.port, "--port", { min: 1, max: 65_535 });
      out.note(`Starting a Hardhat node on http://${flags.hostname}:${port} (Ctrl-C to stop). Its chain is gone when it stops.`);
      const child = spawn("npx", ["hardhat", "node", "--port", String(port), "--hostname", flags.hostname], {
        cwd: projectRoot,
        stdio: ["ignore", "inherit", "inherit"],
      });
      const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
      process.once("SIGINT", forward("SIGINT"));
      process.once("SIGTERM", forward("SIGTERM"));
      return new Promise<number>((resolve, reject) => {
        child.once("error", (error) =>
          reject(new CliError({ code: "CA_CLI_UNEXPECTED", message: `Cannot start the Hardhat node: ${error.message}`, hints: ["Run `npm install` in the project first."] })),
        );
        child.once("exit", (code, signal) => resolve(signal === "SIGINT" || signal === "SIGTERM" ? 0 : (code ?? 0) === 0 ? 0 : 2));
      });
    }),
  );
}
