/**
 * Writes a JSON response in one socket write. Express's `res.json` turns bodies over 1 KB
 * into a Buffer, which Node then sends with a second chunk (writev); a string body with
 * an explicit Content-Length goes out with the headers in a single write, which is
 * measurable on the proof-query hot path.
 */
import type { Response } from "express";

/**
 * @example
 * ```ts
 * sendJson(res, 200, { proof, credentialStatus });
 * ```
 */
export function sendJson(res: Response, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}
