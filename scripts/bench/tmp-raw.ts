import { createKeccak } from "hash-wasm";
let captured: WebAssembly.Instance | undefined;
const original = WebAssembly.instantiate;
(WebAssembly as any).instantiate = async (...args: any[]) => { const r = await (original as any)(...args); captured = (r.instance ?? r); return r; };
await createKeccak(256);
(WebAssembly as any).instantiate = original;
const ex = captured!.exports as any;
const mem = new Uint8Array(ex.memory.buffer);
const bufPtr = ex.Hash_GetBuffer();
console.log(Object.keys(ex), bufPtr);
const input = new Uint8Array(65).map((_, i) => i);
const out = new Uint8Array(64 * 1024 * 1024);
function h(off: number) {
  mem.set(input, bufPtr);
  ex.Hash_Init(256); ex.Hash_Update(65); ex.Hash_Final(1);
  out.set(mem.subarray(bufPtr, bufPtr + 32), off);
}
const w = await createKeccak(256);
console.log(Buffer.from(w.init().update(input).digest("binary")).toString("hex"));
h(0); console.log(Buffer.from(out.subarray(0, 32)).toString("hex"));
const memW = new Uint32Array(ex.memory.buffer); const outW = new Uint32Array(out.buffer);
function h2(off: number) {
  mem.set(input, bufPtr);
  ex.Hash_Init(256); ex.Hash_Update(65); ex.Hash_Final(1);
  const b = bufPtr >>> 2; const o = off >>> 2;
  for (let i = 0; i < 8; i++) outW[o + i] = memW[b + i]!;
}
for (const [name, fn] of [["raw subarray", h], ["raw words", h2]] as const) {
  for (let i = 0; i < 100000; i++) fn((i & 0xfffff) * 32);
  const t0 = performance.now();
  for (let i = 0; i < 2e6; i++) fn((i & 0xfffff) * 32);
  console.log(name, ((performance.now() - t0) / 2e6 * 1e3).toFixed(3), "µs");
}
