/**
 * Per-request observability and limits: request id, structured access log (pino; no
 * headers, so no Authorization, and no query string), latency histogram by route, and
 * a timeout that answers 503 when a handler takes too long.
 */
import { randomUUID } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";

import { errorResponse, ServiceError } from "../errors.ts";
import type { ServiceMetrics } from "../metrics.ts";

/**
 * @example
 * ```ts
 * app.use(observe({ logger, metrics, timeoutMs: 120_000 }));
 * ```
 */
export function observe(parameters: { readonly logger: Logger; readonly metrics: ServiceMetrics; readonly timeoutMs: number }) {
  const { logger, metrics, timeoutMs } = parameters;
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    const requestId = randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      const { status, body } = errorResponse(
        new ServiceError({ code: "CA_REQUEST_TIMEOUT", message: `No answer within ${timeoutMs} ms.` }),
      );
      res.status(status).json(body);
    }, timeoutMs);
    timer.unref();
    res.once("close", () => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      const route = (req.route as { path?: string } | undefined)?.path ?? "unmatched";
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      if (logger.isLevelEnabled("debug") || res.statusCode >= 500) {
        const path = req.originalUrl.split("?")[0];
        const entry = { requestId, method: req.method, path, status: res.statusCode, ms: Math.round(seconds * 1000) };
        if (res.statusCode >= 500) logger.warn(entry, "request failed");
        else logger.debug(entry, "request");
      }
    });
    next();
  };
}
