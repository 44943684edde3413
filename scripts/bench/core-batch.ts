/**
 * Batch path benchmark: prints per-stage figures, asserts nothing (not a timed test).
 *
 *   node scripts/bench/core-batch.ts [count=1000000]
 *
 * Single thread, typical Open Badges 3.0 credentials (~1.4 KB of JSON each: hashed
 * email recipient, issuer profile, achievement with image and criteria). Credentials are
 * made in chunks of 10,000 (making them is not timed) so a million never sit in memory
 * at once, as in the service, which receives and hashes them in chunks too.
 *
 * Stages, as the service would run them:
 *   validate            validateCredential (zod, VC 2.0 + OB 3.0 rules)
 *   canonicalise+hash   JCS (canonicalize) + keccak256(salt ‖ text), flat output
 *   tree                buildBatchFromHashes (leaves + all levels)
 *   proofs              getBatchEntry for every leaf (0x hex hash, salt, proof path)
 * validate and canonicalise+hash parallelise across worker threads; tree and proofs run
 * on one thread. The projection assumes perfect scaling of the first two.
 */
import { loadavg } from "node:os";

import {
  attachProof,
  buildBatchFromHashes,
  canonicalizeCredential,
  getBatchEntry,
  keccakReady,
  validateCredential,
} from "../../core/index.ts";
import { credentialHashBytes } from "../../core/hash.ts";
import { randomBytesInto } from "../../core/random.ts";

const count = Number(process.argv[2] ?? 1_000_000);

/** CPU time of this process in ms (all its threads): robust against other load on a shared machine. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
const CHUNK = 10_000;
const WORKERS = 2;

const template = {
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  id: "",
  type: ["VerifiableCredential", "OpenBadgeCredential"],
  name: "Introduction to Smart Contract Security",
  description: "Awarded for completing the 6-week course on smart contract security.",
  issuer: {
    id: "did:web:university.example.edu",
    type: ["Profile"],
    name: "Example University, School of Computing",
    url: "https://university.example.edu",
    email: "registrar@university.example.edu",
    image: { id: "https://university.example.edu/logo.png", type: "Image" },
  },
  validFrom: "2025-06-30T12:00:00Z",
  validUntil: "2030-06-30T12:00:00Z",
  credentialSubject: {
    type: ["AchievementSubject"],
    identifier: [{ type: "IdentityObject", identityType: "emailAddress", hashed: true, identityHash: "", salt: "" }],
    achievement: {
      id: "https://university.example.edu/badges/sc-security-101",
      type: ["Achievement"],
      achievementType: "Course",
      name: "Introduction to Smart Contract Security",
      description: "Covers reentrancy, access control, oracle manipulation, upgradeability pitfalls and audits.",
      criteria: {
        narrative: "Completed all six modules, passed the final exam with at least 70%, and submitted an audit report.",
      },
      image: { id: "https://university.example.edu/badges/sc-security-101.png", type: "Image" },
      creditsAvailable: 3,
      tag: ["security", "solidity", "ethereum"],
    },
  },
};

/** Credentials start..start+n, distinct ids, recipients and salts. */
function makeChunk(start: number, n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, k) => {
    const i = start + k;
    const credential = structuredClone(template);
    credential.id = `urn:uuid:00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
    const identity = credential.credentialSubject.identifier[0]!;
    identity.identityHash = `sha256$${(i * 2654435761).toString(16).padStart(64, "0").slice(-64)}`;
    identity.salt = i.toString(36);
    return credential;
  });
}

const sample = makeChunk(0, 1)[0]!;
console.log(
  `keccak backend: ${await keccakReady}; credentials: ${count.toLocaleString("en")}; ` +
    `${JSON.stringify(sample).length} bytes of JSON each; node ${process.version}; load ${loadavg().map((v) => v.toFixed(1)).join(" ")}`,
);

// Warm-up on one chunk so the figures measure steady state.
for (const credential of makeChunk(0, 2_000)) {
  validateCredential({ credential });
  credentialHashBytes(credential, new Uint8Array(32));
}

const salts = randomBytesInto(new Uint8Array(count * 32));
const credentialHashes = new Uint8Array(count * 32);
let validateMs = 0;
let canonicalizeMs = 0;
let hashMs = 0;
let makeMs = 0;
let validateCpu = 0;
let canonicalizeCpu = 0;
let hashCpu = 0;
let c = 0;
for (let start = 0; start < count; start += CHUNK) {
  const n = Math.min(CHUNK, count - start);
  let t = performance.now();
  const chunk = makeChunk(start, n);
  makeMs += performance.now() - t;

  t = performance.now();
  c = cpuMs();
  for (const credential of chunk) validateCredential({ credential });
  validateMs += performance.now() - t;
  validateCpu += cpuMs() - c;

  t = performance.now();
  c = cpuMs();
  for (let k = 0; k < n; k++) {
    const i = start + k;
    credentialHashes.set(credentialHashBytes(chunk[k]!, salts.subarray(i * 32, i * 32 + 32)), i * 32);
  }
  hashMs += performance.now() - t;
  hashCpu += cpuMs() - c;

  // canonicalisation alone, on a tenth of the chunks, to split the hash stage
  if ((start / CHUNK) % 10 === 0) {
    t = performance.now();
    c = cpuMs();
    for (const credential of chunk) canonicalizeCredential({ credential });
    canonicalizeMs += (performance.now() - t) * 10;
    canonicalizeCpu += (cpuMs() - c) * 10;
  }
}

let t = performance.now();
c = cpuMs();
const batch = buildBatchFromHashes({ credentialHashes, salts });
const treeMs = performance.now() - t;
const treeCpu = cpuMs() - c;

t = performance.now();
c = cpuMs();
let siblings = 0;
for (let leafIndex = 0; leafIndex < count; leafIndex++) siblings += getBatchEntry({ batch, leafIndex }).proofPath.length;
const proofsMs = performance.now() - t;
const proofsCpu = cpuMs() - c;

// Service-side, for scale: attach (without re-checking) and serialise a sample.
const attachSample = Math.min(count, 50_000);
const attachChunk = makeChunk(0, attachSample);
t = performance.now();
let bytes = 0;
for (let leafIndex = 0; leafIndex < attachSample; leafIndex++) {
  const entry = getBatchEntry({ batch, leafIndex });
  const portable = attachProof({
    credential: attachChunk[leafIndex]!,
    anchor: {
      ...entry,
      chain: 31337,
      registry: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
      institutionId: 1,
      merkleRoot: batch.merkleRoot,
      leafCount: batch.leafCount,
      anchorTransaction: batch.merkleRoot,
      anchorBlock: 1,
      created: "2025-07-01T00:00:00Z",
    },
    check: false,
  });
  bytes += JSON.stringify(portable).length;
}
const attachMs = ((performance.now() - t) * count) / attachSample;

const line = (label: string, ms: number, cpu?: number, note = "") =>
  console.log(
    `${label.padEnd(40)} ${(ms / 1000).toFixed(2).padStart(7)} s wall ${((ms * 1000) / count).toFixed(1).padStart(6)} µs each` +
      (cpu === undefined ? "" : ` | ${(cpu / 1000).toFixed(2).padStart(7)} s CPU ${((cpu * 1000) / count).toFixed(1).padStart(6)} µs each`) +
      note,
  );
line("validate", validateMs, validateCpu);
line("canonicalise+hash", hashMs, hashCpu);
line("  of which canonicalise (sampled 1 chunk in 10)", canonicalizeMs, canonicalizeCpu);
line("tree", treeMs, treeCpu);
line("proofs (every entry, hex)", proofsMs, proofsCpu, `  (${(siblings / count).toFixed(1)} siblings each)`);
line("TOTAL single thread", validateMs + hashMs + treeMs + proofsMs, validateCpu + hashCpu + treeCpu + proofsCpu);
line(
  `projected, ${WORKERS} workers for validate+hash`,
  (validateMs + hashMs) / WORKERS + treeMs + proofsMs,
  (validateCpu + hashCpu) / WORKERS + treeCpu + proofsCpu,
  "  (target <= 30 s)",
);
line("(not timed above) making the credentials", makeMs);
line("(service side) attachProof+JSON.stringify", attachMs, undefined, `  (extrapolated from ${attachSample.toLocaleString("en")}; ${Math.round(bytes / attachSample)} bytes each)`);
console.log(`root ${batch.merkleRoot}; load at the end ${loadavg().map((v) => v.toFixed(1)).join(" ")}`);
