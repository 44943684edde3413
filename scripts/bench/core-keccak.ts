/**
 * Which keccak-256 should core use? Prints µs per hash for the two input shapes core
 * hashes: 65-byte tree preimages (2 million per million-leaf batch) and ~1.5 KB
 * credential preimages. Prints figures, asserts nothing.
 *
 *   node scripts/bench/core-keccak.ts
 *
 * The last 65-byte line is an experiment, not something core does: it drives
 * hash-wasm's WebAssembly instance directly (captured by wrapping
 * WebAssembly.instantiate while createKeccak runs) to show what the IHasher wrapper
 * costs per call.
 */
import { keccak_256, keccakP } from "@noble/hashes/sha3.js";
import { createKeccak } from "hash-wasm";

const N = 1_000_000;
const input65 = new Uint8Array(65).map((_, i) => i);
const out = new Uint8Array(32);

function time(label: string, count: number, fn: () => void): void {
  for (let i = 0; i < 50_000; i++) fn();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) fn();
    best = Math.min(best, performance.now() - t0);
  }
  console.log(`${label.padEnd(52)} ${((best * 1000) / count).toFixed(3).padStart(8)} µs/hash (best of 3)`);
}

time("noble keccak_256(msg), 65 B", N / 4, () => {
  keccak_256(input65);
});
const state = new Uint32Array(50);
const state8 = new Uint8Array(state.buffer);
time("noble keccakP on a reused state, 65 B", N / 4, () => {
  state.fill(0);
  state8.set(input65);
  state8[65] = 0x01;
  state8[135] = 0x80;
  keccakP(state);
  out.set(state8.subarray(0, 32));
});

const hasher = await createKeccak(256);
time("hash-wasm IHasher init/update/digest, 65 B (core)", N, () => {
  hasher.init();
  hasher.update(input65);
  out.set(hasher.digest("binary"));
});

// Experiment only (see header).
let instance: WebAssembly.Instance | undefined;
const instantiate = WebAssembly.instantiate;
const wasm = WebAssembly as unknown as { instantiate: (...args: unknown[]) => Promise<unknown> };
wasm.instantiate = async (...args: unknown[]) => {
  const result = (await (instantiate as (...a: unknown[]) => Promise<unknown>)(...args)) as
    | WebAssembly.Instance
    | { instance: WebAssembly.Instance };
  instance = "instance" in result ? result.instance : result;
  return result;
};
await createKeccak(256);
wasm.instantiate = instantiate as unknown as (...args: unknown[]) => Promise<unknown>;
const exports = instance!.exports as unknown as {
  memory: WebAssembly.Memory;
  Hash_GetBuffer: () => number;
  Hash_Init: (bits: number) => void;
  Hash_Update: (length: number) => void;
  Hash_Final: (padding: number) => void;
};
const memory = new Uint8Array(exports.memory.buffer);
const io = exports.Hash_GetBuffer();
time("hash-wasm raw instance, no wrapper, 65 B (experiment)", N, () => {
  memory.set(input65, io);
  exports.Hash_Init(256);
  exports.Hash_Update(65);
  exports.Hash_Final(0x01);
  out.set(memory.subarray(io, io + 32));
});

const big = new TextEncoder().encode("x".repeat(1500));
time("noble keccak_256, 1500 B", N / 50, () => {
  keccak_256(big);
});
time("hash-wasm IHasher, 1500 B (core)", N / 10, () => {
  hasher.init();
  hasher.update(big);
  hasher.digest("binary");
});
