/**
 * Worker thread of the hashing pool (pool.ts): runs {@link prepareCredentials} on the
 * chunks it is sent and posts the result back, transferring the byte arrays.
 */
import { parentPort } from "node:worker_threads";

import { prepareCredentials } from "./prepare.ts";

/** A job sent to a worker. */
export type HashJob = { readonly id: number; readonly credentials: readonly unknown[]; readonly issuerIdentifier: string };

parentPort?.on("message", (job: HashJob) => {
  try {
    const result = prepareCredentials({ credentials: job.credentials, issuerIdentifier: job.issuerIdentifier });
    parentPort!.postMessage({ id: job.id, result }, [result.salts.buffer, result.hashes.buffer] as ArrayBuffer[]);
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
});
