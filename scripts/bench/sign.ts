/**
 * Issuer-signature benchmark (credanchor-proof-v2): eddsa-rdfc-2022 signing and
 * verification of typical Open Badges 3.0 credentials with the reference libraries
 * (@digitalbazaar/vc + data-integrity + eddsa-rdfc-2022-cryptosuite: jsonld.js toRDF +
 * rdf-canonize), on one thread and on N worker threads. Prints figures, asserts nothing.
 *
 *   node --import tsx scripts/bench/sign.ts [count=2000] [workers=2]
 *
 * Wall time and CPU time are both printed: the machine is shared, CPU time per credential
 * is the steadier figure.
 */
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

import { createOpenBadgeCredential } from "../../core/index.ts";
import { generateSigningKey, signCredential, verifyIssuerSignature, type SigningKey } from "../../core/vc/eddsa.ts";

const count = Number(process.argv[2] ?? 2000);
const workers = Number(process.argv[3] ?? 2);

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
      recipient: { email: `student${offset + i}@example.edu` },
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

async function signAll(key: SigningKey, credentials: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const out = [];
  for (const credential of credentials) out.push(await signCredential({ credential, key }));
  return out;
}

if (!isMainThread) {
  const { key, n, offset } = workerData as { key: SigningKey; n: number; offset: number };
  const credentials = credentialsFor(key, n, offset);
  await signAll(key, credentials.slice(0, 20)); // warm-up
  parentPort!.postMessage("ready");
  parentPort!.once("message", async () => {
    const start = performance.now();
    await signAll(key, credentials);
    parentPort!.postMessage(performance.now() - start);
  });
} else {
  const key = await generateSigningKey();
  const credentials = credentialsFor(key, count);
  await signAll(key, credentials.slice(0, 50)); // warm-up (JIT, context cache)

  let cpu = cpuMs();
  let start = performance.now();
  const signed = await signAll(key, credentials);
  const signMs = performance.now() - start;
  const signCpu = cpuMs() - cpu;

  cpu = cpuMs();
  start = performance.now();
  for (const credential of signed) {
    const result = await verifyIssuerSignature({ credential });
    if (result.outcome !== "valid") throw new Error(`benchmark credential did not verify: ${JSON.stringify(result)}`);
  }
  const verifyMs = performance.now() - start;
  const verifyCpu = cpuMs() - cpu;

  const per = Math.ceil(count / workers);
  const threads = Array.from({ length: workers }, (_, i) => new Worker(new URL(import.meta.url), { workerData: { key, n: per, offset: i * per }, execArgv: ["--import", "tsx"] }));
  await Promise.all(threads.map((thread) => new Promise((resolve) => thread.once("message", resolve))));
  start = performance.now();
  const times = await Promise.all(
    threads.map((thread) => {
      thread.postMessage("go");
      return new Promise<number>((resolve) => thread.once("message", resolve));
    }),
  );
  const parallelMs = performance.now() - start;
  await Promise.all(threads.map((thread) => thread.terminate()));

  const rate = (n: number, ms: number) => Math.round((n * 1000) / ms).toLocaleString("en");
  console.log(`eddsa-rdfc-2022, reference libraries (jsonld.js + rdf-canonize), ${count.toLocaleString("en")} OB 3.0 credentials`);
  console.log(`  sign, 1 thread      ${rate(count, signMs)}/s   (${(signMs / count).toFixed(2)} ms wall, ${(signCpu / count).toFixed(2)} ms CPU each)`);
  console.log(`  verify, 1 thread    ${rate(count, verifyMs)}/s   (${(verifyMs / count).toFixed(2)} ms wall, ${(verifyCpu / count).toFixed(2)} ms CPU each)`);
  console.log(`  sign, ${workers} workers     ${rate(per * workers, parallelMs)}/s   (slowest worker ${Math.max(...times).toFixed(0)} ms)`);
}
