/**
 * Cold start of `credanchor verify <file>`: a fresh `node cli/bin.js verify` process per
 * run against a local node, the bundle (cli/dist, scripts/build-cli.ts) and the source
 * side by side. Prints medians and rewrites the "CLI start-up" section of BENCHMARKS.md.
 *
 *   node --import tsx scripts/bench/cli-start.ts [--runs 15] [--no-write]
 *
 * Setup (not timed): `hardhat node`, CredentialRegistry deployed, one credential issued
 * with `credanchor issue --local`. The bundle is rebuilt first. Runs alternate between
 * bundle and source so load changes on a shared machine hit both alike. Node's compile
 * cache (which the bundle enables) is emptied before the first bundled run, which is
 * reported on its own: the first run after an install or rebuild.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";

import { buildCli } from "../build-cli.ts";
import { check, median, repoRoot } from "./lib/harness.ts";
import { deployRegistry, startNode } from "./lib/node.ts";

/** Hardhat's account #0 (a public test key), which deployRegistry makes the anchorer. */
const NODE_ACCOUNT_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const runs = runsAt === -1 ? 15 : Number(args[runsAt + 1]);
const fmt = (value: number) => Math.round(value).toLocaleString("en-US");
const load = () => loadavg().map((value) => value.toFixed(2)).join(", ");

/** GNU time, when installed: the child's CPU time (user + system) besides the wall time. */
const GNU_TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const CPU_LINE = /^__cpu__ ([\d.]+) ([\d.]+)$/m;

/** Runs the CLI once; resolves with its wall time, CPU time (when known), exit code and output. */
function runCli(cliArgs: readonly string[], env: Record<string, string>): Promise<{ ms: number; cpuMs?: number; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const command = [process.execPath, path.join(repoRoot, "cli", "bin.js"), ...cliArgs];
    const [file, ...fileArgs] = GNU_TIME === undefined ? command : [GNU_TIME, "-f", "__cpu__ %U %S", ...command];
    const child = spawn(file!, fileArgs, {
      cwd: repoRoot,
      env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - start;
      const cpu = CPU_LINE.exec(stderr);
      resolve({ ms, ...(cpu === null ? {} : { cpuMs: (Number(cpu[1]) + Number(cpu[2])) * 1000 }), code, stdout, stderr: stderr.replace(CPU_LINE, "") });
    });
  });
}

const loadAtStart = load();
await buildCli();
const node = await startNode();
const workDir = await mkdtemp(path.join(tmpdir(), "credanchor-cli-start-"));
const compileCache = path.join(workDir, "compile-cache");
let bundleFirst = 0;
const bundleTimes: number[] = [];
const sourceTimes: number[] = [];
const bundleCpu: number[] = [];
const sourceCpu: number[] = [];
try {
  const { registry } = await deployRegistry(node, "did:web:bench.example.edu");
  const env = { CREDANCHOR_RPC_URL: node.url, CREDANCHOR_REGISTRY_ADDRESS: registry, NODE_COMPILE_CACHE: compileCache };
  const template = path.join(workDir, "badge.json");
  await writeFile(
    template,
    JSON.stringify({
      issuer: { id: "did:web:bench.example.edu", name: "Bench University" },
      achievement: { id: "https://bench.example.edu/badges/1", name: "Bench Badge", description: "A badge.", criteria: { narrative: "Run the benchmark." } },
      validFrom: "2025-01-15T09:00:00Z",
    }),
  );
  const roster = path.join(workDir, "roster.csv");
  await writeFile(roster, "name,email\nAda Lovelace,ada@example.edu\n");
  const out = path.join(workDir, "issued");
  const issued = await runCli(["issue", roster, "--template", template, "--local", "--institution", "1", "--out", out], {
    ...env,
    CREDANCHOR_ANCHORER_KEY: NODE_ACCOUNT_KEY,
  });
  check(issued.code === 0, `issue --local failed:\n${issued.stdout}\n${issued.stderr}`);
  const file = path.join(out, (await readdir(out)).find((name) => name.endsWith(".json"))!);

  const verify = ["verify", file, "--json"];
  const expectValid = (run: Awaited<ReturnType<typeof runCli>>, what: string) => {
    check(run.code === 0, `${what}: exit ${run.code}\n${run.stdout}\n${run.stderr}`);
    check((JSON.parse(run.stdout) as { results: { status: string }[] }).results[0]?.status === "valid", `${what}: not valid:\n${run.stdout}`);
  };
  await rm(compileCache, { recursive: true, force: true });
  const first = await runCli(verify, env);
  expectValid(first, "bundle, first run");
  bundleFirst = first.ms;
  for (let i = 0; i < runs; i++) {
    const bundled = await runCli(verify, env);
    expectValid(bundled, "bundle");
    bundleTimes.push(bundled.ms);
    if (bundled.cpuMs !== undefined) bundleCpu.push(bundled.cpuMs);
    // Without NODE_COMPILE_CACHE: the source run is what it was before the bundle existed.
    const { NODE_COMPILE_CACHE: _, ...sourceEnv } = env;
    const source = await runCli(verify, { ...sourceEnv, CREDANCHOR_CLI_SOURCE: "1" });
    expectValid(source, "source");
    sourceTimes.push(source.ms);
    if (source.cpuMs !== undefined) sourceCpu.push(source.cpuMs);
  }
} finally {
  await node.stop();
  await rm(workDir, { recursive: true, force: true });
}
const loadAtEnd = load();
const bundleMedian = median(bundleTimes);
const sourceMedian = median(sourceTimes);
const cpu = (values: number[]) => (values.length === 0 ? "n/a" : `${fmt(median(values))} ms`);
console.log(
  `credanchor verify <file>, cold process, median of ${runs}: bundle ${fmt(bundleMedian)} ms wall, ${cpu(bundleCpu)} CPU (first run, empty compile cache: ${fmt(bundleFirst)} ms); source ${fmt(sourceMedian)} ms wall, ${cpu(sourceCpu)} CPU (target <= 300 ms); load ${loadAtStart} -> ${loadAtEnd}`,
);

if (!args.includes("--no-write")) {
  const section = [
    "<!-- cli-start:start -->",
    "## CLI start-up",
    "",
    "`credanchor verify <file>` as a fresh process (`node cli/bin.js verify <file> --json`) against a local `hardhat node`, one",
    "credential issued with `credanchor issue --local`; wall time from spawn to exit, the report checked valid on every run.",
    "Bundle: cli/dist from scripts/build-cli.ts (esbuild, split per command; `npm run build:cli`), with Node's compile cache.",
    "Source: the same command with `CREDANCHOR_CLI_SOURCE=1` (Node strips the TypeScript types of each module as it loads).",
    "",
    "| What | Wall, median | CPU (user + system), median | Runs | Target |",
    "| --- | ---: | ---: | ---: | ---: |",
    `| bundle | ${fmt(bundleMedian)} ms (min ${fmt(Math.min(...bundleTimes))}, max ${fmt(Math.max(...bundleTimes))}) | ${cpu(bundleCpu)} | ${runs} | <= 300 ms |`,
    `| bundle, first run after a build (empty compile cache) | ${fmt(bundleFirst)} ms | | 1 | |`,
    `| source | ${fmt(sourceMedian)} ms (min ${fmt(Math.min(...sourceTimes))}, max ${fmt(Math.max(...sourceTimes))}) | ${cpu(sourceCpu)} | ${runs} | |`,
    "",
    "CPU time is the child's own (GNU time), less sensitive than wall time to other work on the machine; Node's helper threads",
    "(compilation, GC) make it exceed the wall time on an idle machine.",
    "",
    `Load average ${loadAtStart} at the start, ${loadAtEnd} at the end, on ${availableParallelism()} cores shared with other work.`,
    "",
    "Command: `node --import tsx scripts/bench/cli-start.ts`",
    "<!-- cli-start:end -->",
  ].join("\n");
  const target = path.join(repoRoot, "BENCHMARKS.md");
  const text = await readFile(target, "utf8");
  const marked = /<!-- cli-start:start -->[\s\S]*<!-- cli-start:end -->/;
  const updated = marked.test(text) ? text.replace(marked, section) : text.replace(/\n## Core targets/, `\n${section}\n\n## Core targets`);
  await writeFile(target, updated);
  console.log("BENCHMARKS.md: section CLI start-up rewritten");
}
