/**
 * The `credanchor` command: builds the commander program from one module per command
 * group, runs it, and turns every error into a message, hints and exit code 2.
 * A run loads only the module of the command it names (`credanchor verify` never
 * parses ethers, the service store or the issuing code); help, or a name that matches
 * none, loads them all.
 */
import { Command, CommanderError } from "commander";

import { keccakReady } from "../core/keccak.ts";
import { type Runtime, helpFooter } from "./lib/command.ts";
import { debugEnabled } from "./lib/config.ts";
import { exitCodes, toErrorView } from "./lib/errors.ts";
import { type Io, createOutput } from "./lib/output.ts";

const version = "0.1.0";

type Register = (program: Command, runtime: Runtime) => void;

/**
 * Each top-level command name and the module that registers it, in help order. Modules
 * are imported on demand: the start-up time of `credanchor verify` is most of its run.
 */
const commandModules: readonly (readonly [names: readonly string[], load: () => Promise<Register>])[] = [
  [["verify"], async () => (await import("./commands/verify.ts")).registerVerifyCommand],
  [["issue"], async () => (await import("./commands/issue.ts")).registerIssueCommand],
  [["pathway"], async () => (await import("./commands/pathway.ts")).registerPathwayCommands],
  [["status", "proof"], async () => (await import("./commands/status.ts")).registerStatusCommands],
  [["batches", "batch"], async () => (await import("./commands/batches.ts")).registerBatchCommands],
  [["revoke", "suspend", "reinstate"], async () => (await import("./commands/revoke.ts")).registerRevokeCommands],
  [["institution"], async () => (await import("./commands/institution.ts")).registerInstitutionCommands],
  [["keys"], async () => (await import("./commands/keys.ts")).registerKeysCommands],
  [["tokens"], async () => (await import("./commands/tokens.ts")).registerTokensCommands],
  [["service"], async () => (await import("./commands/service.ts")).registerServiceCommands],
  [["deploy"], async () => (await import("./commands/deploy.ts")).registerDeployCommand],
  [["node"], async () => (await import("./commands/node.ts")).registerNodeCommand],
  [["did-document"], async () => (await import("./commands/didDocument.ts")).registerDidDocumentCommand],
  [["signing-keys"], async () => (await import("./commands/signingKeys.ts")).registerSigningKeysCommands],
  [["db"], async () => (await import("./commands/db.ts")).registerDbCommands],
];

/** The first argument that is not an option (the command's name), if any. */
function commandName(args: readonly string[]): string | undefined {
  return args.find((arg) => !arg.startsWith("-"));
}

/**
 * Builds the program for one run: with `args` (process.argv without node and script),
 * only the named command's module is loaded; without, or for help, every command.
 */
export async function buildProgram(runtime: Runtime, args?: readonly string[]): Promise<Command> {
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

  const name = args === undefined ? undefined : commandName(args);
  const wanted = commandModules.filter(([names]) => name !== undefined && names.includes(name));
  const registers = await Promise.all((wanted.length === 1 ? wanted : commandModules).map(([, load]) => load()));
  for (const register of registers) register(program, runtime);
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
  try {
    const program = await buildProgram(runtime, argv.slice(2));
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
