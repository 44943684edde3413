/**
 * The one reader and writer of `deployments/<name>.json` files (Node only: core/deployment.ts
 * owns the format and stays browser-safe). Used by scripts/deploy.ts, the Ignition helper,
 * `credanchor deploy` and the CLI's registry lookup, and the service (dev-mode deploys, the
 * start-up lookup, the dev replay).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import {
  type DeploymentRecord,
  type RegistryDeployment,
  formatDeploymentRecord,
  isDeploymentName,
  parseDeploymentRecord,
  withRegistry,
} from "../core/deployment.ts";
import { CredanchorError } from "../core/errors.ts";

/** A record and the file it came from. */
export type DeploymentFile = DeploymentRecord & {
  /** File name without `.json`, e.g. "localhost". */
  readonly name: string;
  readonly file: string;
};

/** The path of record `name` in `dir`. */
export function deploymentPath({ dir, name }: { readonly dir: string; readonly name: string }): string {
  if (!isDeploymentName(name)) {
    throw new CredanchorError({
      code: "CA_INVALID_ARGUMENT",
      message: `"${name}" is not a usable deployment record name.`,
      hints: ["Use letters, digits, dot, dash or underscore, e.g. sepolia."],
    });
  }
  return join(dir, `${name}.json`);
}

/**
 * Reads `<dir>/<name>.json`: undefined when the file is missing or is not a deployment
 * record; throws `CA_DEPLOYMENT_RECORD_INVALID` when it is unreadable JSON or a record with
 * a wrong field (a named file that cannot be read is not silently ignored).
 *
 * @example
 * ```ts
 * const record = readDeploymentFile({ dir: "deployments", name: "localhost" });
 * ```
 */
export function readDeploymentFile({ dir, name }: { readonly dir: string; readonly name: string }): DeploymentFile | undefined {
  const file = deploymentPath({ dir, name });
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new CredanchorError({
      code: "CA_DEPLOYMENT_RECORD_INVALID",
      message: `${file} is not valid JSON.`,
      details: [{ path: "$", message: "is not valid JSON", expected: "a deployment record" }],
      cause: error,
    });
  }
  const record = parseDeploymentRecord({ json });
  return record === undefined ? undefined : { ...record, name, file };
}

/**
 * Every readable record in `dir`, by file name (none if the folder does not exist). Files
 * that are not deployment records, or are broken, are skipped: a folder scan must not fail
 * because of another tool's file.
 *
 * @example
 * ```ts
 * const records = readDeploymentFiles({ dir: "deployments" }).filter((record) => record.chainId === 31337);
 * ```
 */
export function readDeploymentFiles({ dir }: { readonly dir: string }): DeploymentFile[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((file) => file.endsWith(".json")).sort();
  } catch {
    return [];
  }
  const records: DeploymentFile[] = [];
  for (const file of names) {
    const name = file.slice(0, -".json".length);
    if (!isDeploymentName(name)) continue;
    try {
      const record = readDeploymentFile({ dir, name });
      if (record !== undefined) records.push(record);
    } catch {
      continue;
    }
  }
  return records;
}

/**
 * Writes `<dir>/<name>.json` in the current format (whole file, via a temporary file and a
 * rename, so a reader never sees half a record). Returns the path.
 *
 * @example
 * ```ts
 * writeDeploymentFile({ dir: "deployments", name: "localhost", record });
 * ```
 */
export function writeDeploymentFile({ dir, name, record }: { readonly dir: string; readonly name: string; readonly record: DeploymentRecord }): string {
  const file = deploymentPath({ dir, name });
  mkdirSync(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(formatDeploymentRecord({ record }), null, 2)}\n`);
  renameSync(temporary, file);
  return file;
}

/**
 * Records one deployed registry in `<dir>/<name>.json`, keeping the other version's entry
 * when the file is of the same chain (a file of another chain is replaced). Returns the
 * path and the record written.
 *
 * @example
 * ```ts
 * recordRegistry({ dir, name: "localhost", chainId: 31337, registry: { version: 2, contract: "CredentialRegistryV2", address } });
 * ```
 */
export function recordRegistry(parameters: {
  readonly dir: string;
  readonly name: string;
  readonly chainId: number;
  readonly registry: RegistryDeployment;
  readonly writtenBy?: string | undefined;
}): { file: string; record: DeploymentRecord } {
  let existing: DeploymentRecord | undefined;
  try {
    existing = readDeploymentFile({ dir: parameters.dir, name: parameters.name });
  } catch {
    existing = undefined; // a broken file is replaced by the new record
  }
  const record = withRegistry({ record: existing, chainId: parameters.chainId, registry: parameters.registry, writtenBy: parameters.writtenBy });
  return { file: writeDeploymentFile({ dir: parameters.dir, name: parameters.name, record }), record };
}
