/**
 * A local Hardhat node for the verification benchmarks: started on a free loopback
 * port, the registry deployed from its build artifact, one institution registered,
 * and stopped (its own process group only) when the benchmark ends.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";

import {
  type Address,
  type Hex,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type PublicClient,
  type WalletClient,
} from "viem";

import { credentialRegistryAbi } from "../../../core/abi/credentialRegistryAbi.ts";
import { roleBits } from "../../../core/roles.ts";
import { repoRoot } from "./harness.ts";

export const ROLE_ANCHORER = roleBits.anchorer;
export const ROLE_REVOKER = roleBits.revoker;

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export type LocalNode = {
  readonly url: string;
  readonly chainId: number;
  readonly publicClient: PublicClient;
  readonly walletClient: WalletClient;
  readonly account: Address;
  /** JSON-RPC HTTP requests the public client has sent so far. */
  rpcRequests(): number;
  stop(): Promise<void>;
};

/** Starts `hardhat node` on a free port and waits until it answers. */
export async function startNode(): Promise<LocalNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const hardhatCli = path.join(repoRoot, "node_modules", "hardhat", "dist", "src", "cli.js");
  const child: ChildProcess = spawn(process.execPath, [hardhatCli, "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: repoRoot,
    stdio: ["ignore", "ignore", "pipe"],
    detached: true, // its own process group, so stop() ends it and nothing else
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`hardhat node exited early (${code}): ${stderr.slice(-2000)}`))),
  );
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    }, 5000);
    await gone;
    clearTimeout(timer);
  };
  process.once("exit", () => {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  });

  const deadline = Date.now() + 120_000;
  let chainId: number | undefined;
  while (chainId === undefined) {
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`hardhat node did not answer on ${url} within 120 s: ${stderr.slice(-2000)}`);
    }
    const attempt = fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    })
      .then(async (response) => Number.parseInt(((await response.json()) as { result: string }).result, 16))
      .catch(() => undefined);
    chainId = await Promise.race([attempt, exited]);
    if (chainId === undefined) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  exited.catch(() => undefined); // a later exit is expected (stop)
  const chain = defineChain({
    id: chainId,
    name: "hardhat-bench",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  let requests = 0;
  const transport = http(url, { onFetchRequest: () => void requests++ });
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 50 }) as PublicClient;
  const [account] = (await publicClient.request({ method: "eth_accounts" } as never)) as Address[];
  if (account === undefined) throw new Error("hardhat node has no unlocked account");
  const walletClient = createWalletClient({ chain, transport: http(url), account });
  return { url, chainId, publicClient, walletClient, account, rpcRequests: () => requests, stop };
}

/** Deploys CredentialRegistry from artifacts/ and registers institution 1 (all roles to the node's first account). */
export async function deployRegistry(node: LocalNode, identifier: string): Promise<{ registry: Address; institutionId: number }> {
  const artifactPath = path.join(repoRoot, "artifacts", "contracts", "CredentialRegistry.sol", "CredentialRegistry.json");
  const artifact = JSON.parse(await readFile(artifactPath, "utf8")) as { bytecode: Hex };
  const { walletClient, publicClient, account } = node;
  const deployHash = await walletClient.deployContract({
    abi: credentialRegistryAbi,
    bytecode: artifact.bytecode,
    args: [account, 0],
    account,
    chain: walletClient.chain,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash: deployHash });
  const registry = receipt.contractAddress;
  if (!registry) throw new Error("registry deployment has no address");
  const write = async (functionName: string, args: readonly unknown[]) => {
    const hash = await walletClient.writeContract({
      address: registry,
      abi: credentialRegistryAbi,
      functionName: functionName as never,
      args: args as never,
      account,
      chain: walletClient.chain,
    });
    const result = await publicClient.waitForTransactionReceipt({ hash });
    if (result.status !== "success") throw new Error(`${functionName} reverted`);
    return result;
  };
  await write("registerInstitution", ["Bench University", identifier, "", `0x${"00".repeat(32)}`, account]);
  await write("grantRoles", [1, account, ROLE_ANCHORER | ROLE_REVOKER]);
  return { registry, institutionId: 1 };
}
