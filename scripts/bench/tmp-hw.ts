import { createKeccak } from "hash-wasm";
const wasm = await createKeccak(256);
const input65 = new Uint8Array(65).map((_, i) => i);
const out = new Uint8Array(64 * 1024 * 1024);
function time(label: string, count: number, fn: (i: number) => void): void {
  for (let i = 0; i < 50_000; i++) fn(i);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) fn(i);
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(40)} ${((ms * 1000) / count).toFixed(3)} µs`);
}
const N = 2_000_000;
time("init only", N, () => { wasm.init(); });
time("init+update", N, () => { wasm.init().update(input65); });
time("init+update+digest", N, () => { wasm.init().update(input65); wasm.digest("binary"); });
time("init+update+digest+set", N, (i) => { wasm.init().update(input65); out.set(wasm.digest("binary"), (i & 0xfffff) * 32); });
