/**
 * The issue journal: `<out>/.credanchor/issue-<digest>.json`, written before anything is
 * sent. It keeps the credentials exactly as built (CSV rows get fresh ids and identity
 * salts each time they are built), the batch salts and root before the anchoring
 * transaction, and the service's ids as they are returned. A re-run with the same input
 * finds it and resumes: the same root is found on-chain instead of being anchored again,
 * the same bodies are resubmitted under the same idempotency keys.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

import type { Hex } from "viem";

/** One prepared credential. */
export type JournalEntry = {
  readonly source: string;
  readonly name: string;
  readonly key: string;
  readonly credential: Record<string, unknown>;
};

/** Where a local batch stands. */
export type LocalBatchState = {
  readonly chain: string;
  readonly registry: string;
  readonly institutionId: number;
  readonly merkleRoot: Hex;
  readonly batchId: Hex;
  readonly salts: readonly Hex[];
  readonly transactionHash?: Hex | undefined;
  readonly blockNumber?: number | undefined;
};

/** The journal's content. */
export type Journal = {
  readonly version: 1;
  readonly inputDigest: string;
  readonly createdAt: string;
  readonly entries: readonly JournalEntry[];
  local?: LocalBatchState | undefined;
  /** The service the ids below came from. */
  serviceUrl?: string | undefined;
  /** The service's credential id and batch by idempotency key. */
  service?: Record<string, { readonly id: string; readonly batch: number }> | undefined;
};

/** The journal's path for an output folder and input digest. */
export function journalPath(outDir: string, digest: string): string {
  return join(outDir, ".credanchor", `issue-${digest.slice(0, 16)}.json`);
}

/** Loads a journal, or undefined if there is none (or it belongs to other input). */
export async function loadJournal(path: string, digest: string): Promise<Journal | undefined> {
  try {
    const journal = JSON.parse(await readFile(path, "utf8")) as Journal;
    return journal.version === 1 && journal.inputDigest === digest ? journal : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the journal atomically (temp file + rename), so a crash never leaves half of it. */
export async function saveJournal(path: string, journal: Journal): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(journal)}\n`);
  await rename(temp, path);
}
