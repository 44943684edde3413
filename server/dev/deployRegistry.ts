/**
 * Dev mode only: compiling the registries when an artifact is missing, and deploying v1
 * and v2 from Hardhat account #0 on a fresh development chain (deployments/<network>.json
 * records both, for the CLI and the verifier).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import { createWalletClient, http, type Chain, type PublicClient } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import type { Logger } from "pino";

import type { ServiceConfig } from "../config.ts";
import { ConfigError } from "../errors.ts";
import { credentialRegistryAbi } from "../../core/abi/credentialRegistryAbi.ts";
import { credentialRegistryV2Abi } from "../../core/abi/credentialRegistryV2Abi.ts";
import { defaultDeploymentName, registryContracts, registryDefaults } from "../../core/deployment.ts";
import type { RegistryVersion } from "../../core/registry.ts";
import { recordRegistry } from "../../node/deployments.ts";
import { readRegistryBytecode, registryArtifactPath } from "../chain/registryAbi.ts";

/** EIP-170: the largest deployable runtime code. */
const MAX_CODE_SIZE = 24_576;

function artifactSize(repoRoot: string, version: RegistryVersion): number {
  if (!existsSync(registryArtifactPath(repoRoot, version))) return -1;
  const artifact = JSON.parse(readFileSync(registryArtifactPath(repoRoot, version), "utf8")) as { deployedBytecode?: string };
  return ((artifact.deployedBytecode ?? "0x").length - 2) / 2;
}

/** The size of the larger registry's code, or -1 when an artifact is missing. */
function deployedSize(repoRoot: string): number {
  const sizes = [artifactSize(repoRoot, 1), artifactSize(repoRoot, 2)];
  return sizes.includes(-1) ? -1 : Math.max(...sizes);
}

/**
 * Runs `hardhat build` if the registry artifact is missing, or too large to deploy (an
 * instrumented coverage build left in artifacts/ by a test run). Dev mode only.
 */
export function ensureArtifacts(repoRoot: string, logger?: Logger): void {
  const size = deployedSize(repoRoot);
  if (size > 0 && size <= MAX_CODE_SIZE) return;
  logger?.info({ reason: size < 0 ? "no artifact" : `artifact code is ${size} bytes (over ${MAX_CODE_SIZE})` }, "compiling contracts (npx hardhat build)");
  const require = createRequire(join(repoRoot, "package.json"));
  const cli = join(dirname(require.resolve("hardhat/package.json")), "dist/src/cli.js");
  const result = spawnSync(process.execPath, [cli, "build"], { cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"] });
  const rebuilt = deployedSize(repoRoot);
  if (result.status !== 0 || rebuilt < 0 || rebuilt > MAX_CODE_SIZE) {
    throw new ConfigError({
      message: `\`npx hardhat build\` did not produce a deployable registry (${rebuilt < 0 ? "no artifact" : `${rebuilt} bytes of code`}).`,
      hints: ["Run `npx hardhat build` and read its errors; a coverage build leaves oversized artifacts behind."],
    });
  }
}

/** Version 2's constructor settings in dev mode: no delay, so the dev replay can apply scheduled acts at once. */
export const DEV_V2_SETTINGS = { actionDelay: 0, massRevocationThreshold: registryDefaults.massRevocationThreshold } as const;

/** One deployed dev registry. */
export type DevRegistry = { readonly version: RegistryVersion; readonly registry: `0x${string}`; readonly deployBlock: number; readonly transactionHash: `0x${string}` };

/**
 * Deploys one registry version from `governance` (v1 `(governance, 0)`, v2 with
 * {@link DEV_V2_SETTINGS}); compiles first if needed. Dev mode only.
 *
 * @example
 * ```ts
 * const v2 = await deployDevRegistryVersion({ repoRoot, client, chain, rpcUrl, governance, version: 2 });
 * ```
 */
export async function deployDevRegistryVersion(parameters: {
  readonly repoRoot: string;
  readonly client: PublicClient;
  readonly chain: Chain;
  readonly rpcUrl: string;
  readonly governance: PrivateKeyAccount;
  readonly version: RegistryVersion;
}): Promise<DevRegistry> {
  const { repoRoot, client, chain, governance, version } = parameters;
  const wallet = createWalletClient({ account: governance, chain, transport: http(parameters.rpcUrl) });
  const bytecode = readRegistryBytecode({ repoRoot, version });
  const hash =
    version === 2
      ? await wallet.deployContract({
          abi: credentialRegistryV2Abi,
          bytecode,
          args: [governance.address, 0, DEV_V2_SETTINGS.actionDelay, BigInt(DEV_V2_SETTINGS.massRevocationThreshold)],
        })
      : await wallet.deployContract({ abi: credentialRegistryAbi, bytecode, args: [governance.address, 0] });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  return { version, registry: receipt.contractAddress!, deployBlock: Number(receipt.blockNumber), transactionHash: hash };
}

/** Records dev registries in deployments/<network>.json (v1 and v2 entries, the other version kept). */
export function recordDevRegistries(parameters: {
  readonly config: ServiceConfig;
  readonly chainId: number;
  readonly governance: `0x${string}`;
  readonly registries: readonly DevRegistry[];
}): void {
  const { config, chainId, governance } = parameters;
  for (const deployed of parameters.registries) {
    recordRegistry({
      dir: config.deploymentsDir,
      name: config.network ?? defaultDeploymentName(chainId),
      chainId,
      writtenBy: "credanchor service (dev mode)",
      registry: {
        version: deployed.version,
        contract: registryContracts[deployed.version],
        address: deployed.registry,
        deployBlock: deployed.deployBlock,
        transactionHash: deployed.transactionHash,
        deployer: governance,
        governanceAdmin: governance,
        adminTransferDelay: 0,
        ...(deployed.version === 2 ? DEV_V2_SETTINGS : {}),
      },
    });
  }
}

/**
 * Deploys registry v1 and v2 (in that order, so each gets the address account #0's nonce
 * gives it on a fresh chain) with `governance` as their governor, and records both in
 * deployments/<network>.json. The service anchors in v2; v1 is there because the CLI and
 * verifiers of this network know both.
 *
 * @example
 * ```ts
 * const { registry, deployBlock } = await deployDevRegistry({ config, client, chain, governance, logger });
 * ```
 */
export async function deployDevRegistry(parameters: {
  readonly config: ServiceConfig;
  readonly client: PublicClient;
  readonly chain: Chain;
  readonly governance: PrivateKeyAccount;
  readonly logger: Logger;
}): Promise<{ registry: `0x${string}`; deployBlock: number; version: RegistryVersion }> {
  const { config, client, chain, governance, logger } = parameters;
  ensureArtifacts(config.repoRoot, logger);
  const common = { repoRoot: config.repoRoot, client, chain, rpcUrl: config.rpcUrl, governance };
  const v1 = await deployDevRegistryVersion({ ...common, version: 1 });
  const v2 = await deployDevRegistryVersion({ ...common, version: 2 });
  recordDevRegistries({ config, chainId: chain.id, governance: governance.address, registries: [v1, v2] });
  logger.warn(
    { registry: v2.registry, registryV1: v1.registry, governance: governance.address },
    "DEV MODE: deployed CredentialRegistry (v1) and CredentialRegistryV2; anchoring in v2 (governance = Hardhat account #0)",
  );
  return { registry: v2.registry, deployBlock: v2.deployBlock, version: 2 };
}
