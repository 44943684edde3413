/**
 * A real store (node:sqlite, temporary file) holding closed batches, an in-memory chain,
 * and the {@link PublisherContext} the publisher's transitions take: what the unit tests
 * of server/publisher/* start from.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";

import { batchIdOf, bytesToHex } from "../../../core/index.ts";
import type { PublisherContext } from "../../../server/publisher/context.ts";
import { createSqliteStore } from "../../../server/store/sqlite.ts";
import { NO_KEYS, type BatchRow, type Store } from "../../../server/store/types.ts";
import { createMemoryAnchorChain, type MemoryAnchorChain } from "./memoryAnchorChain.ts";
import { tempDir } from "./processes.ts";

/** What {@link publisherFixture} returns. */
export type PublisherFixture = {
  readonly store: Store;
  readonly chain: MemoryAnchorChain;
  readonly context: PublisherContext;
  /** The test's clock (ms); advance it to make time pass. */
  readonly clock: { now: number };
  /** A new closed batch of `size` credentials, ready to send. */
  closedBatch(size?: number): Promise<BatchRow>;
  /** The batch as stored now. */
  batch(id: number): Promise<BatchRow>;
  close(): Promise<void>;
};

/**
 * @example
 * ```ts
 * const { context, chain, closedBatch, batch } = await publisherFixture();
 * const closed = await closedBatch();
 * await sendClosed(context, closed);
 * ```
 */
export async function publisherFixture(parameters: { readonly confirmations?: number; readonly resendAfterMs?: number; readonly path?: string } = {}): Promise<PublisherFixture> {
  const path = parameters.path ?? join(tempDir("credanchor-publisher-"), "publisher.db");
  const store = createSqliteStore({ path, backgroundCheckpoints: false });
  if ((await store.getInstitution(1)) === undefined) {
    await store.createInstitution({ id: 1, name: "I1", identifier: "did:web:demo.credanchor.local", metadataUri: "", adminAddress: "", createdAt: 0, status: "active", keys: NO_KEYS });
  }
  const chain = createMemoryAnchorChain();
  const clock = { now: 1_800_000_000_000 };
  const context: PublisherContext = {
    store,
    chain,
    confirmations: parameters.confirmations ?? 1,
    pollIntervalMs: 100,
    resendAfterMs: parameters.resendAfterMs ?? 60_000,
    now: () => clock.now,
    isLeader: () => true,
  };
  return {
    store,
    chain,
    context,
    clock,
    async closedBatch(size = 2) {
      const result = await store.submitCredentials({
        institutionId: 1,
        items: Array.from({ length: size }, () => ({ clientId: null, body: JSON.stringify({ id: randomUUID() }), salt: randomBytes(32), credentialHash: randomBytes(32) })),
        maxSize: size,
        now: clock.now,
        leafHash: () => randomBytes(32),
        newId: randomUUID,
      });
      if (!result.ok) throw new Error("fixture: intake refused");
      const id = result.records[0]!.batchId;
      const merkleRoot = bytesToHex({ bytes: randomBytes(32) });
      const saved = await store.saveClosedBatch({ id, merkleRoot, chainBatchId: batchIdOf({ institutionId: 1, merkleRoot }), tree: randomBytes(32 * (2 * size - 1)), now: clock.now });
      if (!saved) throw new Error(`fixture: batch ${id} did not close`);
      return (await store.getBatchById(id))!;
    },
    async batch(id) {
      return (await store.getBatchById(id))!;
    },
    close: () => store.close(),
  };
}

/** The error `promise` rejects with (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection, but the promise resolved");
}
