/**
 * Per-token rate limit: a token bucket of `burst` requests refilled at `perSecond`.
 * Kept in process memory: with several replicas each enforces its own share, which is
 * what a limit against runaway clients needs (not a billing-grade quota).
 */
import type { NextFunction, Request, Response } from "express";

import { ServiceError } from "../errors.ts";
import { authOf } from "./auth.ts";

/**
 * @example
 * ```ts
 * app.use("/v1", authenticate(...), rateLimit({ perSecond: 200, burst: 400 }));
 * ```
 */
export function rateLimit(parameters: { readonly perSecond: number; readonly burst: number }) {
  const { perSecond, burst } = parameters;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (_req: Request, res: Response, next: NextFunction): void => {
    if (perSecond === 0) return next();
    const id = authOf(res).token.id;
    const now = performance.now();
    let bucket = buckets.get(id);
    if (bucket === undefined) {
      if (buckets.size > 100_000) buckets.clear();
      bucket = { tokens: burst, at: now };
      buckets.set(id, bucket);
    }
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
      throw new ServiceError({
        code: "CA_RATE_LIMITED",
        message: `Rate limit of ${perSecond} requests per second (burst ${burst}) exceeded for this token.`,
        headers: { "Retry-After": String(retryAfter) },
      });
    }
    bucket.tokens -= 1;
    next();
  };
}
