/**
 * Leaf index lists on the command line: "3", "0,4,9", "10-19", "0,5-7,12".
 */
import { usageError } from "./errors.ts";

/** The largest index a batch can have (leaf counts are uint32). */
const MAX_INDEX = 0xfffffffe;
/** Guard against "0-4000000000" by mistake: one call never needs more. */
const MAX_LIST = 1_000_000;

/** Parses an index list into sorted, distinct indices (sorted = cheapest on-chain). */
export function parseIndexList(value: string, flag = "--index"): number[] {
  const indices = new Set<number>();
  for (const raw of value.split(",")) {
    const part = raw.trim();
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
    if (range !== null) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (from > to || to > MAX_INDEX) throw usageError(`${flag}: "${part}" is not a valid range (from <= to <= ${MAX_INDEX}).`);
      if (to - from + 1 + indices.size > MAX_LIST) throw usageError(`${flag}: more than ${MAX_LIST} indices in one call.`);
      for (let i = from; i <= to; i++) indices.add(i);
    } else if (/^\d+$/.test(part) && Number(part) <= MAX_INDEX) {
      indices.add(Number(part));
    } else {
      throw usageError(`${flag}: "${part}" is not an index or a range.`, "Examples: --index 3, --index 0,4,9, --index 10-19.");
    }
  }
  return [...indices].sort((a, b) => a - b);
}
