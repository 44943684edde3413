/**
 * zod issues -> {@link FieldIssue}s: JSON path, what is wrong, what is expected.
 */
import type { $ZodIssue } from "zod/v4/core";

import type { FieldIssue } from "./errors.ts";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Parameters of {@link toJsonPath}. */
export type ToJsonPathParameters = {
  readonly path: readonly PropertyKey[];
  /** Path the keys are relative to; default `$`. */
  readonly base?: string | undefined;
};
/** Return type of {@link toJsonPath}. */
export type ToJsonPathReturnType = string;

/**
 * Formats a key path as a JSON path: `$.a.b[0]`, with `['…']` for keys that are not
 * identifiers (e.g. `$['@context'][0]`).
 *
 * @example
 * ```ts
 * toJsonPath({ path: ["credentialSubject", "achievement", "name"] }); // "$.credentialSubject.achievement.name"
 * toJsonPath({ path: ["proofPath", 3], base: "$.proof" }); // "$.proof.proofPath[3]"
 * ```
 */
export function toJsonPath(parameters: ToJsonPathParameters): ToJsonPathReturnType {
  let out = parameters.base ?? "$";
  for (const key of parameters.path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && IDENTIFIER.test(key)) out += `.${key}`;
    else out += `['${String(key).replaceAll("\\", "\\\\").replaceAll("'", "\\'")}']`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** `typeof`, but telling null and arrays apart. */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** What {@link toFieldIssues} converts. */
export type ToFieldIssuesParameters = {
  readonly issues: readonly $ZodIssue[];
  /** The value that was validated (issue paths are relative to it). */
  readonly input: unknown;
  /** JSON path of `input` in its document; default `$`. */
  readonly base?: string | undefined;
  /** Key path prepended to every issue path (used for nested unions). */
  readonly prefix?: readonly PropertyKey[] | undefined;
};

/**
 * Converts zod issues into field issues. Schemas say what they expect either with
 * `params.expected` (refinements) or with a type-error message "expected <description>"
 * (see schema.ts); both become `expected`.
 */
export function toFieldIssues(parameters: ToFieldIssuesParameters): FieldIssue[] {
  const { input, base } = parameters;
  const out: FieldIssue[] = [];
  for (const issue of parameters.issues) {
    const path = [...(parameters.prefix ?? []), ...issue.path];
    const jsonPath = toJsonPath({ path, base });
    const params = (issue as { params?: { expected?: string } }).params;
    const described = issue.message.startsWith("expected ") ? issue.message.slice("expected ".length) : undefined;
    const actual = valueAt(input, path);
    const wrongType = actual === undefined ? "is required but missing" : `has the wrong type (${describeType(actual)})`;
    switch (issue.code) {
      case "invalid_type":
        out.push({ path: jsonPath, message: wrongType, expected: params?.expected ?? described ?? issue.expected });
        break;
      case "invalid_union": {
        // Report the branch whose shape matches the input (e.g. the object branch for an
        // object issuer); if none does, report the union as a whole.
        const matching = issue.errors.filter(
          (branch) => !branch.some((inner) => inner.code === "invalid_type" && inner.path.length === 0),
        );
        if (matching.length === 1) out.push(...toFieldIssues({ issues: matching[0]!, input, base, prefix: path }));
        else out.push({ path: jsonPath, message: wrongType, expected: params?.expected ?? described });
        break;
      }
      case "invalid_value":
        out.push({
          path: jsonPath,
          message: actual === undefined ? "is required but missing" : `has an unexpected value (${JSON.stringify(actual)})`,
          expected: params?.expected ?? described ?? issue.values.map((value) => JSON.stringify(value)).join(" or "),
        });
        break;
      case "too_small":
        out.push({
          path: jsonPath,
          message: issue.origin === "array" ? "is empty" : issue.message,
          expected:
            params?.expected ??
            (issue.origin === "array" ? `at least ${issue.minimum} ${issue.minimum === 1 ? "entry" : "entries"}` : undefined),
        });
        break;
      default:
        out.push({
          path: jsonPath,
          message: described === undefined ? issue.message : wrongType,
          expected: params?.expected ?? described,
        });
    }
  }
  return out;
}
