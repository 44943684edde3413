/**
 * Issuer-signature benchmark (credanchor-proof-v2): eddsa-rdfc-2022 signing and
 * verification of typical Open Badges 3.0 credentials (with a BitstringStatusListEntry),
 * side by side:
 *   - fast: core's default (core/vc/fastCanonize.ts: JSON-LD to quads over the shipped
 *     contexts + RDFC-1.0 for unique first-degree hashes, the reference as its fallback;
 *     Ed25519 keys imported once, core/vc/ed25519.ts);
 *   - reference: Digital Bazaar's @digitalbazaar/vc + data-integrity +
 *     eddsa-rdfc-2022-cryptosuite unchanged (jsonld.js toRDF + rdf-canonize).
 * On one thread (sign, verify one at a time, verify all concurrently) and on N worker
 * threads (sign, bulk verify). Prints figures; checks every signature verifies (and with
 * the other implementation) before any time is printed.
 *
 *   node --import tsx scripts/bench/sign.ts [count=2000] [workers=2] [referenceCount=300]
 *
 * Wall time and CPU time are both printed: the machine is shared, CPU time per credential
 * is the steadier figure. The load average is printed with the figures.
 */
import { readFileSync } from "node:fs";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

import { createOpenBadgeCredential } from "../../core/index.ts";
import { generateSigningKey, signCredential, verifyIssuerSignature, type SigningKey, type SuiteImplementation } from "../../core/vc/eddsa.ts";
import { canonizeCounts } from "../../core/vc/fastCanonize.ts";

const count = Number(process.argv[2] ?? 2000);
const workers = Number(process.argv[3] ?? 2);
const referenceCount = Number(process.argv[4] ?? 300);

function credentialsFor(key: SigningKey, n: number, offset = 0): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    ...createOpenBadgeCredential({
      issuer: { id: key.controller, name: "Example University", url: "https://example.edu" },
      achievement: {
        id: "https://example.edu/badges/smart-contracts-101",
        name: "Introduction to Smart Contracts",
        description: "Completed the 6-week introduction to smart contracts.",
        criteria: { narrative: "Passed the final project and exam." },
        image: { id: "https://example.edu/badges/smart-contracts-101.png", type: "Image" },
      },
      recipient: { email: `student${offset + i}@example.edu`, name: `Student ${offset + i}` },
    }),
    credentialStatus: {
      id: `https://anchor.example.edu/status/1/0#${offset + i}`,
      type: "BitstringStatusListEntry",
      statusPurpose: "revocation",
      statusListIndex: String(offset + i),
      statusListCredential: "https://anchor.example.edu/status/1/0",
    },
  }));
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

async function signAll(key: SigningKey, credentials: readonly Record<string, unknown>[], implementation: SuiteImplementation) {
  const out = [];
  for (const credential of credentials) out.push(await signCredential({ credential, key, implementation }));
  return out;
}

async function verifyAll(credentials: readonly Record<string, unknown>[], implementation: SuiteImplementation, concurrent: boolean) {
  const one = async (credential: Record<string, unknown>) => {
    const result = await verifyIssuerSignature({ credential, implementation });
    if (result.outcome !== "valid") throw new Error(`benchmark credential did not verify (${implementation}): ${JSON.stringify(result)}`);
  };
  if (concurrent) await Promise.all(credentials.map(one));
  else for (const credential of credentials) await one(credential);
}

type Job = { key: SigningKey; n: number; offset: number; implementation: SuiteImplementation; task: "sign" | "verify" };

if (!isMainThread) {
  const { key, n, offset, implementation, task } = workerData as Job;
  const credentials = credentialsFor(key, n, offset);
  const signed = task === "verify" ? await signAll(key, credentials, "fast") : [];
  // Warm-up: a long-lived worker (the service's) runs optimised code; the first few hundred
  // signatures of a fresh thread run several times slower while the JIT catches up.
  const warmUp = implementation === "fast" ? 1000 : 20;
  await signAll(key, credentialsFor(key, warmUp, 1_000_000), implementation);
  if (task === "verify") await verifyAll(await signAll(key, credentialsFor(key, warmUp, 2_000_000), "fast"), implementation, false);
  parentPort!.postMessage("ready");
  parentPort!.once("message", async () => {
    const start = performance.now();
    if (task === "sign") await signAll(key, credentials, implementation);
    else await verifyAll(signed, implementation, false); // one by one: all at once costs more CPU (see "concurrent")
    parentPort!.postMessage(performance.now() - start);
  });
} else {
  const key = await generateSigningKey();
  const rate = (n: number, ms: number) => Math.round((n * 1000) / ms).toLocaleString("en");
  const lines: string[] = [];

  for (const implementation of ["fast", "reference"] as const) {
    const n = implementation === "fast" ? count : referenceCount;
    const credentials = credentialsFor(key, n);
    await signAll(key, credentials.slice(0, 30), implementation); // warm-up (JIT, context cache)

    let cpu = cpuMs();
    let start = performance.now();
    const signed = await signAll(key, credentials, implementation);
    const signMs = performance.now() - start;
    const signCpu = cpuMs() - cpu;

    cpu = cpuMs();
    start = performance.now();
    await verifyAll(signed, implementation, false);
    const verifyMs = performance.now() - start;
    const verifyCpu = cpuMs() - cpu;

    cpu = cpuMs();
    start = performance.now();
    await verifyAll(signed, implementation, true);
    const bulkMs = performance.now() - start;
    const bulkCpu = cpuMs() - cpu;

    // The other implementation accepts these signatures (a sample: the reference is slow).
    await verifyAll(signed.slice(0, 20), implementation === "fast" ? "reference" : "fast", false);

    const parallel: Record<string, number> = {};
    for (const task of ["sign", "verify"] as const) {
      const per = Math.ceil(n / workers);
      const threads = Array.from(
        { length: workers },
        (_, i) => new Worker(new URL(import.meta.url), { workerData: { key, n: per, offset: i * per, implementation, task } satisfies Job, execArgv: ["--import", "tsx"] }),
      );
      await Promise.all(threads.map((thread) => new Promise((resolve) => thread.once("message", resolve))));
      cpu = cpuMs();
      start = performance.now();
      await Promise.all(
        threads.map((thread) => {
          thread.postMessage("go");
          return new Promise<number>((resolve) => thread.once("message", resolve));
        }),
      );
      parallel[task] = performance.now() - start;
      // The whole process: the workers' CPU (the main thread only waits).
      parallel[`${task}Cpu`] = cpuMs() - cpu;
      await Promise.all(threads.map((thread) => thread.terminate()));
      parallel[`${task}Count`] = per * workers;
    }

    lines.push(
      `eddsa-rdfc-2022, ${implementation === "fast" ? "fast path (reference as fallback)" : "reference libraries (jsonld.js + rdf-canonize)"}, ${n.toLocaleString("en")} OB 3.0 credentials`,
      `  sign, 1 thread                ${rate(n, signMs)}/s   (${(signMs / n).toFixed(3)} ms wall, ${(signCpu / n).toFixed(3)} ms CPU each)`,
      `  verify, 1 thread, one by one  ${rate(n, verifyMs)}/s   (${(verifyMs / n).toFixed(3)} ms wall, ${(verifyCpu / n).toFixed(3)} ms CPU each)`,
      `  verify, 1 thread, concurrent  ${rate(n, bulkMs)}/s   (${(bulkMs / n).toFixed(3)} ms wall, ${(bulkCpu / n).toFixed(3)} ms CPU each)`,
      `  sign, ${workers} workers             ${rate(parallel.signCount!, parallel.sign!)}/s   (${(parallel.signCpu! / parallel.signCount!).toFixed(3)} ms CPU each, all threads)`,
      `  verify, ${workers} workers           ${rate(parallel.verifyCount!, parallel.verify!)}/s   (${(parallel.verifyCpu! / parallel.verifyCount!).toFixed(3)} ms CPU each, all threads)`,
    );
  }
  const counts = canonizeCounts();
  lines.push(`main thread canonicalisations: ${counts.fast} fast, ${counts.reference} reference${counts.lastFallback ? ` (last fallback: ${counts.lastFallback})` : ""}`);
  lines.push(`load average (1, 5, 15 min) at the end: ${loadAverage()}`);
  console.log(lines.join("\n"));
}
