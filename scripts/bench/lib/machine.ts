/** The machine a run measured on, read from the OS (for BENCHMARKS.md). */
import { cpus, loadavg, release, totalmem, type } from "node:os";

export type MachineInfo = {
  readonly cpuModel: string;
  readonly cores: number;
  readonly ramGiB: number;
  readonly node: string;
  readonly os: string;
  /** 1-minute load average when the run started: other work competing for the cores. */
  readonly loadAverage: number;
};

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${type()} ${release()}`,
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export function currentLoad(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}
