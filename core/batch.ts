/**
 * Batches: many credentials -> salts, credential hashes, one tree, one proof each.
 *
 * Two ways in:
 * - {@link buildBatch}: validate, salt, hash, build, and return every entry with its
 *   proof path. Convenient up to a few hundred thousand credentials.
 * - {@link hashCredentials} + {@link buildBatchFromHashes}: the service runs
 *   `hashCredentials` on chunks in worker threads (its flat `Uint8Array` results are
 *   transferable), concatenates them and builds the tree on the main thread; entries
 *   are then read one at a time with {@link getBatchEntry} / {@link iterateBatchEntries},
 *   which never holds a million proof paths in memory at once.
 * Every step is linear except the proofs (n log n in total).
 */
import { validateCredential } from "./credential.ts";
import { CredanchorError, CredentialInvalidError, type FieldIssue } from "./errors.ts";
import { credentialHashBytes, toBytes32, type Bytes32Input } from "./hash.ts";
import { encodeHex, type Hex } from "./hex.ts";
import { buildTreeFromCredentialHashes, getProof, getRoot, type MerkleTree } from "./merkle.ts";
import { randomBytesInto } from "./random.ts";

/** At most this many field issues are reported for a batch with invalid credentials. */
const MAX_REPORTED_ISSUES = 100;

/** One credential's place in its batch: what `attachProof` needs besides the anchoring transaction. */
export type BatchEntry = {
  readonly leafIndex: number;
  readonly credentialHash: Hex;
  readonly salt: Hex;
  readonly proofPath: Hex[];
};

/** A built batch, compact: flat hashes and salts (n × 32 bytes each) plus the tree. */
export type Batch = {
  readonly merkleRoot: Hex;
  readonly leafCount: number;
  readonly tree: MerkleTree;
  readonly credentialHashes: Uint8Array;
  readonly salts: Uint8Array;
};

function toFlat(values: Uint8Array | readonly Bytes32Input[], name: string): Uint8Array {
  if (values instanceof Uint8Array) return values;
  const flat = new Uint8Array(values.length * 32);
  values.forEach((value, i) => flat.set(toBytes32(value, `${name}[${i}]`), i * 32));
  return flat;
}

/** Parameters of {@link hashCredentials}. */
export type HashCredentialsParameters = {
  readonly credentials: readonly unknown[];
  /** One 32-byte salt per credential (flat or one per entry); fresh random salts if omitted. */
  readonly salts?: Uint8Array | readonly Bytes32Input[] | undefined;
  /** Validate each credential first (default true). */
  readonly validate?: boolean | undefined;
  /** Index of `credentials[0]` in the whole batch, for error paths (`$[i]`). Default 0. */
  readonly firstIndex?: number | undefined;
};
/** Return type of {@link hashCredentials}: n × 32 bytes each, in input order. */
export type HashCredentialsReturnType = { readonly credentialHashes: Uint8Array; readonly salts: Uint8Array };

/**
 * Validates, salts and hashes credentials (one chunk of a batch). Throws
 * `CA_CREDENTIAL_INVALID` listing the issues of every invalid credential, paths
 * prefixed with its batch index (`$[7].credentialSubject.achievement.name`).
 *
 * @example
 * ```ts
 * // in a worker: hash a chunk and transfer the buffers back
 * const { credentialHashes, salts } = hashCredentials({ credentials: chunk, firstIndex: offset });
 * postMessage({ credentialHashes, salts }, [credentialHashes.buffer, salts.buffer]);
 * ```
 */
export function hashCredentials(parameters: HashCredentialsParameters): HashCredentialsReturnType {
  const { credentials } = parameters;
  const count = credentials.length;
  const firstIndex = parameters.firstIndex ?? 0;
  const salts = parameters.salts === undefined ? randomBytesInto(new Uint8Array(count * 32)) : toFlat(parameters.salts, "salts");
  if (salts.length !== count * 32) {
    throw new CredanchorError({
      code: "CA_INVALID_ARGUMENT",
      message: `Expected ${count} salts (${count * 32} bytes), got ${salts.length} bytes.`,
    });
  }
  if (parameters.validate ?? true) {
    const issues: FieldIssue[] = [];
    let invalid = 0;
    for (let i = 0; i < count; i++) {
      try {
        validateCredential({ credential: credentials[i] });
      } catch (error) {
        if (!(error instanceof CredentialInvalidError)) throw error;
        invalid++;
        for (const issue of error.details ?? []) {
          if (issues.length < MAX_REPORTED_ISSUES) issues.push({ ...issue, path: `$[${firstIndex + i}]${issue.path.slice(1)}` });
        }
      }
    }
    if (invalid > 0) {
      throw new CredentialInvalidError({ issues, hints: [`${invalid} of ${count} credentials are invalid.`] });
    }
  }
  const credentialHashes = new Uint8Array(count * 32);
  for (let i = 0; i < count; i++) {
    const salt = salts.subarray(i * 32, i * 32 + 32);
    credentialHashes.set(credentialHashBytes(credentials[i] as Record<string, unknown>, salt), i * 32);
  }
  return { credentialHashes, salts };
}

/** Parameters of {@link buildBatchFromHashes}. */
export type BuildBatchFromHashesParameters = {
  /** Credential hashes in leaf order (flat n × 32 bytes, or one per entry). */
  readonly credentialHashes: Uint8Array | readonly Bytes32Input[];
  /** The salts the hashes were made with, same order. */
  readonly salts: Uint8Array | readonly Bytes32Input[];
};
/** Return type of {@link buildBatchFromHashes}. */
export type BuildBatchFromHashesReturnType = Batch;

/**
 * Builds the tree of a batch from already computed credential hashes.
 *
 * @example
 * ```ts
 * const batch = buildBatchFromHashes({ credentialHashes, salts });
 * await publishRoot({ merkleRoot: batch.merkleRoot, leafCount: batch.leafCount });
 * for (const entry of iterateBatchEntries({ batch })) store(entry);
 * ```
 */
export function buildBatchFromHashes(parameters: BuildBatchFromHashesParameters): BuildBatchFromHashesReturnType {
  const credentialHashes = toFlat(parameters.credentialHashes, "credentialHashes");
  const salts = toFlat(parameters.salts, "salts");
  if (salts.length !== credentialHashes.length) {
    throw new CredanchorError({
      code: "CA_INVALID_ARGUMENT",
      message: `Got ${credentialHashes.length / 32} credential hashes but ${salts.length / 32} salts.`,
    });
  }
  const tree = buildTreeFromCredentialHashes({ credentialHashes });
  return { merkleRoot: getRoot({ tree }), leafCount: tree.leafCount, tree, credentialHashes, salts };
}

/** Parameters of {@link getBatchEntry}. */
export type GetBatchEntryParameters = { readonly batch: Batch; readonly leafIndex: number };
/** Return type of {@link getBatchEntry}. */
export type GetBatchEntryReturnType = BatchEntry;

/**
 * One credential's entry (hash, salt, proof path) from a built batch: O(log n).
 *
 * @example
 * ```ts
 * const { credentialHash, salt, proofPath } = getBatchEntry({ batch, leafIndex: 5 });
 * ```
 */
export function getBatchEntry(parameters: GetBatchEntryParameters): GetBatchEntryReturnType {
  const { batch, leafIndex } = parameters;
  const proofPath = getProof({ tree: batch.tree, leafIndex }); // validates leafIndex
  return {
    leafIndex,
    credentialHash: encodeHex(batch.credentialHashes, leafIndex * 32, 32),
    salt: encodeHex(batch.salts, leafIndex * 32, 32),
    proofPath,
  };
}

/** Parameters of {@link iterateBatchEntries}. */
export type IterateBatchEntriesParameters = { readonly batch: Batch };
/** Return type of {@link iterateBatchEntries}. */
export type IterateBatchEntriesReturnType = Generator<BatchEntry, void, undefined>;

/**
 * Every entry of a batch in leaf order, computed as it is consumed.
 *
 * @example
 * ```ts
 * for (const entry of iterateBatchEntries({ batch })) await store.put(entry.leafIndex, entry);
 * ```
 */
export function* iterateBatchEntries(parameters: IterateBatchEntriesParameters): IterateBatchEntriesReturnType {
  const { batch } = parameters;
  for (let leafIndex = 0; leafIndex < batch.leafCount; leafIndex++) yield getBatchEntry({ batch, leafIndex });
}

/** Parameters of {@link buildBatch}. */
export type BuildBatchParameters = {
  readonly credentials: readonly unknown[];
  /** One 32-byte salt per credential; fresh random salts if omitted. */
  readonly salts?: Uint8Array | readonly Bytes32Input[] | undefined;
};
/** Return type of {@link buildBatch}: the batch plus every entry, proof paths included. */
export type BuildBatchReturnType = Batch & { readonly entries: BatchEntry[] };

/**
 * Validates, salts, hashes and builds a batch in one call, returning every entry with
 * its proof path. Throws `CA_BATCH_EMPTY`, `CA_CREDENTIAL_INVALID` (all invalid
 * credentials, by `$[index]` path) or `CA_BATCH_TOO_LARGE`.
 *
 * @example
 * ```ts
 * const batch = buildBatch({ credentials });
 * batch.merkleRoot; // anchor this
 * batch.entries[0]; // { leafIndex: 0, credentialHash, salt, proofPath }
 * ```
 */
export function buildBatch(parameters: BuildBatchParameters): BuildBatchReturnType {
  if (parameters.credentials.length === 0) {
    throw new CredanchorError({ code: "CA_BATCH_EMPTY", message: "A batch needs at least one credential." });
  }
  const hashed = hashCredentials({ credentials: parameters.credentials, salts: parameters.salts });
  const batch = buildBatchFromHashes(hashed);
  return { ...batch, entries: Array.from(iterateBatchEntries({ batch })) };
}
