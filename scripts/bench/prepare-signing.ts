/**
 * CPU cost per credential of the intake preparation step (server/hashing/prepare.ts) in
 * one thread, unsigned versus signing mode (status entry put in, signing deferred), on
 * the benchmark's sample credentials, and the split of the difference: the acceptance
 * check (documentExpands) against the quad-building walk it replaced (documentToQuads),
 * the larger JCS text, and the hash a deferred credential skips. Prints figures; asserts nothing.
 *
 *   node --import tsx scripts/bench/prepare-signing.ts [credentials=10000] [rounds=5]
 */
import { generateSigningKey } from "../../core/vc/eddsa.ts";
import { canonicalizeCredential, canonicalizeSignedCredential, credentialHashFromCanonical, keccakReady } from "../../core/index.ts";
import { createDocumentLoader } from "../../core/vc/documentLoader.ts";
import { documentExpands, documentToQuads } from "../../core/vc/jsonLdQuads.ts";
import { prepareItems } from "../../server/hashing/prepare.ts";
import { sampleCredential } from "../../test/server/helpers/credentials.ts";

const count = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 5);
const issuerIdentifier = "did:web:demo.credanchor.local";
await keccakReady;
const key = await generateSigningKey({ controller: issuerIdentifier, id: `${issuerIdentifier}#key-1` });
const texts = Array.from({ length: count }, (_, n) => JSON.stringify(sampleCredential({ n })));
const statusEntries = texts.map((_, n) => ({
  id: `https://demo.credanchor.local/status/1#${n}`,
  type: "BitstringStatusListEntry" as const,
  statusPurpose: "revocation" as const,
  statusListIndex: String(n),
  statusListCredential: "https://demo.credanchor.local/status/1",
}));

async function measure(label: string, run: () => Promise<unknown>): Promise<void> {
  const figures: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const before = process.cpuUsage();
    await run();
    const used = process.cpuUsage(before);
    figures.push((used.user + used.system) / count);
  }
  figures.sort((a, b) => a - b);
  console.log(`${label}: ${figures[Math.floor(rounds / 2)]!.toFixed(1)} µs CPU per credential (median of ${rounds}; min ${figures[0]!.toFixed(1)})`);
}

await measure("unsigned", () => prepareItems({ texts, issuerIdentifier }));
await measure("signing mode (status entry, deferred)", async () => {
  const result = await prepareItems({ texts, issuerIdentifier, signingKeys: [key], statusEntries, deferSigning: true });
  if (result.invalid.length > 0 || result.awaitingSignature?.some((deferred) => !deferred)) throw new Error(`not all deferred: ${JSON.stringify(result.invalid[0])}`);
});

// The split, one step at a time over the same credentials.
const credentials = texts.map((text) => JSON.parse(text) as Record<string, unknown>);
const withStatus = credentials.map((credential, n) => ({ ...credential, credentialStatus: statusEntries[n] }));
const documentLoader = createDocumentLoader();
const salt = new Uint8Array(32);
const canonicals = credentials.map((credential) => canonicalizeCredential({ credential }));
await measure("  step: documentToQuads (the former check)", async () => {
  for (const document of withStatus) await documentToQuads({ document, documentLoader });
});
await measure("  step: documentExpands (the check now)", async () => {
  for (const document of withStatus) await documentExpands({ document, documentLoader });
});
await measure("  step: JCS without status entry (unsigned)", async () => {
  for (const credential of credentials) canonicalizeCredential({ credential });
});
await measure("  step: JCS with status entry (signing mode)", async () => {
  for (const credential of withStatus) canonicalizeSignedCredential({ credential });
});
await measure("  step: credential hash (unsigned only; deferred skips it)", async () => {
  for (const canonical of canonicals) credentialHashFromCanonical({ canonical, salt });
});
