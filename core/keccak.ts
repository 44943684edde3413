/**
 * The keccak-256 backend every other core file hashes with.
 *
 * Chosen by measurement (scripts/bench/core-keccak.ts, 2-core AMD EPYC, Node 24):
 * hash-wasm ~0.9-1.1 µs per 65-byte tree preimage and ~7 µs per 1.5 KB credential,
 * against ~6.5-9.7 µs and ~66 µs for @noble/hashes. The WASM hasher is compiled once,
 * asynchronously, when this module loads; until it is ready (a few milliseconds), and
 * wherever WebAssembly is unavailable (e.g. a Content-Security-Policy without
 * 'wasm-unsafe-eval'), hashing runs on @noble/hashes: same digests, slower. Hot paths
 * (the service, workers, benchmarks) `await keccakReady` first.
 *
 * Why not a top-level await: a module with one is evaluated asynchronously, and Node 24
 * aborts the whole process inside V8 now and then when such an evaluation completes in a
 * worker thread ("Check failed: (location_) != nullptr" in
 * SourceTextModule::AsyncModuleExecutionFulfilled, nodejs/node#53238 and #60755). It
 * took down a CI run. Keeping core free of top-level await keeps every importer
 * synchronous.
 *
 * Calls are synchronous init/update/digest sequences on one shared hasher; JavaScript
 * never interleaves them, so sharing is safe (worker threads each load their own copy).
 */
import { keccak_256 as nobleKeccak256 } from "@noble/hashes/sha3.js";
import { createKeccak, type IHasher } from "hash-wasm";

/** Which implementation is hashing: `"hash-wasm"` normally, `"noble"` without WebAssembly. */
export type KeccakBackend = "hash-wasm" | "noble";

let wasmHasher: IHasher | undefined;

/**
 * Resolves, never rejects, once the WASM hasher is ready or known to be unavailable, with
 * the backend used from then on. Hashing before that is correct, only slower.
 *
 * @example
 * ```ts
 * await keccakReady; // before a benchmark or a million-leaf tree
 * ```
 */
export const keccakReady: Promise<KeccakBackend> = createKeccak(256).then(
  (hasher) => {
    wasmHasher = hasher;
    return "hash-wasm";
  },
  () => "noble",
);

const utf8 = new TextEncoder();

/** The backend hashing right now in this realm (`"noble"` until {@link keccakReady} resolves). */
export function getKeccakBackend(): KeccakBackend {
  return wasmHasher === undefined ? "noble" : "hash-wasm";
}

/** keccak-256 of `data` (a fresh 32-byte array). */
export function keccak256(data: Uint8Array): Uint8Array {
  if (wasmHasher === undefined) return nobleKeccak256(data);
  wasmHasher.init();
  wasmHasher.update(data);
  return wasmHasher.digest("binary");
}

// UTF-8 scratch for keccak256PrefixedText: encodeInto a reused buffer instead of
// handing hash-wasm a string (it would allocate a Buffer per call); grows on demand.
let textBytes = new Uint8Array(16 * 1024);

/**
 * keccak-256 of `prefix ‖ utf8(text)`, without building the concatenation.
 * `text` must be well-formed UTF-16 (JCS output always is).
 */
export function keccak256PrefixedText(prefix: Uint8Array, text: string): Uint8Array {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  if (textBytes.length < text.length * 3) textBytes = new Uint8Array(text.length * 3);
  const { written } = utf8.encodeInto(text, textBytes);
  const encoded = textBytes.subarray(0, written);
  if (wasmHasher === undefined) return nobleKeccak256.create().update(prefix).update(encoded).digest();
  wasmHasher.init();
  wasmHasher.update(prefix);
  wasmHasher.update(encoded);
  return wasmHasher.digest("binary");
}

/** keccak-256 of `data`, written to `out` at `outOffset` (tree building). */
export function keccak256Into(data: Uint8Array, out: Uint8Array, outOffset: number): void {
  out.set(keccak256(data), outOffset);
}

/** keccak-256 by @noble/hashes whatever the backend: tests check the two backends agree. */
export function keccak256Noble(data: Uint8Array): Uint8Array {
  return nobleKeccak256(data);
}
