/**
 * The service's own errors: core's {@link CredanchorError} (same class, same JSON shape
 * `{ code, message, hints, details? }`) with a catalogue of codes for what only a service
 * can get wrong (HTTP input, auth, limits, idempotency, chain writes).
 */
import { CredanchorError, type CredanchorErrorJson, type FieldIssue } from "../core/errors.ts";

/** Stable service error codes with their HTTP status and default hint. Append only. */
export const serviceErrorCatalogue = {
  CA_CONFIG_INVALID: { httpStatus: 500, hint: "See server/README.md for every setting and its default." },
  CA_REQUEST_JSON_MALFORMED: { httpStatus: 400, hint: "Send a well-formed JSON body (or NDJSON: one JSON object per line)." },
  CA_REQUEST_INVALID: { httpStatus: 400, hint: "Fix the fields listed in `details` (each names a JSON path or parameter)." },
  CA_REQUEST_TOO_LARGE: {
    httpStatus: 413,
    hint: "Split the submission, or stream it as NDJSON (Content-Type: application/x-ndjson).",
  },
  CA_UNSUPPORTED_MEDIA_TYPE: {
    httpStatus: 415,
    hint: "Use Content-Type: application/json, or application/x-ndjson for streamed submissions.",
  },
  CA_CREDENTIALS_INVALID: {
    httpStatus: 422,
    hint: "Nothing was stored: a bulk submission is accepted whole or not at all. Fix the credentials listed in `details` and resend the request.",
  },
  CA_UNAUTHENTICATED: { httpStatus: 401, hint: "Send `Authorization: Bearer <token>` with a valid, unrevoked API token." },
  CA_FORBIDDEN_SCOPE: { httpStatus: 403, hint: "Use a token that has the needed scope (read, issue, revoke or admin); an admin creates tokens with POST /v1/tokens." },
  CA_NOT_FOUND: { httpStatus: 404, hint: "Check the id; ids of other institutions are not visible to your token." },
  CA_ROUTE_NOT_FOUND: { httpStatus: 404, hint: "See /openapi.json for the API." },
  CA_RATE_LIMITED: { httpStatus: 429, hint: "Wait for the number of seconds in the Retry-After header, then retry." },
  CA_IDEMPOTENCY_CONFLICT: {
    httpStatus: 409,
    hint: "An idempotency key (clientId or the credential `id`) identifies one credential: resend the same content, or use a new key.",
  },
  CA_CREDENTIAL_PENDING: { httpStatus: 409, hint: "The credential's batch is not anchored yet; retry after it is (see its `state`)." },
  CA_BATCH_NOT_ANCHORED: { httpStatus: 409, hint: "Only anchored batches can change status on chain; wait until the batch is anchored." },
  CA_STATUS_CHANGE_REJECTED: {
    httpStatus: 409,
    hint: "The registry refused the change (see `details`): e.g. already revoked, not suspended, or the batch is revoked.",
  },
  CA_SIGNER_UNAUTHORIZED: {
    httpStatus: 503,
    hint: "The service's key lacks the needed role in this institution on chain; an institution admin must grant it.",
  },
  CA_INSTITUTION_DISABLED: {
    httpStatus: 403,
    hint: "An operator disabled this institution in the service; `credanchor service institution enable <id>` serves it again.",
  },
  CA_INSTITUTION_SUSPENDED: { httpStatus: 409, hint: "Registry governance suspended this institution; it must be reinstated on chain first." },
  CA_SIGNER_NOT_CONFIGURED: { httpStatus: 503, hint: "Configure CREDANCHOR_REVOKER_KEY (or a keystore) and restart the service." },
  // No longer answered (the verifier is always part of the build); kept: the catalogue is append only.
  CA_NOT_IMPLEMENTED: { httpStatus: 501, hint: "This endpoint needs a part of core that is not available in this build." },
  CA_REQUEST_TIMEOUT: { httpStatus: 503, hint: "The request took too long; retry, or send smaller requests." },
  CA_NOT_READY: { httpStatus: 503, hint: "The service is starting or its chain is unreachable; see /readyz." },
  CA_SITE_NOT_BUILT: { httpStatus: 503, hint: "Build the verifier page with `npm run build:web` (npm start does it), then reload." },
  CA_INTERNAL: { httpStatus: 500, hint: "An unexpected error; it was logged with the request id." },
  CA_STORAGE_FULL: {
    httpStatus: 503,
    hint: "Nothing of this request was stored; retry later. Operators: the service's disk is full (see /readyz and the log).",
  },
  CA_STORE_UNAVAILABLE: {
    httpStatus: 503,
    hint: "Retry after the number of seconds in the Retry-After header, with the same idempotency keys (clientId or the credential `id`).",
  },
  CA_SIGNING_FAILED: {
    httpStatus: 503,
    hint: "Credentials stored unsigned could not be signed (they stay stored and are retried). Operators: give the institution's DID a key in CREDANCHOR_SIGNING_KEYS (or the keystore) and restart.",
  },
  CA_STATUS_LIST_NOT_FOUND: {
    httpStatus: 404,
    hint: "Status list URLs come from credentials' credentialStatus.statusListCredential; a list exists once a credential of it was issued.",
  },
  CA_STATUS_LIST_UNAVAILABLE: {
    httpStatus: 503,
    hint: "Operators: the institution needs a signing key (CREDANCHOR_SIGNING_KEYS) and, unless its DID is did:web, CREDANCHOR_PUBLIC_URL.",
  },
  CA_HOSTED_PAGE_NOT_FOUND: {
    httpStatus: 404,
    hint: "Check the link; a credential has a hosted page only once its institution enabled pages for its batch and the batch is anchored.",
  },
  CA_HOSTED_PAGE_WITHDRAWN: { httpStatus: 410, hint: "The holder withdrew this page; ask them for the credential itself or a share link." },
  CA_HOSTED_PAGE_SECRET_INVALID: {
    httpStatus: 403,
    hint: "Use the withdraw link the institution sent with the credential (it ends in #withdraw=…); only the holder has it.",
  },
} as const satisfies Record<string, { readonly httpStatus: number; readonly hint: string }>;

/** A service error code. */
export type ServiceErrorCode = keyof typeof serviceErrorCatalogue;

/** One problem in a request, optionally at a position of a bulk submission. */
export type RequestIssue = FieldIssue & { readonly position?: number | undefined };

/** What {@link ServiceError} is built from. */
export type ServiceErrorParameters = {
  readonly code: ServiceErrorCode;
  readonly message: string;
  readonly hints?: readonly string[] | undefined;
  readonly details?: readonly RequestIssue[] | undefined;
  readonly cause?: unknown;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
};

/** The JSON an error answers with, inside `{ error: … }`. */
export type ErrorJson = CredanchorErrorJson<string>;

/**
 * An error of the service with a stable code. Match on `code`, never on `message`.
 *
 * @example
 * ```ts
 * throw new ServiceError({ code: "CA_NOT_FOUND", message: "No credential 0190… for this institution." });
 * ```
 */
export class ServiceError extends CredanchorError<ServiceErrorCode> {
  override name = "ServiceError";
  declare readonly details: readonly RequestIssue[] | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(parameters: ServiceErrorParameters) {
    super(parameters, serviceErrorCatalogue[parameters.code]);
    this.headers = parameters.headers ?? {};
  }
}

/** A configuration problem found at start-up (printed, then the process exits 1). */
export class ConfigError extends ServiceError {
  override name = "ConfigError";
  constructor(parameters: { readonly message: string; readonly hints?: readonly string[] | undefined }) {
    super({ code: "CA_CONFIG_INVALID", ...parameters });
  }
}

/** Shorthand for a 400 naming one field or parameter. */
export function invalidRequest(path: string, message: string, expected?: string): ServiceError {
  return new ServiceError({
    code: "CA_REQUEST_INVALID",
    message: `${path}: ${message}`,
    details: [{ path, message, expected }],
  });
}

/** Shorthand for a 404 that does not say whether the id exists elsewhere. */
export function notFound(what: string, id: string): ServiceError {
  return new ServiceError({ code: "CA_NOT_FOUND", message: `No ${what} ${JSON.stringify(id)} for this institution.` });
}

/** Status and JSON body of any error (unknown errors become an opaque 500). */
export function errorResponse(error: unknown): { status: number; body: { error: ErrorJson }; headers: Record<string, string> } {
  if (error instanceof ServiceError) {
    return { status: error.httpStatus, body: { error: error.toJSON() }, headers: { ...error.headers } };
  }
  if (error instanceof CredanchorError) {
    return { status: error.httpStatus, body: { error: error.toJSON() }, headers: {} };
  }
  const internal = new ServiceError({ code: "CA_INTERNAL", message: "Internal error." });
  return { status: 500, body: { error: internal.toJSON() }, headers: {} };
}
