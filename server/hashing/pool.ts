/**
 * A small worker_threads pool for the CPU-heavy part of intake (validation, RFC 8785,
 * keccak: prepare.ts). Bulk submissions are cut into chunks spread over the workers;
 * the main thread keeps the database writes. Small submissions run inline: a message
 * round trip costs more than hashing a few credentials.
 */
import { buildTree } from "../../core/index.ts";
import { startManagedWorker, type ManagedWorker } from "../threads.ts";
import { prepareItems, type PrepareItemsParameters, type PrepareItemsReturnType } from "./prepare.ts";
import { signStoredItems, type SignStoredItemsParameters, type SignStoredItemsReturnType } from "./signStored.ts";

/** Parameters of {@link createHashPool}. */
export type CreateHashPoolParameters = {
  /** Worker threads; 0 runs everything inline. */
  readonly size: number;
  /** Submissions smaller than this run inline (default 128). */
  readonly inlineBelow?: number | undefined;
  /** The worker script (tests substitute one that fails); default ./worker.ts. */
  readonly workerUrl?: URL | undefined;
};

/** A worker that dies sooner than this after its start counts as failing at start-up. */
const EARLY_DEATH_MS = 5_000;
/** How long after an intake submission was prepared the pool still reports intake as busy (see preparing()). */
const INTAKE_GRACE_MS = 300;
/** Restart delays of a worker failing at start-up: 100 ms, doubling, at most 30 s. */
const RESTART_BASE_MS = 100;
const RESTART_MAX_MS = 30_000;

/** The pool. */
export type HashPool = {
  /** Parses, validates and hashes, in input order. */
  prepare(parameters: PrepareItemsParameters): Promise<PrepareItemsReturnType>;
  /**
   * Intake submissions being prepared now, counting one just finished as still there for a
   * short grace (the signer yields to them: the 202s come first; between two requests of a
   * client's stream the workers are idle for a moment, and a signing round started then
   * would hold them when the next request arrives).
   */
  preparing(): number;
  /** Signs stored unsigned credentials (signing after intake: signStored.ts), in input order, spread over the workers. */
  signStored(parameters: SignStoredItemsParameters): Promise<SignStoredItemsReturnType>;
  /** core's buildTree on a worker (the main thread keeps serving requests); returns the flat nodes. */
  buildTreeNodes(leaves: Uint8Array): Promise<Uint8Array>;
  readonly size: number;
  /** Workers started since the pool was created (restarts included), and those alive now. */
  stats(): { readonly starts: number; readonly live: number };
  close(): Promise<void>;
};

type Pending = {
  resolve: (result: any) => void;
  reject: (error: Error) => void;
};

type Slot = { thread: ManagedWorker; busy: number; pending: Map<number, Pending>; startedAt: number; dead: boolean };

/**
 * Starts `size` workers.
 *
 * @example
 * ```ts
 * const pool = createHashPool({ size: 2 });
 * const { invalid, clientIds, bodies, hashes, salts } = await pool.prepare({ texts, issuerIdentifier });
 * await pool.close();
 * ```
 */
export function createHashPool(parameters: CreateHashPoolParameters): HashPool {
  const inlineBelow = parameters.inlineBelow ?? 128;
  const slots: Slot[] = [];
  const workerUrl = parameters.workerUrl ?? new URL("./worker.ts", import.meta.url);
  let nextJob = 1;
  let closed = false;
  let starts = 0;
  let preparing = 0;
  let lastPrepared = -Infinity;
  // Consecutive start-up failures (any slot): a worker that cannot even load (a broken
  // build, no memory) must not be restarted in a tight loop, each start costing a V8 isolate.
  let earlyDeaths = 0;

  const spawn = (): Slot => {
    const thread = startManagedWorker({ url: workerUrl });
    starts++;
    const { worker } = thread;
    const slot: Slot = { thread, busy: 0, pending: new Map(), startedAt: performance.now(), dead: false };
    worker.on("message", (message: { id?: number; result?: unknown; error?: string }) => {
      if (typeof message !== "object" || message === null || typeof message.id !== "number") return;
      const job = slot.pending.get(message.id);
      if (job === undefined) return;
      slot.pending.delete(message.id);
      slot.busy--;
      if (message.error !== undefined) job.reject(new Error(`hash worker: ${message.error}`));
      else job.resolve(message.result!);
    });
    // "error" and then "exit" both arrive for one death: the slot is replaced once.
    const fail = (error: Error) => {
      if (slot.dead) return;
      slot.dead = true;
      for (const job of slot.pending.values()) job.reject(error);
      slot.pending.clear();
      slot.busy = 0;
      if (closed) return;
      earlyDeaths = performance.now() - slot.startedAt < EARLY_DEATH_MS ? earlyDeaths + 1 : 0;
      const delay = earlyDeaths === 0 ? 0 : Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** (earlyDeaths - 1));
      const restart = () => {
        const index = slots.indexOf(slot);
        if (!closed && index !== -1) slots[index] = spawn();
      };
      if (delay === 0) restart();
      else setTimeout(restart, delay).unref();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (!closed) fail(new Error(`hash worker exited with code ${code}`));
    });
    return slot;
  };
  for (let i = 0; i < parameters.size; i++) slots.push(spawn());

  const run = (slot: Slot, job: PrepareItemsParameters) =>
    new Promise<PrepareItemsReturnType>((resolve, reject) => {
      const id = nextJob++;
      slot.pending.set(id, { resolve, reject });
      slot.busy++;
      slot.thread.worker.postMessage({ ...job, id });
    });
  const runSign = (slot: Slot, job: SignStoredItemsParameters) =>
    new Promise<SignStoredItemsReturnType>((resolve, reject) => {
      const id = nextJob++;
      slot.pending.set(id, { resolve, reject });
      slot.busy++;
      slot.thread.worker.postMessage({ ...job, id, kind: "sign" });
    });

  const live = () => slots.filter((slot) => !slot.dead);
  const leastBusy = () => live().reduce((best, candidate) => (candidate.busy < best.busy ? candidate : best));

  /** {@link HashPool.prepare} without the bookkeeping. */
  async function prepareJob(job: PrepareItemsParameters): Promise<PrepareItemsReturnType> {
    const count = job.texts?.length ?? job.values?.length ?? 0;
    if (live().length === 0 || count < inlineBelow) return prepareItems(job);
    // Chunks small enough to balance the workers, large enough to amortise messaging.
    const chunkSize = Math.max(256, Math.min(2048, Math.ceil(count / (slots.length * 4))));
    const jobs: Promise<PrepareItemsReturnType>[] = [];
    for (let start = 0; start < count; start += chunkSize) {
      const slot = leastBusy();
      jobs.push(
        run(slot, {
          issuerIdentifier: job.issuerIdentifier,
          signingKeys: job.signingKeys,
          defaultClientId: job.defaultClientId,
          statusEntries: job.statusEntries?.slice(start, start + chunkSize),
          deferSigning: job.deferSigning,
          ...(job.texts !== undefined ? { texts: job.texts.slice(start, start + chunkSize) } : { values: job.values!.slice(start, start + chunkSize) }),
        }),
      );
    }
    const results = await Promise.all(jobs);
    const invalid = results.flatMap((result, chunk) => result.invalid.map((entry) => ({ ...entry, index: entry.index + chunk * chunkSize })));
    if (invalid.length > 0) return { invalid, clientIds: [], bodies: [], salts: new Uint8Array(0), hashes: new Uint8Array(0) };
    const salts = new Uint8Array(count * 32);
    const hashes = new Uint8Array(count * 32);
    const bodies: string[] = [];
    const clientIds: (string | null)[] = [];
    const statusApplied: boolean[] = [];
    const awaitingSignature: boolean[] = [];
    results.forEach((result, chunk) => {
      for (let i = 0; i < result.bodies.length; i++) {
        statusApplied.push(result.statusApplied?.[i] ?? false);
        awaitingSignature.push(result.awaitingSignature?.[i] ?? false);
      }
      salts.set(result.salts, chunk * chunkSize * 32);
      hashes.set(result.hashes, chunk * chunkSize * 32);
      for (const body of result.bodies) bodies.push(body);
      for (const clientId of result.clientIds) clientIds.push(clientId);
    });
    return { invalid, clientIds, bodies, salts, hashes, statusApplied, awaitingSignature };
  }

  return {
    size: parameters.size,
    async buildTreeNodes(leaves) {
      // Inline when small, or while every worker is down (being restarted).
      if (live().length === 0 || leaves.length < 32 * 4096) return buildTree({ leaves }).nodes;
      const slot = leastBusy();
      return new Promise<Uint8Array>((resolve, reject) => {
        const id = nextJob++;
        slot.pending.set(id, { resolve, reject });
        slot.busy++;
        slot.thread.worker.postMessage({ id, kind: "tree", leaves });
      });
    },
    async signStored(job) {
      const count = job.bodies.length;
      if (live().length === 0 || count < inlineBelow) return signStoredItems(job);
      // One chunk per worker at least, so a claim keeps every core signing.
      const chunkSize = Math.max(64, Math.ceil(count / slots.length));
      const jobs: Promise<SignStoredItemsReturnType>[] = [];
      for (let start = 0; start < count; start += chunkSize) {
        jobs.push(
          runSign(leastBusy(), {
            bodies: job.bodies.slice(start, start + chunkSize),
            salts: job.salts.slice(start * 32, (start + chunkSize) * 32),
            leafIndices: job.leafIndices.slice(start, start + chunkSize),
            key: job.key,
          }),
        );
      }
      const results = await Promise.all(jobs);
      const bodies: string[] = [];
      const hashes = new Uint8Array(count * 32);
      const leafHashes = new Uint8Array(count * 32);
      const failures: { index: number; message: string }[] = [];
      results.forEach((result, chunk) => {
        for (const body of result.bodies) bodies.push(body);
        hashes.set(result.hashes, chunk * chunkSize * 32);
        leafHashes.set(result.leafHashes, chunk * chunkSize * 32);
        for (const failure of result.failures) failures.push({ index: failure.index + chunk * chunkSize, message: failure.message });
      });
      return { bodies, hashes, leafHashes, failures };
    },
    preparing: () => (preparing > 0 || performance.now() - lastPrepared < INTAKE_GRACE_MS ? Math.max(1, preparing) : 0),
    async prepare(job) {
      preparing++;
      try {
        return await prepareJob(job);
      } finally {
        preparing--;
        lastPrepared = performance.now();
      }
    },
    stats: () => ({ starts, live: live().length }),
    async close() {
      closed = true;
      // A graceful stop, never a bare terminate(): see threads.ts for the V8 abort it avoids.
      await Promise.all(slots.map((slot) => slot.thread.stop()));
    },
  };
}
