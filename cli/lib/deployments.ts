/**
 * Deployment records: deployments/<name>.json, written by `credanchor deploy` (and
 * scripts/deploy.ts) and read to find the registry of the chain an RPC serves.
 * Written as `{ chainId, address, deployBlock, transactionHash, ... }`.
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { CliError } from "./errors.ts";

function pick(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

const isAddressText = (value: unknown): value is `0x${string}` => typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value);
const isCount = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0;

/**
 * The record in a deployment file, in any of the shapes the CLI, scripts/deploy.ts and
 * the service write (`address`, `registry`, `CredentialRegistry.address`, ...; the same
 * reading as server/chain/deployments.ts). Undefined when the file names no chain or address.
 */
function recordOf(json: unknown) {
  const address = [
    pick(json, "address"),
    pick(json, "registry"),
    pick(json, "CredentialRegistry", "address"),
    pick(json, "contracts", "CredentialRegistry", "address"),
    pick(json, "registry", "address"),
  ].find(isAddressText);
  const chainId = pick(json, "chainId");
  if (address === undefined || !isCount(chainId) || chainId === 0) return undefined;
  const deployBlock = [pick(json, "deployBlock"), pick(json, "blockNumber"), pick(json, "CredentialRegistry", "blockNumber")].find(isCount);
  const transactionHash = [pick(json, "transactionHash"), pick(json, "CredentialRegistry", "transactionHash")].find(
    (value): value is string => typeof value === "string",
  );
  return { chainId, address, deployBlock, transactionHash };
}

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
      const record = recordOf(JSON.parse(await readFile(file, "utf8")));
      if (record === undefined) continue; // e.g. an Ignition journal or another tool's file
      records.push({ name: name.slice(0, -".json".length), file, ...record });
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
