/**
 * What `issue` reads: credential files (JSON, NDJSON, folders) or CSV recipient lists
 * with an Open Badges achievement template. Each input becomes a recipe: an output name,
 * an idempotency key derived from the input alone (so a re-run produces the same keys),
 * and a function that builds the credential.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";

import { type AchievementInput, canonicalizeCredential, createOpenBadgeCredential, CredanchorError, type ProfileInput, PROOF_TYPE } from "../../core/index.ts";
import { parseCsv } from "./csv.ts";
import { CliError, usageError } from "./errors.ts";
import { readDocuments, stem } from "./inputs.ts";
import type { Io } from "./output.ts";

/** One credential to issue. */
export type Recipe = {
  readonly source: string;
  /** Output file stem, unique within the run. */
  readonly name: string;
  /** Idempotency key: sha256 of the input's file name and canonical content. */
  readonly key: string;
  readonly build: () => Record<string, unknown>;
  /** The recipient as the CSV row gave it (plain email and name, for the mail-merge file). */
  readonly recipient?: { readonly id?: string | undefined; readonly email?: string | undefined; readonly name?: string | undefined } | undefined;
};

/** The parts of an achievement template file. */
export type Template = {
  readonly issuer: ProfileInput;
  readonly achievement: AchievementInput;
  readonly validFrom?: string;
  readonly validUntil?: string;
  readonly hashRecipient?: boolean;
};

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function canonical(value: unknown): string {
  return canonicalizeCredential({ credential: value as Record<string, unknown> });
}

function slug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-")
    .slice(0, 40);
}

/** Reads an achievement template: `{ issuer, achievement, validFrom?, validUntil?, hashRecipient? }`, or a bare achievement with --issuer. */
export async function readTemplate(file: string, issuer: { id?: string; name?: string }): Promise<{ template: Template; text: string }> {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new CliError({
      code: (error as NodeJS.ErrnoException).code === undefined ? "CA_CLI_FILE_INVALID" : "CA_CLI_FILE_UNREADABLE",
      message: `--template ${file}: ${(error as NodeJS.ErrnoException).code === undefined ? "not JSON" : "cannot read"}: ${(error as Error).message}`,
    });
  }
  const bare = value["achievement"] === undefined;
  const achievement = (bare ? value : value["achievement"]) as AchievementInput;
  const profile = (bare ? undefined : value["issuer"]) as ProfileInput | undefined;
  const issuerProfile = issuer.id !== undefined ? ({ id: issuer.id, ...(issuer.name === undefined ? {} : { name: issuer.name }) } as ProfileInput) : profile;
  if (issuerProfile === undefined || typeof issuerProfile.id !== "string") {
    throw usageError(
      `--template ${file} names no issuer.`,
      'Add "issuer": { "id": "did:web:example.edu", "name": "Example University" } to the template, or pass --issuer <id>.',
    );
  }
  if (typeof achievement !== "object" || achievement === null || typeof achievement.name !== "string") {
    throw usageError(`--template ${file} has no achievement (an object with id, name, description, criteria).`);
  }
  const template: Template = {
    issuer: issuerProfile,
    achievement,
    ...(typeof value["validFrom"] === "string" ? { validFrom: value["validFrom"] } : {}),
    ...(typeof value["validUntil"] === "string" ? { validUntil: value["validUntil"] } : {}),
    ...(typeof value["hashRecipient"] === "boolean" ? { hashRecipient: value["hashRecipient"] } : {}),
  };
  return { template, text: canonical(template) };
}

const columns = {
  id: ["id", "did", "recipient", "recipient_id", "recipientid"],
  email: ["email", "e-mail", "mail"],
  name: ["name", "full_name", "fullname"],
  validFrom: ["valid_from", "validfrom"],
  validUntil: ["valid_until", "validuntil", "expires"],
} as const;

function cell(cells: Readonly<Record<string, string>>, names: readonly string[]): string | undefined {
  for (const [header, value] of Object.entries(cells)) {
    if (names.includes(header.toLowerCase()) && value !== "") return value;
  }
  return undefined;
}

async function csvRecipes(file: string, template: { template: Template; text: string } | undefined): Promise<Recipe[]> {
  if (template === undefined) {
    throw usageError(`${file} is a CSV of recipients: give --template <achievement.json> to make badges from it.`);
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CliError({ code: "CA_CLI_FILE_UNREADABLE", message: `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code}.` });
  }
  const { headers, rows } = parseCsv(text, file);
  const known = Object.values(columns).flat() as string[];
  if (!headers.some((header) => [...columns.id, ...columns.email, ...columns.name].includes(header.toLowerCase() as never))) {
    throw new CliError({
      code: "CA_CLI_FILE_INVALID",
      message: `${file}: no recipient column (id, email or name) in the header "${headers.join(",")}".`,
      hints: ["The first line names the columns, e.g. name,email or id,name."],
    });
  }
  const unknown = headers.filter((header) => !known.includes(header.toLowerCase()));
  if (unknown.length > 0) {
    throw new CliError({
      code: "CA_CLI_FILE_INVALID",
      message: `${file}: unknown column${unknown.length === 1 ? "" : "s"} ${unknown.map((name) => `"${name}"`).join(", ")}.`,
      hints: ["Columns: id (a DID or URI), email, name, valid_from, valid_until."],
    });
  }
  const base = basename(file);
  return rows.map((row, i) => {
    const recipient = { id: cell(row.cells, columns.id), email: cell(row.cells, columns.email), name: cell(row.cells, columns.name) };
    const source = `${file}:${row.line}`;
    if (recipient.id === undefined && recipient.email === undefined && recipient.name === undefined) {
      throw new CliError({ code: "CA_CLI_FILE_INVALID", message: `${source}: the row names no recipient (id, email or name).` });
    }
    const validFrom = cell(row.cells, columns.validFrom) ?? template.template.validFrom;
    const validUntil = cell(row.cells, columns.validUntil) ?? template.template.validUntil;
    const number = String(i + 1).padStart(String(rows.length).length, "0");
    const label = recipient.name ?? recipient.email?.split("@")[0];
    return {
      source,
      name: `${stem(file)}-${number}${label === undefined || slug(label) === "" ? "" : `-${slug(label)}`}`,
      key: sha256(`${base}\n${template.text}\n${canonical(row.cells)}`),
      recipient,
      build: () =>
        createOpenBadgeCredential({
          issuer: template.template.issuer,
          achievement: template.template.achievement,
          recipient,
          validFrom,
          validUntil,
          hashRecipient: template.template.hashRecipient,
        }) as Record<string, unknown>,
    };
  });
}

/** Recipes for every input, in order, with unique output names. */
export async function readRecipes(
  paths: readonly string[],
  options: { readonly template?: string; readonly issuer?: string; readonly issuerName?: string },
  io: Io,
): Promise<Recipe[]> {
  const template = options.template === undefined ? undefined : await readTemplate(options.template, { id: options.issuer, name: options.issuerName });
  const recipes: Recipe[] = [];
  const documentPaths = paths.filter((path) => extname(path).toLowerCase() !== ".csv");
  for (const path of paths) {
    if (extname(path).toLowerCase() === ".csv") recipes.push(...(await csvRecipes(path, template)));
  }
  if (documentPaths.length > 0) {
    const { documents, problems } = await readDocuments(documentPaths, io);
    const problem = problems[0];
    if (problem !== undefined) {
      throw new CliError({
        code: problem.code,
        message: `${problem.source}: ${problem.message}`,
        hints: problems.length > 1 ? [`${problems.length - 1} more input problem(s); see --json for all.`] : [],
        details: problems,
      });
    }
    const perFile = new Map<string, number>();
    for (const document of documents) perFile.set(document.file, (perFile.get(document.file) ?? 0) + 1);
    const seen = new Map<string, number>();
    for (const document of documents) {
      const value = document.value as Record<string, unknown>;
      const proof = value?.["proof"];
      if ([proof].flat().some((entry) => (entry as { type?: unknown } | null)?.type === PROOF_TYPE)) {
        throw usageError(`${document.source} is already anchored (it carries a ${PROOF_TYPE} proof).`);
      }
      let content: string;
      try {
        content = canonical(value);
      } catch (error) {
        if (error instanceof CredanchorError) throw new CliError({ code: error.code, message: `${document.source}: ${error.message}`, hints: error.hints });
        throw error;
      }
      const file = document.file === "-" ? "stdin" : stem(document.file);
      const count = (seen.get(document.file) ?? 0) + 1;
      seen.set(document.file, count);
      recipes.push({
        source: document.source,
        name: (perFile.get(document.file) ?? 1) > 1 ? `${file}-${count}` : file,
        key: sha256(`${document.file === "-" ? "stdin" : basename(document.file)}\n${content}`),
        build: () => value,
      });
    }
  }
  // Unique output names across inputs (two folders may both hold alice.json).
  const used = new Map<string, number>();
  return recipes.map((recipe) => {
    const count = (used.get(recipe.name) ?? 0) + 1;
    used.set(recipe.name, count);
    return count === 1 ? recipe : { ...recipe, name: `${recipe.name}-${count}` };
  });
}

/** sha256 over every key, in order: names the run's journal. */
export function inputDigest(recipes: readonly Recipe[]): string {
  return sha256(recipes.map((recipe) => recipe.key).join("\n"));
}
