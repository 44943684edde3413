/**
 * Groups calls that arrive in the same turn of the event loop into one call of a bulk
 * function (DataLoader-style): each caller passes one input and gets its own output, while
 * the work behind them (a database query, a chain read) happens once per group. Used where
 * many requests want the same kind of answer at once: proof lookups on PostgreSQL (one
 * `WHERE id = ANY($1)` instead of one query each), verifications (one chain reader).
 *
 * A group holds at most `maxGroup` inputs; the rest wait for the next turn (with whatever
 * arrives meanwhile). A failure of the bulk function rejects every caller of that group,
 * and only of that group.
 */
import { ServiceError } from "./errors.ts";

/** Parameters of {@link createGroupedCalls}. */
export type CreateGroupedCallsParameters<Input, Output> = {
  /** Answers a group: one output per input, in input order. */
  readonly run: (inputs: Input[]) => Promise<readonly Output[]>;
  /** Most inputs in one group (default 64). */
  readonly maxGroup?: number | undefined;
};

/** One call, answered with its group. */
export type GroupedCall<Input, Output> = (input: Input) => Promise<Output>;

type Waiter<Input, Output> = { input: Input; resolve: (output: Output) => void; reject: (error: unknown) => void };

/**
 * @example
 * ```ts
 * const lookup = createGroupedCalls({ maxGroup: 128, run: (ids: string[]) => loadMany(ids) });
 * const [a, b] = await Promise.all([lookup("a"), lookup("b")]); // one loadMany(["a", "b"])
 * ```
 */
export function createGroupedCalls<Input, Output>(parameters: CreateGroupedCallsParameters<Input, Output>): GroupedCall<Input, Output> {
  const { run } = parameters;
  const maxGroup = parameters.maxGroup ?? 64;
  let queue: Waiter<Input, Output>[] = [];

  const answer = (group: Waiter<Input, Output>[], outputs: readonly Output[]) => {
    if (outputs.length !== group.length) {
      const error = new ServiceError({ code: "CA_INTERNAL", message: `A grouped call answered ${outputs.length} outputs for ${group.length} inputs.` });
      for (const waiter of group) waiter.reject(error);
      return;
    }
    for (let i = 0; i < group.length; i++) group[i]!.resolve(outputs[i]!);
  };
  const flush = () => {
    const group = queue.length <= maxGroup ? queue : queue.slice(0, maxGroup);
    queue = queue.length <= maxGroup ? [] : queue.slice(maxGroup);
    if (queue.length > 0) setImmediate(flush);
    let pending: Promise<readonly Output[]>;
    try {
      pending = run(group.map((waiter) => waiter.input));
    } catch (error) {
      pending = Promise.reject(error); // a bulk function that throws before its first await
    }
    pending.then(
      (outputs) => answer(group, outputs),
      (error: unknown) => {
        for (const waiter of group) waiter.reject(error);
      },
    );
  };
  return (input) =>
    new Promise<Output>((resolve, reject) => {
      // The first call of a turn schedules the group; setImmediate runs after every request
      // parsed in this turn's I/O has made its call.
      if (queue.length === 0) setImmediate(flush);
      queue.push({ input, resolve, reject });
    });
}
