/**
 * `credanchor node`: a local Hardhat node for development (`hardhat node` of the project,
 * as `npx hardhat node` would run it), in the foreground until Ctrl-C. Hardhat's own CLI
 * is started directly with this Node binary rather than through npx, so there is one child
 * process to stop: npx would leave the node running as an orphan when signalled.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
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
      let hardhat: string;
      try {
        hardhat = join(dirname(createRequire(join(projectRoot, "package.json")).resolve("hardhat/package.json")), "dist/src/cli.js");
      } catch {
        throw new CliError({ code: "CA_CLI_UNEXPECTED", message: "Hardhat is not installed in this project.", hints: ["Run `npm install` first."] });
      }
      const child = spawn(process.execPath, [hardhat, "node", "--port", String(port), "--hostname", flags.hostname], {
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
