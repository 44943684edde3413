/**
 * deployments/<network>.json: where the registry of a network lives, shared with the CLI
 * and scripts/deploy.ts. The reader accepts the shapes those tools may write
 * (`registry`, `address`, `CredentialRegistry.address`, `contracts.CredentialRegistry.address`).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** What the service needs from a deployment file. */
export type DeploymentRecord = {
  readonly chainId: number | undefined;
  readonly registry: `0x${string}`;
  readonly deployBlock: number | undefined;
};

/** The deployments/ file name for a chain: `localhost` for 31337, else `chain-<id>`. */
export function networkNameFor(chainId: number, configured?: string | undefined): string {
  return configured ?? (chainId === 31337 ? "localhost" : `chain-${chainId}`);
}

function pick(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * Reads deployments/<network>.json; undefined if missing or without an address.
 *
 * @example
 * ```ts
 * const deployment = readDeployment({ dir: "deployments", network: "localhost" });
 * ```
 */
export function readDeployment(parameters: { readonly dir: string; readonly network: string }): DeploymentRecord | undefined {
  const path = join(parameters.dir, `${parameters.network}.json`);
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
  const address = [
    pick(json, "registry"),
    pick(json, "address"),
    pick(json, "CredentialRegistry", "address"),
    pick(json, "contracts", "CredentialRegistry", "address"),
    pick(json, "registry", "address"),
  ].find((value) => typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value)) as `0x${string}` | undefined;
  if (address === undefined) return undefined;
  const chainId = [pick(json, "chainId")].find((value) => typeof value === "number") as number | undefined;
  const deployBlock = [pick(json, "deployBlock"), pick(json, "blockNumber"), pick(json, "CredentialRegistry", "blockNumber")].find(
    (value) => typeof value === "number",
  ) as number | undefined;
  return { chainId, registry: address, deployBlock };
}

/**
 * Writes deployments/<network>.json (dev mode, after deploying).
 *
 * @example
 * ```ts
 * writeDeployment({ dir: "deployments", network: "localhost", record: { chainId: 31337, registry, deployBlock: 1 } });
 * ```
 */
export function writeDeployment(parameters: {
  readonly dir: string;
  readonly network: string;
  readonly record: DeploymentRecord & { readonly deployer: string; readonly transactionHash: string };
}): void {
  const { dir } = parameters;
  mkdirSync(dir, { recursive: true });
  const { record } = parameters;
  const json = {
    network: parameters.network,
    chainId: record.chainId,
    registry: record.registry,
    CredentialRegistry: {
      address: record.registry,
      deployer: record.deployer,
      transactionHash: record.transactionHash,
      blockNumber: record.deployBlock,
    },
    writtenBy: "credanchor service (dev mode)",
  };
  writeFileSync(join(dir, `${parameters.network}.json`), `${JSON.stringify(json, null, 2)}\n`);
}
