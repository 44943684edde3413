import { createKeccak } from "hash-wasm";
const wasm = await createKeccak(256);
const scratch = new ArrayBuffer(68);
const pre3 = new Uint8Array(scratch, 3, 65);
const preW = new Uint32Array(scratch, 4, 16);
const pre0 = new Uint8Array(65);
const src = new Uint8Array(64 * 1024); const srcW = new Uint32Array(src.buffer);
const out = new Uint8Array(64 * 1024);
function time(label: string, fn: (i: number) => void) {
  for (let i = 0; i < 100000; i++) fn(i);
  const t0 = performance.now();
  for (let i = 0; i < 2e6; i++) fn(i);
  console.log(label.padEnd(30), ((performance.now() - t0) / 2e6 * 1000).toFixed(3), "µs");
}
for (let r = 0; r < 2; r++) {
time("pre0, no copy", (i) => { wasm.init(); wasm.update(pre0); out.set(wasm.digest("binary"), (i & 1023) * 32); });
time("pre3, no copy", (i) => { wasm.init(); wasm.update(pre3); out.set(wasm.digest("binary"), (i & 1023) * 32); });
time("pre3, word copy", (i) => { const w = (i & 511) * 16; for (let k = 0; k < 16; k++) preW[k] = srcW[w + k]!; wasm.init(); wasm.update(pre3); out.set(wasm.digest("binary"), (i & 1023) * 32); });
time("pre0, set subarray", (i) => { const b = (i & 511) * 64; pre0.set(src.subarray(b, b + 64), 1); wasm.init(); wasm.update(pre0); out.set(wasm.digest("binary"), (i & 1023) * 32); });
time("chained", (i) => { wasm.init().update(pre0); out.set(wasm.digest("binary"), (i & 1023) * 32); });
}
