/**
 * The pieces every benchmark shares: timing, medians, result checks that fail loudly,
 * child processes (one per size, so peak memory of one size does not leak into the
 * next), and the one-line JSON protocol a child uses to hand its figures back.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

import { keccakReady } from "../../../core/keccak.ts";

/** A benchmark whose own results are wrong: the run stops and no time is reported. */
export class BenchCheckError extends Error {
  override name = "BenchCheckError";
}

/** Throws {@link BenchCheckError} unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new BenchCheckError(`result check failed: ${message}`);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** Collects garbage between runs when the process was started with --expose-gc. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Current resident set size, in MiB. */
export function rssMiB(): number {
  return process.memoryUsage.rss() / (1024 * 1024);
}

/** What a benchmark child reports. Times in milliseconds. */
export type BenchResult = {
  /** Benchmark family, e.g. "batch", "tree", "verify". */
  readonly bench: string;
  /** Implementation, e.g. "credanchor", "open-attestation". */
  readonly impl: string;
  /** Problem size (credentials, leaves...). */
  readonly size: number;
  /** Every timed run, in order. */
  readonly timesMs: readonly number[];
  readonly medianMs: number;
  /** CPU time (user + system, all threads) of each timed run: less sensitive to other load than wall time. */
  readonly cpuTimesMs?: readonly number[] | undefined;
  readonly medianCpuMs?: number | undefined;
  /** Peak RSS of the whole child process (inputs included), MiB. */
  readonly peakRssMiB?: number | undefined;
  /** RSS once the inputs were built, before the first timed run, MiB. */
  readonly inputRssMiB?: number | undefined;
  /** What was checked before the time was reported. */
  readonly checks: readonly string[];
  /** True when the figure was computed from a smaller measured size, not measured. */
  readonly extrapolated?: boolean | undefined;
  readonly notes?: readonly string[] | undefined;
  readonly extra?: Readonly<Record<string, unknown>> | undefined;
};

const RESULT_PREFIX = "BENCH_RESULT ";

/** Prints the result line a parent reads (and a readable line for people). */
export function emitResult(result: BenchResult): void {
  const peak = result.peakRssMiB === undefined ? "" : `, peak RSS ${result.peakRssMiB.toFixed(0)} MiB`;
  process.stderr.write(
    `  ${result.bench}/${result.impl} n=${result.size}: median ${result.medianMs.toFixed(1)} ms ` +
      `over ${result.timesMs.length} run(s)${peak}\n`,
  );
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/**
 * Stop adding runs once the timed runs so far took this long (env BENCH_BUDGET_MS):
 * keeps "median of 3" affordable where one run takes minutes. At least one run is made.
 */
function runBudgetMs(): number {
  const raw = process.env["BENCH_BUDGET_MS"];
  return raw === undefined ? Number.POSITIVE_INFINITY : Number(raw);
}

/**
 * Times up to `runs` calls of `run` (fewer if $BENCH_BUDGET_MS is spent); `verify`
 * checks the output of the first (or every) run outside the timed region.
 */
export async function timeRuns<T>(parameters: {
  readonly runs: number;
  readonly run: () => T | Promise<T>;
  readonly verify: (output: T, runIndex: number) => void | Promise<void>;
  /** Verify every run (default: only the first; later runs must still pass `cheapVerify`). */
  readonly verifyEvery?: boolean | undefined;
  readonly cheapVerify?: ((output: T) => void) | undefined;
}): Promise<{ timesMs: number[]; cpuTimesMs: number[] }> {
  const timesMs: number[] = [];
  const cpuTimesMs: number[] = [];
  const budget = runBudgetMs();
  for (let i = 0; i < parameters.runs; i++) {
    if (i > 0 && timesMs.reduce((a, b) => a + b, 0) >= budget) break;
    collectGarbage();
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    let output: T | undefined = await parameters.run();
    timesMs.push(performance.now() - start);
    const cpu = process.cpuUsage(cpuStart);
    cpuTimesMs.push((cpu.user + cpu.system) / 1000);
    if (i === 0 || parameters.verifyEvery) await parameters.verify(output, i);
    else parameters.cheapVerify?.(output);
    output = undefined;
  }
  return { timesMs, cpuTimesMs };
}

/** Reads `process.argv[index]` as a positive integer, or the default. */
export function intArg(index: number, fallback: number): number {
  const raw = process.argv[index];
  if (raw === undefined) return fallback;
  const value = Number(raw.replaceAll("_", ""));
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`argument ${index - 1} must be a positive integer, got ${raw}`);
  return value;
}

/** The repository root. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** Options of {@link runChild}. */
export type RunChildOptions = {
  /** Extra node flags, e.g. --max-old-space-size. */
  readonly nodeFlags?: readonly string[] | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Kill the child after this long (default 30 minutes). */
  readonly timeoutMs?: number | undefined;
};

/**
 * Runs `node --import tsx <script> ...args` from the repository root, streams its
 * stderr, and returns every result line it printed. Rejects (loudly) if the child
 * exits non-zero, prints no result, or runs past the timeout.
 */
export function runChild(script: string, args: readonly (string | number)[], options: RunChildOptions = {}): Promise<BenchResult[]> {
  const argv = ["--expose-gc", "--import", "tsx", ...(options.nodeFlags ?? []), script, ...args.map(String)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => (stdout += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} ${args.join(" ")}: timed out after ${(options.timeoutMs ?? 1_800_000) / 1000} s`));
    }, options.timeoutMs ?? 1_800_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const results = stdout
        .split("\n")
        .filter((line) => line.startsWith(RESULT_PREFIX))
        .map((line) => JSON.parse(line.slice(RESULT_PREFIX.length)) as BenchResult);
      if (code !== 0) reject(new Error(`${script} ${args.join(" ")}: exited with ${code ?? signal}`));
      else if (results.length === 0) reject(new Error(`${script} ${args.join(" ")}: printed no result`));
      else resolve(results);
    });
  });
}

/** Runs a benchmark's main function, turning any failure into a loud non-zero exit. */
export function main(run: () => Promise<void>): void {
  // core hashes on @noble/hashes until its WASM keccak is compiled (core/keccak.ts):
  // measuring before that would time the fallback, several times slower.
  keccakReady
    .then(async (backend) => {
      if (backend !== "hash-wasm") throw new Error(`keccak backend is ${backend}, not hash-wasm: figures would not be representative`);
      await run();
    })
    .catch((error: unknown) => {
      process.stderr.write(`\nBENCHMARK FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
