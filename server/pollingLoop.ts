/**
 * The background loop shared by the publisher and the registry event index: run a pass,
 * wait the poll interval, repeat; after a failed pass wait twice as long (up to a cap), so
 * an RPC outage is not hammered; `kick()` starts the next pass now. Passes never overlap.
 */

/** Parameters of {@link createPollingLoop}. */
export type CreatePollingLoopParameters = {
  readonly pollIntervalMs: number;
  /** Longest wait after repeated failures (default 10 s). */
  readonly maxBackoffMs?: number | undefined;
  readonly pass: () => Promise<void>;
  /** A pass threw; the next one runs after `retryInMs`. */
  readonly onError: (error: unknown, retryInMs: number) => void;
};

/** A started-or-stopped loop. */
export type PollingLoop = {
  start(): void;
  /** Stops after the pass in progress (if any) ends. */
  stop(): Promise<void>;
  /** Runs the next pass now (after the one in progress). */
  kick(): void;
};

/**
 * @example
 * ```ts
 * const loop = createPollingLoop({ pollIntervalMs: 2000, pass: tick, onError: (error) => logger.warn({ err: error }) });
 * loop.start();
 * ```
 */
export function createPollingLoop(parameters: CreatePollingLoopParameters): PollingLoop {
  const maxBackoffMs = parameters.maxBackoffMs ?? 10_000;
  let running = false;
  let done: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let kicked = false;

  async function run(): Promise<void> {
    let delay = parameters.pollIntervalMs;
    while (running) {
      kicked = false;
      try {
        await parameters.pass();
        delay = parameters.pollIntervalMs;
      } catch (error) {
        delay = Math.min(maxBackoffMs, delay * 2);
        parameters.onError(error, delay);
      }
      if (!running) break;
      if (kicked) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, delay);
      });
      wake = undefined;
    }
  }

  const interrupt = () => {
    if (timer !== undefined) clearTimeout(timer);
    wake?.();
  };
  return {
    start() {
      if (running) return;
      running = true;
      done = run();
    },
    async stop() {
      running = false;
      interrupt();
      await done;
    },
    kick() {
      kicked = true;
      interrupt();
    },
  };
}
