/**
 * Dev mode only: compiling the registry when its artifact is missing, and deploying it
 * from Hardhat account #0 on a fresh development chain (deployments/<network>.json is
 * written for the CLI and the verifier).
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
import { networkNameFor, writeDeployment } from "../chain/deployments.ts";
import { readRegistryBytecode, registryAbi, registryArtifactPath } from "../chain/registryAbi.ts";

/** EIP-170: the largest deployable runtime code. */
const MAX_CODE_SIZE = 24_576;

function deployedSize(repoRoot: string): number {
  if (!existsSync(registryArtifactPath(repoRoot))) return -1;
  const artifact = JSON.parse(readFileSync(registryArtifactPath(repoRoot), "utf8")) as { deployedBytecode?: string };
  return ((artifact.deployedBytecode ?? "0x").length - 2) / 2;
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

/**
 * Deploys the registry with `governance` as its governor and records it in
 * deployments/<network>.json.
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
}): Promise<{ registry: `0x${string}`; deployBlock: number }> {
  const { config, client, chain, governance, logger } = parameters;
  ensureArtifacts(config.repoRoot, logger);
  const wallet = createWalletClient({ account: governance, chain, transport: http(config.rpcUrl) });
  const hash = await wallet.deployContract({
    abi: registryAbi,
    bytecode: readRegistryBytecode({ repoRoot: config.repoRoot }),
    args: [governance.address, 0],
  });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  const registry = receipt.contractAddress!;
  const deployBlock = Number(receipt.blockNumber);
  writeDeployment({
    dir: config.deploymentsDir,
    network: networkNameFor(chain.id, config.network),
    record: { chainId: chain.id, registry, deployBlock, deployer: governance.address, transactionHash: hash },
  });
  logger.warn({ registry, governance: governance.address }, "DEV MODE: deployed the CredentialRegistry (governance = Hardhat account #0)");
  return { registry, deployBlock };
}
