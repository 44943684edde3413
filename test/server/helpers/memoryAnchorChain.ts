/**
 * An in-memory chain behind the publisher's {@link AnchorChain} interface, for testing
 * the publisher's transitions one at a time: a mempool, blocks mined on demand, a
 * registry that refuses a batch id twice (as the contract does), and the trouble a real
 * chain makes (dropped transactions, a nonce taken by another sender's transaction of the
 * same key, reorgs, an RPC outage), each caused explicitly by the test.
 *
 * Node refusals carry the messages geth gives ("nonce too low", "already known",
 * "replacement transaction underpriced"); a down RPC throws core's RpcUnavailableError.
 */
import { keccak256, stringToHex, hexToString, type Hex } from "viem";

import { RpcUnavailableError } from "../../../core/errors.ts";
import type { AnchorBatch, AnchorChain, AnchorReceipt, Fees } from "../../../server/publisher/anchorChain.ts";

/** A transaction as the memory chain signs it (its "raw" bytes are this, as JSON). */
export type MemoryTransaction = {
  readonly chainBatchId: Hex;
  readonly nonce: number;
  readonly maxFeePerGas: string;
  readonly maxPriorityFeePerGas: string;
  /** Set for transactions the test injects from the same key (not anchoring). */
  readonly foreign?: boolean;
};

type Block = { readonly number: number; readonly hash: Hex; readonly timestamp: number; readonly txHashes: Hex[] };

/** The chain, and the levers a test pulls. */
export type MemoryAnchorChain = AnchorChain & {
  /** Mines every pending transaction (in nonce order) into one new block; returns its number. */
  mine(): number;
  /** Mines `count` empty blocks. */
  mineEmpty(count: number): void;
  /** Removes the last `depth` blocks; their transactions are gone (as after evm_revert). */
  reorg(depth: number): void;
  /** The node forgets a pending transaction (evicted from its mempool). */
  drop(txHash: Hex): void;
  /** Mines a transaction of the same key with this nonce that is not an anchoring. */
  mineForeign(nonce: number): void;
  /** Every raw transaction broadcast, in order (repeats included). */
  readonly broadcasts: Hex[];
  /** Pending transactions by hash. */
  readonly mempool: Map<Hex, MemoryTransaction>;
  /** Anchoring transaction of each batch the registry holds. */
  readonly registry: Map<Hex, Hex>;
  /** What simulateAnchor answers when set (e.g. "CredentialRegistryUnauthorized"). */
  revertReason: string | undefined;
  /** While true every call throws RpcUnavailableError. */
  down: boolean;
  /** While false, locateAnchor finds batches but not their transaction (logs not indexed yet). */
  logsVisible: boolean;
  /** The fee estimate the node gives. */
  fees: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
  decode(rawTx: Hex): MemoryTransaction;
};

/**
 * @example
 * ```ts
 * const chain = createMemoryAnchorChain();
 * await sendClosed(context({ chain }), batch); // broadcast into chain.mempool
 * chain.mine();
 * ```
 */
export function createMemoryAnchorChain(parameters: { readonly sender?: `0x${string}` } = {}): MemoryAnchorChain {
  const sender = parameters.sender ?? "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
  const blocks: Block[] = [{ number: 0, hash: keccak256(stringToHex("block 0")), timestamp: 1_700_000_000, txHashes: [] }];
  const receipts = new Map<Hex, AnchorReceipt>();
  const minedTransactions = new Map<Hex, MemoryTransaction>();
  let blockSalt = 0;

  const decode = (rawTx: Hex): MemoryTransaction => JSON.parse(hexToString(rawTx)) as MemoryTransaction;
  const minedCount = () => [...minedTransactions.values()].length;
  const online = () => {
    if (chain.down) throw new RpcUnavailableError({ url: "memory://chain" });
  };

  function newBlock(transactions: [Hex, MemoryTransaction][]): number {
    const number = blocks.length;
    const hash = keccak256(stringToHex(`block ${number} ${blockSalt++}`));
    const block: Block = { number, hash, timestamp: blocks[number - 1]!.timestamp + 12, txHashes: [] };
    transactions.forEach(([txHash, transaction], transactionIndex) => {
      const success = transaction.foreign === true || !chain.registry.has(transaction.chainBatchId);
      if (success && transaction.foreign !== true) chain.registry.set(transaction.chainBatchId, txHash);
      receipts.set(txHash, { transactionHash: txHash, blockNumber: BigInt(number), blockHash: hash, transactionIndex, status: success ? "success" : "reverted" });
      minedTransactions.set(txHash, transaction);
      block.txHashes.push(txHash);
    });
    blocks.push(block);
    return number;
  }

  const chain: MemoryAnchorChain = {
    sender,
    broadcasts: [],
    mempool: new Map(),
    registry: new Map(),
    revertReason: undefined,
    down: false,
    logsVisible: true,
    fees: { maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n },
    decode,

    async headBlockNumber() {
      online();
      return BigInt(blocks.length - 1);
    },
    async simulateAnchor(batch) {
      online();
      if (chain.registry.has(batch.chainBatchId!)) return "CredentialRegistryBatchAlreadyAnchored";
      return chain.revertReason;
    },
    async signAnchor({ batch, nonce, fees }: { batch: AnchorBatch; nonce: number; fees?: Fees | undefined }) {
      online();
      const transaction: MemoryTransaction = {
        chainBatchId: batch.chainBatchId!,
        nonce,
        maxFeePerGas: String(fees?.maxFeePerGas ?? chain.fees.maxFeePerGas),
        maxPriorityFeePerGas: String(fees?.maxPriorityFeePerGas ?? chain.fees.maxPriorityFeePerGas),
      };
      const rawTx = stringToHex(JSON.stringify(transaction));
      return { rawTx, txHash: keccak256(rawTx) };
    },
    async sendRawTransaction(rawTx) {
      online();
      chain.broadcasts.push(rawTx);
      const txHash = keccak256(rawTx);
      const transaction = decode(rawTx);
      if (transaction.nonce < minedCount()) throw new Error("nonce too low");
      if (chain.mempool.has(txHash)) throw new Error("already known");
      for (const [otherHash, other] of chain.mempool) {
        if (other.nonce !== transaction.nonce) continue;
        const enough = (next: string, previous: string) => BigInt(next) * 10n >= BigInt(previous) * 11n;
        if (!enough(transaction.maxFeePerGas, other.maxFeePerGas) || !enough(transaction.maxPriorityFeePerGas, other.maxPriorityFeePerGas)) {
          throw new Error("replacement transaction underpriced");
        }
        chain.mempool.delete(otherHash);
      }
      chain.mempool.set(txHash, transaction);
    },
    async receiptOf(hash) {
      online();
      return receipts.get(hash);
    },
    async transactionOf(hash) {
      online();
      const transaction = chain.mempool.get(hash) ?? minedTransactions.get(hash);
      if (transaction === undefined) return undefined;
      return { maxFeePerGas: BigInt(transaction.maxFeePerGas), maxPriorityFeePerGas: BigInt(transaction.maxPriorityFeePerGas) };
    },
    async transactionCount(blockTag) {
      online();
      const mined = minedCount();
      if (blockTag === "latest") return mined;
      // Pending: the mined count plus the run of consecutive nonces waiting in the mempool.
      const waiting = new Set([...chain.mempool.values()].map((transaction) => transaction.nonce));
      let next = mined;
      while (waiting.has(next)) next++;
      return next;
    },
    async estimateFees() {
      online();
      return { ...chain.fees };
    },
    async locateAnchor(chainBatchId) {
      online();
      const txHash = chain.registry.get(chainBatchId);
      if (txHash === undefined) return { onChain: false };
      return { onChain: true, transactionHash: chain.logsVisible ? txHash : undefined };
    },
    async blockTimestamp(blockHash) {
      online();
      const block = blocks.find((candidate) => candidate.hash === blockHash);
      if (block === undefined) throw new Error(`unknown block ${blockHash}`);
      return block.timestamp;
    },

    mine() {
      const next = [...chain.mempool.entries()].sort(([, a], [, b]) => a.nonce - b.nonce);
      const mined = minedCount();
      const includable: [Hex, MemoryTransaction][] = [];
      for (const entry of next) {
        if (entry[1].nonce !== mined + includable.length) break; // a nonce gap: the rest waits
        includable.push(entry);
      }
      for (const [hash] of includable) chain.mempool.delete(hash);
      return newBlock(includable);
    },
    mineEmpty(count) {
      for (let i = 0; i < count; i++) newBlock([]);
    },
    reorg(depth) {
      for (const block of blocks.splice(blocks.length - depth, depth)) {
        for (const txHash of block.txHashes) {
          const transaction = minedTransactions.get(txHash)!;
          if (chain.registry.get(transaction.chainBatchId) === txHash) chain.registry.delete(transaction.chainBatchId);
          receipts.delete(txHash);
          minedTransactions.delete(txHash);
        }
      }
    },
    drop(txHash) {
      chain.mempool.delete(txHash);
    },
    mineForeign(nonce) {
      const transaction: MemoryTransaction = { chainBatchId: `0x${"ff".repeat(32)}`, nonce, maxFeePerGas: "0", maxPriorityFeePerGas: "0", foreign: true };
      const rawTx = stringToHex(JSON.stringify(transaction));
      for (const [hash, pending] of chain.mempool) if (pending.nonce === nonce) chain.mempool.delete(hash);
      newBlock([[keccak256(rawTx), transaction]]);
    },
  };
  return chain;
}
