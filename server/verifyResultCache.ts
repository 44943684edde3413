/**
 * Public verification answers reused for a moment: the same request body (by SHA-256 of
 * its bytes) with the same options within `ttlMs` gets the report already computed, and
 * identical requests in flight share one computation. A credential shared on a profile
 * is checked by every recruiter who opens it; each would otherwise repeat parsing,
 * canonicalisation, hashing, the Merkle proof and the status reads. The staleness bound
 * is the read cache's (server/chain/readCache.ts): a status is at most `ttlMs` old either
 * way. Reports that could not read the chain (status "error") and failures are not kept.
 */
import { createHash } from "node:crypto";

/** Parameters of {@link createVerifyResultCache}. */
export type CreateVerifyResultCacheParameters = {
  /** How long a report is reused (default 1000 ms, the read cache's). */
  readonly ttlMs?: number | undefined;
  /** Entries kept before the cache starts over (default 10,000). */
  readonly maxEntries?: number | undefined;
};

/** Computes a report for a request, or hands back the one computed for the same bytes. */
export type VerifyResultCache = <Report extends { readonly status: string }>(
  parameters: { readonly body: Uint8Array; readonly variant: string; readonly compute: () => Promise<Report> },
) => Promise<Report>;

/**
 * @example
 * ```ts
 * const cached = createVerifyResultCache({ ttlMs: 1000 });
 * const report = await cached({ body: rawBytes, variant: "history", compute: () => verify(credential) });
 * ```
 */
export function createVerifyResultCache(parameters: CreateVerifyResultCacheParameters = {}): VerifyResultCache {
  const ttlMs = parameters.ttlMs ?? 1000;
  const maxEntries = parameters.maxEntries ?? 10_000;
  const entries = new Map<string, { at: number; report: Promise<{ readonly status: string }> }>();
  return ({ body, variant, compute }) => {
    const key = `${variant}:${createHash("sha256").update(body).digest("base64")}`;
    const now = performance.now();
    const hit = entries.get(key);
    if (hit !== undefined && now - hit.at < ttlMs) return hit.report as ReturnType<typeof compute>;
    if (entries.size >= maxEntries) entries.clear();
    const report = compute();
    entries.set(key, { at: now, report });
    const forget = () => {
      if (entries.get(key)?.report === report) entries.delete(key);
    };
    report.then((done) => (done.status === "error" ? forget() : undefined), forget);
    return report;
  };
}
