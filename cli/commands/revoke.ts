/**
 * `credanchor revoke|suspend|reinstate`: change the status of credentials on-chain, by
 * batch and index list, or by the portable credential files themselves. One transaction
 * per batch, indices sorted (the registry packs 256 status bits per storage word).
 */
import type { Command } from "commander";
import { type Hex, isHex } from "viem";

import { type CredentialStatusName, readCredentialStatuses } from "../../core/registry.ts";
import { connect, resolveRegistry, type ChainContext, type RegistryTarget } from "../lib/chain.ts";
import { type Runtime, type TxFlags, action, addChainOptions, addTxOptions, openRegistry, senderFor, withHelp } from "../lib/command.ts";
import { chainConfig, keyEnv } from "../lib/config.ts";
import { CliError, usageError } from "../lib/errors.ts";
import { parseIndexList } from "../lib/indices.ts";
import { readDocuments } from "../lib/inputs.ts";
import type { Output } from "../lib/output.ts";
import { type CredentialAnchor, anchorsOf, groupByBatch, singleRegistry } from "../lib/portable.ts";
import { describeReason, reasonFromFlag, reasonOption } from "../lib/reason.ts";
import { type PlannedCall, type RegistryWriteFunction, callReportsJson, execute, printCallReports } from "../lib/transact.ts";

export const revokerEnv = [
  "CREDANCHOR_RPC_URL",
  "CREDANCHOR_REGISTRY_ADDRESS",
  ...keyEnv("revoker"),
] as const;

/**
 * Each action, and the registry statuses that show it would change nothing (those indices
 * are left out, so re-running an interrupted command is safe). Other statuses go to the
 * registry, which names the problem if there is one.
 */
const verbs = {
  revoke: { functionName: "revokeCredentials", past: "revoked", doc: "permanently revoke credentials", noop: ["revoked"] },
  suspend: {
    functionName: "suspendCredentials",
    past: "suspended",
    doc: "suspend credentials (reversible with reinstate)",
    noop: ["suspended", "revoked"],
  },
  reinstate: { functionName: "reinstateCredentials", past: "reinstated", doc: "lift the suspension of credentials", noop: ["valid", "revoked"] },
} as const satisfies Record<
  string,
  { functionName: RegistryWriteFunction; past: string; doc: string; noop: readonly CredentialStatusName[] }
>;

type StatusFlags = TxFlags & { readonly batch?: string; readonly index?: string; readonly reason?: string };

export function registerRevokeCommands(program: Command, runtime: Runtime): void {
  for (const [verb, spec] of Object.entries(verbs) as [keyof typeof verbs, (typeof verbs)[keyof typeof verbs]][]) {
    const command = program
      .command(`${verb} [credentials...]`)
      .description(`${spec.doc}: portable credential files, or --batch with --index`)
      .option("--batch <batchId>", "batch id (0x…, 32 bytes)")
      .option("--index <list>", "leaf indices: 3 | 0,4,9 | 10-19 | 0,5-7")
      .addOption(reasonOption());
    addTxOptions(addChainOptions(command), "revoker");
    withHelp(command, {
      examples: [
        `credanchor ${verb} issued/alice.json issued/bob.json --reason ${verb === "reinstate" ? "cleared" : verb === "suspend" ? "underInvestigation" : "superseded"}`,
        `credanchor ${verb} --batch 0x5c1e… --index 0,4,10-19 --reason ${verb === "reinstate" ? "10" : "issuedInError"}`,
        `credanchor ${verb} issued/ --dry-run                # every credential in the folder; gas estimate only`,
      ],
      env: [...revokerEnv],
    });
    command.action(
      action(runtime, async (out, files: string[], flags: StatusFlags) =>
        changeStatus(out, runtime, verb, files, flags),
      ),
    );
  }
}

/** Connects and resolves the registry the credentials name (which must agree with --rpc and --registry). */
export async function openForAnchors(
  flags: TxFlags,
  anchors: readonly CredentialAnchor[],
): Promise<{ chain: ChainContext; registry: RegistryTarget }> {
  const config = chainConfig(flags);
  const chain = await connect(config);
  const named = singleRegistry(anchors);
  if (named.chain !== chain.caip2) {
    throw new CliError({
      code: "CA_CLI_WRONG_CHAIN",
      message: `The credentials are anchored on ${named.chain}, but ${chain.rpcUrl} serves ${chain.caip2}.`,
      hints: ["Point --rpc (or CREDANCHOR_RPC_URL) at the chain the credentials name."],
    });
  }
  if (config.registry !== undefined && config.registry.toLowerCase() !== named.registry.toLowerCase()) {
    throw usageError(`The credentials name registry ${named.registry}, but the configured registry is ${config.registry}.`);
  }
  const registry = await resolveRegistry(chain, { ...config, registry: named.registry }, "the credentials' proof");
  return { chain, registry };
}

/** Parses --batch as a 32-byte hex id. */
export function batchIdArg(value: string, flag = "--batch"): Hex {
  if (!isHex(value) || value.length !== 66) throw usageError(`${flag}: "${value}" is not a batch id (0x + 64 hex digits).`);
  return value.toLowerCase() as Hex;
}

async function changeStatus(
  out: Output,
  runtime: Runtime,
  verb: keyof typeof verbs,
  files: readonly string[],
  flags: StatusFlags,
): Promise<number> {
  const spec = verbs[verb];
  const reason = reasonFromFlag(flags.reason);
  let groups: Map<Hex, number[]>;
  let target: { chain: ChainContext; registry: RegistryTarget };
  if (files.length > 0) {
    if (flags.batch !== undefined || flags.index !== undefined) {
      throw usageError("Give either credential files or --batch with --index, not both.");
    }
    const { documents, problems } = await readDocuments(files, runtime.io);
    const problem = problems[0];
    if (problem !== undefined) {
      throw new CliError({ code: problem.code, message: `${problem.source}: ${problem.message}`, details: problems });
    }
    const anchors = anchorsOf(documents);
    groups = groupByBatch(anchors);
    target = await openForAnchors(flags, anchors);
  } else {
    if (flags.batch === undefined || flags.index === undefined) {
      throw usageError(`Which credentials? Give files, or --batch <id> with --index <list>.`, `See credanchor ${verb} --help.`);
    }
    groups = new Map([[batchIdArg(flags.batch), parseIndexList(flags.index)]]);
    target = await openRegistry(flags);
  }

  // One status read per batch: leave out what is already in the wanted state.
  const skipped: { batchId: Hex; leafIndex: number; status: CredentialStatusName }[] = [];
  for (const [batchId, indices] of groups) {
    const statuses = await readCredentialStatuses({ client: target.chain.client, registry: target.registry.address, batchId, leafIndices: indices });
    const keep = indices.filter((leafIndex, i) => {
      const status = statuses[i]!;
      if (!(spec.noop as readonly CredentialStatusName[]).includes(status)) return true;
      skipped.push({ batchId, leafIndex, status });
      return false;
    });
    if (keep.length > 0) groups.set(batchId, keep);
    else groups.delete(batchId);
  }
  for (const item of skipped) out.note(`skipped: credential ${item.leafIndex} of batch ${item.batchId} is already ${item.status}.`);

  const calls: PlannedCall[] = [...groups].map(([batchId, indices]) => ({
    functionName: spec.functionName,
    args: [batchId, indices.map(BigInt), reason],
    summary: `${verb} ${indices.length} credential${indices.length === 1 ? "" : "s"} of batch ${batchId}: ${describeReason(reason)}`,
  }));
  const sender = await senderFor("revoker", flags, runtime.io);
  const dryRun = flags.dryRun === true;
  const reports = calls.length === 0 ? [] : await execute({ chain: target.chain, registry: target.registry.address, sender, calls, dryRun });
  out.result({
    ...callReportsJson(reports, dryRun),
    action: verb,
    reason,
    credentials: [...groups].flatMap(([batchId, indices]) => indices.map((leafIndex) => ({ batchId, leafIndex }))),
    skipped,
  });
  if (calls.length === 0) {
    out.line(`Nothing to do: every credential given is already ${spec.past}.`);
    return 0;
  }
  printCallReports(out, reports, dryRun);
  if (!dryRun) {
    const count = [...groups.values()].reduce((sum, list) => sum + list.length, 0);
    out.line(`${count} credential${count === 1 ? "" : "s"} ${spec.past}.`);
  }
  return 0;
}
