/**
 * Validation of path parameters and common body fields, each error naming the
 * parameter or JSON path.
 */
import { hexToBytes } from "../../core/hex.ts";
import { parseReason, MAX_REASON_CODE } from "../../core/reasons.ts";
import { invalidRequest } from "../errors.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A credential or token id (UUID) from the path. */
export function uuidParam(value: unknown, name: string): string {
  if (typeof value !== "string" || !UUID.test(value)) {
    throw invalidRequest(`path parameter ${name}`, `${JSON.stringify(value)} is not a UUID`, "a UUID such as 0193a5c2-7f1e-7c3a-9b2d-4e5f6a7b8c9d");
  }
  return value.toLowerCase();
}

/** A local batch id (positive integer) from the path or body. */
export function batchIdParam(value: unknown, name: string): number {
  const number = typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : typeof value === "number" ? value : NaN;
  if (!Number.isSafeInteger(number) || number < 1) {
    throw invalidRequest(name, `${JSON.stringify(value)} is not a batch id`, "a positive integer (the `batch` of a credential)");
  }
  return number;
}

/** A 32-byte hash from the path (credential hash or leaf hash). */
export function hashParam(value: unknown, name: string): Uint8Array {
  return hexToBytes({ hex: value, size: 32, path: `path parameter ${name}` });
}

/** A reason code: a number 0..65535 or a standard name (core/reasons.ts). Default 0. */
export function reasonParam(value: unknown, path: string): number {
  if (value === undefined) return 0;
  const code = typeof value === "number" || typeof value === "string" ? parseReason(value) : undefined;
  if (code === undefined) {
    throw invalidRequest(path, `${JSON.stringify(value)} is not a reason code`, `an integer 0..${MAX_REASON_CODE} or a standard name such as "superseded"`);
  }
  return code;
}

/** Rejects members of `body` outside `allowed`. */
export function onlyKeys(body: Record<string, unknown>, allowed: readonly string[], base = "$"): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw invalidRequest(`${base}.${key}`, "unknown field", `one of ${allowed.join(", ")}`);
  }
}

/** The request body as an object (express.json gives `undefined` for an empty body). */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw invalidRequest("$", "the request body must be a JSON object", "object");
  }
  return body as Record<string, unknown>;
}
