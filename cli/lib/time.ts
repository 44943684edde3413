/**
 * Moments given on the command line: ISO 8601 ("2026-03-01", "2026-03-01T12:00:00Z") or
 * unix seconds ("1767225600").
 */
import { usageError } from "./errors.ts";

/** Parses a --at / --from style value into a Date, or a usage error naming the flag. */
export function parseTime(value: string, flag: string): Date {
  const trimmed = value.trim();
  const date = /^\d+$/.test(trimmed) ? new Date(Number(trimmed) * 1000) : new Date(trimmed);
  if (Number.isNaN(date.getTime()) || trimmed === "") {
    throw usageError(
      `${flag}: "${value}" is not a time.`,
      "Give an ISO 8601 date or time (2026-03-01, 2026-03-01T12:00:00Z) or unix seconds (1767225600).",
    );
  }
  return date;
}

/** Unix seconds of a Date. */
export function toUnixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** "2026-03-01T12:00:00Z" (no milliseconds) for unix seconds. */
export function formatTimestamp(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "Z");
}
