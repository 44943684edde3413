/**
 * Deployment records: deployments/<name>.json, written by `credanchor deploy` (and
 * scripts/deploy.ts) and read to find the registry of the chain an RPC serves.
 * Shape: `{ chainId, address, deployBlock, transactionHash }` (more fields are kept).
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { z } from "zod";

import { CliError } from "./errors.ts";

const deploymentSchema = z.looseObject({
  chainId: z.coerce.number().int().positive(),
  address: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  deployBlock: z.coerce.number().int().min(0).optional(),
  transactionHash: z.string().optional(),
});

/** One deployment record and the file it came from. */
export type Deployment = {
  readonly name: string;
  readonly file: string;
  readonly chainId: number;
  readonly address: `0x${string}`;
  readonly deployBlock: number | undefined;
  readonly transactionHash: string | undefined;
};

/** Every readable record in `dir` (none if the folder does not exist); unreadable files are skipped. */
export async function readDeployments(dir: string): Promise<Deployment[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith(".json")).sort();
  } catch {
    return [];
  }
  const records: Deployment[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      const parsed = deploymentSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
      if (!parsed.success) continue; // e.g. an Ignition journal or another tool's file
      records.push({
        name: name.slice(0, -".json".length),
        file,
        chainId: parsed.data.chainId,
        address: parsed.data.address as `0x${string}`,
        deployBlock: parsed.data.deployBlock,
        transactionHash: parsed.data.transactionHash,
      });
    } catch {
      continue;
    }
  }
  return records;
}

/** Writes deployments/<name>.json. */
export async function writeDeployment(
  dir: string,
  name: string,
  record: Record<string, unknown> & { readonly chainId: number; readonly address: string },
): Promise<string> {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new CliError({
      code: "CA_CLI_USAGE",
      message: `--name "${name}" is not a usable file name.`,
      hints: ["Use letters, digits, dot, dash or underscore, e.g. --name sepolia."],
    });
  }
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}
