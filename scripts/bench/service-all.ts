/**
 * `npm run bench:service`: the service benchmarks at full size, one after the other, each
 * service one against its own Hardhat node and service process. Figures only.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const here = import.meta.dirname;
const runs: readonly (readonly [script: string, args: readonly string[], env: Readonly<Record<string, string>>])[] = [
  // Ingestion with 1,000,000 credentials stored (the condition), ids as a counter
  // makes them and as UUIDv4 (random index inserts), then the store's intake alone.
  ["service-ingest.ts", ["200000", "10000", "2", "3", "1000000"], {}],
  ["service-ingest.ts", ["200000", "10000", "2", "3", "1000000"], { BENCH_RANDOM_IDS: "1" }],
  ["store-intake.ts", ["random", "1000000"], {}],
  ["service-anchor.ts", ["100000"], {}],
  ["service-proofs.ts", ["1000000", "20", "32"], {}],
];
for (const [script, args, env] of runs) {
  const prefix = Object.entries(env).map(([name, value]) => `${name}=${value} `).join("");
  console.log(`\n# ${prefix}${script} ${args.join(" ")}`);
  const result = spawnSync(process.execPath, ["--import", "tsx", join(here, script), ...args], { stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) process.exitCode = 1;
}
