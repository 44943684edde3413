/**
 * `credanchor verify <file...>`: checks portable credentials against the chain, with
 * nothing but the files and an RPC endpoint (no service). Many credentials are verified
 * in groups of whole batches, so the registry is asked once per batch for statuses.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";

import type { Command } from "commander";
import { verifyCredentials } from "../../core/verify/verifyCredentials.ts";
import { createClient } from "../lib/chain.ts";
import { type Runtime, action, withHelp } from "../lib/command.ts";
import { chainConfig, verifyConfig } from "../lib/config.ts";
import { createDidWebResolver } from "../lib/didWeb.ts";
import { type InputDocument, readDocuments } from "../lib/inputs.ts";
import type { Output } from "../lib/output.ts";
import { startProgress } from "../lib/progress.ts";
import { type VerifyResult, exitCodeOf, printCompact, printDetailed, printSummary, summarize } from "../lib/report.ts";
import { parseTime } from "../lib/time.ts";
import { createSignaturePool, type SignaturePool } from "../lib/signaturePool.ts";
import { resolveTrustedRegistries } from "../lib/trust.ts";

/** Credentials per verifyCredentials call (whole batches are never split). */
const GROUP_SIZE = 500;
/**
 * From this many credentials on, issuer signatures are checked on worker threads
 * (cli/lib/signaturePool.ts): below it, starting the threads costs more than they save.
 */
const SIGNATURE_THREADS_FROM = 200;
/** Up to this many credentials every check is printed; beyond, one line each. */
const DETAILED_UP_TO = 3;

type VerifyFlags = {
  readonly rpc?: string;
  readonly chain?: string[];
  readonly registry?: string[];
  readonly confirmations?: string;
  readonly at?: string;
  readonly now?: string;
  readonly verbose?: boolean;
  readonly quiet?: boolean;
  readonly resolveDidWeb?: boolean;
};

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export function registerVerifyCommand(program: Command, runtime: Runtime): void {
  const command = program
    .command("verify <files...>")
    .description("verify portable credentials (files, directories, or - for stdin) against the chain")
    .option("--rpc <url>", "JSON-RPC endpoint of the chain the credentials name (env CREDANCHOR_RPC_URL)")
    .option("--chain <caip2>", "accept only these chains, e.g. eip155:1 (repeatable or comma-separated)", collect)
    .option(
      "--registry <address>",
      'trust only these registries (repeatable; default: deployments/*.json of the chain; "any" trusts whatever a credential names: unsafe)',
      collect,
    )
    .option("--confirmations <n>", "confirmations the anchoring needs, else pending (default 1)")
    .option("--at <time>", "the status as of this past moment (ISO 8601 or unix seconds), rebuilt from events")
    .option("--now <time>", "judge validFrom / validUntil at this moment instead of now")
    .option("--verbose", "print every check of every credential")
    .option("--quiet", "print only credentials that are not valid, and the summary")
    .option("--resolve-did-web", "fetch did:web issuers' DID documents over HTTPS to check signatures (default: skipped, the anchor establishes the issuer)");
  withHelp(command, {
    examples: [
      "credanchor verify alice.json",
      "credanchor verify issued/ --chain eip155:31337           # a folder, with a chain allow-list",
      "cat alice.json | credanchor verify - --json",
      "credanchor verify alice.json --at 2026-01-15T00:00:00Z   # was it valid then?",
      "credanchor verify alice.json --rpc https://rpc.example --registry 0x5FbD… --confirmations 12",
    ],
    notes: [
      "The registry is the root of trust: anyone can deploy a copy and register a look-alike institution in it.",
      "Trusted registries default to the addresses in deployments/*.json for the RPC's chain; with none there and",
      "no --registry, no credential verifies. No anchoring service is needed.",
    ],
    exitCodes: "0 all valid, 1 a credential is invalid, revoked or still pending, 2 a file or the chain could not be read.",
    env: ["CREDANCHOR_RPC_URL", "CREDANCHOR_CHAIN_IDS", "CREDANCHOR_REGISTRY_ADDRESS", "CREDANCHOR_CONFIRMATIONS", "CREDANCHOR_DEPLOYMENTS_DIR", "NO_COLOR"],
  });
  command.action(action(runtime, async (out, files: string[], flags: VerifyFlags) => verify(out, runtime, files, flags)));
}

/** The batch a document names, read loosely (only to group work; core does the real parsing). */
function batchKey(value: unknown): string {
  const proof = (value as { proof?: unknown } | null)?.proof;
  const own = Array.isArray(proof) ? proof.find((entry) => (entry as { type?: unknown })?.type === "CredanchorMerkleProof") : proof;
  const { registry, batchId } = (own ?? {}) as { registry?: unknown; batchId?: unknown };
  return `${String(registry).toLowerCase()}:${String(batchId).toLowerCase()}`;
}

/** Positions of `documents`, in groups of about `size` that never split a batch. */
function groupsOfWholeBatches(documents: readonly InputDocument[], size: number): number[][] {
  const byBatch = new Map<string, number[]>();
  documents.forEach((document, position) => {
    const key = batchKey(document.value);
    const list = byBatch.get(key) ?? [];
    list.push(position);
    byBatch.set(key, list);
  });
  const groups: number[][] = [];
  let current: number[] = [];
  for (const positions of byBatch.values()) {
    current.push(...positions);
    if (current.length >= size) {
      groups.push(current);
      current = [];
    }
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

async function verify(out: Output, runtime: Runtime, files: readonly string[], flags: VerifyFlags): Promise<number> {
  const chain = chainConfig({ rpc: flags.rpc });
  const options = verifyConfig(flags);
  const at = flags.at === undefined ? undefined : parseTime(flags.at, "--at");
  const now = flags.now === undefined ? undefined : parseTime(flags.now, "--now");
  const { documents, problems } = await readDocuments(files, runtime.io);
  const client = createClient(chain.rpcUrl);

  const { trusted, fromDeployments } = await resolveTrustedRegistries({ client, options, deploymentsDir: chain.deploymentsDir });

  const results: (VerifyResult | undefined)[] = new Array(documents.length);
  const progress = startProgress(out, { total: documents.length, label: "Verifying" });
  const threads = availableParallelism();
  const pool: SignaturePool | undefined = documents.length >= SIGNATURE_THREADS_FROM && threads > 1 ? createSignaturePool({ threads }) : undefined;
  try {
    for (const group of groupsOfWholeBatches(documents, GROUP_SIZE)) {
      const reports = await verifyCredentials({
        credentials: group.map((position) => documents[position]!.value),
        client,
        allowedChains: options.allowedChains,
        trustedRegistries: trusted,
        requiredConfirmations: options.confirmations,
        now,
        at,
        resolveDid: flags.resolveDidWeb === true ? createDidWebResolver() : undefined,
        signatureVerifier: pool?.verify,
      });
      reports.forEach((report, i) => {
        const position = group[i]!;
        results[position] = { source: documents[position]!.source, status: report.status, report };
      });
      progress.increment(group.length);
    }
  } finally {
    progress.stop();
    await pool?.close();
  }
  const all: VerifyResult[] = [
    ...results.filter((result): result is VerifyResult => result !== undefined),
    ...problems.map((problem) => ({
      source: problem.source,
      status: "error" as const,
      error: { code: problem.code, message: problem.message },
    })),
  ];

  out.result({
    summary: summarize(all),
    options: {
      rpc: chain.rpcUrl,
      allowedChains: options.allowedChains ?? null,
      trustedRegistries: trusted,
      requiredConfirmations: options.confirmations,
      at: at?.toISOString() ?? null,
    },
    results: all,
  });
  const detailed = flags.verbose === true || (all.length <= DETAILED_UP_TO && flags.quiet !== true);
  for (const result of all) {
    if (flags.quiet === true && result.status === "valid") continue;
    if (detailed) {
      printDetailed(out, result);
      if (all.length > 1) out.line();
    } else {
      printCompact(out, result);
    }
  }
  if (all.length > 1 || flags.quiet === true) printSummary(out, all);
  if (!out.json && trusted === "any" && all.some((result) => result.status === "valid")) {
    out.note('warning: --registry any: the registry each credential names was trusted; anyone can deploy one, so "valid" here proves nothing about the issuer.');
  }
  if (!out.json && trusted !== "any" && trusted.length === 0 && all.some(untrustedRegistry)) {
    out.note(
      `note: no trusted registry: none was given and ${fromDeployments ? `none is recorded in ${join(chain.deploymentsDir, "*.json")} for this chain` : "the list is empty"}. ` +
        "Pass --registry <address> (or CREDANCHOR_REGISTRY_ADDRESS): the registry your issuers anchor in.",
    );
  }
  return exitCodeOf(all);
}

/** True when the credential failed only because its registry is not trusted. */
function untrustedRegistry(result: VerifyResult): boolean {
  if (!("report" in result)) return false;
  const anchored = result.report.checks.find((check) => check.id === "anchored");
  return (anchored?.details as { code?: string } | undefined)?.code === "CA_REGISTRY_UNTRUSTED";
}
