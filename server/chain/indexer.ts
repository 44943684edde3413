/**
 * The registry event index: every event of an institution or one of its batches, whoever
 * sent it (the service, the CLI, an admin's wallet, governance), read from the chain in
 * block order into the store. Credential status and history are answered from it, and a
 * dev-chain replay re-sends it.
 *
 * It resumes from the cursor (last indexed block and its hash) after a restart. Reorgs are
 * handled as the publisher handles them, by re-reading the chain: before each pass the
 * cursor block's hash is compared with the chain's; if it differs (or the chain is now
 * shorter), the index is rewound `reorgWindow` blocks (events above deleted, in one
 * transaction) and read again. Each page is appended with its cursor in one transaction,
 * and only when every log's block hash matches the header read after it, so a page is
 * never half stored or taken from two forks.
 */
import type { Block, PublicClient } from "viem";
import type { Logger } from "pino";

import { isTransportFailure } from "../../core/registry.ts";
import { createPollingLoop } from "../pollingLoop.ts";
import type { IndexCursor, Store } from "../store/types.ts";
import { decodeRegistryLogs } from "./registryEvents.ts";

/** Parameters of {@link createRegistryIndexer}. */
export type CreateRegistryIndexerParameters = {
  readonly store: Store;
  readonly client: PublicClient;
  readonly registry: `0x${string}`;
  /** The registry's deployment block: the first block read on an empty index. */
  readonly fromBlock: number;
  readonly pollIntervalMs: number;
  /** Blocks per eth_getLogs call (providers cap the range; default 2,000). */
  readonly maxBlockRange?: number | undefined;
  /** How far back a detected reorg rewinds the index (default 64 blocks). */
  readonly reorgWindow?: number | undefined;
  readonly logger?: Logger | undefined;
};

/** The indexer. */
export type RegistryIndexer = {
  start(): void;
  stop(): Promise<void>;
  /** One pass: reorg check, then read up to the chain head. Passes never overlap. */
  tick(): Promise<void>;
  /** Resolves once the index holds every block up to `blockNumber` (runs passes as needed). */
  syncTo(blockNumber: number): Promise<void>;
  /** The last block indexed, or undefined before the first page. */
  cursor(): Promise<IndexCursor | undefined>;
};

const NO_HASH = `0x${"00".repeat(32)}` as const;

/**
 * @example
 * ```ts
 * const indexer = createRegistryIndexer({ store, client, registry, fromBlock: deployBlock, pollIntervalMs: 2000 });
 * indexer.start();
 * await indexer.syncTo(receipt.blockNumber);
 * ```
 */
export function createRegistryIndexer(parameters: CreateRegistryIndexerParameters): RegistryIndexer {
  const { store, client, registry, logger } = parameters;
  const maxRange = parameters.maxBlockRange ?? 2_000;
  const window = parameters.reorgWindow ?? 64;
  let pass: Promise<void> | undefined;

  const header = (blockNumber: number): Promise<Block> => client.getBlock({ blockNumber: BigInt(blockNumber) });

  async function startCursor(): Promise<IndexCursor> {
    return (await store.getIndexCursor()) ?? { blockNumber: parameters.fromBlock - 1, blockHash: NO_HASH };
  }

  /** Rewinds when the cursor's block is no longer on the chain; returns the cursor to read from. */
  async function checkReorg(cursor: IndexCursor, head: number): Promise<IndexCursor> {
    if (cursor.blockNumber < parameters.fromBlock) return cursor;
    const onChain = cursor.blockNumber <= head ? (await header(cursor.blockNumber)).hash : undefined;
    if (onChain === cursor.blockHash) return cursor;
    const target = Math.max(parameters.fromBlock - 1, Math.min(head, cursor.blockNumber) - window);
    const rewound: IndexCursor = { blockNumber: target, blockHash: target >= parameters.fromBlock ? (await header(target)).hash! : NO_HASH };
    logger?.warn({ from: cursor.blockNumber, to: target }, "registry index: reorg detected, rewinding and reading again");
    await store.rewindRegistryEvents({ afterBlock: target, cursor: rewound });
    return rewound;
  }

  async function readPage(cursor: IndexCursor, head: number): Promise<IndexCursor | undefined> {
    const from = cursor.blockNumber + 1;
    const to = Math.min(head, from + maxRange - 1);
    const logs = await client.getLogs({ address: registry, fromBlock: BigInt(from), toBlock: BigInt(to) });
    const headers = new Map<number, Block>();
    for (const blockNumber of new Set([...logs.map((log) => Number(log.blockNumber)), to])) headers.set(blockNumber, await header(blockNumber));
    // Logs and headers from two forks: leave the page for the next pass.
    if (logs.some((log) => log.blockHash !== headers.get(Number(log.blockNumber))!.hash)) return undefined;
    const events = await decodeRegistryLogs({
      logs,
      timestampOf: (blockNumber) => Number(headers.get(Number(blockNumber))!.timestamp),
      institutionOfBatch: (id) => store.institutionOfChainBatch(id),
    });
    const next: IndexCursor = { blockNumber: to, blockHash: headers.get(to)!.hash! };
    await store.appendRegistryEvents({ events, cursor: next });
    if (events.length > 0) logger?.debug({ from, to, events: events.length }, "registry index: events stored");
    return next;
  }

  async function runPass(): Promise<void> {
    // The cursor before the head: replicas sharing a PostgreSQL store index into one cursor,
    // and one read the other way round could find it moved past its (older) head by
    // another replica and take that for a shorter chain, deleting good events.
    const start = await startCursor();
    const head = Number(await client.getBlockNumber({ cacheTime: 0 }));
    let cursor = await checkReorg(start, head);
    while (cursor.blockNumber < head) {
      const next = await readPage(cursor, head);
      if (next === undefined) break;
      cursor = next;
    }
  }

  function tick(): Promise<void> {
    // One pass at a time; a caller arriving during a pass waits for it and runs its own.
    const previous = pass ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(runPass);
    pass = current;
    return current;
  }

  const loop = createPollingLoop({
    pollIntervalMs: parameters.pollIntervalMs,
    pass: tick,
    onError(error, retryInMs) {
      if (isTransportFailure(error)) logger?.warn({ retryInMs }, "registry index: RPC unavailable; will retry");
      else logger?.error({ err: error }, "registry index: pass failed; will retry");
    },
  });

  return {
    start: loop.start,
    async stop() {
      await loop.stop();
      await pass?.catch(() => undefined);
    },
    tick,
    async syncTo(blockNumber) {
      for (let attempt = 0; attempt < 50; attempt++) {
        const cursor = await store.getIndexCursor();
        if (cursor !== undefined && cursor.blockNumber >= blockNumber) return;
        await tick();
      }
    },
    cursor: () => store.getIndexCursor(),
  };
}
