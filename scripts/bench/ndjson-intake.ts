/**
 * NDJSON intake cost (server/intake.ts readNdjsonSubmission): CPU time to read a body that
 * arrives in 64 KiB chunks (as from a socket), for a body without any newline (the attack
 * of issue 11: the unfinished line grows with every chunk) and for ordinary 1.5 KB lines.
 * Linear reading costs the same per MiB at every size; the quadratic one grew with the size.
 *
 *   node --import tsx scripts/bench/ndjson-intake.ts [MiB ...]   (default 4 16 64)
 */
import { readNdjsonSubmission } from "../../server/intake.ts";

const CHUNK = 64 * 1024;

async function measure(mib: number, withNewlines: boolean): Promise<number> {
  const total = mib * 1024 * 1024;
  const line = `${JSON.stringify({ credential: { name: "x".repeat(1500) } })}\n`;
  const chunk = withNewlines ? line.repeat(Math.ceil(CHUNK / line.length)).slice(0, CHUNK) : "x".repeat(CHUNK);
  const stream = {
    async *[Symbol.asyncIterator]() {
      for (let sent = 0; sent < total; sent += CHUNK) yield chunk;
    },
  };
  const started = process.cpuUsage();
  try {
    // No line cap here: this measures the scanning itself (the service caps a line at the JSON body limit).
    await readNdjsonSubmission({ stream, maxBytes: Number.MAX_SAFE_INTEGER, maxLineBytes: Number.MAX_SAFE_INTEGER, maxItems: Number.MAX_SAFE_INTEGER });
  } catch {
    // a body of one huge line is not valid as a whole; only the time matters
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
for (const mib of sizes.length > 0 ? sizes : [4, 16, 64]) {
  const noNewline = await measure(mib, false);
  const lines = await measure(mib, true);
  console.log(
    `${String(mib).padStart(4)} MiB in 64 KiB chunks: no newline ${noNewline.toFixed(0).padStart(6)} ms CPU (${(noNewline / mib).toFixed(1)} ms/MiB); 1.5 KB lines ${lines.toFixed(0).padStart(5)} ms CPU (${(lines / mib).toFixed(1)} ms/MiB)`,
  );
}
