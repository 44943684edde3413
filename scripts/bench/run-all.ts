/**
 * Runs every benchmark and rewrites BENCHMARKS.md.
 *
 *   npm run bench          # full sizes (about 20-30 minutes on 2 cores)
 *   npm run bench:quick    # small sizes, smoke test; writes <tmpdir>/credanchor-bench/BENCHMARKS.quick.md
 *
 * Options: --quick, --out <file>, --only <batch,tree,gas,service,verify> (with --only or
 * --quick the output goes to <tmpdir>/credanchor-bench/ unless --out says otherwise),
 * --render-from <tmpdir>/credanchor-bench/run-report.json (re-render a saved run, no measuring),
 * --merge with --only (re-measure some sections, keep the rest of the saved full run, rewrite BENCHMARKS.md).
 *
 * Each size runs in its own child process (peak RSS per size). A benchmark whose own
 * result checks fail is recorded as FAILED in BENCHMARKS.md, the other benchmarks still
 * run, and the command exits non-zero.
 */
import { spawn } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { type BenchResult, repoRoot, runChild } from "./lib/harness.ts";
import { currentLoad, machineInfo } from "./lib/machine.ts";
import { type GasReport, type Measured, type RunReport, type ServiceReport, renderBenchmarks } from "./lib/render.ts";

const args = process.argv.slice(2);
const quick = args.includes("--quick") || process.env["BENCH_QUICK"] === "1";
const outIndex = args.indexOf("--out");
const onlyIndex = args.indexOf("--only");
const only = onlyIndex >= 0 ? new Set(args[onlyIndex + 1]!.split(",")) : undefined;
const resultsDir = path.join(tmpdir(), "credanchor-bench");
// Only a full run of everything rewrites BENCHMARKS.md by default.
const outFile =
  outIndex >= 0
    ? path.resolve(args[outIndex + 1]!)
    : quick || (only !== undefined && !args.includes("--merge"))
      ? path.join(resultsDir, quick ? "BENCHMARKS.quick.md" : "BENCHMARKS.partial.md")
      : path.join(repoRoot, "BENCHMARKS.md");
const enabled = (section: string) => only === undefined || only.has(section);

/** Sizes and run counts. Budgets cap the total time of one size's runs (at least one run). */
const plan = quick
  ? {
      batch: [{ size: 1000, runs: 3 }, { size: 5000, runs: 3 }],
      batchPeer: [{ size: 1000, runs: 3 }, { size: 5000, runs: 3 }],
      tree: [{ size: 10_000, runs: 3 }],
      treeOpenZeppelinMeasured: [10_000],
      verify: { credentials: 2000, runs: 3, coldRuns: 3 },
    }
  : {
      batch: [
        { size: 1000, runs: 5 },
        { size: 10_000, runs: 5 },
        { size: 50_000, runs: 3 },
        { size: 1_000_000, runs: 3 },
      ],
      batchPeer: [
        { size: 1000, runs: 5 },
        { size: 10_000, runs: 3 },
        { size: 50_000, runs: 3 },
      ],
      tree: [{ size: 10_000, runs: 5 }, { size: 100_000, runs: 3 }, { size: 1_000_000, runs: 3 }],
      // At 1,000,000 OpenZeppelin would take ~15 minutes: measured to 100,000, extrapolated above.
      treeOpenZeppelinMeasured: [10_000, 100_000],
      verify: { credentials: 10_000, runs: 5, coldRuns: 5 },
    };
const BIG_HEAP = ["--max-old-space-size=16384"];
/** A size whose runs already took this long gets no more runs (peers; credanchor at 1M). */
const PEER_BUDGET_MS = "240000";

const failures: { step: string; error: string }[] = [];
const batch: Measured[] = [];
const tree: Measured[] = [];
const verify: Measured[] = [];
const service: ServiceReport[] = [];
let gas: GasReport | undefined;

function log(message: string): void {
  process.stderr.write(`\n[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function step(name: string, run: () => Promise<void>): Promise<void> {
  log(name);
  try {
    await run();
  } catch (error) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`FAILED ${name}: ${text}`);
    failures.push({ step: name, error: error instanceof Error ? error.message : String(error) });
  }
}

async function bench(list: Measured[], script: string, argv: (string | number)[], options: { big?: boolean; budget?: string } = {}): Promise<void> {
  const results = await runChild(script, argv, {
    nodeFlags: options.big ? BIG_HEAP : undefined,
    env: options.budget ? { BENCH_BUDGET_MS: options.budget } : undefined,
  });
  const flags = options.big ? `${BIG_HEAP.join(" ")} ` : "";
  const command = `node --expose-gc --import tsx ${flags}${script} ${argv.join(" ")}`;
  for (const result of results) list.push({ ...result, command });
}

/** Runs a command to completion, streaming its output; rejects on a non-zero exit. */
function run(command: string, argv: readonly string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      process.stderr.write(chunk);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${argv.join(" ")} exited with ${code}:\n${output.slice(-3000)}`))));
  });
}

const hardhat = (...argv: string[]) => [path.join(repoRoot, "node_modules", "hardhat", "dist", "src", "cli.js"), ...argv];

/** Numbered section headings of the page, by --only name. */
const SECTION_HEADINGS: Record<string, RegExp> = {
  batch: /^## 1\. Batch building\s*$/m,
  tree: /^## 2\. Tree alone\s*$/m,
  gas: /^## 3\. Gas side by side\s*$/m,
  service: /^## 4\. Service\s*$/m,
  verify: /^## 5\. Verification\s*$/m,
};
/** Summary rows that belong to each section (first cell). */
const SUMMARY_ROWS: Record<string, RegExp> = {
  batch: /^\| Batch build/,
  tree: /^\| Tree \+ every proof/,
  gas: /^\| Gas /,
  service: /^\| Service: /,
  verify: /^\| (Bulk )?[Vv]erif/,
};

/**
 * `current` with the sections named in `sections` (and their summary rows) taken from
 * `fresh`, a page rendered from this run alone; the header says what was re-measured when.
 */
function spliceSections(current: string, fresh: string, sections: readonly string[]): string {
  let page = current;
  for (const name of sections) {
    const heading = SECTION_HEADINGS[name];
    const rows = SUMMARY_ROWS[name];
    if (heading === undefined || rows === undefined) throw new Error(`--merge cannot splice section ${name}`);
    const replacement = extractSection(fresh, heading);
    const old = extractSection(page, heading);
    if (replacement === undefined || old === undefined) throw new Error(`section ${name} missing from the page or the run`);
    page = page.replace(old, replacement.trimEnd() + "\n\n");
    const freshRows = fresh.split("\n").filter((line) => rows.test(line));
    const lines = page.split("\n");
    const first = lines.findIndex((line) => rows.test(line));
    const kept = lines.filter((line) => !rows.test(line));
    kept.splice(first === -1 ? kept.length : first, 0, ...freshRows);
    page = kept.join("\n");
  }
  const stamp = `${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return page.replace(
    /\.? Do not edit by hand: rerun it\./,
    `, then \`--only ${sections.join(",")} --merge\` on ${stamp} (load average ${machine.loadAverage} then; spliced into this page on a machine without the earlier run's saved report). Do not edit by hand: rerun it.`,
  );
}

/** A markdown section of BENCHMARKS.md starting at `heading` (a full line), up to the next "## ". */
function extractSection(markdown: string, heading: RegExp): string | undefined {
  const start = markdown.search(heading);
  if (start === -1) return undefined;
  const rest = markdown.slice(start + 1);
  const next = rest.search(/^## /m);
  return next === -1 ? markdown.slice(start) : markdown.slice(start, start + 1 + next);
}

/**
 * HOOK for the service benchmarks (scripts/bench/service-*.ts, written separately): every
 * such script found is run with `node --import tsx`. Result lines in harness.ts's
 * format (`BENCH_RESULT {json}`) are tabulated; otherwise the tail of its output is shown.
 * A script that writes its own "## Service…" section into BENCHMARKS.md keeps it.
 */
async function runServiceBenchmarks(): Promise<boolean> {
  // service-harness.ts and the like are shared helpers, not benchmarks; service-all.ts,
  // when present, runs every service benchmark itself at its full size.
  const found = (await readdir(path.join(repoRoot, "scripts", "bench")))
    .filter((name) => /^service-.*\.ts$/.test(name) && !/harness|helpers?|lib/.test(name))
    .sort();
  const scripts = found.includes("service-all.ts") && !quick ? ["service-all.ts"] : found.filter((name) => name !== "service-all.ts");
  for (const name of scripts) {
    const script = `scripts/bench/${name}`;
    // Quick mode: small sizes for the scripts we know (positional arguments), BENCH_QUICK=1 for all.
    const quickArgs: Record<string, string[]> = {
      "service-ingest.ts": ["20000", "5000", "2"],
      "service-anchor.ts": ["10000"],
      "service-proofs.ts": ["100000", "5", "16"],
    };
    const argv: string[] = quick ? (quickArgs[name] ?? []) : [];
    await step(`service: ${script}`, async () => {
      const output = await run(process.execPath, ["--expose-gc", "--import", "tsx", script, ...argv], quick ? { BENCH_QUICK: "1" } : {});
      const results = output
        .split("\n")
        .filter((line) => line.startsWith("BENCH_RESULT "))
        .map((line) => ({ ...(JSON.parse(line.slice("BENCH_RESULT ".length)) as BenchResult), command: `node --import tsx ${script} ${argv.join(" ")}`.trim() }));
      service.push({ script, command: `node --import tsx ${script} ${argv.join(" ")}`.trim(), results, output: output.split("\n").slice(-400).join("\n") });
    });
  }
  return scripts.length > 0;
}

// ---------------------------------------------------------------------------------------
const renderIndex = args.indexOf("--render-from");
if (renderIndex >= 0) {
  // Re-render a saved run (after a change to lib/render.ts): no measuring.
  const saved = JSON.parse(await readFile(path.resolve(args[renderIndex + 1]!), "utf8")) as RunReport;
  const revived: RunReport = { ...saved, startedAt: new Date(saved.startedAt), finishedAt: new Date(saved.finishedAt) };
  // The "## Core targets" section is core-targets.ts's, not the saved run's: keep what the page has.
  const current = await readFile(outFile, "utf8").catch(() => "");
  const coreTargets = extractSection(current, /^## Core targets\s*$/m);
  const page = renderBenchmarks(revived);
  await writeFile(outFile, coreTargets ? `${page.trimEnd()}\n\n${coreTargets.trimEnd()}\n` : page);
  log(`re-rendered ${outFile} from ${args[renderIndex + 1]}`);
  process.exit(0);
}

const startedAt = new Date();
const machine = machineInfo();
await mkdir(resultsDir, { recursive: true });
log(`${quick ? "quick" : "full"} run on ${machine.cpuModel} (${machine.cores} cores, ${machine.ramGiB} GiB), Node ${machine.node}; writing ${outFile}`);

let contractsBuilt = false;
if (enabled("gas") || enabled("verify")) {
  await step("hardhat build", async () => {
    await run(process.execPath, hardhat("build"));
    contractsBuilt = true;
  });
}

if (enabled("gas")) {
  if (!quick) {
    // credanchor's own gas table: gas.ts rewrites the "## Gas" section of BENCHMARKS.md itself.
    await step("gas: npx hardhat run scripts/bench/gas.ts", async () => {
      if (!contractsBuilt) throw new Error("contracts did not build");
      await run(process.execPath, hardhat("run", "--no-compile", "scripts/bench/gas.ts"));
    });
  }
  await step("gas: npx hardhat run scripts/bench/peers-gas.ts", async () => {
    if (!contractsBuilt) throw new Error("contracts did not build");
    const out = path.join(resultsDir, "peers-gas.json");
    await run(process.execPath, hardhat("run", "--no-compile", "scripts/bench/peers-gas.ts"), { BENCH_GAS_OUT: out });
    const parsed = JSON.parse(await readFile(out, "utf8")) as Omit<GasReport, "command">;
    gas = { ...parsed, command: "npx hardhat run scripts/bench/peers-gas.ts" };
  });
}

if (enabled("verify")) {
  const { credentials, runs, coldRuns } = plan.verify;
  await step(`verify: ${credentials} credentials against a local node`, async () => {
    if (!contractsBuilt) throw new Error("contracts did not build");
    await bench(verify, "scripts/bench/verify-chain.ts", [credentials, runs, coldRuns]);
  });
}

if (enabled("batch")) {
  for (const { size, runs } of plan.batch) {
    const options = { big: size > 100_000, budget: size > 100_000 ? PEER_BUDGET_MS : undefined };
    await step(`batch: credanchor buildBatch, ${size}`, () => bench(batch, "scripts/bench/batch-credanchor.ts", [size, runs, "core"], options));
    await step(`batch: credanchor worker pool, ${size}`, () => bench(batch, "scripts/bench/batch-credanchor.ts", [size, runs, "pool"], options));
  }
  for (const { size, runs } of plan.batchPeer) {
    await step(`batch: OpenAttestation wrapDocuments, ${size}`, () =>
      bench(batch, "scripts/bench/batch-openattestation.ts", [size, runs], { budget: PEER_BUDGET_MS }),
    );
  }
}

if (enabled("tree")) {
  for (const { size, runs } of plan.tree) {
    await step(`tree: credanchor, ${size}`, () => bench(tree, "scripts/bench/tree-build.ts", ["credanchor", size, runs], { big: size > 100_000, budget: PEER_BUDGET_MS }));
    await step(`tree: merkletreejs, ${size}`, () =>
      bench(tree, "scripts/bench/tree-build.ts", ["merkletreejs", size, runs], { big: size > 100_000, budget: PEER_BUDGET_MS }),
    );
    if (plan.treeOpenZeppelinMeasured.includes(size)) {
      await step(`tree: openzeppelin, ${size}`, () =>
        bench(tree, "scripts/bench/tree-build.ts", ["openzeppelin", size, runs], { big: size > 100_000, budget: "120000" }),
      );
    } else {
      // Extrapolate from the largest measured size: n log n (proof generation dominates).
      const base = tree.filter((r) => r.impl === "openzeppelin").sort((a, b) => b.size - a.size)[0];
      if (base) {
        const factor = (size * Math.log2(size)) / (base.size * Math.log2(base.size));
        tree.push({
          bench: "tree",
          impl: "openzeppelin",
          size,
          timesMs: [],
          medianMs: base.medianMs * factor,
          checks: [],
          extrapolated: true,
          notes: [`not measured: ${(factor).toFixed(1)}× the measured ${base.size.toLocaleString("en-US")}-leaf median (n log n scaling)`],
          command: `extrapolated from: ${base.command}`,
        });
      }
    }
  }
}

let serviceScriptsFound = false;
if (enabled("service")) serviceScriptsFound = await runServiceBenchmarks();

// ---------------------------------------------------------------------------------------
let existing = "";
try {
  existing = await readFile(path.join(repoRoot, "BENCHMARKS.md"), "utf8");
} catch {
  /* first run */
}
// --merge (with --only): keep the saved full run's other sections, replace the ones just run.
let previous: RunReport | undefined;
// Without the saved report (a fresh machine: it lives in the temp directory), --merge
// splices the re-measured sections into the page as it stands instead.
let splice = false;
if (args.includes("--merge")) {
  try {
    const saved = JSON.parse(await readFile(path.join(resultsDir, "run-report.json"), "utf8")) as RunReport;
    previous = { ...saved, startedAt: new Date(saved.startedAt), finishedAt: new Date(saved.finishedAt) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" || existing === "") throw error;
    splice = true;
    log(`no ${path.join(resultsDir, "run-report.json")}: splicing the re-measured sections into ${outFile}`);
  }
}
const keep = <T,>(section: string, fresh: T, old: T | undefined): T => (previous !== undefined && !enabled(section) ? (old as T) : fresh);
const report: RunReport = {
  mode: quick ? "quick" : "full",
  startedAt,
  finishedAt: new Date(),
  machine,
  loadAtEnd: currentLoad(),
  batch: keep("batch", batch, previous?.batch),
  tree: keep("tree", tree, previous?.tree),
  gas: keep("gas", gas, previous?.gas),
  credanchorGasSection: extractSection(existing, /^## Gas\s*$/m),
  verify: keep("verify", verify, previous?.verify),
  service: keep("service", service, previous?.service),
  serviceSections: [extractSection(existing, /^## Service/m)].filter((s): s is string => s !== undefined && !quick),
  serviceScriptsFound: keep("service", serviceScriptsFound, previous?.serviceScriptsFound),
  failures: [...failures, ...(previous?.failures ?? []).filter((f) => !enabled(f.step.split(":")[0]!))],
  ...(previous === undefined
    ? {}
    : {
        startedAt: previous.startedAt,
        finishedAt: previous.finishedAt,
        machine: previous.machine,
        merged: {
          at: startedAt,
          sections: [...(only ?? [])],
          loadAtStart: machine.loadAverage,
          earlier: previous.merged ? [...(previous.merged.earlier ?? []), { at: previous.merged.at, sections: previous.merged.sections, loadAtStart: previous.merged.loadAtStart }] : [],
        },
      }),
};
await mkdir(path.dirname(outFile), { recursive: true });
// The raw results, so the page can be re-rendered without re-measuring (--render-from).
await writeFile(path.join(resultsDir, splice ? "run-report.partial.json" : quick ? "run-report.quick.json" : "run-report.json"), JSON.stringify(report, null, 2));
// scripts/bench/core-targets.ts owns the "## Core targets" section: kept here, re-measured below.
const coreTargetsSection = extractSection(existing, /^## Core targets\s*$/m);
const page = renderBenchmarks(report);
if (splice) {
  await writeFile(outFile, spliceSections(existing, page, [...(only ?? [])]));
} else {
  await writeFile(outFile, coreTargetsSection && !quick ? `${page.trimEnd()}\n\n${coreTargetsSection.trimEnd()}\n` : page);
}
log(`wrote ${outFile}${failures.length > 0 ? ` with ${failures.length} FAILED step(s)` : ""}`);
if (!quick && enabled("tree")) {
  await step("core targets: node --import tsx scripts/bench/core-targets.ts", async () => {
    await run(process.execPath, ["--import", "tsx", "scripts/bench/core-targets.ts"]);
  });
}
if (failures.length > 0) {
  for (const failure of failures) process.stderr.write(`  FAILED ${failure.step}: ${failure.error.split("\n")[0]}\n`);
  process.exitCode = 1;
}
