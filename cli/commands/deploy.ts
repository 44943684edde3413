/**
 * `credanchor deploy`: deploys registry v1 and v2 from their Hardhat artifacts and records
 * both in deployments/<name>.json (node/deployments.ts), which the service and the CLI read.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import type { Command } from "commander";
import { type Abi, type Hex, createWalletClient, encodeDeployData, getAddress, http } from "viem";

import {
  type DeploymentRecord,
  anchoringRegistryOf,
  defaultDeploymentName,
  formatDeploymentRecord,
  registryContracts,
  registryDefaults,
  registryKeyOf,
} from "../../core/deployment.ts";
import { hasRegistryCode, type RegistryVersion } from "../../core/registry.ts";
import { recordRegistry } from "../../node/deployments.ts";
import { connect, deploymentsFor } from "../lib/chain.ts";
import { type Runtime, type TxFlags, action, addTxOptions, addressArg, parseIntFlag, senderFor, withHelp } from "../lib/command.ts";
import { chainConfig, keyEnv } from "../lib/config.ts";
import { CliError } from "../lib/errors.ts";
import { type Output, table } from "../lib/output.ts";
import { describeGas } from "../lib/transact.ts";

const defaultArtifacts = fileURLToPath(new URL("../../artifacts", import.meta.url));

type DeployFlags = TxFlags & {
  readonly name?: string;
  readonly governance?: string;
  readonly adminDelay: string;
  readonly actionDelay: string;
  readonly massThreshold: string;
  readonly versions: string;
  readonly artifacts: string;
  readonly force?: boolean;
};

export function registerDeployCommand(program: Command, runtime: Runtime): void {
  const command = program
    .command("deploy")
    .description("deploy registry v1 and v2 (CredentialRegistry, CredentialRegistryV2) and record both in deployments/<name>.json")
    .option("--name <name>", "deployment record name (default: localhost on chain 31337, else chain-<id>)")
    .option("--governance <address>", "registry governance (default admin + governor); default: the deployer")
    .option("--admin-delay <seconds>", "delay of a governance admin transfer", String(registryDefaults.adminTransferDelay))
    .option("--action-delay <seconds>", "v2: how long a scheduled destructive act can be cancelled", String(registryDefaults.actionDelay))
    .option("--mass-threshold <count>", "v2: most credentials revoked in one call without scheduling", String(registryDefaults.massRevocationThreshold))
    .option("--versions <list>", "which registry versions to deploy: 1, 2 or 1,2", "1,2")
    .option("--artifacts <dir>", "Hardhat artifacts folder (compiled contracts)", defaultArtifacts)
    .option("--force", "overwrite a record whose registry is still live on the chain")
    .option("--rpc <url>", "JSON-RPC endpoint (env CREDANCHOR_RPC_URL)");
  addTxOptions(command, "governor");
  withHelp(command, {
    examples: [
      "credanchor deploy                                   # local node, v1 + v2, deployer = governance",
      "credanchor deploy --rpc https://sepolia.example --name sepolia --governance 0xSafe…",
      "credanchor deploy --versions 2 --name localhost --force   # add v2 beside a recorded v1",
      "credanchor deploy --dry-run --from 0xf39F…          # gas estimate only",
    ],
    notes: [
      "New credentials are anchored in v2 when the record has one (credanchor issue, the service); credentials",
      "anchored in v1 keep verifying there, and verifiers trust every registry the record lists.",
    ],
    env: ["CREDANCHOR_RPC_URL", ...keyEnv("governor"), "CREDANCHOR_DEPLOYMENTS_DIR"],
  });
  command.action(action(runtime, (out, flags: DeployFlags) => deploy(out, flags, runtime)));
}

async function readArtifact(dir: string, version: RegistryVersion): Promise<{ abi: Abi; bytecode: Hex }> {
  const contract = registryContracts[version];
  const file = join(dir, "contracts", `${contract}.sol`, `${contract}.json`);
  try {
    const artifact = JSON.parse(await readFile(file, "utf8")) as { abi?: Abi; bytecode?: string };
    if (!Array.isArray(artifact.abi) || typeof artifact.bytecode !== "string" || !artifact.bytecode.startsWith("0x")) {
      throw new Error("shape");
    }
    return { abi: artifact.abi, bytecode: artifact.bytecode as Hex };
  } catch {
    throw new CliError({
      code: "CA_CLI_FILE_UNREADABLE",
      message: `No usable contract artifact at ${file}.`,
      hints: ["Compile the contracts first: `npx hardhat build`."],
    });
  }
}

function parseVersions(value: string): RegistryVersion[] {
  const versions = [...new Set(value.split(",").map((item) => item.trim()))];
  if (versions.length === 0 || versions.some((item) => item !== "1" && item !== "2")) {
    throw new CliError({ code: "CA_CLI_USAGE", message: `--versions "${value}": expected 1, 2 or 1,2.`, hints: ["Deploy both with the default, --versions 1,2."] });
  }
  return versions.map(Number).sort() as RegistryVersion[];
}

async function deploy(out: Output, flags: DeployFlags, runtime: Runtime): Promise<number> {
  const config = chainConfig(flags);
  const adminDelay = parseIntFlag(flags.adminDelay, "--admin-delay", { max: 2 ** 48 - 1 });
  const actionDelay = parseIntFlag(flags.actionDelay, "--action-delay", { max: 2 ** 40 - 1 });
  const massThreshold = parseIntFlag(flags.massThreshold, "--mass-threshold", { min: 1 });
  const versions = parseVersions(flags.versions);
  const governanceFlag = flags.governance === undefined ? undefined : addressArg(flags.governance, "--governance");
  const artifacts = await Promise.all(versions.map((version) => readArtifact(flags.artifacts, version)));
  const chain = await connect(config);
  const name = flags.name ?? defaultDeploymentName(chain.chainId);

  // Never silently replace the record of a registry that is still live.
  const existing = (await deploymentsFor(chain, config.deploymentsDir)).find((record) => record.name === name);
  if (existing !== undefined && flags.force !== true && !flags.dryRun) {
    for (const version of versions) {
      const entry = existing.registries[registryKeyOf(version)];
      if (entry !== undefined && (await hasRegistryCode({ client: chain.client, registry: entry.address }))) {
        throw new CliError({
          code: "CA_CLI_USAGE",
          message: `${existing.file} already records a live registry at ${entry.address} on ${chain.caip2}.`,
          hints: ["Use --name <other> for a second registry, --versions to deploy only the version not recorded yet, or --force to replace the record."],
        });
      }
    }
  }

  const sender = await senderFor("governor", flags, runtime.io);
  const from = "account" in sender ? sender.account.address : sender.address;
  const governance = governanceFlag ?? getAddress(from);
  const argsOf = (version: RegistryVersion) =>
    version === 2 ? ([governance, adminDelay, actionDelay, BigInt(massThreshold)] as const) : ([governance, adminDelay] as const);
  const gasPrice = await chain.client.getGasPrice();

  if (flags.dryRun === true || !("account" in sender)) {
    const estimates = [];
    for (const [position, version] of versions.entries()) {
      const artifact = artifacts[position]!;
      const data = encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode, args: argsOf(version) });
      estimates.push({ version, contract: registryContracts[version], gas: await chain.client.estimateGas({ account: from, data }), data });
    }
    const gas = estimates.reduce((sum, estimate) => sum + estimate.gas, 0n);
    const cost = gas * gasPrice;
    out.result({ dryRun: true, chain: chain.caip2, from, governance, adminDelay, actionDelay, massThreshold, gas, gasPrice, cost, deployments: estimates });
    out.line(out.paint("yellow", "Dry run: deployment simulated, nothing sent."));
    for (const row of table([
      ["contracts", estimates.map((estimate) => estimate.contract).join(", ")],
      ["chain", `${chain.caip2} (${chain.rpcUrl})`],
      ["from", from],
      ["governance", governance],
      ["admin delay", `${adminDelay} s`],
      ...(versions.includes(2)
        ? ([["v2 action delay", `${actionDelay} s`], ["v2 mass threshold", `${massThreshold} credentials`]] as [string, string][])
        : []),
      ["estimate", describeGas({ gas, gasPrice, cost })],
    ])) out.line(row);
    return 0;
  }

  const wallet = createWalletClient({ account: sender.account, chain: chain.chain, transport: http(chain.rpcUrl) });
  let file = "";
  let record: DeploymentRecord | undefined;
  const deployed: { version: RegistryVersion; address: `0x${string}`; hash: Hex; blockNumber: bigint; gasUsed: bigint; gasPrice: bigint }[] = [];
  for (const [position, version] of versions.entries()) {
    const artifact = artifacts[position]!;
    const hash = await wallet.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode, args: argsOf(version) });
    const receipt = await chain.client.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success" || receipt.contractAddress == null) {
      throw new CliError({ code: "CA_CLI_TX_FAILED", message: `Deployment transaction ${hash} (${registryContracts[version]}) failed.` });
    }
    const address = getAddress(receipt.contractAddress);
    // Recorded after each deployment, so an interruption leaves what was deployed on record.
    ({ file, record } = recordRegistry({
      dir: config.deploymentsDir,
      name,
      chainId: chain.chainId,
      writtenBy: "credanchor deploy",
      registry: {
        version,
        contract: registryContracts[version],
        address,
        deployBlock: Number(receipt.blockNumber),
        transactionHash: hash,
        deployer: getAddress(from),
        governanceAdmin: governance,
        adminTransferDelay: adminDelay,
        ...(version === 2 ? { actionDelay, massRevocationThreshold: massThreshold } : {}),
        deployedAt: new Date().toISOString(),
      },
    }));
    deployed.push({ version, address, hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, gasPrice: receipt.effectiveGasPrice });
  }
  const anchoring = anchoringRegistryOf({ record: record! })!;
  out.result({
    dryRun: false,
    chainId: chain.chainId,
    // The registry new credentials are anchored in (v2 when the record has one).
    address: anchoring.address,
    registries: formatDeploymentRecord({ record: record! }).registries,
    governance,
    file,
    gasUsed: deployed.reduce((sum, item) => sum + item.gasUsed, 0n),
  });
  for (const item of deployed) {
    out.line(`${out.paint("green", "✔")} ${registryContracts[item.version]} (v${item.version}) deployed`);
    for (const row of table([
      ["address", item.address],
      ["transaction", `${item.hash} (block ${item.blockNumber})`],
      ["gas used", describeGas({ gas: item.gasUsed, gasPrice: item.gasPrice, cost: item.gasUsed * item.gasPrice })],
    ])) out.line(row);
  }
  for (const row of table([
    ["chain", chain.caip2],
    ["governance", governance],
    ["anchoring in", `${anchoring.address} (v${anchoring.version})`],
    ["record", file],
  ])) out.line(row);
  return 0;
}
