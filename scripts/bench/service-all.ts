/**
 * `npm run bench:service`: the three service benchmarks at full size, one after the
 * other, each against its own Hardhat node and service process. Figures only.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const here = import.meta.dirname;
for (const [script, args] of [
  ["service-ingest.ts", ["200000", "10000", "2", "3"]],
  ["service-anchor.ts", ["100000"]],
  ["service-proofs.ts", ["1000000", "20", "32"]],
] as const) {
  console.log(`\n# ${script} ${args.join(" ")}`);
  const result = spawnSync(process.execPath, ["--import", "tsx", join(here, script), ...args], { stdio: "inherit" });
  if (result.status !== 0) process.exitCode = 1;
}
