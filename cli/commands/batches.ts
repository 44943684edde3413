/**
 * `credanchor batches` (an institution's batches, from the service or from the chain's
 * events), `batch show <id>` and `batch revoke <id>` (on-chain).
 */
import type { Command } from "commander";
import { type Address, type Hex, getAddress } from "viem";

import { credentialRegistryAbi } from "../../core/abi/credentialRegistryAbi.ts";
import { batchIdOf } from "../../core/index.ts";
import { type BatchRecord, readBatch, rpcRead } from "../../core/registry.ts";
import type { ChainContext } from "../lib/chain.ts";
import {
  type ChainFlags,
  type Runtime,
  type TxFlags,
  action,
  addChainOptions,
  addTxOptions,
  openRegistry,
  senderFor,
  withHelp,
} from "../lib/command.ts";
import { institutionId as institutionFromConfig, serviceConfig } from "../lib/config.ts";
import { CliError, usageError } from "../lib/errors.ts";
import { type Output, table } from "../lib/output.ts";
import { describeReason, reasonFromFlag, reasonOption } from "../lib/reason.ts";
import { createServiceClient } from "../lib/service.ts";
import { formatTimestamp } from "../lib/time.ts";
import { callReportsJson, execute, printCallReports } from "../lib/transact.ts";
import { batchIdArg, revokerEnv } from "./revoke.ts";

/** A batch as the service lists it. */
type ServiceBatch = { id: number; state: string; size: number; chainBatchId: string | null; confirmations: number | null };

type BatchesFlags = ChainFlags & {
  readonly institution?: string;
  readonly source?: string;
  readonly service?: string;
  readonly token?: string;
  readonly limit?: string;
};

export function registerBatchCommands(program: Command, runtime: Runtime): void {
  const list = program
    .command("batches")
    .description("list an institution's batches: from the service (with a token), else from the chain's events")
    .option("--institution <id>", "institution id (chain source; env CREDANCHOR_INSTITUTION_ID)")
    .option("--source <source>", "service or chain (default: service when a token is configured)")
    .option("--service <url>", "anchoring service URL (env CREDANCHOR_SERVICE_URL)")
    .option("--token <token>", "API token (env CREDANCHOR_TOKEN)")
    .option("--limit <n>", "service: at most this many, newest first (default 100)");
  addChainOptions(list);
  withHelp(list, {
    examples: [
      "credanchor batches                               # the service's batches of the token's institution",
      "credanchor batches --source chain --institution 1 # from BatchAnchored events, no service needed",
    ],
    env: ["CREDANCHOR_SERVICE_URL", "CREDANCHOR_TOKEN", "CREDANCHOR_RPC_URL", "CREDANCHOR_REGISTRY_ADDRESS", "CREDANCHOR_INSTITUTION_ID"],
  });
  list.action(action(runtime, async (out, flags: BatchesFlags) => listBatches(out, flags)));

  const group = program.command("batch").description("one batch on-chain: show it, revoke it as a whole");
  const show = group.command("show <batchId>").description("the registry's record of a batch");
  addChainOptions(show);
  withHelp(show, { examples: ["credanchor batch show 0x5c1e…"], env: ["CREDANCHOR_RPC_URL", "CREDANCHOR_REGISTRY_ADDRESS"] });
  show.action(
    action(runtime, async (out, batchId: string, flags: ChainFlags) => {
      const { chain, registry } = await openRegistry(flags);
      const record = await readBatch({ client: chain.client, registry: registry.address, batchId: batchIdArg(batchId, "batch id") });
      if (!record.exists) {
        throw new CliError({
          code: "CA_CLI_NOT_FOUND",
          message: `No batch ${batchId} in registry ${registry.address} on ${chain.caip2}.`,
          hints: ["Check the id, --rpc and --registry; list batches with `credanchor batches`."],
        });
      }
      out.result({ chain: chain.caip2, registry: registry.address, batch: record });
      out.line(`Batch ${record.batchId}`);
      for (const row of table(describeBatch(record))) out.line(row);
    }),
  );

  const revoke = group
    .command("revoke <batchId>")
    .description("permanently revoke a whole batch")
    .addOption(reasonOption());
  addTxOptions(addChainOptions(revoke), "revoker");
  withHelp(revoke, {
    examples: ["credanchor batch revoke 0x5c1e… --reason issuedInError", "credanchor batch revoke 0x5c1e… --dry-run"],
    env: [...revokerEnv],
  });
  revoke.action(
    action(runtime, async (out, batchId: string, flags: TxFlags & { reason?: string }) => {
      const id = batchIdArg(batchId, "batch id");
      const reason = reasonFromFlag(flags.reason);
      const { chain, registry } = await openRegistry(flags);
      const sender = await senderFor("revoker", flags, runtime.io);
      const dryRun = flags.dryRun === true;
      const reports = await execute({
        chain,
        registry: registry.address,
        sender,
        dryRun,
        calls: [{ functionName: "revokeBatch", args: [id, reason], summary: `revoke batch ${id}: ${describeReason(reason)}` }],
      });
      out.result({ ...callReportsJson(reports, dryRun), batchId: id, reason });
      printCallReports(out, reports, dryRun);
    }),
  );
}

function describeBatch(record: BatchRecord): [string, string][] {
  return [
    ["institution", String(record.institutionId)],
    ["credentials", String(record.leafCount)],
    ["anchored", `${formatTimestamp(record.anchoredAt)} by ${record.anchorer}`],
    ["status", record.revoked ? `revoked ${formatTimestamp(record.revokedAt)}: ${describeReason(record.revokedReason)}` : "active"],
  ];
}

/** Every batch the institution anchored, oldest first, from BatchAnchored and BatchesAnchored events. */
async function chainBatches(chain: ChainContext, registry: Address, institutionId: number) {
  const base = { address: registry, abi: credentialRegistryAbi, fromBlock: 0n, toBlock: "latest", args: { institutionId } } as const;
  const [single, many] = await rpcRead(chain.client, () =>
    Promise.all([
      chain.client.getContractEvents({ ...base, eventName: "BatchAnchored" }),
      chain.client.getContractEvents({ ...base, eventName: "BatchesAnchored" }),
    ]),
  );
  const found: { batchId: Hex; merkleRoot: Hex; blockNumber: bigint; logIndex: number; transactionHash: Hex }[] = [];
  for (const log of single) {
    found.push({
      batchId: log.args.batchId!,
      merkleRoot: log.args.merkleRoot!,
      blockNumber: log.blockNumber,
      logIndex: log.logIndex,
      transactionHash: log.transactionHash,
    });
  }
  for (const log of many) {
    for (const merkleRoot of log.args.merkleRoots ?? []) {
      found.push({
        batchId: batchIdOf({ institutionId, merkleRoot }),
        merkleRoot,
        blockNumber: log.blockNumber,
        logIndex: log.logIndex,
        transactionHash: log.transactionHash,
      });
    }
  }
  found.sort((a, b) => (a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1));
  const latest = await rpcRead(chain.client, () => chain.client.getBlockNumber());
  return Promise.all(
    found.map(async (entry) => {
      const record = await readBatch({ client: chain.client, registry, batchId: entry.batchId });
      return {
        batchId: entry.batchId,
        merkleRoot: entry.merkleRoot,
        leafCount: record.leafCount,
        anchoredAt: formatTimestamp(record.anchoredAt),
        anchorer: getAddress(record.anchorer),
        transactionHash: entry.transactionHash,
        blockNumber: Number(entry.blockNumber),
        confirmations: Number(latest - entry.blockNumber + 1n),
        revoked: record.revoked,
      };
    }),
  );
}

async function listBatches(out: Output, flags: BatchesFlags): Promise<number> {
  const service = serviceConfig(flags);
  const source = flags.source ?? (service.token !== undefined ? "service" : "chain");
  if (source === "service") {
    const client = createServiceClient(service);
    const { body } = await client.request<{ batches?: ServiceBatch[]; next?: string | null }>("GET", "/v1/batches", {
      query: { limit: flags.limit },
    });
    const batches = body.batches ?? [];
    out.result(body);
    out.line(`${batches.length} batch${batches.length === 1 ? "" : "es"} at ${service.url}${body.next == null ? "" : " (more with --limit)"}`);
    for (const batch of batches) {
      out.line(
        `  #${String(batch.id).padEnd(5)} ${batch.state.padEnd(8)} ${String(batch.size).padStart(7)} credentials` +
          `${batch.chainBatchId == null ? "" : `  ${batch.chainBatchId}`}` +
          `${batch.confirmations == null ? "" : `  ${batch.confirmations} confirmations`}`,
      );
    }
    return 0;
  }
  if (source !== "chain") throw usageError(`--source: "${source}" is neither service nor chain.`);
  const institution = institutionFromConfig(flags.institution)!;
  const { chain, registry } = await openRegistry(flags);
  const batches = await chainBatches(chain, registry.address, institution);
  out.result({ chain: chain.caip2, registry: registry.address, institutionId: institution, batches });
  out.line(`${batches.length} batch${batches.length === 1 ? "" : "es"} of institution ${institution} in ${registry.address} on ${chain.caip2}`);
  for (const batch of batches) {
    out.line(
      `  ${batch.batchId}  ${String(batch.leafCount).padStart(7)} credentials  ${batch.anchoredAt}  block ${batch.blockNumber}` +
        `${batch.revoked ? "  REVOKED" : ""}`,
    );
  }
  return 0;
}
