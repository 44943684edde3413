/**
 * RFC 8785 JSON Canonicalization Scheme (JCS), fast path.
 *
 * JCS is ECMAScript's JSON.stringify with every object's members sorted by UTF-16 code
 * units, and with NaN, Infinity and lone surrogates rejected instead of written. So this
 * rebuilds the value with sorted keys (checking numbers and strings on the way) and lets
 * the native JSON.stringify write it: ~2x faster than the `canonicalize` package on
 * credentials (scripts/bench/core-batch.ts), which is what the batch target needs.
 *
 * One case the trick cannot express: JavaScript always enumerates array-index keys
 * ("0", "17") first, in numeric order, so an object with such a member is handed to the
 * `canonicalize` package, which stays the reference: test/core/jcs.test.ts checks both
 * agree on arbitrary JSON, and the credential-hash vectors pin the output.
 */
import canonicalize from "canonicalize";

import { CredanchorError } from "./errors.ts";

const MAX_DEPTH = 1_000;

/** Thrown inside the fast path when a member name is an array index (see above). */
const INDEX_KEY = Symbol("index key");

/** String.prototype.isWellFormed (ES2024; every current browser and Node >= 20), typed here for the ES2023 lib. */
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

function isArrayIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  if (first < 48 || first > 57) return false; // fast exit: does not start with a digit
  return (key === "0" || /^[1-9][0-9]{0,9}$/.test(key)) && Number(key) < 4_294_967_295;
}

function fail(reason: string): never {
  throw new CredanchorError({
    code: "CA_CREDENTIAL_NOT_CANONICALIZABLE",
    message: `Credential cannot be canonicalized (RFC 8785): ${reason}.`,
  });
}

function sorted(value: unknown, depth: number): unknown {
  if (typeof value === "string") {
    if (!isWellFormed(value)) fail("a string contains a lone UTF-16 surrogate");
    return value;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) fail(`${value} has no JSON form`);
    return value;
  }
  if (typeof value === "bigint") fail("a bigint has no JSON form");
  // booleans and null as they are; undefined, functions and symbols are dropped or
  // written as null by JSON.stringify, exactly as JCS does.
  if (value === null || typeof value !== "object") return value;
  if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels (or a cycle)`);
  let current: unknown = value;
  if (typeof (current as { toJSON?: unknown }).toJSON === "function") {
    current = (current as { toJSON: () => unknown }).toJSON();
    if (current === null || typeof current !== "object") return sorted(current, depth + 1);
  }
  if (current instanceof Number || current instanceof String || current instanceof Boolean) {
    return sorted(current.valueOf(), depth + 1);
  }
  if (Array.isArray(current)) {
    const out: unknown[] = new Array(current.length);
    for (let i = 0; i < current.length; i++) out[i] = sorted(current[i], depth + 1);
    return out;
  }
  const source = current as Record<string, unknown>;
  const keys = Object.keys(source).sort();
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (!isWellFormed(key)) fail("a member name contains a lone UTF-16 surrogate");
    if (isArrayIndex(key)) throw INDEX_KEY;
    const member = sorted(source[key], depth + 1);
    // "__proto__" from JSON.parse is an ordinary member; assignment would set the prototype.
    if (key === "__proto__") Object.defineProperty(out, key, { value: member, enumerable: true, writable: true, configurable: true });
    else out[key] = member;
  }
  return out;
}

/**
 * RFC 8785 canonical JSON of `value`. Throws `CA_CREDENTIAL_NOT_CANONICALIZABLE` for
 * NaN, Infinity, bigint, lone surrogates, cycles and values with no JSON form.
 * @internal used by hash.ts; the public entry is `canonicalizeCredential`
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(sorted(value, 0));
  } catch (error) {
    if (error !== INDEX_KEY) throw error;
    try {
      text = canonicalize(value);
    } catch (cause) {
      fail((cause as Error).message);
    }
  }
  if (text === undefined) fail("the value has no JSON form");
  return text;
}
