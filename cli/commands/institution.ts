/**
 * `credanchor institution register|show|update|suspend|reinstate`: registry governance
 * over institutions (show is a read anyone can do).
 */
import type { Command } from "commander";
import { type Address, type Hex, getAddress, isHex, zeroHash } from "viem";

import { credentialRegistryAbi } from "../../core/abi/credentialRegistryAbi.ts";
import { type InstitutionRecord, readInstitution, readKeyRecord, rpcRead } from "../../core/registry.ts";
import type { ChainContext } from "../lib/chain.ts";
import {
  type ChainFlags,
  type Runtime,
  type TxFlags,
  action,
  addChainOptions,
  addressArg,
  addTxOptions,
  openRegistry,
  parseIntFlag,
  senderFor,
  withHelp,
} from "../lib/command.ts";
import { keyEnv } from "../lib/config.ts";
import { CliError, usageError } from "../lib/errors.ts";
import { type Output, table } from "../lib/output.ts";
import { describeReason, reasonFromFlag, reasonOption } from "../lib/reason.ts";
import { describeRoles } from "../lib/roles.ts";
import { type PlannedCall, callReportsJson, execute, printCallReports } from "../lib/transact.ts";

const governorEnv = ["CREDANCHOR_RPC_URL", "CREDANCHOR_REGISTRY_ADDRESS", ...keyEnv("governor")] as const;

type MetadataFlags = {
  readonly name?: string;
  readonly identifier?: string;
  readonly metadataUri?: string;
  readonly metadataHash?: string;
};

export function registerInstitutionCommands(program: Command, runtime: Runtime): void {
  const group = program.command("institution").description("register and manage institutions (registry governance)");

  const register = group
    .command("register")
    .description("register an institution and install its first admin")
    .requiredOption("--name <name>", 'human-readable name, e.g. "Example University"')
    .requiredOption("--identifier <id>", "issuer identity its credentials carry: a DID, https URL or DNS domain")
    .requiredOption("--admin <address>", "the institution's first admin account")
    .option("--metadata-uri <uri>", "where the institution's metadata document lives", "")
    .option("--metadata-hash <bytes32>", "hash of that document", zeroHash);
  addTxOptions(addChainOptions(register), "governor");
  withHelp(register, {
    examples: [
      "credanchor institution register --name 'Example University' --identifier did:web:example.edu --admin 0x7099…",
      "credanchor institution register --name X --identifier x.example --admin 0x7099… --dry-run",
    ],
    env: [...governorEnv],
  });
  register.action(
    action(runtime, async (out, flags: TxFlags & MetadataFlags & { admin: string }) => {
      const admin = addressArg(flags.admin, "--admin");
      const metadata = metadataArgs(flags);
      return send(out, runtime, flags, {
        functionName: "registerInstitution",
        args: [...metadata, admin],
        summary: `register institution "${flags.name}" (${flags.identifier}) with admin ${admin}`,
      });
    }),
  );

  const update = group
    .command("update <id>")
    .description("replace an institution's name, identifier and metadata")
    .requiredOption("--name <name>", "human-readable name")
    .requiredOption("--identifier <id>", "issuer identity its credentials carry")
    .option("--metadata-uri <uri>", "metadata document location", "")
    .option("--metadata-hash <bytes32>", "metadata document hash", zeroHash);
  addTxOptions(addChainOptions(update), "governor");
  withHelp(update, {
    examples: ["credanchor institution update 1 --name 'Example University' --identifier did:web:example.edu"],
    env: [...governorEnv],
  });
  update.action(
    action(runtime, async (out, id: string, flags: TxFlags & MetadataFlags) =>
      send(out, runtime, flags, {
        functionName: "updateInstitutionMetadata",
        args: [institutionArg(id), ...metadataArgs(flags)],
        summary: `update institution ${id}: "${flags.name}" (${flags.identifier})`,
      }),
    ),
  );

  for (const verb of ["suspend", "reinstate"] as const) {
    const command = group
      .command(`${verb} <id>`)
      .description(
        verb === "suspend"
          ? "suspend an institution: it cannot anchor and all its credentials report it"
          : "lift an institution's suspension",
      )
      .addOption(reasonOption());
    addTxOptions(addChainOptions(command), "governor");
    withHelp(command, {
      examples: [`credanchor institution ${verb} 3 --reason ${verb === "suspend" ? "underInvestigation" : "cleared"}`],
      env: [...governorEnv],
    });
    command.action(
      action(runtime, async (out, id: string, flags: TxFlags & { reason?: string }) => {
        const reason = reasonFromFlag(flags.reason);
        return send(out, runtime, flags, {
          functionName: verb === "suspend" ? "suspendInstitution" : "reinstateInstitution",
          args: [institutionArg(id), reason],
          summary: `${verb} institution ${id}: ${describeReason(reason)}`,
        });
      }),
    );
  }

  const show = group
    .command("show [id]")
    .description("show an institution and its keys (all institutions without an id)");
  addChainOptions(show);
  withHelp(show, {
    examples: ["credanchor institution show            # list", "credanchor institution show 1 --json"],
    env: ["CREDANCHOR_RPC_URL", "CREDANCHOR_REGISTRY_ADDRESS"],
  });
  show.action(action(runtime, async (out, id: string | undefined, flags: ChainFlags) => showInstitution(out, id, flags)));
}

function institutionArg(id: string): number {
  return parseIntFlag(id, "institution id", { min: 1, max: 0xffffff });
}

function metadataArgs(flags: MetadataFlags): [string, string, string, Hex] {
  const hash = flags.metadataHash ?? zeroHash;
  if (!isHex(hash) || hash.length !== 66) throw usageError(`--metadata-hash: "${hash}" is not 32 bytes of 0x hex.`);
  if ((flags.name ?? "").trim() === "" || (flags.identifier ?? "").trim() === "") {
    throw usageError("--name and --identifier must not be empty.");
  }
  return [flags.name!, flags.identifier!, flags.metadataUri ?? "", hash];
}

async function send(out: Output, runtime: Runtime, flags: TxFlags, call: PlannedCall): Promise<number> {
  const { chain, registry } = await openRegistry(flags);
  const sender = await senderFor("governor", flags, runtime.io);
  const dryRun = flags.dryRun === true;
  const [report] = await execute({ chain, registry: registry.address, sender, calls: [call], dryRun });
  const registered = report?.logs?.find((log) => log.eventName === "InstitutionRegistered");
  const institutionId =
    registered?.eventName === "InstitutionRegistered"
      ? Number(registered.args.institutionId)
      : call.functionName === "registerInstitution"
        ? Number(report?.result)
        : undefined;
  out.result({ ...callReportsJson(report === undefined ? [] : [report], dryRun), institutionId });
  printCallReports(out, report === undefined ? [] : [report], dryRun);
  if (call.functionName === "registerInstitution" && institutionId !== undefined) {
    out.line(`${dryRun ? "Would be institution" : "Institution"} id: ${institutionId}`);
  }
  return 0;
}

/** Every account that ever held a role in the institution, from its events. */
async function institutionAccounts(chain: ChainContext, registry: Address, institutionId: number): Promise<Address[]> {
  const base = { address: registry, abi: credentialRegistryAbi, fromBlock: 0n, toBlock: "latest", args: { institutionId } } as const;
  const [registered, granted, compromised] = await rpcRead(chain.client, () =>
    Promise.all([
      chain.client.getContractEvents({ ...base, eventName: "InstitutionRegistered" }),
      chain.client.getContractEvents({ ...base, eventName: "InstitutionRolesGranted" }),
      chain.client.getContractEvents({ ...base, eventName: "AnchoringKeyCompromised" }),
    ]),
  );
  const accounts = new Set<Address>();
  for (const log of registered) if (log.args.admin !== undefined) accounts.add(getAddress(log.args.admin));
  for (const log of granted) if (log.args.account !== undefined) accounts.add(getAddress(log.args.account));
  for (const log of compromised) if (log.args.account !== undefined) accounts.add(getAddress(log.args.account));
  return [...accounts];
}

function describeInstitution(record: InstitutionRecord): [string, string][] {
  return [
    ["name", record.name],
    ["identifier", record.identifier],
    ["status", record.status],
    ["registered", new Date(record.registeredAt * 1000).toISOString()],
    ["metadata", record.metadataURI === "" ? "(none)" : `${record.metadataURI} (${record.metadataHash})`],
  ];
}

async function showInstitution(out: Output, id: string | undefined, flags: ChainFlags): Promise<number> {
  const { chain, registry } = await openRegistry(flags);
  const location = { client: chain.client, registry: registry.address };
  if (id === undefined) {
    const count = await rpcRead(chain.client, () =>
      chain.client.readContract({ address: registry.address, abi: credentialRegistryAbi, functionName: "institutionCount" }),
    );
    const records: InstitutionRecord[] = [];
    for (let i = 1; i <= Number(count); i++) {
      const record = await readInstitution({ ...location, institutionId: i });
      if (record !== undefined) records.push(record);
    }
    out.result({ registry: registry.address, chain: chain.caip2, institutions: records });
    out.line(`${records.length} institution${records.length === 1 ? "" : "s"} in registry ${registry.address} on ${chain.caip2}`);
    for (const record of records) out.line(`  ${String(record.institutionId).padStart(4)}  ${record.status.padEnd(9)}  ${record.identifier}  ${record.name}`);
    return 0;
  }
  const institutionId = institutionArg(id);
  const record = await readInstitution({ ...location, institutionId });
  if (record === undefined) {
    throw new CliError({
      code: "CA_CLI_NOT_FOUND",
      message: `No institution ${institutionId} in registry ${registry.address} on ${chain.caip2}.`,
      hints: ["List the registered institutions with `credanchor institution show`."],
    });
  }
  const accounts = await institutionAccounts(chain, registry.address, institutionId);
  const keys = [];
  for (const account of accounts) {
    const key = await readKeyRecord({ ...location, institutionId, account });
    keys.push({ account, roles: describeRoles(key.roles).split("|").filter((role) => role !== "none"), compromisedFrom: key.compromisedFrom });
  }
  out.result({ registry: registry.address, chain: chain.caip2, institution: record, keys });
  out.line(`Institution ${institutionId}`);
  for (const row of table(describeInstitution(record))) out.line(row);
  out.line("Keys:");
  if (keys.length === 0) out.line("  (none)");
  for (const key of keys) {
    const roles = key.roles.length === 0 ? "no roles" : key.roles.join(", ");
    const compromised = key.compromisedFrom === 0 ? "" : `  COMPROMISED from ${new Date(key.compromisedFrom * 1000).toISOString()}`;
    out.line(`  ${key.account}  ${roles}${compromised}`);
  }
  return 0;
}
