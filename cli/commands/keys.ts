/**
 * `credanchor keys add|remove|compromise`: an institution's admins manage its keys
 * (anchorers, revokers, admins) on-chain.
 */
import type { Command } from "commander";

import { institutionId as institutionFromConfig, keyEnv } from "../lib/config.ts";
import { type Runtime, type TxFlags, action, addChainOptions, addTxOptions, addressArg, openRegistry, senderFor, withHelp } from "../lib/command.ts";
import type { Output } from "../lib/output.ts";
import { describeRoles, parseRoles } from "../lib/roles.ts";
import { formatTimestamp, parseTime, toUnixSeconds } from "../lib/time.ts";
import { type PlannedCall, callReportsJson, execute, printCallReports } from "../lib/transact.ts";

const adminEnv = [
  "CREDANCHOR_RPC_URL",
  "CREDANCHOR_REGISTRY_ADDRESS",
  "CREDANCHOR_INSTITUTION_ID",
  ...keyEnv("admin"),
] as const;

type KeyFlags = TxFlags & { readonly institution?: string; readonly role?: string; readonly at?: string };

export function registerKeysCommands(program: Command, runtime: Runtime): void {
  const group = program.command("keys").description("grant, remove or mark compromised an institution's keys (admins)");

  const add = group
    .command("add <address>")
    .description("give an account roles in the institution")
    .requiredOption("--role <roles>", "admin, anchorer, revoker (comma-separated) or all")
    .option("--institution <id>", "institution id (env CREDANCHOR_INSTITUTION_ID)");
  const remove = group
    .command("remove <address>")
    .description("take roles from an account (batches it anchored stay valid)")
    .option("--role <roles>", "roles to remove (default: all)", "all")
    .option("--institution <id>", "institution id (env CREDANCHOR_INSTITUTION_ID)");
  const compromise = group
    .command("compromise <address>")
    .description("mark an account compromised: it loses every role, and batches it anchored from --at on stop verifying")
    .option("--at <time>", "compromise cut-off: ISO 8601 or unix seconds (default: the latest block's time)")
    .option("--institution <id>", "institution id (env CREDANCHOR_INSTITUTION_ID)");

  for (const command of [add, remove, compromise]) addTxOptions(addChainOptions(command), "admin");
  withHelp(add, {
    examples: ["credanchor keys add 0x3C44… --role anchorer --institution 1", "credanchor keys add 0x90F7… --role revoker,admin --dry-run"],
    env: [...adminEnv],
  });
  withHelp(remove, { examples: ["credanchor keys remove 0x3C44… --role anchorer --institution 1"], env: [...adminEnv] });
  withHelp(compromise, {
    examples: [
      "credanchor keys compromise 0x3C44… --institution 1                          # from now on",
      "credanchor keys compromise 0x3C44… --institution 1 --at 2026-03-01T00:00:00Z # and batches since then",
    ],
    env: [...adminEnv],
  });

  add.action(
    action(runtime, async (out, address: string, flags: KeyFlags) => {
      const roles = parseRoles(flags.role ?? "");
      return send(out, runtime, flags, (institution) => ({
        functionName: "grantRoles",
        args: [institution, accountArg(address), roles],
        summary: `grant ${describeRoles(roles)} to ${accountArg(address)} in institution ${institution}`,
      }));
    }),
  );
  remove.action(
    action(runtime, async (out, address: string, flags: KeyFlags) => {
      const roles = parseRoles(flags.role ?? "all");
      return send(out, runtime, flags, (institution) => ({
        functionName: "revokeRoles",
        args: [institution, accountArg(address), roles],
        summary: `remove ${describeRoles(roles)} from ${accountArg(address)} in institution ${institution}`,
      }));
    }),
  );
  compromise.action(
    action(runtime, async (out, address: string, flags: KeyFlags) => {
      const at = flags.at === undefined ? undefined : toUnixSeconds(parseTime(flags.at, "--at"));
      return send(out, runtime, flags, (institution, latest) => {
        const cutoff = at ?? latest;
        return {
          functionName: "markKeyCompromised",
          args: [institution, accountArg(address), cutoff],
          summary: `mark ${accountArg(address)} compromised in institution ${institution} from ${formatTimestamp(cutoff)}`,
        };
      });
    }),
  );
}

function accountArg(address: string): `0x${string}` {
  return addressArg(address, "account");
}

async function send(
  out: Output,
  runtime: Runtime,
  flags: KeyFlags,
  plan: (institutionId: number, latestTimestamp: number) => PlannedCall,
): Promise<number> {
  const institution = institutionFromConfig(flags.institution)!;
  const { chain, registry } = await openRegistry(flags);
  const latest = await chain.client.getBlock({ blockTag: "latest" });
  const call = plan(institution, Number(latest.timestamp));
  const sender = await senderFor("admin", flags, runtime.io);
  const dryRun = flags.dryRun === true;
  const reports = await execute({ chain, registry: registry.address, sender, calls: [call], dryRun });
  out.result(callReportsJson(reports, dryRun));
  printCallReports(out, reports, dryRun);
  return 0;
}
