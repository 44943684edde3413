/**
 * Reading credentials from the command line's arguments: files, directories (walked for
 * .json / .ndjson / .jsonl files), and `-` for stdin. A .json file may hold one document
 * or an array of documents; .ndjson / .jsonl files and stdin may hold one per line.
 * A PNG or SVG badge image given by name is read as the Open Badges 3.0 credential baked
 * into it (core/baking.ts); folders are walked for JSON only, so a badge beside its JSON
 * is not verified twice.
 * A file that cannot be read or parsed becomes a problem entry naming the file; it never
 * stops the others from being read.
 */
import { readFile, readdir, stat } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { text } from "node:stream/consumers";

import { imageKind, unbake } from "../../core/baking.ts";
import { CredanchorError } from "../../core/errors.ts";
import { usageError } from "./errors.ts";
import type { Io } from "./output.ts";

/** One parsed document and where it came from. */
export type InputDocument = {
  /** "alice.json", "cohort.ndjson:3", "batch.json[2]", "stdin". */
  readonly source: string;
  /** The file it came from ("-" for stdin). */
  readonly file: string;
  readonly value: unknown;
};

/** A file that could not be read or parsed. */
export type InputProblem = {
  readonly source: string;
  readonly code: "CA_CLI_FILE_UNREADABLE" | "CA_CLI_FILE_INVALID";
  readonly message: string;
};

const documentExtensions = new Set([".json", ".jsonld", ".ndjson", ".jsonl"]);
const lineExtensions = new Set([".ndjson", ".jsonl"]);

/** Expands directories into their credential files (recursively, sorted, hidden entries skipped). */
async function expand(path: string): Promise<string[]> {
  if (path === "-") return [path];
  let info;
  try {
    info = await stat(path);
  } catch {
    return [path]; // reported as unreadable by the reader
  }
  if (!info.isDirectory()) return [path];
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) files.push(...(await expand(full)));
    else if (documentExtensions.has(extname(entry.name).toLowerCase())) files.push(full);
  }
  return files;
}

function parseLines(content: string, source: string, file: string): { documents: InputDocument[]; problems: InputProblem[] } {
  const documents: InputDocument[] = [];
  const problems: InputProblem[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      documents.push({ source: `${source}:${i + 1}`, file, value: JSON.parse(line) });
    } catch (error) {
      problems.push({ source: `${source}:${i + 1}`, code: "CA_CLI_FILE_INVALID", message: `not JSON: ${(error as Error).message}` });
    }
  });
  return { documents, problems };
}

function parseContent(content: string, source: string, file: string, byLine: boolean) {
  if (byLine) return parseLines(content, source, file);
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    // stdin may be NDJSON: several documents, one a line.
    if (file === "-" && content.trim().includes("\n")) return parseLines(content, source, file);
    return {
      documents: [],
      problems: [{ source, code: "CA_CLI_FILE_INVALID" as const, message: `not JSON: ${(error as Error).message}` }],
    };
  }
  if (Array.isArray(value)) {
    return { documents: value.map((item, i) => ({ source: `${source}[${i}]`, file, value: item })), problems: [] };
  }
  return { documents: [{ source, file, value }], problems: [] };
}

/**
 * Reads every document named by `paths`, in order.
 *
 * @example
 * const { documents, problems } = await readDocuments(["issued/", "-"], io);
 */
export async function readDocuments(
  paths: readonly string[],
  io: Io,
): Promise<{ documents: InputDocument[]; problems: InputProblem[] }> {
  if (paths.length === 0) throw usageError("No input: give files, a directory, or - for stdin.");
  if (paths.filter((path) => path === "-").length > 1) throw usageError("stdin (-) can be read only once.");
  const files = (await Promise.all(paths.map(expand))).flat();
  if (files.length === 0) throw usageError(`No credential files (.json, .ndjson, .jsonl) in ${paths.join(", ")}.`);
  const documents: InputDocument[] = [];
  const problems: InputProblem[] = [];
  // Read a bounded number of files at once: thousands of files, few descriptors.
  const chunk = 64;
  for (let start = 0; start < files.length; start += chunk) {
    const contents = await Promise.all(
      files.slice(start, start + chunk).map(async (file) => {
        try {
          if (file === "-") return { file, content: await text(io.stdin) };
          const bytes = await readFile(file);
          return imageKind(bytes) === undefined ? { file, content: bytes.toString("utf8") } : { file, image: bytes };
        } catch (error) {
          return { file, error: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
        }
      }),
    );
    for (const entry of contents) {
      const source = entry.file === "-" ? "stdin" : entry.file;
      if ("image" in entry && entry.image !== undefined) {
        try {
          documents.push({ source, file: entry.file, value: unbake({ image: entry.image }) });
        } catch (error) {
          if (!(error instanceof CredanchorError)) throw error;
          problems.push({ source, code: "CA_CLI_FILE_INVALID", message: error.message });
        }
        continue;
      }
      if (entry.content === undefined) {
        const reason = entry.error === "ENOENT" ? "no such file" : entry.error === "EISDIR" ? "is a directory" : entry.error;
        problems.push({ source, code: "CA_CLI_FILE_UNREADABLE", message: `cannot read: ${reason}` });
        continue;
      }
      const parsed = parseContent(entry.content, source, entry.file, lineExtensions.has(extname(entry.file).toLowerCase()));
      documents.push(...parsed.documents);
      problems.push(...parsed.problems);
    }
  }
  return { documents, problems };
}

/** A short, file-system-safe name for an output file: "alice" from "in/alice.json". */
export function stem(file: string): string {
  return basename(file, extname(file));
}
