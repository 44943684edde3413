/**
 * OpenAttestation's batch path: `wrapDocuments` (salt every field, digest, tree, every
 * proof) over v2 documents of the same size and field count as our credentials.
 *
 *   node --import tsx scripts/bench/batch-openattestation.ts <documents> [runs=3]
 *
 * Checks, outside the timed region: one wrapped document per input, one shared Merkle
 * root, and every document passes OpenAttestation's own `verifySignature` (target hash
 * recomputed from the salted data, proof leads to the root).
 */
import { verifySignature, wrapDocuments } from "@govtechsg/open-attestation";

import { openAttestationDocuments } from "./lib/fixtures.ts";
import { check, emitResult, intArg, main, median, peakRssMiB, rssMiB, timeRuns } from "./lib/harness.ts";

main(async () => {
  const size = intArg(2, 1000);
  const runs = intArg(3, 3);
  const documents = openAttestationDocuments(size);
  const inputRss = rssMiB();
  const meanBytes = JSON.stringify(documents.slice(0, 100)).length / Math.min(100, size);

  const { timesMs, cpuTimesMs } = await timeRuns({
    runs,
    // wrapDocuments is typed for its own schema type; the fixtures follow the v2 schema.
    run: () => wrapDocuments(documents as unknown as Parameters<typeof wrapDocuments>[0]),
    verify: (wrapped) => {
      check(wrapped.length === size, `wrapDocuments returned ${wrapped.length} documents for ${size}`);
      const root = wrapped[0]!.signature.merkleRoot;
      for (let i = 0; i < wrapped.length; i++) {
        const document = wrapped[i]!;
        check(document.signature.merkleRoot === root, `document ${i} has another merkle root`);
        check(verifySignature(document), `document ${i} fails OpenAttestation's verifySignature`);
      }
    },
    cheapVerify: (wrapped) => check(wrapped.length === size && verifySignature(wrapped[size - 1]!), "last document fails verifySignature"),
  });

  emitResult({
    bench: "batch",
    impl: "open-attestation",
    size,
    timesMs,
    medianMs: median(timesMs),
    cpuTimesMs,
    medianCpuMs: median(cpuTimesMs),
    peakRssMiB: peakRssMiB(),
    inputRssMiB: inputRss,
    checks: [`all ${size} documents of run 1 pass verifySignature and share one root`],
    extra: { meanInputBytes: Math.round(meanBytes) },
  });
});
