/**
 * The last middleware: every error becomes `{ error: { code, message, hints } }` with its
 * status. Body-parser failures (malformed JSON, too large, bad charset) map to service
 * codes that name the problem; anything unexpected is logged and answered as an opaque
 * 500 (never a stack trace).
 */
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";

import { CredanchorError } from "../../core/errors.ts";
import { errorResponse, ServiceError } from "../errors.ts";

type BodyParserError = Error & { type?: string; status?: number; limit?: number; length?: number; body?: string };

/** Turns body-parser's errors into service errors. */
export function fromBodyParser(error: BodyParserError): ServiceError | undefined {
  switch (error.type) {
    case "entity.parse.failed":
      return new ServiceError({
        code: "CA_REQUEST_JSON_MALFORMED",
        message: `The request body is not valid JSON: ${error.message}.`,
        details: [{ path: "$", message: error.message, expected: "a well-formed JSON document" }],
      });
    case "entity.too.large":
      return new ServiceError({
        code: "CA_REQUEST_TOO_LARGE",
        message: `The request body is larger than the limit of ${error.limit} bytes.`,
        details: [{ path: "$", message: `body exceeds ${error.limit} bytes`, expected: `at most ${error.limit} bytes` }],
      });
    case "encoding.unsupported":
    case "charset.unsupported":
      return new ServiceError({ code: "CA_UNSUPPORTED_MEDIA_TYPE", message: `Unsupported body encoding: ${error.message}.` });
    case "request.aborted":
    case "request.size.invalid":
    case "stream.encoding.set":
      return new ServiceError({ code: "CA_REQUEST_INVALID", message: `The request body could not be read: ${error.message}.` });
    default:
      return undefined;
  }
}

/**
 * @example
 * ```ts
 * app.use(errorHandler({ logger }));
 * ```
 */
export function errorHandler(parameters: { readonly logger: Logger }) {
  // Express recognises error handlers by their four parameters.
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const mapped = error instanceof ServiceError || error instanceof CredanchorError ? error : fromBodyParser(error as BodyParserError);
    if (mapped === undefined || (mapped instanceof ServiceError && mapped.httpStatus >= 500 && mapped.code === "CA_INTERNAL")) {
      parameters.logger.error({ err: error, requestId: res.locals.requestId, path: req.path }, "unhandled error");
    } else if (mapped instanceof ServiceError && mapped.code === "CA_STORAGE_FULL") {
      // The operator's problem, not the client's: the log carries SQLite's own words.
      parameters.logger.error({ err: mapped.cause, code: mapped.code, requestId: res.locals.requestId, path: req.path }, "storage full: request refused");
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const { status, body, headers } = errorResponse(mapped ?? error);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    // An error before the body was read (too large, unauthenticated upload): this
    // connection cannot carry another request; tell the client not to reuse it.
    if (!req.complete) {
      res.setHeader("Connection", "close");
      req.resume();
    }
    res.status(status).json(body);
  };
}
