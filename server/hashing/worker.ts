/**
 * Worker thread of the hashing pool (pool.ts): runs {@link prepareItems} on the chunks
 * it is sent and posts the result back, transferring the byte arrays.
 */
import { parentPort } from "node:worker_threads";

import { prepareItems, type PrepareItemsParameters } from "./prepare.ts";

parentPort?.on("message", (job: PrepareItemsParameters & { id: number }) => {
  try {
    const result = prepareItems(job);
    parentPort!.postMessage({ id: job.id, result }, [result.salts.buffer, result.hashes.buffer] as ArrayBuffer[]);
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
});
