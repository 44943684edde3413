/**
 * Sending registry transactions, or with --dry-run only simulating them: every call is
 * first simulated (so a revert is reported with the registry's named error before any gas
 * is spent), then either estimated and printed, or sent and awaited.
 */
import {
  type Address,
  type Hex,
  type LocalAccount,
  createWalletClient,
  encodeFunctionData,
  formatEther,
  formatGwei,
  http,
  parseEventLogs,
} from "viem";

import { credentialRegistryAbi } from "../../core/abi/credentialRegistryAbi.ts";
import { credentialRegistryV2Abi } from "../../core/abi/credentialRegistryV2Abi.ts";
import { readRegistryVersion } from "../../core/registry.ts";
import type { ChainContext } from "./chain.ts";
import { CliError } from "./errors.ts";
import { type Output, table } from "./output.ts";

type RegistryAbi = typeof credentialRegistryAbi;
type WriteFunctionOf<Abi extends readonly { type: string }[]> = Extract<Abi[number], { type: "function"; stateMutability: "nonpayable"; name: string }>["name"];
/** A registry function that changes state (in version 1 or version 2). */
export type RegistryWriteFunction = WriteFunctionOf<RegistryAbi> | WriteFunctionOf<typeof credentialRegistryV2Abi>;

/** One registry call a command wants to make. */
export type PlannedCall = {
  readonly functionName: RegistryWriteFunction;
  readonly args: readonly unknown[];
  /** One line for people, e.g. "revoke 3 credentials of batch 0x1234…". */
  readonly summary: string;
};

/** A decoded registry event from a receipt. */
export type RegistryLog = ReturnType<typeof parseEventLogs<RegistryAbi>>[number];

/** The outcome of one call. */
export type CallReport = {
  readonly summary: string;
  readonly functionName: string;
  readonly args: readonly unknown[];
  readonly from: Address;
  readonly to: Address;
  /** Dry run: the estimate; sent: the gas used. */
  readonly gas: bigint;
  readonly gasPrice: bigint;
  readonly cost: bigint;
  readonly data: Hex;
  readonly transactionHash?: Hex | undefined;
  readonly blockNumber?: bigint | undefined;
  /** The simulated return value (e.g. the new institution id). */
  readonly result?: unknown;
  readonly logs?: readonly RegistryLog[] | undefined;
};

/** Who sends: a key that can sign, or (dry run only) just an address. */
export type Sender = { readonly account: LocalAccount } | { readonly address: Address };

function senderAddress(sender: Sender): Address {
  return "account" in sender ? sender.account.address : sender.address;
}

/**
 * Simulates each call, then sends it (one after the other, each awaited) or, with
 * `dryRun`, only estimates its gas. Stops at the first failing call.
 */
export async function execute({
  chain,
  registry,
  sender,
  calls,
  dryRun,
}: {
  readonly chain: ChainContext;
  readonly registry: Address;
  readonly sender: Sender;
  readonly calls: readonly PlannedCall[];
  readonly dryRun: boolean;
}): Promise<CallReport[]> {
  const from = senderAddress(sender);
  const client = chain.client;
  const wallet =
    "account" in sender
      ? createWalletClient({ account: sender.account, chain: chain.chain, transport: http(chain.rpcUrl, { timeout: 30_000 }) })
      : undefined;
  if (!dryRun && wallet === undefined) {
    throw new CliError({ code: "CA_CLI_KEY_MISSING", message: "--from only works with --dry-run: sending needs a key." });
  }
  const gasPrice = await client.getGasPrice();
  // The contract says its version: v2's own functions and errors need its ABI (the calls
  // both versions share have the same signatures, so either ABI encodes them).
  const abi = (await readRegistryVersion({ client, registry })) === 2 ? credentialRegistryV2Abi : credentialRegistryAbi;
  const reports: CallReport[] = [];
  for (const call of calls) {
    const request = {
      address: registry,
      abi,
      functionName: call.functionName,
      args: call.args,
      account: "account" in sender ? sender.account : from,
    } as const;
    const data = encodeFunctionData({ abi, functionName: call.functionName, args: call.args } as never);
    const simulation = await client.simulateContract(request as never);
    const base = { summary: call.summary, functionName: call.functionName, args: call.args, from, to: registry, data };
    if (dryRun || wallet === undefined) {
      const gas = await client.estimateContractGas(request as never);
      reports.push({ ...base, gas, gasPrice, cost: gas * gasPrice, result: (simulation as { result: unknown }).result });
      continue;
    }
    const hash = await wallet.writeContract((simulation as unknown as { request: never }).request);
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") {
      throw new CliError({
        code: "CA_CLI_TX_FAILED",
        message: `Transaction ${hash} (${call.functionName}) reverted in block ${receipt.blockNumber}.`,
        hints: ["The chain's state changed between the simulation and the transaction; run the command again."],
      });
    }
    // Events both versions share decode alike; v2's own events are decoded too (same shape of record).
    const logs = parseEventLogs({
      abi: abi as RegistryAbi,
      logs: receipt.logs.filter((log) => log.address.toLowerCase() === registry.toLowerCase()),
    });
    const price = receipt.effectiveGasPrice ?? gasPrice;
    reports.push({
      ...base,
      gas: receipt.gasUsed,
      gasPrice: price,
      cost: receipt.gasUsed * price,
      transactionHash: hash,
      blockNumber: receipt.blockNumber,
      result: (simulation as { result: unknown }).result,
      logs,
    });
  }
  return reports;
}

/** A call's arguments as Solidity-ish text: `("name", 0x12…, [1, 2])`. */
export function renderArgs(args: readonly unknown[]): string {
  const render = (value: unknown): string => {
    if (typeof value === "string") return value.startsWith("0x") ? value : JSON.stringify(value);
    if (typeof value === "bigint" || typeof value === "number" || typeof value === "boolean") return String(value);
    if (Array.isArray(value)) {
      const shown = value.slice(0, 12).map(render);
      return `[${shown.join(", ")}${value.length > 12 ? `, … ${value.length - 12} more` : ""}]`;
    }
    if (typeof value === "object" && value !== null) {
      return `{ ${Object.entries(value).map(([key, item]) => `${key}: ${render(item)}`).join(", ")} }`;
    }
    return String(value);
  };
  return `(${args.map(render).join(", ")})`;
}

/** "123,456 gas, 0.000123 ETH at 1.5 gwei". */
export function describeGas(report: Pick<CallReport, "gas" | "gasPrice" | "cost">): string {
  return `${report.gas.toLocaleString("en-US")} gas, ${formatEther(report.cost)} ETH at ${formatGwei(report.gasPrice)} gwei`;
}

/** Prints the calls a dry run would make, or the transactions that were sent. */
export function printCallReports(out: Output, reports: readonly CallReport[], dryRun: boolean): void {
  if (dryRun) {
    out.line(out.paint("yellow", `Dry run: ${reports.length} call${reports.length === 1 ? "" : "s"} simulated, nothing sent.`));
  }
  reports.forEach((report, i) => {
    out.line(`${dryRun ? `${i + 1}.` : out.paint("green", "✔")} ${report.summary}`);
    const rows: [string, string][] = [
      ["call", `${report.functionName}${renderArgs(report.args)}`],
      ["registry", report.to],
      ["from", report.from],
    ];
    if (report.transactionHash !== undefined) rows.push(["transaction", `${report.transactionHash} (block ${report.blockNumber})`]);
    rows.push([dryRun ? "estimate" : "gas used", describeGas(report)]);
    for (const row of table(rows, "   ")) out.line(row);
  });
  if (dryRun && reports.length > 1) {
    const total = reports.reduce((sum, report) => sum + report.gas, 0n);
    const cost = reports.reduce((sum, report) => sum + report.cost, 0n);
    out.line(`Total: ${total.toLocaleString("en-US")} gas, ${formatEther(cost)} ETH`);
  }
}

/** The --json shape of call reports (logs left out: they are in the receipt). */
export function callReportsJson(reports: readonly CallReport[], dryRun: boolean) {
  return {
    dryRun,
    calls: reports.map((report) => ({
      summary: report.summary,
      functionName: report.functionName,
      args: report.args,
      from: report.from,
      to: report.to,
      data: report.data,
      gas: report.gas,
      gasPrice: report.gasPrice,
      cost: report.cost,
      ...(report.transactionHash === undefined ? {} : { transactionHash: report.transactionHash, blockNumber: report.blockNumber }),
    })),
  };
}
