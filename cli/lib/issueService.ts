/**
 * `issue` through the anchoring service: submit in chunks with idempotency keys derived
 * from the input (so a re-run after an interruption creates nothing twice), and with
 * --wait poll until each credential is anchored and write its portable form.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { parseIntFlag } from "./command.ts";
import { serviceConfig } from "./config.ts";
import { type DeliveryFlags, type HostedPage, prepareDelivery } from "./delivery.ts";
import { CliError, usageError } from "./errors.ts";
import { prepareEntries } from "./issueLocal.ts";
import { type Journal, journalPath, loadJournal, saveJournal } from "./journal.ts";
import type { Output } from "./output.ts";
import { startProgress } from "./progress.ts";
import { type Recipe, inputDigest } from "./recipes.ts";
import { createServiceClient } from "./service.ts";

export type ServiceIssueFlags = DeliveryFlags & {
  readonly service?: string;
  readonly token?: string;
  readonly wait?: boolean;
  readonly timeout: string;
  readonly chunk: string;
  readonly out: string;
  /** --no-close sets it false: wait for the service's own batch policy instead. */
  readonly close?: boolean;
};

/** One entry of the service's 202 answer (`existing` when the key was seen before). */
type Accepted = { readonly id: string; readonly batch: number; readonly status?: string; readonly existing?: true };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function issueThroughService(
  out: Output,
  recipes: readonly Recipe[],
  flags: ServiceIssueFlags,
): Promise<number> {
  const config = serviceConfig(flags);
  if (config.token === undefined) {
    throw new CliError({
      code: "CA_CLI_USAGE",
      message: "Issuing through the service needs an API token with the issue scope.",
      hints: ["Pass --token or set CREDANCHOR_TOKEN (create one with `credanchor tokens create`), or use --local."],
    });
  }
  if (flags.wait !== true && (flags.bake !== undefined || flags.mailMerge !== undefined)) {
    throw usageError("--bake and --mail-merge need --wait: the files exist once the credentials are anchored.");
  }
  const delivery = await prepareDelivery(flags, recipes, { defaultShareUrl: `${config.url.replace(/\/+$/, "")}/` });
  const chunkSize = parseIntFlag(flags.chunk, "--chunk", { min: 1, max: 100_000 });
  const timeoutMs = parseIntFlag(flags.timeout, "--timeout", { min: 1 }) * 1000;
  const client = createServiceClient(config);
  const digest = inputDigest(recipes);
  const path = journalPath(flags.out, digest);
  const journal: Journal = (await loadJournal(path, digest)) ?? {
    version: 1,
    inputDigest: digest,
    createdAt: new Date().toISOString(),
    entries: prepareEntries(recipes),
  };
  // Ids belong to one service: a journal written against another one starts over there.
  if (journal.serviceUrl !== config.url) journal.service = {};
  journal.serviceUrl = config.url;
  journal.service ??= {};
  const known = journal.service;
  await saveJournal(path, journal);

  // Submit what has no id yet. The service deduplicates by key, so even a chunk whose
  // answer was lost is safe to send again.
  const pending = journal.entries.filter((entry) => known[entry.key] === undefined);
  const progress = startProgress(out, { total: pending.length, label: "Submitting", minimum: 2 * chunkSize });
  let replayed = 0;
  try {
    for (let start = 0; start < pending.length; start += chunkSize) {
      const chunk = pending.slice(start, start + chunkSize);
      const { body } = await client.request<{ credentials?: Accepted[] }>("POST", "/v1/credentials", {
        body: { credentials: chunk.map((entry) => ({ clientId: entry.key, credential: entry.credential })) },
      });
      const answered = body.credentials ?? [];
      if (answered.length !== chunk.length) {
        throw new CliError({
          code: "CA_CLI_SERVICE_ERROR",
          message: `The service answered ${answered.length} credentials for ${chunk.length} submitted.`,
        });
      }
      answered.forEach((item, i) => {
        known[chunk[i]!.key] = { id: item.id, batch: item.batch };
      });
      replayed += answered.filter((item) => item.existing === true).length;
      await saveJournal(path, journal);
      progress.increment(chunk.length);
    }
  } finally {
    progress.stop();
  }
  const submitted = journal.entries.map((entry) => ({ source: entry.source, name: entry.name, key: entry.key, ...known[entry.key]! }));
  const fresh = pending.length - replayed;
  const earlier = journal.entries.length - fresh;
  const counts = { submitted: fresh, alreadySubmitted: earlier };
  if (flags.wait !== true) {
    out.result({ mode: "service", service: config.url, ...counts, credentials: submitted, journal: path });
    out.line(`Submitted ${fresh} credential${fresh === 1 ? "" : "s"} to ${config.url}${earlier > 0 ? ` (${earlier} already submitted earlier)` : ""}.`);
    out.line("They are anchored with the service's next batch; run the same command with --wait to collect the portable credentials.");
    return 0;
  }

  // Close the open batch now rather than wait for the service's maximum wait.
  if (flags.close !== false) await client.request("POST", "/v1/batches/close");

  // Wait until each batch is anchored (one request per batch and round), then fetch and
  // write each of its credentials once.
  await mkdir(flags.out, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  const byBatch = new Map<number, typeof submitted>();
  for (const item of submitted) byBatch.set(item.batch, [...(byBatch.get(item.batch) ?? []), item]);
  const written: { source: string; file: string; id: string; image?: string; shareLink?: string; hostedPage?: HostedPage }[] = [];
  const waitBar = startProgress(out, { total: submitted.length, label: "Anchoring", minimum: 2 });
  let delay = 250;
  try {
    while (byBatch.size > 0) {
      for (const [batch, items] of byBatch) {
        const { body } = await client.request<{ state?: string }>("GET", `/v1/batches/${batch}`);
        if (body.state !== "anchored") continue;
        if (flags.hostedPages === true) await client.request("POST", `/v1/batches/${batch}/hosted-pages`);
        for (const item of items) {
          const { body: record } = await client.request<{ status?: string; credential?: Record<string, unknown>; shareLink?: string; hostedPage?: HostedPage }>(
            "GET",
            `/v1/credentials/${encodeURIComponent(item.id)}`,
          );
          if (record.status !== "anchored" || record.credential === undefined) {
            throw new CliError({ code: "CA_CLI_SERVICE_ERROR", message: `Batch ${batch} is anchored but credential ${item.id} is ${record.status}.` });
          }
          const file = join(flags.out, `${item.name}.json`);
          await writeFile(file, `${JSON.stringify(record.credential, null, 2)}\n`);
          const hostedPage = record.hostedPage === undefined ? undefined : { url: record.hostedPage.url, withdrawLink: record.hostedPage.withdrawLink };
          const image = await delivery.add({ file, credential: record.credential, key: item.key, shareLink: record.shareLink, hostedPage });
          written.push({
            source: item.source,
            file,
            id: item.id,
            ...(image === undefined ? {} : { image }),
            ...(record.shareLink === undefined ? {} : { shareLink: record.shareLink }),
            ...(hostedPage === undefined ? {} : { hostedPage }),
          });
          waitBar.increment();
        }
        byBatch.delete(batch);
      }
      if (byBatch.size === 0) break;
      if (Date.now() > deadline) {
        const left = [...byBatch.values()].reduce((sum, items) => sum + items.length, 0);
        throw new CliError({
          code: "CA_CLI_SERVICE_ERROR",
          message: `${left} credential${left === 1 ? " is" : "s are"} still not anchored after ${timeoutMs / 1000} s.`,
          hints: ["Run the same command again later: nothing is submitted twice.", "Check the service's batches with `credanchor batches`."],
        });
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 5_000);
    }
  } finally {
    waitBar.stop();
  }
  const mailMerge = await delivery.finish();
  out.result({ mode: "service", service: config.url, ...counts, credentials: written, journal: path, ...(mailMerge === undefined ? {} : { mailMerge }) });
  if (mailMerge !== undefined) out.line(`Mail-merge list (recipient, email, share link, LinkedIn link${flags.hostedPages === true ? ", hosted page, withdraw link" : ""}): ${mailMerge}`);
  out.line(`${out.paint("green", "✔")} ${written.length} credential${written.length === 1 ? "" : "s"} anchored (${fresh} submitted now, ${earlier} earlier); wrote them to ${flags.out}/`);
  return 0;
}
