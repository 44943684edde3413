/**
 * Signing after intake (issue 12): intake stores a credential the service signs unsigned,
 * marked awaiting its signature, and answers 202 at once; this loop (one per process,
 * like the batcher) claims those rows in chunks, signs them in the hashing worker pool
 * (with the institution's newest key from the keyring, read at signing time), hashes the
 * signed credential and its leaf, and writes both. The batcher closes a batch only when
 * none of its rows awaits a signature; `onBatchesSigned` kicks it when this loop signs a
 * batch's last row.
 *
 * Exactly-once does not rest on this loop: the store writes a signature only where the
 * row still awaits one (and PostgreSQL replicas claim with FOR UPDATE SKIP LOCKED), so a
 * row never ends up with two different stored signatures. A row that cannot be signed
 * (no key for its institution) stays awaiting: it is logged, reported by {@link Signer.health}
 * and retried after `retryAfterMs`; other institutions' rows are not held up.
 */
import type { SigningKey } from "../../core/vc/eddsa.ts";
import type { HashPool } from "../hashing/pool.ts";
import { createPollingLoop } from "../pollingLoop.ts";
import type { AwaitingSignatureRow, SignedCredentialWrite, Store } from "../store/types.ts";
import type { Keyring } from "./keyring.ts";

/** Parameters of {@link createSigner}. */
export type CreateSignerParameters = {
  readonly store: Store;
  readonly pool: Pick<HashPool, "signStored">;
  readonly keyring: Keyring;
  /**
   * True while intake is preparing submissions (main.ts: the pool's `preparing() > 0`): a
   * round waits for it, up to `maxYieldMs`, so the 202s keep the cores (intake first;
   * under continuous intake the signer still gets a round after each wait).
   */
  readonly intakeBusy?: (() => boolean) | undefined;
  /** Longest wait for intake before a round runs anyway (default 1,000 ms). */
  readonly maxYieldMs?: number | undefined;
  /** Rows claimed per round (default 2,048: enough to keep every worker busy, small enough to hold few locks). */
  readonly chunkSize?: number | undefined;
  /**
   * Rows claimed by a round that runs while intake is still busy (its wait ran out; default
   * 256): small, so under continuous intake the signer keeps moving but takes a few percent
   * of the workers, not a 2,048-row round every `maxYieldMs`.
   */
  readonly busyChunkSize?: number | undefined;
  /** How often it looks for rows when not kicked (default 250 ms): rows left by a crash or another replica. */
  readonly pollIntervalMs?: number | undefined;
  /** How long an institution whose rows failed to sign is left out before it is tried again (default 5 s). */
  readonly retryAfterMs?: number | undefined;
  /** Batches whose last awaiting row was just signed (main.ts: the batcher's tick). */
  readonly onBatchesSigned?: ((batchIds: readonly number[]) => void) | undefined;
  /** Rows of an institution could not be signed (logged by the caller); they are retried. */
  readonly onSigningFailed?: ((failure: SigningFailure) => void) | undefined;
  /** A round failed (e.g. the database is down); retried with back-off. */
  readonly onError?: ((error: unknown) => void) | undefined;
  /** Clock (tests). */
  readonly now?: (() => number) | undefined;
};

/** Rows of one institution that could not be signed. */
export type SigningFailure = { readonly institutionId: number; readonly rows: number; readonly message: string; readonly at: number };

/** What readiness and metrics report about signing. */
export type SignerHealth = {
  /** Institutions whose rows failed to sign in the last round that tried them (cleared when they sign again). */
  readonly failing: readonly SigningFailure[];
};

/** The signer loop. */
export type Signer = {
  start(): void;
  stop(): Promise<void>;
  /** Intake stored rows awaiting a signature: sign them now. */
  kick(): void;
  /** Signs until nothing awaiting is left that can be signed now; resolves with the rows signed (tests, shutdown). */
  drain(): Promise<number>;
  health(): SignerHealth;
};

/**
 * @example
 * ```ts
 * const signer = createSigner({ store, pool, keyring, onBatchesSigned: () => void batcher.tick() });
 * signer.start();
 * ```
 */
export function createSigner(parameters: CreateSignerParameters): Signer {
  const { store, pool, keyring } = parameters;
  const chunkSize = parameters.chunkSize ?? 2_048;
  const maxYieldMs = parameters.maxYieldMs ?? 1_000;
  const busyChunkSize = Math.min(chunkSize, parameters.busyChunkSize ?? 256);
  const retryAfterMs = parameters.retryAfterMs ?? 5_000;
  const now = parameters.now ?? Date.now;
  const failing = new Map<number, SigningFailure>();
  const identifiers = new Map<number, string>(); // institution id → DID (never changes for a stored row's institution)

  async function keyOf(institutionId: number): Promise<SigningKey | undefined> {
    let identifier = identifiers.get(institutionId);
    if (identifier === undefined) {
      identifier = (await store.getInstitution(institutionId))?.identifier;
      if (identifier === undefined) return undefined;
      identifiers.set(institutionId, identifier);
    }
    return keyring.keysOf(identifier).at(-1);
  }

  function fail(institutionId: number, rows: number, message: string): void {
    const failure = { institutionId, rows, message, at: now() };
    failing.set(institutionId, failure);
    parameters.onSigningFailed?.(failure);
  }

  async function sign(rows: readonly AwaitingSignatureRow[]): Promise<SignedCredentialWrite[]> {
    const byInstitution = new Map<number, AwaitingSignatureRow[]>();
    for (const row of rows) {
      const list = byInstitution.get(row.institutionId);
      if (list === undefined) byInstitution.set(row.institutionId, [row]);
      else list.push(row);
    }
    const writes: SignedCredentialWrite[] = [];
    for (const [institutionId, group] of byInstitution) {
      const key = await keyOf(institutionId);
      if (key === undefined) {
        fail(institutionId, group.length, `no signing key for institution ${institutionId} in the keyring`);
        continue;
      }
      const salts = new Uint8Array(group.length * 32);
      group.forEach((row, i) => salts.set(row.salt, i * 32));
      const signed = await pool.signStored({ bodies: group.map((row) => row.body), salts, leafIndices: group.map((row) => row.leafIndex), key });
      const failed = new Set(signed.failures.map((failure) => failure.index));
      if (signed.failures.length > 0) fail(institutionId, signed.failures.length, signed.failures[0]!.message);
      else failing.delete(institutionId);
      group.forEach((row, i) => {
        if (failed.has(i)) return;
        writes.push({
          seq: row.seq,
          body: signed.bodies[i]!,
          credentialHash: signed.hashes.slice(i * 32, i * 32 + 32),
          leafHash: signed.leafHashes.slice(i * 32, i * 32 + 32),
        });
      });
    }
    return writes;
  }

  /** Rounds until a round signs nothing (all done, or only failing institutions left). */
  async function pass(): Promise<number> {
    let total = 0;
    for (;;) {
      const yieldUntil = performance.now() + maxYieldMs;
      while (parameters.intakeBusy?.() === true && performance.now() < yieldUntil) await new Promise((resolve) => setTimeout(resolve, 5));
      const excluded = [...failing.values()].filter((failure) => now() - failure.at < retryAfterMs).map((failure) => failure.institutionId);
      const limit = parameters.intakeBusy?.() === true ? busyChunkSize : chunkSize;
      const result = await store.signAwaitingCredentials({ limit, excludeInstitutions: excluded, sign });
      total += result.signed;
      if (result.signedBatches.length > 0) parameters.onBatchesSigned?.(result.signedBatches);
      if (result.claimed === 0 || result.signed === 0) return total;
    }
  }

  let current: Promise<number> | undefined;
  const runPass = (): Promise<number> => {
    // Passes never overlap (SQLite claims without a lock: two passes would sign the same rows twice, one write kept).
    current ??= pass().finally(() => {
      current = undefined;
    });
    return current;
  };
  const loop = createPollingLoop({
    pollIntervalMs: parameters.pollIntervalMs ?? 250,
    pass: async () => {
      await runPass();
    },
    onError: (error) => parameters.onError?.(error),
  });

  return {
    start: () => loop.start(),
    stop: () => loop.stop(),
    kick: () => loop.kick(),
    async drain() {
      let total = 0;
      for (;;) {
        await current?.catch(() => undefined);
        const signed = await runPass();
        total += signed;
        if (signed === 0) return total;
      }
    },
    health: () => ({ failing: [...failing.values()] }),
  };
}
