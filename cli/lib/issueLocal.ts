/**
 * `issue --local`: no service. Build the batch with core, anchor its root with the
 * anchorer's key, write each portable credential. Resumable: the journal holds the salts
 * and root before the transaction is sent, and a batch already on-chain is never anchored
 * twice (its transaction is looked up instead).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { type Hex, keccak256 } from "viem";

import { attachProof, batchIdOf, buildBatch, CredanchorError } from "../../core/index.ts";
import { findAnchoring } from "../../core/anchoring.ts";
import { readBatch } from "../../core/registry.ts";
import { ANCHOR_FORMAT_VERSION } from "../../core/roles.ts";
import { type Runtime, type TxFlags, openRegistry, senderFor } from "./command.ts";
import { institutionId as institutionFromConfig } from "./config.ts";
import { type DeliveryFlags, prepareDelivery } from "./delivery.ts";
import { CliError } from "./errors.ts";
import { type Journal, type JournalEntry, journalPath, loadJournal, saveJournal } from "./journal.ts";
import { type Output, table } from "./output.ts";
import { startProgress } from "./progress.ts";
import { type Recipe, inputDigest } from "./recipes.ts";
import { type CallReport, callReportsJson, describeGas, execute, printCallReports } from "./transact.ts";

export type LocalFlags = TxFlags & DeliveryFlags & { readonly institution?: string; readonly out: string };

/** Builds each recipe's credential, naming the input of any that fails. */
export function prepareEntries(recipes: readonly Recipe[]): JournalEntry[] {
  return recipes.map((recipe) => {
    try {
      return { source: recipe.source, name: recipe.name, key: recipe.key, credential: recipe.build() };
    } catch (error) {
      if (!(error instanceof CredanchorError)) throw error;
      throw new CliError({ code: error.code, message: `${recipe.source}: ${error.message}`, hints: error.hints, details: error.details });
    }
  });
}

/** Re-labels core's `$[i].path` issues with the input each credential came from. */
function invalidInputs(error: CredanchorError, entries: readonly JournalEntry[]): CliError {
  const issues = (error.details ?? []).map((issue) => {
    const match = /^\$\[(\d+)\](.*)$/.exec(issue.path);
    const source = match === null ? undefined : entries[Number(match[1])]?.source;
    return { ...issue, source, path: match === null ? issue.path : `$${match[2]}` };
  });
  const sources = new Set(issues.map((issue) => issue.source));
  return new CliError({
    code: error.code,
    message: `${sources.size} input${sources.size === 1 ? " is" : "s are"} not valid credentials; nothing was anchored.`,
    hints: [
      ...issues.slice(0, 10).map((issue) => `${issue.source ?? "?"}: ${issue.path}: ${issue.message}${issue.expected === undefined ? "" : ` (expected ${issue.expected})`}`),
      ...(issues.length > 10 ? [`… and ${issues.length - 10} more (see --json).`] : []),
    ],
    details: issues,
  });
}

export async function issueLocal(out: Output, runtime: Runtime, recipes: readonly Recipe[], flags: LocalFlags): Promise<number> {
  const institutionId = institutionFromConfig(flags.institution)!;
  const dryRun = flags.dryRun === true;
  const delivery = await prepareDelivery(flags, recipes);
  const { chain, registry } = await openRegistry(flags);
  const location = { client: chain.client, registry: registry.address };
  const digest = inputDigest(recipes);
  const path = journalPath(flags.out, digest);
  const journal: Journal = (await loadJournal(path, digest)) ?? {
    version: 1,
    inputDigest: digest,
    createdAt: new Date().toISOString(),
    entries: prepareEntries(recipes),
  };
  const previous =
    journal.local !== undefined &&
    journal.local.chain === chain.caip2 &&
    journal.local.registry.toLowerCase() === registry.address.toLowerCase() &&
    journal.local.institutionId === institutionId
      ? journal.local
      : undefined;

  let batch;
  try {
    batch = buildBatch({ credentials: journal.entries.map((entry) => entry.credential), salts: previous?.salts });
  } catch (error) {
    if (error instanceof CredanchorError && error.code === "CA_CREDENTIAL_INVALID") throw invalidInputs(error, journal.entries);
    throw error;
  }
  const batchId = batchIdOf({ institutionId, merkleRoot: batch.merkleRoot });
  const onChain = await readBatch({ ...location, batchId });

  let anchoring: { transactionHash: Hex; blockNumber: bigint } | undefined;
  let report: CallReport | undefined;
  if (onChain.exists) {
    anchoring = await findAnchoring({ ...location, batchId, batch: onChain, transactionHash: previous?.transactionHash });
    if (anchoring === undefined) {
      throw new CliError({ code: "CA_CLI_NOT_FOUND", message: `Batch ${batchId} is in the registry but its anchoring transaction cannot be found.` });
    }
    out.note(`Batch ${batchId} is already anchored (transaction ${anchoring.transactionHash}): nothing sent.`);
  } else {
    const call = {
      functionName: "anchor" as const,
      args: [
        institutionId,
        {
          merkleRoot: batch.merkleRoot,
          leafCount: batch.leafCount,
          formatVersion: ANCHOR_FORMAT_VERSION,
          manifestHash: keccak256(batch.credentialHashes),
        },
      ],
      summary: `anchor a batch of ${batch.leafCount} credential${batch.leafCount === 1 ? "" : "s"} for institution ${institutionId}`,
    };
    const sender = await senderFor("anchorer", flags, runtime.io);
    if (dryRun) {
      const reports = await execute({ chain, registry: registry.address, sender, calls: [call], dryRun });
      out.result({ ...callReportsJson(reports, true), mode: "local", batchId, merkleRoot: batch.merkleRoot, leafCount: batch.leafCount });
      printCallReports(out, reports, true);
      return 0;
    }
    // Salts and root are on disk before the transaction exists: a crash after sending
    // leaves enough to find the batch on-chain and write the credentials.
    const salts = batch.entries.map((entry) => entry.salt);
    journal.local = { chain: chain.caip2, registry: registry.address, institutionId, merkleRoot: batch.merkleRoot, batchId, salts };
    await saveJournal(path, journal);
    [report] = await execute({ chain, registry: registry.address, sender, calls: [call], dryRun: false });
    anchoring = { transactionHash: report!.transactionHash!, blockNumber: report!.blockNumber! };
  }
  journal.local = {
    chain: chain.caip2,
    registry: registry.address,
    institutionId,
    merkleRoot: batch.merkleRoot,
    batchId,
    salts: batch.entries.map((entry) => entry.salt),
    transactionHash: anchoring.transactionHash,
    blockNumber: Number(anchoring.blockNumber),
  };
  if (dryRun) {
    out.result({ dryRun: true, calls: [], mode: "local", batchId, alreadyAnchored: true });
    out.line(`Nothing to send: batch ${batchId} is already anchored.`);
    return 0;
  }
  await saveJournal(path, journal);

  const block = await chain.client.getBlock({ blockNumber: anchoring.blockNumber });
  const created = new Date(Number(block.timestamp) * 1000);
  await mkdir(flags.out, { recursive: true });
  const written: { source: string; file: string; id: unknown; leafIndex: number; image?: string }[] = [];
  const progress = startProgress(out, { total: batch.leafCount, label: "Writing" });
  for (const entry of batch.entries) {
    const item = journal.entries[entry.leafIndex]!;
    const portable = attachProof({
      credential: item.credential,
      check: false, // the batch was built from these very credentials just above
      anchor: {
        chain: chain.chainId,
        registry: registry.address,
        institutionId,
        batchId,
        merkleRoot: batch.merkleRoot,
        leafIndex: entry.leafIndex,
        leafCount: batch.leafCount,
        salt: entry.salt,
        credentialHash: entry.credentialHash,
        proofPath: entry.proofPath,
        anchorTransaction: anchoring.transactionHash,
        anchorBlock: Number(anchoring.blockNumber),
        created,
      },
    });
    const file = join(flags.out, `${item.name}.json`);
    await writeFile(file, `${JSON.stringify(portable, null, 2)}\n`);
    const image = await delivery.add({ file, credential: portable, key: item.key });
    written.push({ source: item.source, file, id: item.credential["id"], leafIndex: entry.leafIndex, ...(image === undefined ? {} : { image }) });
    progress.increment();
  }
  progress.stop();

  const mailMerge = await delivery.finish();
  out.result({
    ...(mailMerge === undefined ? {} : { mailMerge }),
    dryRun: false,
    mode: "local",
    chain: chain.caip2,
    registry: registry.address,
    institutionId,
    batchId,
    merkleRoot: batch.merkleRoot,
    leafCount: batch.leafCount,
    transactionHash: anchoring.transactionHash,
    blockNumber: anchoring.blockNumber,
    alreadyAnchored: report === undefined,
    gasUsed: report?.gas,
    journal: path,
    credentials: written,
  });
  out.line(`${out.paint("green", "✔")} ${report === undefined ? "Already anchored" : "Anchored"}: batch ${batchId} of institution ${institutionId}`);
  for (const row of table([
    ["credentials", String(batch.leafCount)],
    ["merkle root", batch.merkleRoot],
    ["transaction", `${anchoring.transactionHash} (block ${anchoring.blockNumber})`],
    ...(report === undefined ? [] : ([["cost", describeGas(report)]] as [string, string][])),
  ])) out.line(row);
  out.line(`Wrote ${written.length} portable credential${written.length === 1 ? "" : "s"} to ${flags.out}/`);
  return 0;
}
