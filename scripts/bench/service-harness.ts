/**
 * Shared set-up of the service benchmarks: a Hardhat node and the real service process
 * on free ports with a temporary database, and request bodies built before timing.
 */
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

import { sampleCredential } from "../../test/server/helpers/credentials.ts";
import { spawnService, startNode, tempDir, type ServiceProcess } from "../../test/server/helpers/processes.ts";
import type { HardhatNode } from "../../server/dev/devNode.ts";

/** A node + service pair. */
export type BenchService = { node: HardhatNode; service: ServiceProcess; dataDir: string; stop(): Promise<void> };

/**
 * @example
 * ```ts
 * const { service, stop } = await startBenchService({ env: { CREDANCHOR_BATCH_MAX_SIZE: "100000" } });
 * ```
 */
export async function startBenchService(parameters: { env?: Record<string, string>; dataDir?: string } = {}): Promise<BenchService> {
  const dataDir = parameters.dataDir ?? tempDir("credanchor-bench-");
  const node = await startNode({ logDir: dataDir });
  const service = await spawnService({
    rpcUrl: node.url,
    dataDir,
    env: {
      CREDANCHOR_RATE_LIMIT_PER_SECOND: "0",
      CREDANCHOR_LOG_LEVEL: "warn",
      CREDANCHOR_DEPLOYMENTS_DIR: join(dataDir, "deployments"),
      ...parameters.env,
    },
  });
  return {
    node,
    service,
    dataDir,
    async stop() {
      await service.stop();
      await node.stop();
      // A run at 1M credentials leaves ~2 GB of database: remove what this harness created.
      if (parameters.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * `count` request bodies of `perRequest` credentials each, every credential with a unique id.
 *
 * @example
 * ```ts
 * const bodies = bulkBodies({ count: 10, perRequest: 10_000 });
 * ```
 */
export function bulkBodies(parameters: { count: number; perRequest: number; offset?: number; randomIds?: boolean }): string[] {
  const template = JSON.stringify({
    credentials: Array.from({ length: parameters.perRequest }, (_, i) => sampleCredential({ n: i })),
  });
  if (parameters.randomIds === true) {
    // Random (v4) credential ids, as many issuers mint them: the idempotency index then
    // takes random inserts instead of appends.
    return Array.from({ length: parameters.count }, () => template.replace(/urn:uuid:0c5e7a1e-[0-9a-f-]{27}/g, () => `urn:uuid:${randomUUID()}`));
  }
  // Unique ids per request without regenerating: the id's uuid prefix "0c5e7a1e" is replaced.
  return Array.from({ length: parameters.count }, (_, r) =>
    template.replaceAll("urn:uuid:0c5e7a1e", `urn:uuid:${((parameters.offset ?? 0) + r + 1).toString(16).padStart(8, "0")}`),
  );
}

/** Formats a number with thousands separators. */
export function fmt(value: number, digits = 0): string {
  return value.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/**
 * CPU seconds (user + system, all threads) a process has used so far, from /proc
 * (Linux). Divided by the work done, it gives a cost that does not depend on how busy
 * the rest of the machine is.
 */
export function cpuSeconds(pid: number, which: "all" | "user" | "system" = "all"): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const user = Number(fields[11]); // utime, stime: fields 14 and 15 of /proc/<pid>/stat
    const system = Number(fields[12]);
    return (which === "user" ? user : which === "system" ? system : user + system) / 100; // USER_HZ
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds used by the process's main thread alone (its thread id is the pid). */
export function mainThreadCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** The machine's 1-minute load average (context for the figures). */
export function loadAverage(): string {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "n/a";
  }
}
