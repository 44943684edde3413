/**
 * Worker threads that say when they are ready and stop gracefully.
 *
 * Why: `worker.terminate()` stops a thread wherever it is, including in the middle of
 * evaluating its ES modules (the TypeScript loader hooks are asynchronous), and Node has
 * a history of process-wide V8 aborts on that path (nodejs/node#38418, #42501, #53238).
 * A service stopped soon after it started (tests, a failed start, a quick restart) does
 * exactly that. So every worker here reports ready once its modules and its keccak
 * backend are loaded, and stopping means: wait until it is ready, ask it to stop, let it
 * exit on its own. `terminate()` is only the last resort for a thread that hangs.
 */
import { parentPort, Worker, type WorkerOptions } from "node:worker_threads";

/** Control messages between a {@link ManagedWorker} and its thread. */
const READY = "credanchor:worker-ready";
const STOP = "credanchor:worker-stop";

/** A worker thread with a graceful stop. */
export type ManagedWorker = {
  readonly worker: Worker;
  /** Resolves once the thread has loaded its modules and listens for messages. */
  readonly ready: Promise<void>;
  /** Asks the thread to finish and waits for it to exit (terminating it only if it hangs). */
  stop(): Promise<void>;
};

/** Parameters of {@link startManagedWorker}. */
export type StartManagedWorkerParameters = {
  readonly url: URL;
  readonly options?: WorkerOptions | undefined;
  /** How long {@link ManagedWorker.stop} waits for the thread to get ready and to exit. Default 15 s each. */
  readonly stopTimeoutMs?: number | undefined;
};

/**
 * Starts a worker whose script calls {@link serveParent}. The worker is unref'd: it never
 * keeps the process alive on its own.
 *
 * @example
 * ```ts
 * const { worker, stop } = startManagedWorker({ url: new URL("./worker.ts", import.meta.url) });
 * worker.on("message", onMessage);
 * await stop();
 * ```
 */
export function startManagedWorker(parameters: StartManagedWorkerParameters): ManagedWorker {
  const stopTimeoutMs = parameters.stopTimeoutMs ?? 15_000;
  const worker = new Worker(parameters.url, parameters.options);
  worker.unref();
  let exited = false;
  const exit = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  void exit.then(() => {
    exited = true;
  });
  const ready = new Promise<void>((resolve) => {
    const onMessage = (message: unknown) => {
      if (message !== READY) return;
      worker.off("message", onMessage);
      resolve();
    };
    worker.on("message", onMessage);
    // A worker that fails while loading never gets ready; it has exited, which is as good.
    void exit.then(() => resolve());
  });
  let stopping: Promise<void> | undefined;
  return {
    worker,
    ready,
    stop() {
      stopping ??= (async () => {
        if (exited) return;
        const readyInTime = await within(ready, stopTimeoutMs);
        if (!exited && readyInTime) {
          worker.postMessage(STOP);
          if (await within(exit, stopTimeoutMs)) return;
        }
        if (!exited) await worker.terminate();
      })();
      return stopping;
    },
  };
}

/** True when `promise` settles within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Parameters of {@link serveParent}. */
export type ServeParentParameters = {
  /** Every message but the stop request. */
  readonly onMessage: (message: any) => void;
  /** Messages wait for this (e.g. core's `keccakReady`) before they are handled; then the thread reports ready. */
  readonly ready?: Promise<unknown> | undefined;
  /** Releases what keeps the thread alive (timers, handles) before it exits. */
  readonly onStop?: (() => void) | undefined;
};

/**
 * The thread's side: call once at the end of the worker script's top level, after its
 * imports have loaded. Posts the ready signal, dispatches messages, and on the stop
 * request runs `onStop` and closes the port so the thread exits by itself.
 *
 * @example
 * ```ts
 * serveParent({ onMessage: (job) => parentPort!.postMessage(run(job)), ready: keccakReady });
 * ```
 */
export function serveParent(parameters: ServeParentParameters): void {
  const port = parentPort;
  if (port === null) throw new Error("serveParent must run inside a worker thread");
  // One settled promise: its reactions run in the order messages arrived.
  const ready = (parameters.ready ?? Promise.resolve()).then(
    () => undefined,
    () => undefined,
  );
  port.on("message", (message: unknown) => {
    void ready.then(() => {
      if (message === STOP) {
        parameters.onStop?.();
        port.close();
        return;
      }
      parameters.onMessage(message);
    });
  });
  void ready.then(() => port.postMessage(READY));
}
