import { hashSiblingsFromWordsInto } from "../../core/hash.ts";
const small = new Uint8Array(64 * 1024);
const words = new Uint32Array(small.buffer);
const big = new Uint8Array(64 * 1024 * 1024);
const bigWords = new Uint32Array(big.buffer);
function run(label: string, n: number, w: Uint32Array, out: Uint8Array, mask: number) {
  for (let i = 0; i < 50000; i++) hashSiblingsFromWordsInto(w, ((i * 2) & mask) * 8, out, ((i & mask)) * 32);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) hashSiblingsFromWordsInto(w, ((i * 2) & mask) * 8, out, ((i & mask)) * 32);
  console.log(label, ((performance.now() - t0) / n * 1000).toFixed(3), "µs");
}
run("small", 2e6, words, small, 1023);
run("big", 2e6, bigWords, big, 0xfffff);
run("small", 2e6, words, small, 1023);
