/**
 * A progress bar on stderr (cli-progress), shown only when stderr is a terminal and the
 * output is not --json, so pipes, CI logs and JSON consumers never see it.
 */
import cliProgress from "cli-progress";

import type { Output } from "./output.ts";

/** Advances and stops a bar (a no-op one when no bar is shown). */
export type Progress = {
  increment(step?: number): void;
  stop(): void;
};

/** Starts a bar for `total` items labelled `label`, if there is a terminal to show it on and enough work. */
export function startProgress(out: Output, { total, label, minimum = 20 }: { total: number; label: string; minimum?: number }): Progress {
  if (out.json || out.io.stderr.isTTY !== true || total < minimum) return { increment() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} {percentage}% | {eta_formatted} left`,
      stream: out.io.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    increment: (step = 1) => bar.increment(step),
    stop: () => bar.stop(),
  };
}
