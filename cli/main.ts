/**
 * The `credanchor` command: builds the commander program from one module per command
 * group, runs it, and turns every error into a message, hints and exit code 2.
 */
import { Command, CommanderError } from "commander";

import { keccakReady } from "../core/index.ts";
import { registerBatchCommands } from "./commands/batches.ts";
import { registerDelayedCommands } from "./commands/delayed.ts";
import { registerDeployCommand } from "./commands/deploy.ts";
import { registerDidDocumentCommand } from "./commands/didDocument.ts";
import { registerInstitutionCommands } from "./commands/institution.ts";
import { registerIssueCommand } from "./commands/issue.ts";
import { registerKeysCommands } from "./commands/keys.ts";
import { registerNodeCommand } from "./commands/node.ts";
import { registerPathwayCommands } from "./commands/pathway.ts";
import { registerRevokeCommands } from "./commands/revoke.ts";
import { registerServiceCommands } from "./commands/service.ts";
import { registerStatusCommands } from "./commands/status.ts";
import { registerTokensCommands } from "./commands/tokens.ts";
import { registerVerifyCommand } from "./commands/verify.ts";
import { type Runtime, helpFooter } from "./lib/command.ts";
import { debugEnabled } from "./lib/config.ts";
import { exitCodes, toErrorView } from "./lib/errors.ts";
import { type Io, createOutput } from "./lib/output.ts";

const version = "0.1.0";

/** Builds the program for one run. */
export function buildProgram(runtime: Runtime): Command {
  const program = new Command("credanchor");
  program
    .description(
      "Blockchain-anchored micro-credentials (Open Badges 3.0 / VC 2.0): verify them, issue them, manage the registry.",
    )
    .version(version)
    .option("--json", "print one machine-readable JSON document on stdout")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (text) => runtime.io.stdout.write(text),
      writeErr: (text) => runtime.io.stderr.write(text),
    })
    .addHelpText(
      "after",
      helpFooter({
        examples: [
          "credanchor verify alice.json                        # anyone: check a credential against the chain",
          "credanchor issue --local roster.csv --template badge.json --institution 1 --out issued/",
          "credanchor revoke issued/alice.json --reason superseded",
          "credanchor deploy && credanchor institution register --name 'Example U' --identifier did:web:example.edu --admin 0x…",
        ],
        env: ["CREDANCHOR_RPC_URL", "CREDANCHOR_REGISTRY_ADDRESS", "CREDANCHOR_SERVICE_URL", "CREDANCHOR_TOKEN", "NO_COLOR"],
      }),
    );

  registerVerifyCommand(program, runtime);
  registerIssueCommand(program, runtime);
  registerPathwayCommands(program, runtime);
  registerStatusCommands(program, runtime);
  registerBatchCommands(program, runtime);
  registerRevokeCommands(program, runtime);
  registerInstitutionCommands(program, runtime);
  registerKeysCommands(program, runtime);
  registerDelayedCommands(program, runtime);
  registerTokensCommands(program, runtime);
  registerServiceCommands(program, runtime);
  registerDeployCommand(program, runtime);
  registerNodeCommand(program, runtime);
  registerDidDocumentCommand(program, runtime);
  return program;
}

const processIo: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

/**
 * Runs the CLI with `argv` (as process.argv: node, script, args...) and returns the exit code.
 *
 * @example
 * process.exitCode = await main(process.argv);
 */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const runtime: Runtime = { io, exitCode: exitCodes.ok, output: undefined };
  const program = buildProgram(runtime);
  try {
    await keccakReady; // a few ms; bulk verify and issue --local then hash at WASM speed
    await program.parseAsync([...argv]);
    return runtime.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version exit 0; usage errors were already printed by commander.
      if (error.exitCode === 0) return exitCodes.ok;
      if (argv.includes("--json")) {
        io.stdout.write(`${JSON.stringify({ error: { code: "CA_CLI_USAGE", message: error.message.replace(/^error: /, ""), hints: [] } })}\n`);
      }
      return exitCodes.error;
    }
    const out = runtime.output ?? createOutput({ json: argv.includes("--json"), io });
    out.error(toErrorView(error));
    if (debugEnabled() && error instanceof Error && error.stack !== undefined) io.stderr.write(`${error.stack}\n`);
    return exitCodes.error;
  }
}
