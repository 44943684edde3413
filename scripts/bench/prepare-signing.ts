/**
 * CPU cost per credential of the intake preparation step (server/hashing/prepare.ts) in
 * one thread, unsigned versus signing mode (status entry put in, signing deferred), on
 * the benchmark's sample credentials. Prints figures; asserts nothing.
 *
 *   node --import tsx scripts/bench/prepare-signing.ts [credentials=10000] [rounds=5]
 */
import { generateSigningKey } from "../../core/vc/eddsa.ts";
import { keccakReady } from "../../core/index.ts";
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
