/**
 * Status list costs (server/statusList/): what intake pays per credential to get its
 * random index (reservation transaction + permutation lookup; the permutation built once
 * per list), and what publishing one list costs (encode 131,072 bits + eddsa-rdfc-2022
 * signature). Writes the "## Status lists" section of BENCHMARKS.md (other sections kept).
 *
 *   node --import tsx scripts/bench/status-lists.ts [credentials=1000000] [perRequest=10000]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";

import { encodeStatusList, STATUS_LIST_LENGTH, statusListCredential } from "../../core/statusList.ts";
import { generateSigningKey, signCredential } from "../../core/vc/eddsa.ts";
import { createStatusListAssigner } from "../../server/statusList/assigner.ts";
import { newStatusListSeed, statusListPermutation } from "../../server/statusList/permutation.ts";
import { createSqliteStore } from "../../server/store/sqlite.ts";

const total = Number(process.argv[2] ?? 1_000_000);
const perRequest = Number(process.argv[3] ?? 10_000);
const repoRoot = join(import.meta.dirname, "..", "..");
const lines: string[] = [];
const say = (line: string) => {
  console.log(line);
  lines.push(line);
};

const cpuMs = () => process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000;

// 1. The permutation alone.
{
  const runs: number[] = [];
  const cpuRuns: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    const cpuStart = cpuMs();
    statusListPermutation({ seed: newStatusListSeed(), length: STATUS_LIST_LENGTH });
    runs.push(performance.now() - start);
    cpuRuns.push(cpuMs() - cpuStart);
  }
  runs.sort((a, b) => a - b);
  cpuRuns.sort((a, b) => a - b);
  say(`permutation of ${STATUS_LIST_LENGTH.toLocaleString("en")} indices (AES-256-CTR keystream + Fisher-Yates): ${runs[2]!.toFixed(1)} ms wall, ${cpuRuns[2]!.toFixed(1)} ms CPU (median of 5), once per list per process`);
}

// 2. Assignment as intake runs it: one reservation transaction per request, one lookup per credential.
{
  const dir = mkdtempSync(join(tmpdir(), "credanchor-status-bench-"));
  const store = createSqliteStore({ path: join(dir, "credanchor.db") });
  try {
    const institution = { id: 1, name: "Bench", identifier: "did:web:bench.example", metadataUri: "", adminAddress: "", createdAt: 0, status: "active" as const, keys: { anchorer: null, revoker: null, signingKey: null } };
    await store.createInstitution(institution);
    const assigner = createStatusListAssigner({ store });
    const wall0 = performance.now();
    const cpu0 = cpuMs();
    let assigned = 0;
    for (let done = 0; done < total; done += perRequest) assigned += (await assigner.assign({ institution, count: Math.min(perRequest, total - done), now: Date.now() }))!.length;
    const wall = performance.now() - wall0;
    const cpu = cpuMs() - cpu0;
    const lists = (await store.listStatusLists({ institutionId: 1 })).length;
    say(
      `assignment: ${assigned.toLocaleString("en")} credentials in requests of ${perRequest.toLocaleString("en")} (${lists} lists): ` +
        `${((wall * 1000) / assigned).toFixed(2)} µs wall, ${((cpu * 1000) / assigned).toFixed(2)} µs CPU per credential ` +
        `(${Math.round(assigned / (wall / 1000)).toLocaleString("en")}/s), entry objects included`,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// 3. Publishing one list: encode the bits and sign the list credential (reference eddsa-rdfc-2022 libraries).
{
  const key = await generateSigningKey({ controller: "did:web:bench.example", id: "did:web:bench.example#key-1" });
  const revoked = Array.from({ length: 1_000 }, (_, i) => (i * 131) % STATUS_LIST_LENGTH);
  const runs: { encode: number; sign: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const encodedList = await encodeStatusList({ setIndices: revoked });
    const t1 = performance.now();
    const validFrom = new Date();
    await signCredential({
      key,
      credential: statusListCredential({ url: "https://bench.example/status-lists/1/0", issuer: key.controller, encodedList, validFrom, validUntil: new Date(validFrom.getTime() + 86_400_000) }),
    });
    runs.push({ encode: t1 - t0, sign: performance.now() - t1 });
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[2]!;
  say(
    `publishing one list (${STATUS_LIST_LENGTH.toLocaleString("en")} bits, 1,000 set): encode ${median(runs.map((run) => run.encode)).toFixed(1)} ms, ` +
      `sign ${median(runs.map((run) => run.sign)).toFixed(1)} ms (median of 5; at most once per list per CREDANCHOR_STATUS_LIST_REFRESH_MS, only when its bits change)`,
  );
}

const section = `## Status lists

Command: \`node --import tsx scripts/bench/status-lists.ts ${total} ${perRequest}\` (writes this section).
Date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC · ${cpus()[0]?.model ?? "cpu"} × ${cpus().length} · Node ${process.version} · load ${loadavg().map((v) => v.toFixed(1)).join(" ")} (shared machine)

What the Bitstring Status List entry adds to intake (docs/SIGNATURES.md): one reservation transaction per request
and an array lookup per credential, against the >= 20,000 credentials/s intake target (50 µs per credential).

\`\`\`
${lines.join("\n")}
\`\`\`
`;
const file = join(repoRoot, "BENCHMARKS.md");
const existing = readFileSync(file, "utf8");
const start = existing.search(/^## Status lists\s*$/m);
let updated: string;
if (start === -1) {
  updated = `${existing.trimEnd()}\n\n${section}`;
} else {
  const rest = existing.slice(start + 1);
  const next = rest.search(/^## /m);
  updated = existing.slice(0, start) + section + (next === -1 ? "" : "\n" + rest.slice(next));
}
writeFileSync(file, updated);
console.log('wrote the "## Status lists" section of BENCHMARKS.md');
