/**
 * Registry v2's delayed and recoverable acts (contracts/interfaces/ICredentialRegistryV2.sol,
 * issue 14): what reaches into the past is only scheduled, can be cancelled by an admin of
 * the institution or governance during the registry's action delay, and is then executed by
 * anyone; revocations a compromised key made after its cut-off can be cleared.
 *
 *   credanchor schedule revocation <batchId> --index …   more than the threshold at once
 *   credanchor execute  batch-revocation|key-compromise|revocation …
 *   credanchor cancel   batch-revocation|key-compromise|revocation …
 *   credanchor clear    <batchId> <compromisedAccount> --index …
 *
 * `credanchor batch revoke` and `keys compromise --at <past>` schedule on v2 (the same
 * commands as on v1); `revoke` of more than the threshold is refused with a hint to
 * `schedule revocation`.
 */
import type { Command } from "commander";
import { type Address, type Hex, encodeAbiParameters, keccak256 } from "viem";

import { readRegistryVersion } from "../../core/registry.ts";
import { readRevocationChanges } from "../../core/revocationChanges.ts";
import {
  type TxFlags,
  type Runtime,
  action,
  addChainOptions,
  addTxOptions,
  addressArg,
  openRegistry,
  senderFor,
  withHelp,
} from "../lib/command.ts";
import { type KeyRole, institutionId as institutionFromConfig, keyEnv } from "../lib/config.ts";
import { CliError } from "../lib/errors.ts";
import { parseIndexList } from "../lib/indices.ts";
import type { Output } from "../lib/output.ts";
import { describeReason, reasonFromFlag, reasonOption } from "../lib/reason.ts";
import { type PlannedCall, callReportsJson, execute, printCallReports } from "../lib/transact.ts";
import { batchIdArg } from "./revoke.ts";

/** Credentials per revocation word in registry v2 (core's registryVersions[2].statusWindow). */
const V2_WINDOW = 128;

type DelayedFlags = TxFlags & { readonly institution?: string; readonly index?: string; readonly reason?: string; readonly action?: string };

const chainEnv = ["CREDANCHOR_RPC_URL", "CREDANCHOR_REGISTRY_ADDRESS"] as const;

/** The id registry v2 gives a mass revocation: keccak256(abi.encode(batchId, leafIndices, reason)). */
export function massRevocationId(batchId: Hex, leafIndices: readonly number[], reason: number): Hex {
  return keccak256(
    encodeAbiParameters([{ type: "bytes32" }, { type: "uint256[]" }, { type: "uint16" }], [batchId, leafIndices.map(BigInt), reason]),
  );
}

export function registerDelayedCommands(program: Command, runtime: Runtime): void {
  const schedule = program.command("schedule").description("registry v2: schedule a destructive act that must wait (cancellable during the action delay)");
  const scheduleRevocation = schedule
    .command("revocation <batchId>")
    .description("schedule the revocation of more credentials than the registry's threshold allows in one call")
    .requiredOption("--index <list>", "leaf indices: 3, 0,4,9 or 10-19")
    .addOption(reasonOption());
  addTxOptions(addChainOptions(scheduleRevocation), "revoker");
  withHelp(scheduleRevocation, {
    examples: ["credanchor schedule revocation 0x5c1e… --index 0-1999 --reason issuedInError"],
    notes: [
      "Prints the action id. Anyone runs `credanchor execute revocation` with the same --index and --reason once the",
      "delay has passed; until then an admin of the institution or governance can `credanchor cancel revocation`.",
    ],
    env: [...chainEnv, ...keyEnv("revoker")],
  });
  scheduleRevocation.action(
    action(runtime, async (out, batchId: string, flags: DelayedFlags) => {
      const id = batchIdArg(batchId, "batch id");
      const indices = parseIndexList(flags.index ?? "");
      const reason = reasonFromFlag(flags.reason);
      return send(out, runtime, flags, "revoker", () => ({
        functionName: "scheduleMassRevocation",
        args: [id, indices.map(BigInt), reason],
        summary: `schedule the revocation of ${indices.length} credentials of batch ${id}: ${describeReason(reason)}`,
      }), { actionId: massRevocationId(id, indices, reason) });
    }),
  );

  const run = program.command("execute").description("registry v2: apply a scheduled act once its delay has passed (anyone may)");
  const cancel = program.command("cancel").description("registry v2: drop a scheduled act during its delay (an admin of the institution, or governance)");
  for (const [group, verb, role] of [
    [run, "execute", "revoker"],
    [cancel, "cancel", "admin"],
  ] as const) {
    const batch = group.command("batch-revocation <batchId>").description(`${verb} a scheduled revocation of a whole batch (\`credanchor batch revoke\`)`);
    const key = group
      .command("key-compromise <account>")
      .description(`${verb} a scheduled compromise of a key (\`credanchor keys compromise --at <past time>\`)`)
      .option("--institution <id>", "institution id (env CREDANCHOR_INSTITUTION_ID)");
    const mass = group
      .command("revocation <batchId>")
      .description(`${verb} a scheduled mass revocation (\`credanchor schedule revocation\`)`)
      .option("--index <list>", "the indices it was scheduled with")
      .addOption(reasonOption());
    if (verb === "cancel") mass.option("--action <id>", "the action id `schedule revocation` printed (instead of --index and --reason)");
    for (const command of [batch, key, mass]) addTxOptions(addChainOptions(command), role);
    const env = [...chainEnv, ...keyEnv(role)];
    withHelp(batch, { examples: [`credanchor ${verb} batch-revocation 0x5c1e…`], env });
    withHelp(key, { examples: [`credanchor ${verb} key-compromise 0x3C44… --institution 1`], env: [...env, "CREDANCHOR_INSTITUTION_ID"] });
    withHelp(mass, {
      examples: [`credanchor ${verb} revocation 0x5c1e… --index 0-1999 --reason issuedInError`, ...(verb === "cancel" ? ["credanchor cancel revocation 0x5c1e… --action 0x9f2b…"] : [])],
      env,
    });

    batch.action(
      action(runtime, async (out, batchId: string, flags: DelayedFlags) => {
        const id = batchIdArg(batchId, "batch id");
        return send(out, runtime, flags, role, () => ({
          functionName: verb === "execute" ? "executeBatchRevocation" : "cancelBatchRevocation",
          args: [id],
          summary: `${verb} the scheduled revocation of batch ${id}`,
        }));
      }),
    );
    key.action(
      action(runtime, async (out, account: string, flags: DelayedFlags) => {
        const institution = institutionFromConfig(flags.institution)!;
        const address = addressArg(account, "account");
        return send(out, runtime, flags, role, () => ({
          functionName: verb === "execute" ? "executeKeyCompromise" : "cancelKeyCompromise",
          args: [institution, address],
          summary: `${verb} the scheduled compromise of ${address} in institution ${institution}`,
        }));
      }),
    );
    mass.action(
      action(runtime, async (out, batchId: string, flags: DelayedFlags) => {
        const id = batchIdArg(batchId, "batch id");
        const reason = reasonFromFlag(flags.reason);
        if (verb === "cancel" && flags.action !== undefined) {
          const actionId = batchIdArg(flags.action, "--action");
          return send(out, runtime, flags, role, () => ({
            functionName: "cancelMassRevocation",
            args: [id, actionId],
            summary: `cancel scheduled mass revocation ${actionId} of batch ${id}`,
          }));
        }
        if (flags.index === undefined) {
          throw new CliError({
            code: "CA_CLI_USAGE",
            message: `${verb} revocation needs --index (the indices it was scheduled with)${verb === "cancel" ? " or --action <id>" : ""}.`,
            hints: ["The action id is keccak256(batchId, indices, reason): give the same --index and --reason as `schedule revocation`."],
          });
        }
        const indices = parseIndexList(flags.index);
        const actionId = massRevocationId(id, indices, reason);
        return send(
          out,
          runtime,
          flags,
          role,
          () =>
            verb === "execute"
              ? { functionName: "executeMassRevocation", args: [id, indices.map(BigInt), reason], summary: `execute scheduled mass revocation ${actionId} (${indices.length} credentials)` }
              : { functionName: "cancelMassRevocation", args: [id, actionId], summary: `cancel scheduled mass revocation ${actionId} of batch ${id}` },
          { actionId },
        );
      }),
    );
  }

  const clear = program
    .command("clear <batchId> <compromisedAccount>")
    .description("registry v2: clear revocations a compromised key made after its (executed) cut-off (an admin, or governance)")
    .requiredOption("--index <list>", "credentials whose revocation to clear; each 128-credential window they fall in is one call")
    .addOption(reasonOption());
  addTxOptions(addChainOptions(clear), "admin");
  withHelp(clear, {
    examples: ["credanchor clear 0x5c1e… 0x90F7… --index 0-99 --reason issuedInError"],
    notes: [
      "The registry clears exactly the bits of each window whose last setter is the compromised key at or after its",
      "cut-off, checking the window's history (read here from the chain's events) against the hash chain it stores;",
      "other revocations stay. Every clearing is a RevocationsCleared event, and verifiers report it.",
    ],
    env: [...chainEnv, ...keyEnv("admin")],
  });
  clear.action(
    action(runtime, async (out, batchId: string, account: string, flags: DelayedFlags) => {
      const id = batchIdArg(batchId, "batch id");
      const compromised = addressArg(account, "compromisedAccount");
      const reason = reasonFromFlag(flags.reason);
      const words = [...new Set(parseIndexList(flags.index ?? "").map((index) => Math.floor(index / V2_WINDOW)))];
      return sendMany(out, runtime, flags, "admin", async (client, registry) => {
        const calls: PlannedCall[] = [];
        for (const word of words) {
          const history = await readRevocationChanges({ client, registry, batchId: id, wordIndex: word });
          calls.push({
            functionName: "clearCompromisedRevocations",
            args: [id, BigInt(word), compromised, history.map((change) => ({ ...change })), reason],
            summary: `clear revocations by ${compromised} in window ${word} (credentials ${word * V2_WINDOW}-${word * V2_WINDOW + V2_WINDOW - 1}) of batch ${id}`,
          });
        }
        return calls;
      });
    }),
  );
}

async function send(
  out: Output,
  runtime: Runtime,
  flags: DelayedFlags,
  role: KeyRole,
  plan: () => PlannedCall,
  extra: Record<string, unknown> = {},
): Promise<number> {
  return sendMany(out, runtime, flags, role, async () => [plan()], extra);
}

async function sendMany(
  out: Output,
  runtime: Runtime,
  flags: DelayedFlags,
  role: KeyRole,
  plan: (client: Awaited<ReturnType<typeof openRegistry>>["chain"]["client"], registry: Address) => Promise<PlannedCall[]>,
  extra: Record<string, unknown> = {},
): Promise<number> {
  const { chain, registry } = await openRegistry(flags);
  if ((await readRegistryVersion({ client: chain.client, registry: registry.address })) !== 2) {
    throw new CliError({
      code: "CA_CLI_USAGE",
      message: `Registry ${registry.address} (${registry.source}) is version 1: it has no scheduled or recoverable acts.`,
      hints: [
        "Scheduling, executing, cancelling and clearing are registry v2 functions; point --registry at the v2 registry (deployments/<network>.json lists it).",
        "On v1, batch revocations and key compromises apply at once and cannot be undone.",
      ],
    });
  }
  const calls = await plan(chain.client, registry.address);
  const sender = await senderFor(role, flags, runtime.io);
  const dryRun = flags.dryRun === true;
  const reports = await execute({ chain, registry: registry.address, sender, calls, dryRun });
  out.result({ ...callReportsJson(reports, dryRun), ...extra });
  if (typeof extra.actionId === "string") out.line(`action id: ${extra.actionId}`);
  printCallReports(out, reports, dryRun);
  return 0;
}
