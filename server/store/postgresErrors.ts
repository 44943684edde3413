/**
 * What a PostgreSQL failure means to a client: the database unreachable, restarting or
 * out of connections is a 503 with Retry-After (the request can be resent, with the same
 * idempotency keys), never a 500.
 */
import { ServiceError } from "../errors.ts";

/** Node socket errors and pg's own messages for a connection that is gone or never came. */
const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH"]);
const CONNECTION_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|not queryable/i;

/**
 * True for failures that say the database is unavailable rather than that the request
 * is wrong: socket errors and SQLSTATE classes 08 (connection), 53 (resources: too many
 * connections), 57 (operator intervention: shutdown, restart, starting up, a statement
 * cancelled), 25P03 (our session ended after idling in a transaction: this process was
 * paused) and 55P03 (a lock not granted in time: held by a stalled replica).
 */
export function isUnavailable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (CONNECTION_CODES.has(code) || /^(08|53|57)/.test(code) || code === "25P03" || code === "55P03")) return true;
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  return error instanceof Error && CONNECTION_MESSAGES.test(error.message);
}

/** The 503 a request gets while the database is unavailable. */
export function storeUnavailable(cause: unknown): ServiceError {
  return new ServiceError({
    code: "CA_STORE_UNAVAILABLE",
    message: "The database is unavailable right now; nothing of this request was stored unless it was answered with 202 before.",
    headers: { "Retry-After": "1" },
    cause,
  });
}
