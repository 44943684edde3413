/**
 * Closes batches: when full, when their oldest credential has waited `maxWaitMs`, or on
 * demand, and only once every credential in them is signed (signing after intake). Closing builds the Merkle tree from the stored leaf hashes (core) and persists
 * the flat tree and the root in one transaction, state `closed`, before any transaction
 * is sent; `onBatchClosed` (the publisher's kick) is called afterwards.
 *
 * Correctness does not rest on this process: sealing (open → full) and closing
 * (full → closed) are compare-and-set updates in the store, so a second batcher would
 * find nothing to do.
 */
import { batchIdOf, buildTree, bytesToHex } from "../core/index.ts";
import type { BatchRow, Store } from "./store/types.ts";

/** Parameters of {@link createBatcher}. */
export type CreateBatcherParameters = {
  readonly maxSize: number;
  readonly maxWaitMs: number;
  readonly store: Store;
  /** Called after a batch is closed and persisted. */
  readonly onBatchClosed?: ((batch: BatchRow) => void) | undefined;
  /**
   * Builds the flat tree (all nodes) from the leaf hashes; default core's buildTree on this
   * thread. main.ts passes the hashing pool's, which runs it on a worker thread.
   */
  readonly buildTreeNodes?: ((leaves: Uint8Array) => Promise<Uint8Array>) | undefined;
  /** Called when closing fails (logged by the caller); the batch is retried next tick. */
  readonly onError?: ((error: unknown, batchId: number) => void) | undefined;
  /** Clock (tests). */
  readonly now?: (() => number) | undefined;
};

/** The batcher. */
export type Batcher = {
  /** Starts the max-wait timer. */
  start(): void;
  stop(): Promise<void>;
  /** Closes every batch that is due now; resolves with the closed ones. */
  tick(): Promise<BatchRow[]>;
  /** Closes the institution's open batch now; undefined if it has none (or it is empty). */
  closeOpenBatch(institutionId: number): Promise<BatchRow | undefined>;
  /** Intake filled these batches: close them soon. */
  notifyFilled(batchIds: readonly number[]): void;
};

/**
 * @example
 * ```ts
 * const batcher = createBatcher({ maxSize: 10_000, maxWaitMs: 5_000, store, onBatchClosed: () => publisher.kick() });
 * batcher.start();
 * ```
 */
export function createBatcher(parameters: CreateBatcherParameters): Batcher {
  const { maxWaitMs, store } = parameters;
  const buildNodes = parameters.buildTreeNodes ?? (async (leaves: Uint8Array) => buildTree({ leaves }).nodes);
  const now = parameters.now ?? Date.now;
  const interval = Math.max(20, Math.min(500, Math.floor(maxWaitMs / 4)));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<BatchRow[]> | undefined;
  let again = false;

  async function close(batch: BatchRow): Promise<BatchRow | undefined> {
    if (batch.state === "open" && !(await store.sealBatch({ id: batch.id }))) {
      const current = await store.getBatchById(batch.id);
      if (current?.state !== "full") return undefined;
    }
    // Signed after intake (server/signing/signer.ts): a full or due batch waits for its last
    // signature; the signer ticks the batcher when it writes it.
    if ((await store.countAwaitingSignature({ batchId: batch.id })) > 0) return undefined;
    const leaves = await store.getLeafHashes(batch.id);
    const nodes = await buildNodes(leaves);
    const merkleRoot = bytesToHex({ bytes: nodes.subarray(nodes.length - 32) }); // the root is the last node
    const chainBatchId = batchIdOf({ institutionId: batch.institutionId, merkleRoot });
    const closed = await store.saveClosedBatch({ id: batch.id, merkleRoot, chainBatchId, tree: nodes, now: now() });
    if (!closed) return undefined;
    const row = (await store.getBatchById(batch.id))!;
    parameters.onBatchClosed?.(row);
    return row;
  }

  async function runTick(): Promise<BatchRow[]> {
    const closed: BatchRow[] = [];
    do {
      again = false;
      for (const batch of await store.listBatchesDue({ firstAtOrBefore: now() - maxWaitMs })) {
        try {
          const row = await close(batch);
          if (row !== undefined) closed.push(row);
        } catch (error) {
          parameters.onError?.(error, batch.id);
        }
      }
    } while (again);
    return closed;
  }

  const batcher: Batcher = {
    start() {
      if (timer !== undefined) return;
      timer = setInterval(() => void batcher.tick().catch(() => undefined), interval);
      timer.unref();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
    tick() {
      if (running !== undefined) {
        again = true;
        return running;
      }
      running = runTick().finally(() => {
        running = undefined;
      });
      return running;
    },
    async closeOpenBatch(institutionId) {
      const open = await store.getOpenBatch(institutionId);
      if (open === undefined || open.size === 0) return undefined;
      // If a concurrent tick closed it first, answer with that result.
      return (await close(open)) ?? store.getBatchById(open.id);
    },
    notifyFilled() {
      setImmediate(() => void batcher.tick().catch(() => undefined));
    },
  };
  return batcher;
}
