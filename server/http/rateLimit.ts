/**
 * Per-token rate limit: a token bucket of `burst` requests refilled at `perSecond`.
 * Kept in process memory: with several replicas each enforces its own share, which is
 * what a limit against runaway clients needs (not a billing-grade quota).
 */
import type { NextFunction, Request, Response } from "express";

import { ServiceError } from "../errors.ts";
import { authOf } from "./auth.ts";

/** A limiter shared by the express middleware and the fast path (fastPath.ts). */
export type RateLimiter = {
  /** Takes one request from the token's bucket; throws 429 `CA_RATE_LIMITED` when empty. */
  take(tokenId: string): void;
};

/**
 * @example
 * ```ts
 * const limiter = createRateLimiter({ perSecond: 200, burst: 400 });
 * limiter.take(token.id);
 * ```
 */
export function createRateLimiter(parameters: {
  readonly perSecond: number;
  readonly burst: number;
  /** Who the limit is for, in the 429 message (default "this token"). */
  readonly subject?: string | undefined;
}): RateLimiter {
  const { perSecond, burst } = parameters;
  const subject = parameters.subject ?? "this token";
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(tokenId) {
      if (perSecond === 0) return;
      const now = performance.now();
      let bucket = buckets.get(tokenId);
      if (bucket === undefined) {
        if (buckets.size > 100_000) buckets.clear();
        bucket = { tokens: burst, at: now };
        buckets.set(tokenId, bucket);
      }
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
      bucket.at = now;
      if (bucket.tokens < 1) {
        const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
        throw new ServiceError({
          code: "CA_RATE_LIMITED",
          message: `Rate limit of ${perSecond} requests per second (burst ${burst}) exceeded for ${subject}.`,
          headers: { "Retry-After": String(retryAfter) },
        });
      }
      bucket.tokens -= 1;
    },
  };
}

/**
 * Middleware over a {@link RateLimiter} (after `authenticate`).
 *
 * @example
 * ```ts
 * app.use("/v1", authenticate(...), rateLimit(limiter));
 * ```
 */
export function rateLimit(limiter: RateLimiter) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    limiter.take(authOf(res).token.id);
    next();
  };
}
