import { sampleCredential } from "../../test/server/helpers/credentials.ts";
import { canonicalizeCredential, leafHash } from "../../core/hash.ts";
import { keccak256PrefixedText } from "../../core/keccak.ts";
import { randomBytesInto } from "../../core/random.ts";
import { hexToBytes } from "../../core/hex.ts";
import { issuerIdOf, issuerMatches } from "../../core/verify/issuerMatches.ts";
import canonicalize from "canonicalize";
const N = 10000;
const creds = Array.from({ length: N }, (_, i) => sampleCredential({ n: i }));
const salts = randomBytesInto(new Uint8Array(32 * N));
const texts: string[] = [];
for (let r = 0; r < 4; r++) {
  let t = performance.now(); for (let i = 0; i < N; i++) texts[i] = canonicalizeCredential({ credential: creds[i]! }); const a = (performance.now() - t) * 1000 / N;
  t = performance.now(); for (let i = 0; i < N; i++) canonicalize(creds[i]); const a2 = (performance.now() - t) * 1000 / N;
  t = performance.now(); for (let i = 0; i < N; i++) keccak256PrefixedText(salts.subarray(i * 32, i * 32 + 32), texts[i]!); const b = (performance.now() - t) * 1000 / N;
  t = performance.now(); randomBytesInto(new Uint8Array(32 * N)); const c = (performance.now() - t) * 1000 / N;
  t = performance.now(); for (let i = 0; i < N; i++) hexToBytes({ hex: leafHash({ leafIndex: i, credentialHash: salts.subarray(i * 32, i * 32 + 32) }), size: 32 }); const d = (performance.now() - t) * 1000 / N;
  t = performance.now(); for (let i = 0; i < N; i++) issuerMatches({ issuerId: issuerIdOf(creds[i]!)!, institutionIdentifier: "did:web:demo.credanchor.local" }); const e = (performance.now() - t) * 1000 / N;
  console.log({ jcsCore: a.toFixed(1), jcsPkg: a2.toFixed(1), keccakText: b.toFixed(1), rand: c.toFixed(2), leaf: d.toFixed(1), issuer: e.toFixed(2) });
}
