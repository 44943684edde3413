/**
 * Worker thread of the hashing pool (pool.ts): runs {@link prepareItems} on the chunks
 * it is sent, signs stored credentials ({@link signStoredItems}), or builds a batch's
 * Merkle tree (core), and posts the result back,
 * transferring the byte arrays.
 */
import { parentPort } from "node:worker_threads";

import { buildTree, keccakReady } from "../../core/index.ts";
import { serveParent } from "../threads.ts";
import { prepareItems, type PrepareItemsParameters } from "./prepare.ts";
import { signStoredItems, type SignStoredItemsParameters } from "./signStored.ts";

type Job =
  | (PrepareItemsParameters & { id: number; kind?: "prepare" })
  | (SignStoredItemsParameters & { id: number; kind: "sign" })
  | { id: number; kind: "tree"; leaves: Uint8Array };

async function run(job: Job): Promise<void> {
  try {
    if (job.kind === "tree") {
      const { nodes } = buildTree({ leaves: job.leaves });
      parentPort!.postMessage({ id: job.id, result: nodes }, [nodes.buffer as ArrayBuffer]);
      return;
    }
    if (job.kind === "sign") {
      const signed = await signStoredItems(job);
      parentPort!.postMessage({ id: job.id, result: signed }, [signed.hashes.buffer, signed.leafHashes.buffer] as ArrayBuffer[]);
      return;
    }
    const result = await prepareItems(job);
    parentPort!.postMessage({ id: job.id, result }, [result.salts.buffer, result.hashes.buffer] as ArrayBuffer[]);
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
}

serveParent({ onMessage: run, ready: keccakReady });
