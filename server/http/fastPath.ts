/**
 * The proof-query fast path: GET /v1/credentials/:id/proof answered straight from the
 * Node http server, before express. Proof queries are the service's hottest route
 * (verifiers, wallets); measured here, express's per-request machinery cost about as
 * much as the query itself. The fast path uses the same authenticator, rate limiter,
 * store, proof service and error shapes as the express route (routes/credentials.ts),
 * which stays registered for the OpenAPI check and for requests it does not take.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import type { Logger } from "pino";

import { errorResponse, notFound, ServiceError } from "../errors.ts";
import { lifecycleOf } from "../intake.ts";
import type { ServiceMetrics } from "../metrics.ts";
import type { ProofService } from "../proofs.ts";
import type { Store } from "../store/types.ts";
import { requireTokenScope, type Authenticator } from "./auth.ts";
import type { RateLimiter } from "./rateLimit.ts";

const PROOF_PATH = /^\/v1\/credentials\/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\/proof\/?(?:\?.*)?$/;
const ROUTE = "/v1/credentials/:id/proof";

/** Returns true if it took the request. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

function send(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { ...headers, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/**
 * @example
 * ```ts
 * const fast = createFastPath({ store, proofs, authenticator, limiter, metrics });
 * http.createServer((req, res) => fast(req, res) || app(req, res));
 * ```
 */
export function createFastPath(parameters: {
  readonly store: Store;
  readonly proofs: ProofService;
  readonly authenticator: Authenticator;
  readonly limiter: RateLimiter;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
}): FastPath {
  const { store, proofs, authenticator, limiter, metrics, logger } = parameters;
  return (req, res) => {
    if (req.method !== "GET" || req.url === undefined) return false;
    const match = PROOF_PATH.exec(req.url);
    if (match === null) return false;
    const started = performance.now();
    res.setHeader("X-Request-Id", randomUUID());
    void (async () => {
      try {
        const { institution, token } = await authenticator(req.headers.authorization);
        limiter.take(token.id);
        requireTokenScope(token, "read");
        const id = match[1]!.toLowerCase();
        const credential = await store.getCredentialAnchor({ institutionId: institution.id, id });
        if (credential === undefined) throw notFound("credential", id);
        if (credential.batch.state !== "anchored") {
          throw new ServiceError({
            code: "CA_CREDENTIAL_PENDING",
            message: `Credential ${credential.id} is ${lifecycleOf(credential.batch.state)} (batch ${credential.batch.id} is ${credential.batch.state}); its proof exists once the batch is anchored.`,
          });
        }
        send(res, 200, await proofs.proofOf(credential));
      } catch (error) {
        const { status, body, headers } = errorResponse(error);
        if (status >= 500) logger.error({ err: error, path: ROUTE }, "proof query failed");
        if (!res.headersSent) send(res, status, body, headers);
      } finally {
        metrics.httpDuration.observe({ method: "GET", route: ROUTE, status: String(res.statusCode) }, (performance.now() - started) / 1000);
      }
    })();
    return true;
  };
}
