/**
 * Issuer-signature checks on worker threads, for `credanchor verify` over many files: an
 * eddsa-rdfc-2022 verification costs about 0.2 ms of CPU (canonicalisation and Ed25519),
 * which on one thread caps bulk verification near 4,000 credentials/s while the other
 * cores idle. The pool is a core `SignatureVerifier` (core/verify/checkSignature.ts), so
 * verifyCredentials runs unchanged; requests are gathered into chunks (one message per
 * chunk, not per credential) and spread over the threads.
 *
 * Requests that carry a DID resolver (did:web with --resolve-did-web) are verified on the
 * calling thread: a resolver is a function and cannot cross to a worker.
 */
import { Worker } from "node:worker_threads";

import type { SignatureVerifier } from "../../core/verify/checkSignature.ts";
import type { SignatureResult } from "../../core/vc/eddsa.ts";
import { POOL_READY, POOL_STOP, type PoolReply, type PoolRequest } from "./signaturePoolMessages.ts";

/** Credentials per message to a thread. */
const CHUNK = 64;

/** A running pool; {@link SignaturePool.close} lets its threads exit. */
export type SignaturePool = {
  readonly verify: SignatureVerifier;
  /** Resolves once every thread has loaded its modules (requests made before simply wait). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
};

/** Parameters of {@link createSignaturePool}. */
export type CreateSignaturePoolParameters = { readonly threads: number };

type Pending = { readonly credential: Readonly<Record<string, unknown>>; resolve(result: SignatureResult): void; reject(error: unknown): void };

/** The worker script next to this module: the .ts source, or the bundle's .mjs (scripts/build-cli.ts). */
function workerUrl(): URL {
  return new URL(import.meta.url.endsWith(".ts") ? "./signatureWorker.ts" : "./signatureWorker.mjs", import.meta.url);
}

/**
 * Starts `threads` signature threads.
 *
 * @example
 * ```ts
 * const pool = createSignaturePool({ threads: 2 });
 * const reports = await verifyCredentials({ credentials, client, signatureVerifier: pool.verify });
 * await pool.close();
 * ```
 */
export function createSignaturePool(parameters: CreateSignaturePoolParameters): SignaturePool {
  const workers = Array.from({ length: Math.max(1, parameters.threads) }, () => {
    const worker = new Worker(workerUrl());
    worker.unref();
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    const ready = new Promise<void>((resolve) => {
      const onReady = (message: unknown) => {
        if (message !== POOL_READY) return;
        worker.off("message", onReady);
        resolve();
      };
      worker.on("message", onReady);
      void exited.then(resolve);
    });
    return { worker, ready, exited };
  });
  const inFlight = new Map<number, Pending[]>();
  let nextId = 0;
  let nextWorker = 0;
  let queue: Pending[] = [];
  let flushScheduled = false;
  let failure: unknown;

  const failAll = (error: unknown) => {
    failure ??= error;
    for (const chunk of inFlight.values()) for (const pending of chunk) pending.reject(error);
    inFlight.clear();
  };
  for (const { worker } of workers) {
    worker.on("message", (message: PoolReply | typeof POOL_READY) => {
      if (message === POOL_READY) return;
      const chunk = inFlight.get(message.id);
      inFlight.delete(message.id);
      chunk?.forEach((pending, i) => pending.resolve(message.results[i]!));
    });
    worker.on("error", failAll);
    worker.on("exit", (code) => {
      if (code !== 0) failAll(new Error(`a signature thread exited with code ${code}`));
    });
  }

  const flush = () => {
    flushScheduled = false;
    while (queue.length > 0) {
      const chunk = queue.slice(0, CHUNK);
      queue = queue.slice(CHUNK);
      const id = nextId++;
      inFlight.set(id, chunk);
      const { worker } = workers[nextWorker++ % workers.length]!;
      worker.postMessage({ id, credentials: chunk.map((pending) => pending.credential) } satisfies PoolRequest);
    }
  };

  const verify: SignatureVerifier = async ({ credential, resolveDid }) => {
    if (resolveDid !== undefined) {
      const { verifyIssuerSignature } = await import("../../core/vc/eddsa.ts");
      return verifyIssuerSignature({ credential, resolveDid });
    }
    if (failure !== undefined) throw failure;
    return new Promise<SignatureResult>((resolve, reject) => {
      queue.push({ credential, resolve, reject });
      if (queue.length >= CHUNK) flush();
      else if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    });
  };

  return {
    verify,
    ready: Promise.all(workers.map(({ ready }) => ready)).then(() => undefined),
    async close() {
      await Promise.all(
        workers.map(async ({ worker, ready, exited }) => {
          await ready;
          worker.ref(); // the process waits for the thread to exit, not the other way round
          worker.postMessage(POOL_STOP);
          await exited;
        }),
      );
    },
  };
}
