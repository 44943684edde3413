/**
 * `credanchor deploy`: deploys the CredentialRegistry from its Hardhat artifact and
 * writes deployments/<name>.json, which the service and the CLI then read.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

import type { Command } from "commander";
import { type Abi, type Hex, createWalletClient, encodeDeployData, getAddress, http } from "viem";

import { hasRegistryCode } from "../../core/registry.ts";
import { connect, deploymentsFor } from "../lib/chain.ts";
import { type Runtime, type TxFlags, action, addTxOptions, addressArg, parseIntFlag, senderFor, withHelp } from "../lib/command.ts";
import { chainConfig, keyEnv } from "../lib/config.ts";
import { writeDeployment } from "../lib/deployments.ts";
import { CliError } from "../lib/errors.ts";
import { type Output, table } from "../lib/output.ts";
import { describeGas } from "../lib/transact.ts";

const defaultArtifact = fileURLToPath(
  new URL("../../artifacts/contracts/CredentialRegistry.sol/CredentialRegistry.json", import.meta.url),
);
/** The default delay of a two-step transfer of the registry's default admin role. */
const DEFAULT_ADMIN_DELAY_SECONDS = 3 * 24 * 3600;

type DeployFlags = TxFlags & {
  readonly name?: string;
  readonly governance?: string;
  readonly adminDelay: string;
  readonly artifact: string;
  readonly force?: boolean;
};

export function registerDeployCommand(program: Command, runtime: Runtime): void {
  const command = program
    .command("deploy")
    .description("deploy the CredentialRegistry and record it in deployments/<name>.json")
    .option("--name <name>", "deployment record name (default: localhost on chain 31337, else chain-<id>)")
    .option("--governance <address>", "registry governance (default admin + governor); default: the deployer")
    .option("--admin-delay <seconds>", "delay of a governance admin transfer", String(DEFAULT_ADMIN_DELAY_SECONDS))
    .option("--artifact <file>", "compiled contract artifact", defaultArtifact)
    .option("--force", "overwrite a record whose registry is still live on the chain")
    .option("--rpc <url>", "JSON-RPC endpoint (env CREDANCHOR_RPC_URL)");
  addTxOptions(command, "governor");
  withHelp(command, {
    examples: [
      "credanchor deploy                                   # local node, deployer = governance",
      "credanchor deploy --rpc https://sepolia.example --name sepolia --governance 0xSafe…",
      "credanchor deploy --dry-run --from 0xf39F…          # gas estimate only",
    ],
    env: ["CREDANCHOR_RPC_URL", ...keyEnv("governor"), "CREDANCHOR_DEPLOYMENTS_DIR"],
  });
  command.action(action(runtime, (out, flags: DeployFlags) => deploy(out, flags, runtime)));
}

async function readArtifact(file: string): Promise<{ abi: Abi; bytecode: Hex }> {
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

async function deploy(out: Output, flags: DeployFlags, runtime: Runtime): Promise<number> {
  const config = chainConfig(flags);
  const adminDelay = parseIntFlag(flags.adminDelay, "--admin-delay", { max: 2 ** 48 - 1 });
  const governanceFlag = flags.governance === undefined ? undefined : addressArg(flags.governance, "--governance");
  const artifact = await readArtifact(flags.artifact);
  const chain = await connect(config);
  const name = flags.name ?? (chain.chainId === 31337 ? "localhost" : `chain-${chain.chainId}`);

  // Never silently replace the record of a registry that is still live.
  const existing = (await deploymentsFor(chain, config.deploymentsDir)).find((record) => record.name === name);
  if (existing !== undefined && flags.force !== true && !flags.dryRun) {
    if (await hasRegistryCode({ client: chain.client, registry: existing.address })) {
      throw new CliError({
        code: "CA_CLI_USAGE",
        message: `${existing.file} already records a live registry at ${existing.address} on ${chain.caip2}.`,
        hints: ["Use --name <other> for a second registry, or --force to replace the record."],
      });
    }
  }

  const sender = await senderFor("governor", flags, runtime.io);
  const from = "account" in sender ? sender.account.address : sender.address;
  const governance = governanceFlag ?? getAddress(from);
  const args = [governance, adminDelay] as const;
  const data = encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode, args });
  const gasPrice = await chain.client.getGasPrice();

  if (flags.dryRun === true || !("account" in sender)) {
    const gas = await chain.client.estimateGas({ account: from, data });
    const report = { gas, gasPrice, cost: gas * gasPrice };
    out.result({ dryRun: true, chain: chain.caip2, from, governance, adminDelay, gas, gasPrice, cost: report.cost, data });
    out.line(out.paint("yellow", "Dry run: deployment simulated, nothing sent."));
    for (const row of table([
      ["contract", "CredentialRegistry"],
      ["chain", `${chain.caip2} (${chain.rpcUrl})`],
      ["from", from],
      ["governance", governance],
      ["admin delay", `${adminDelay} s`],
      ["estimate", describeGas(report)],
    ])) out.line(row);
    return 0;
  }

  const wallet = createWalletClient({ account: sender.account, chain: chain.chain, transport: http(chain.rpcUrl) });
  const hash = await wallet.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode, args });
  const receipt = await chain.client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || receipt.contractAddress == null) {
    throw new CliError({ code: "CA_CLI_TX_FAILED", message: `Deployment transaction ${hash} failed.` });
  }
  const address = getAddress(receipt.contractAddress);
  const record = {
    contract: "CredentialRegistry",
    chainId: chain.chainId,
    address,
    deployBlock: Number(receipt.blockNumber),
    transactionHash: hash,
    governance,
    adminTransferDelay: adminDelay,
    deployedAt: new Date().toISOString(),
  };
  const file = await writeDeployment(config.deploymentsDir, name, record);
  out.result({ dryRun: false, ...record, file, gasUsed: receipt.gasUsed });
  out.line(`${out.paint("green", "✔")} CredentialRegistry deployed`);
  for (const row of table([
    ["address", address],
    ["chain", chain.caip2],
    ["transaction", `${hash} (block ${receipt.blockNumber})`],
    ["governance", governance],
    ["gas used", describeGas({ gas: receipt.gasUsed, gasPrice: receipt.effectiveGasPrice, cost: receipt.gasUsed * receipt.effectiveGasPrice })],
    ["record", file],
  ])) out.line(row);
  return 0;
}
