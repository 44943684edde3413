/**
 * `--reason` values: a standard name ("superseded") or a number (institution codes 100+),
 * through core's reason table.
 */
import { Option } from "commander";

import { describeReason, parseReason, reasonCodes } from "../../core/reasons.ts";
import { usageError } from "./errors.ts";

/** The code for a --reason value, or a usage error listing the standard names. */
export function reasonFromFlag(value: string | undefined): number {
  if (value === undefined) return 0;
  const code = parseReason(value.trim());
  if (code === undefined) {
    const names = Object.values(reasonCodes).map((entry) => entry.name);
    throw usageError(
      `--reason: "${value}" is neither a reason name nor a code from 0 to 65535.`,
      `Standard reasons: ${names.join(", ")}; institutions may use their own codes from 100 up.`,
    );
  }
  return code;
}

/** The --reason option, with the standard names in its help. */
export function reasonOption(): Option {
  return new Option("--reason <code|name>", "reason code or name, e.g. superseded, 140 (see docs/REASON_CODES.md)");
}

export { describeReason };
