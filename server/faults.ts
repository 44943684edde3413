/**
 * TEST AID: fault injection for the crash tests (test/server/crash.test.ts).
 *
 * With CREDANCHOR_FAULT=before-send|after-send|before-receipt|after-receipt the process
 * SIGKILLs itself the first time the publisher reaches that point, exactly as a power
 * cut or an OOM kill would stop it: no cleanup, no flushed buffers beyond what SQLite
 * already committed. With CREDANCHOR_FAULT_SIGNAL=SIGSTOP it pauses instead (the election
 * test resumes it with SIGCONT after its lease ran out). Never set it in production.
 */
import type { FaultPoint } from "./config.ts";

/** Calls `hit(point)` at each crash point. */
export type Faults = { hit(point: FaultPoint): void };

/**
 * @example
 * ```ts
 * const faults = createFaults({ point: config.fault });
 * faults.hit("after-send"); // dies here if CREDANCHOR_FAULT=after-send
 * ```
 */
export function createFaults(parameters: {
  readonly point: FaultPoint | undefined;
  /** SIGKILL (default), or SIGSTOP: paused as a stalled VM would be, until a SIGCONT. */
  readonly signal?: "SIGKILL" | "SIGSTOP" | undefined;
  readonly onHit?: (point: FaultPoint) => void;
}): Faults {
  let armed = parameters.point !== undefined;
  return {
    hit(point) {
      if (!armed || point !== parameters.point) return;
      armed = false;
      parameters.onHit?.(point);
      process.kill(process.pid, parameters.signal ?? "SIGKILL");
    },
  };
}
