/**
 * `credanchor issue <inputs...>`: credentials (JSON files, folders, NDJSON) or a CSV of
 * recipients with an achievement template become anchored, portable credentials, either
 * through the anchoring service or, with --local, directly with the anchorer's key.
 */
import type { Command } from "commander";

import { type Runtime, action, addChainOptions, addTxOptions, withHelp } from "../lib/command.ts";
import { keyEnv } from "../lib/config.ts";
import { usageError } from "../lib/errors.ts";
import { type LocalFlags, issueLocal } from "../lib/issueLocal.ts";
import { type ServiceIssueFlags, issueThroughService } from "../lib/issueService.ts";
import { readRecipes } from "../lib/recipes.ts";

type IssueFlags = LocalFlags &
  ServiceIssueFlags & {
    readonly local?: boolean;
    readonly template?: string;
    readonly issuer?: string;
    readonly issuerName?: string;
  };

export function registerIssueCommand(program: Command, runtime: Runtime): void {
  const command = program
    .command("issue <inputs...>")
    .description("anchor credentials (JSON, NDJSON, folders, or a CSV of recipients with --template) and write portable credentials")
    .option("--template <file>", "achievement template for CSV inputs: { issuer, achievement, validFrom?, validUntil? }")
    .option("--issuer <id>", "issuer id (DID or URL) when the template is a bare achievement")
    .option("--issuer-name <name>", "issuer name with --issuer")
    .option("--out <dir>", "where portable credentials (and the resume journal) are written", "issued")
    .option("--local", "no service: build the batch and anchor it with the anchorer key")
    .option("--institution <id>", "with --local: institution id (env CREDANCHOR_INSTITUTION_ID)")
    .option("--service <url>", "anchoring service URL (env CREDANCHOR_SERVICE_URL)")
    .option("--token <token>", "API token with the issue scope (env CREDANCHOR_TOKEN)")
    .option("--wait", "close the open batch, wait until anchored, then write each portable credential to --out")
    .option("--no-close", "with --wait: leave the batch to the service's size and time policy")
    .option("--timeout <seconds>", "with --wait: give up after this long", "600")
    .option("--chunk <n>", "credentials per request to the service", "1000")
    .option("--bake <image>", "write the badge image (PNG or SVG) with the credential baked in (Open Badges 3.0) beside each JSON")
    .option("--mail-merge <file>", "write a CSV of recipient, email, file, share link and LinkedIn add-to-profile link")
    .option("--share-url <url>", "the verifier page share links point at (default: the service's page)")
    .option("--hosted-pages", "through the service, with --wait: open each batch to hosted pages (/c/<id>); each page and its holder's withdraw link go in the output and the mail-merge CSV");
  addTxOptions(addChainOptions(command), "anchorer");
  withHelp(command, {
    examples: [
      "credanchor issue roster.csv --template rust-101.json --wait          # through the service",
      "credanchor issue credentials/ --local --institution 1 --out issued/  # no service, anchorer key from env",
      "credanchor issue roster.csv --template rust-101.json --local --institution 1 --dry-run",
      "credanchor issue cohort.ndjson --wait --json > receipt.json",
      "credanchor issue roster.csv --template rust-101.json --wait --bake badge.png --mail-merge mail.csv",
      "credanchor issue roster.csv --template rust-101.json --wait --hosted-pages --mail-merge mail.csv",
    ],
    notes: [
      "Re-running the same command after an interruption is safe: idempotency keys derived from the input",
      "and the journal in <out>/.credanchor/ make sure nothing is submitted or anchored twice.",
      "CSV columns: id (DID or URI), email, name, valid_from, valid_until; emails and names are stored as salted hashes.",
    ],
    env: [
      "CREDANCHOR_SERVICE_URL",
      "CREDANCHOR_TOKEN",
      "CREDANCHOR_RPC_URL",
      "CREDANCHOR_REGISTRY_ADDRESS",
      "CREDANCHOR_INSTITUTION_ID",
      ...keyEnv("anchorer"),
    ],
  });
  command.action(
    action(runtime, async (out, inputs: string[], flags: IssueFlags) => {
      if (flags.local !== true && (flags.dryRun === true || flags.keystore !== undefined || flags.from !== undefined)) {
        throw usageError("--dry-run, --keystore and --from apply to --local issuing (the service signs its own transactions).");
      }
      if (flags.hostedPages === true && (flags.local === true || flags.wait !== true)) {
        throw usageError("--hosted-pages needs the service and --wait: the service hosts the pages, once the batch is anchored.");
      }
      const recipes = await readRecipes(inputs, flags, runtime.io);
      if (recipes.length === 0) throw usageError("The inputs hold no credentials.");
      return flags.local === true ? issueLocal(out, runtime, recipes, flags) : issueThroughService(out, recipes, flags);
    }),
  );
}
