/**
 * Everything the publisher asks of the chain, behind one small interface: its transitions
 * (server/publisher/*.ts) see {@link AnchorChain}, never viem or the registry's ABI, so
 * they can be tested against an in-memory chain, and which registry (ABI, address) the
 * service anchors in is decided here alone ({@link createViemAnchorChain}).
 *
 * Contract of every method: a transport failure (RPC unreachable, timeout) is thrown as is
 * (`isTransportFailure` in core/registry.ts tells it apart); "not found" is `undefined`,
 * never an error.
 */
import {
  encodeFunctionData,
  keccak256,
  type Chain,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
} from "viem";
import type { PrivateKeyAccount } from "viem/accounts";

import { findAnchoring } from "../../core/anchoring.ts";
import { isTransportFailure, readBatch } from "../../core/registry.ts";
import { ANCHOR_FORMAT_VERSION } from "../../core/roles.ts";
import { asRevert } from "../chain/clients.ts";
import { registryAbi } from "../chain/registryAbi.ts";
import type { BatchRow } from "../store/types.ts";
import { describeError } from "./context.ts";

/** What an anchoring transaction needs to know about a closed batch. */
export type AnchorBatch = Pick<BatchRow, "institutionId" | "merkleRoot" | "size" | "chainBatchId">;

/** The parts of a receipt the publisher records. */
export type AnchorReceipt = Pick<TransactionReceipt, "transactionHash" | "blockNumber" | "blockHash" | "transactionIndex" | "status">;

/** EIP-1559 fees, as a node reports or a transaction carries them. */
export type Fees = { readonly maxFeePerGas?: bigint | undefined; readonly maxPriorityFeePerGas?: bigint | undefined };

/** Whether the registry knows a batch, and (once its event is visible) where it was anchored. */
export type AnchorLocation =
  | { readonly onChain: false }
  | { readonly onChain: true; readonly transactionHash: Hex | undefined };

/** The chain as the publisher sees it. */
export type AnchorChain = {
  /** The anchorer's address: the sender of every anchoring transaction. */
  readonly sender: `0x${string}`;
  /** The latest block number (never cached). */
  headBlockNumber(): Promise<bigint>;
  /** Dry-runs `anchor(batch)`: undefined if it would succeed, else the decoded revert reason. */
  simulateAnchor(batch: AnchorBatch): Promise<string | undefined>;
  /** Prepares and signs (does not send) `anchor(batch)` with this nonce, and these fees if given. */
  signAnchor(parameters: { readonly batch: AnchorBatch; readonly nonce: number; readonly fees?: Fees | undefined }): Promise<{ rawTx: Hex; txHash: Hex }>;
  /** Broadcasts a signed transaction; a node's refusal is thrown (its message says why). */
  sendRawTransaction(rawTx: Hex): Promise<void>;
  receiptOf(hash: Hex): Promise<AnchorReceipt | undefined>;
  /** The transaction (mined or pending) with its fees, or undefined when the node does not know it. */
  transactionOf(hash: Hex): Promise<Fees | undefined>;
  /** The sender's transaction count at `latest` (mined) or `pending` (mined + mempool). */
  transactionCount(blockTag: "latest" | "pending"): Promise<number>;
  /** The node's current fee estimate. */
  estimateFees(): Promise<Fees>;
  /** Where the registry says a batch was anchored. */
  locateAnchor(chainBatchId: Hex): Promise<AnchorLocation>;
  /** A block's timestamp in seconds. */
  blockTimestamp(blockHash: Hex): Promise<number>;
};

const ZERO_HASH = `0x${"00".repeat(32)}` as const;

/** Parameters of {@link createViemAnchorChain}. */
export type CreateViemAnchorChainParameters = {
  readonly client: PublicClient;
  readonly chain: Chain;
  /** The key holding ROLE_ANCHORER in every institution the service issues for. */
  readonly account: PrivateKeyAccount;
  readonly registry: `0x${string}`;
};

/** Runs a lookup whose non-transport failure means "not found". */
async function orUndefined<T>(lookup: () => Promise<T>): Promise<T | undefined> {
  try {
    return await lookup();
  } catch (error) {
    if (isTransportFailure(error)) throw error;
    return undefined;
  }
}

/**
 * The real binding: viem against the configured registry.
 *
 * @example
 * ```ts
 * const anchorChain = createViemAnchorChain({ client, chain, account: anchorer, registry });
 * await anchorChain.simulateAnchor(batch); // undefined: anchoring would succeed
 * ```
 */
export function createViemAnchorChain(parameters: CreateViemAnchorChainParameters): AnchorChain {
  const { client, chain, account, registry } = parameters;
  const anchorArgs = (batch: AnchorBatch) =>
    [
      batch.institutionId,
      { merkleRoot: batch.merkleRoot!, leafCount: batch.size, formatVersion: ANCHOR_FORMAT_VERSION, manifestHash: ZERO_HASH },
    ] as const;

  return {
    sender: account.address,
    headBlockNumber: () => client.getBlockNumber({ cacheTime: 0 }),
    async simulateAnchor(batch) {
      try {
        await client.simulateContract({ address: registry, abi: registryAbi, functionName: "anchor", args: anchorArgs(batch), account });
        return undefined;
      } catch (error) {
        if (isTransportFailure(error)) throw error;
        return asRevert(error)?.errorName ?? describeError(error);
      }
    },
    async signAnchor({ batch, nonce, fees }) {
      const request = await client.prepareTransactionRequest({
        account,
        chain,
        to: registry,
        data: encodeFunctionData({ abi: registryAbi, functionName: "anchor", args: anchorArgs(batch) }),
        nonce,
        type: "eip1559",
        ...(fees === undefined ? {} : { maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas }),
      });
      const rawTx = await account.signTransaction(request as never);
      return { rawTx, txHash: keccak256(rawTx) };
    },
    async sendRawTransaction(rawTx) {
      await client.sendRawTransaction({ serializedTransaction: rawTx });
    },
    receiptOf: (hash) => orUndefined(() => client.getTransactionReceipt({ hash })), // TransactionReceiptNotFoundError
    transactionOf: (hash) => orUndefined(() => client.getTransaction({ hash })),
    transactionCount: (blockTag) => client.getTransactionCount({ address: account.address, blockTag }),
    estimateFees: () => client.estimateFeesPerGas(),
    async locateAnchor(chainBatchId) {
      const batch = await readBatch({ client, registry, batchId: chainBatchId });
      if (!batch.exists) return { onChain: false };
      const found = await findAnchoring({ client, registry, batchId: chainBatchId, batch });
      return { onChain: true, transactionHash: found?.transactionHash };
    },
    async blockTimestamp(blockHash) {
      return Number((await client.getBlock({ blockHash })).timestamp);
    },
  };
}
