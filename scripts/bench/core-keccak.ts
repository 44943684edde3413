/**
 * Compares keccak-256 implementations on the two input shapes core hashes:
 * 65-byte tree preimages and ~1.5 KB credential preimages.
 * Run: node scripts/bench/core-keccak.ts
 */
import { keccak_256, keccakP } from "@noble/hashes/sha3.js";
import { createKeccak } from "hash-wasm";

const N = 1_000_000;
const input65 = new Uint8Array(65).map((_, i) => i);
const out = new Uint8Array(32);

function time(label: string, count: number, fn: () => void): void {
  for (let i = 0; i < 20_000; i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) fn();
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(48)} ${((ms * 1000) / count).toFixed(3)} µs/hash  (${ms.toFixed(0)} ms for ${count})`);
}

time("noble keccak_256(msg) 65 B", N, () => {
  keccak_256(input65);
});
time("noble create().update().digestInto() 65 B", N, () => {
  keccak_256.create().update(input65).digestInto(out);
});

const state = new Uint32Array(50);
const state8 = new Uint8Array(state.buffer);
time("noble keccakP on reused state 65 B", N, () => {
  state.fill(0);
  state8.set(input65);
  state8[65] = 0x01;
  state8[135] = 0x80;
  keccakP(state);
  out.set(state8.subarray(0, 32));
});

const wasm = await createKeccak(256);
time("hash-wasm init().update().digest() 65 B", N, () => {
  wasm.init().update(input65).digest("binary");
});

const big = new TextEncoder().encode("x".repeat(1500));
time("noble keccak_256 1500 B", N / 10, () => {
  keccak_256(big);
});
time("hash-wasm 1500 B", N / 10, () => {
  wasm.init().update(big).digest("binary");
});
