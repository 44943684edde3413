/**
 * What every command shares: the runtime (streams, exit code), the action wrapper that
 * gives each command its printer, the common flags and the --help footer.
 */
import { type Command, Option } from "commander";
import { type Address, getAddress, isAddress } from "viem";

import { type ChainContext, type RegistryTarget, connect, resolveRegistry } from "./chain.ts";
import { type EnvVar, type KeyRole, chainConfig, envVars } from "./config.ts";
import { usageError } from "./errors.ts";
import { loadSigner } from "./keys.ts";
import { type Io, type Output, createOutput } from "./output.ts";
import type { Sender } from "./transact.ts";

/** The process a command runs in. `output` is set once a command starts. */
export type Runtime = {
  readonly io: Io;
  exitCode: number;
  output: Output | undefined;
};

/**
 * Wraps a command handler: builds its printer from --json, and records the exit code it
 * returns (nothing = 0). Errors propagate to main, which prints them.
 */
export function action<Args extends unknown[]>(
  runtime: Runtime,
  handler: (out: Output, ...args: Args) => Promise<number | void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const out = createOutput({ json: Boolean(command.optsWithGlobals().json), io: runtime.io });
    runtime.output = out;
    runtime.exitCode = (await handler(out, ...(args.slice(0, -1) as Args))) ?? 0;
  };
}

/** The --help footer: examples, notes, the environment variables the command reads, exit codes. */
export function helpFooter({
  examples,
  notes = [],
  env,
  exitCodes = "0 success, 1 a credential is invalid or revoked, 2 usage or infrastructure error.",
}: {
  readonly examples: readonly string[];
  readonly notes?: readonly string[];
  readonly env: readonly EnvVar[];
  readonly exitCodes?: string;
}): string {
  const width = Math.max(...env.map((name) => name.length));
  return [
    "",
    "Examples:",
    ...examples.map((line) => `  $ ${line}`),
    ...(notes.length > 0 ? ["", ...notes] : []),
    ...(env.length > 0 ? ["", "Environment variables:", ...env.map((name) => `  ${name.padEnd(width)}  ${envVars[name]}`)] : []),
    "",
    `Exit codes: ${exitCodes}`,
  ].join("\n");
}

/** Adds the footer to a command. */
export function withHelp(command: Command, footer: Parameters<typeof helpFooter>[0]): Command {
  return command.addHelpText("after", helpFooter(footer));
}

/** --rpc and --registry. */
export function addChainOptions(command: Command): Command {
  return command
    .option("--rpc <url>", "JSON-RPC endpoint (env CREDANCHOR_RPC_URL)")
    .option("--registry <address>", "registry address (default: deployments/*.json of the RPC's chain)");
}

/** --keystore, --dry-run and --from, for commands that send transactions. */
export function addTxOptions(command: Command, role: KeyRole): Command {
  return command
    .option("--keystore <file>", `encrypted JSON keystore of the ${role} key (else env, see below)`)
    .option("--dry-run", "simulate: print the calls and the gas estimate, send nothing")
    .addOption(new Option("--from <address>", "with --dry-run: simulate as this address, no key needed"));
}

/** The flags addChainOptions and addTxOptions define. */
export type ChainFlags = { readonly rpc?: string; readonly registry?: string };
export type TxFlags = ChainFlags & { readonly keystore?: string; readonly dryRun?: boolean; readonly from?: string };

/** Connects to the RPC and finds the registry (flag, env, or deployments). */
export async function openRegistry(flags: ChainFlags): Promise<{ chain: ChainContext; registry: RegistryTarget }> {
  const config = chainConfig(flags);
  const chain = await connect(config);
  const registry = await resolveRegistry(chain, config, flags.registry === undefined ? "CREDANCHOR_REGISTRY_ADDRESS" : "--registry");
  return { chain, registry };
}

/** Who sends: `--from` (dry run only) or the role's key. */
export async function senderFor(role: KeyRole, flags: TxFlags, io: Io): Promise<Sender> {
  if (flags.from !== undefined) {
    if (flags.dryRun !== true) throw usageError("--from only works with --dry-run: sending a transaction needs a key.");
    return { address: addressArg(flags.from, "--from") };
  }
  const signer = await loadSigner(role, flags, io);
  return { account: signer.account };
}

/** An address given on the command line, checksummed; a usage error naming `what` otherwise. */
export function addressArg(value: string, what: string): Address {
  if (isAddress(value)) return getAddress(value);
  if (isAddress(value.toLowerCase())) {
    throw usageError(`${what}: "${value}" has a wrong EIP-55 checksum (mixed case that is not the checksummed form).`, "Copy the address again, or write it all in lowercase.");
  }
  throw usageError(`${what}: "${value}" is not an address (0x + 40 hex digits).`);
}

/** Parses a positive integer flag value. */
export function parseIntFlag(value: string, flag: string, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
    throw usageError(`${flag}: "${value}" is not a whole number between ${min} and ${max}.`);
  }
  return Number(value);
}
