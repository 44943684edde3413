const TABLE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
const CODES = new Uint16Array(512);
for (let b = 0; b < 256; b++) { const s = TABLE[b]!; CODES[2*b] = s.charCodeAt(0); CODES[2*b+1] = s.charCodeAt(1); }
function concat(bytes: Uint8Array, off: number, len: number): string { let o = "0x"; for (let i = off; i < off + len; i++) o += TABLE[bytes[i]!]; return o; }
const chars = new Uint16Array(2 + 2 * 64); chars[0] = 48; chars[1] = 120;
function apply(bytes: Uint8Array, off: number, len: number): string {
  for (let i = 0; i < len; i++) { const b = bytes[off + i]!; chars[2 + 2*i] = CODES[2*b]!; chars[3 + 2*i] = CODES[2*b+1]!; }
  return String.fromCharCode.apply(null, chars.subarray(0, 2 + 2*len) as unknown as number[]);
}
const chars32 = new Uint16Array(66); chars32[0]=48; chars32[1]=120;
function apply32(bytes: Uint8Array, off: number): string {
  for (let i = 0; i < 32; i++) { const b = bytes[off + i]!; chars32[2 + 2*i] = CODES[2*b]!; chars32[3 + 2*i] = CODES[2*b+1]!; }
  return String.fromCharCode.apply(null, chars32 as unknown as number[]);
}
const dec = new TextDecoder("latin1");
const ascii = new Uint8Array(66); ascii[0]=48; ascii[1]=120;
function textdec(bytes: Uint8Array, off: number): string {
  for (let i = 0; i < 32; i++) { const b = bytes[off + i]!; ascii[2 + 2*i] = CODES[2*b]!; ascii[3 + 2*i] = CODES[2*b+1]!; }
  return dec.decode(ascii);
}
const data = new Uint8Array(32 * 1024).map((_, i) => (i * 7919) & 255);
function bench(name: string, fn: (off: number) => string) {
  const keep: string[] = [];
  for (let i = 0; i < 100000; i++) fn((i & 1023) * 32);
  const t0 = performance.now();
  let x = 0;
  for (let i = 0; i < 2_000_000; i++) { const s = fn((i & 1023) * 32); x += s.charCodeAt(40); if ((i & 15) === 0) keep.push(s); }
  console.log(name, ((performance.now() - t0) / 2e6 * 1e3).toFixed(3), "µs", x);
}
bench("concat", (o) => concat(data, o, 32));
bench("apply", (o) => apply(data, o, 32));
bench("apply32", (o) => apply32(data, o));
bench("textdecoder", (o) => textdec(data, o));
