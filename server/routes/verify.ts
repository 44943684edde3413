/**
 * POST /v1/verify: core's verification report for a portable credential, open to
 * anyone (an employer has no API token). Without a token each client address has its
 * own token bucket (CREDANCHOR_PUBLIC_VERIFY_*); with one, the token's usual limit
 * applies and a bad token is still a 401. Chain reads go through a short-lived shared
 * cache (chain/readCache.ts), so popular batches cost the node nothing extra, and
 * requests arriving together are verified as one group (verifyCoalescer.ts); the same
 * body asked again within the read cache's lifetime gets the report already computed
 * (verifyResultCache.ts).
 * `?history=1` adds the credential's status history for the verifier page.
 *
 * POST /v1/pathways/verify: core's pathway award report (what `credanchor pathway verify
 * --json` prints) with its stack tree, for the page's "Stacked credentials" panel on a
 * site that names no public RPC endpoint. Same gate as /v1/verify: the same per-address
 * bucket (an award check is one more way in, not a second allowance), the same body
 * cap, the same trusted registry and chain allow-list.
 *
 * POST /v1/pathways/progress: core's progress report (a holder's definition and
 * credentials -> "2 of 3: SQL Basics missing"), the same report `credanchor pathway
 * progress` computes, for the same panel on the same site, behind the same gate.
 */
import type { Express } from "express";
import express from "express";

import { verifyPathwayAward } from "../../core/pathway/cascade.ts";
import { parsePathwayDefinition } from "../../core/pathway/definition.ts";
import { pathwayProgress } from "../../core/pathway/progress.ts";
import { stackTree } from "../../core/pathway/tree.ts";
import { createCachingClient } from "../chain/readCache.ts";
import { invalidRequest } from "../errors.ts";
import type { Authenticator } from "../http/auth.ts";
import { bodyObject, onlyKeys } from "../http/params.ts";
import { createRateLimiter, type RateLimiter } from "../http/rateLimit.ts";
import { verifyPortableCredential } from "../verification.ts";
import { createVerifyCoalescer } from "../verifyCoalescer.ts";
import { createVerifyResultCache } from "../verifyResultCache.ts";
import type { RouteContext } from "./context.ts";
import { MAX_COMPONENTS, recipientOf } from "./pathways.ts";

/** Defaults when the settings carry no public-site block (tests building RouteSettings by hand). */
const defaults = { verifyPerSecond: 20, verifyBurst: 60, verifyBodyBytes: 256 * 1024 };

/**
 * Registers the verify route; call it before the /v1 authentication middleware.
 *
 * @example
 * ```ts
 * registerVerifyRoutes(app, context, { authenticator, tokenLimiter: limiter });
 * app.use("/v1", authenticate(authenticator), rateLimit(limiter));
 * ```
 */
export function registerVerifyRoutes(
  app: Express,
  context: RouteContext,
  access: { readonly authenticator: Authenticator; readonly tokenLimiter: RateLimiter },
): void {
  const site = { ...defaults, ...context.settings.publicSite };
  // The raw bytes are kept (body-parser's verify hook sees them before parsing) to key the result cache.
  const json = express.json({
    limit: site.verifyBodyBytes,
    type: () => true,
    verify: (req, _res, bytes) => {
      (req as { rawBody?: Uint8Array }).rawBody = bytes;
    },
  });
  const perAddress = createRateLimiter({
    perSecond: site.verifyPerSecond,
    burst: site.verifyBurst,
    subject: "this client address (verifying without a token)",
  });
  const reads = createCachingClient({ client: context.chain.client });
  const results = createVerifyResultCache();
  const verify = createVerifyCoalescer({
    options: {
      client: reads,
      allowedChains: context.settings.allowedChainIds?.map((id) => `eip155:${id}`),
      trustedRegistries: context.chain.trustedRegistries ?? [context.chain.registry],
      requiredConfirmations: context.settings.confirmations,
      // One registry status word per read: verifications of credentials of one batch share it (read cache).
      statusWindow: 256,
    },
  });
  /** A token (if any) must be good and pays from its own bucket; otherwise the client address's bucket pays. */
  const gate = async (req: express.Request, _res: express.Response, next: express.NextFunction): Promise<void> => {
    if (req.headers.authorization !== undefined) {
      const { token } = await access.authenticator(req.headers.authorization);
      access.tokenLimiter.take(token.id);
    } else {
      perAddress.take(`address:${req.socket.remoteAddress ?? "unknown"}`);
    }
    next();
  };
  app.post("/v1/verify", gate, json, async (req, res) => {
    const credential = bodyObject(req.body);
    const history = req.query["history"] === "1" || req.query["history"] === "true";
    // The answer is kept serialised: a repeated request costs no JSON.stringify of the report.
    const compute = async () => {
      const report = await verifyPortableCredential({
        credential,
        client: reads,
        allowedChainIds: context.settings.allowedChainIds,
        registry: context.chain.registry,
        trustedRegistries: context.chain.trustedRegistries,
        confirmations: context.settings.confirmations,
        verify,
        history,
      });
      return { status: report.status, json: JSON.stringify(report) };
    };
    const body = (req as { rawBody?: Uint8Array }).rawBody;
    const answer = body === undefined ? await compute() : await results({ body, variant: history ? "history" : "report", compute });
    res.type("application/json").send(answer.json);
  });

  /** What both pathway routes read the chain with: this deployment's registries only. */
  const pathwayChain = () => ({
    client: reads,
    allowedChains: context.settings.allowedChainIds?.map((id) => `eip155:${id}`),
    trustedRegistries: context.chain.trustedRegistries ?? [context.chain.registry],
    requiredConfirmations: context.settings.confirmations,
  });

  app.post("/v1/pathways/verify", gate, json, async (req, res) => {
    const body = bodyObject(req.body);
    onlyKeys(body, ["award", "components", "definition", "recipient"]);
    if (body.award === null || typeof body.award !== "object" || Array.isArray(body.award)) {
      throw invalidRequest("$.award", "must be the portable pathway award (a JSON object)", "the award file's JSON");
    }
    if (!Array.isArray(body.components)) throw invalidRequest("$.components", "must be an array", "the portable component credentials the award stacks");
    if (body.components.length > MAX_COMPONENTS) throw invalidRequest("$.components", `has ${body.components.length} entries`, `at most ${MAX_COMPONENTS}`);
    if (body.definition !== undefined && (body.definition === null || typeof body.definition !== "object" || Array.isArray(body.definition))) {
      throw invalidRequest("$.definition", "must be a pathway definition (a JSON object) when given", "credanchor-pathway-v1 definition");
    }
    const report = await verifyPathwayAward({
      award: body.award,
      components: body.components,
      definition: body.definition,
      recipient: recipientOf(body.recipient),
      ...pathwayChain(),
    });
    res.json({ ...report, tree: stackTree({ report }) });
  });

  app.post("/v1/pathways/progress", gate, json, async (req, res) => {
    const body = bodyObject(req.body);
    onlyKeys(body, ["definition", "credentials", "recipient"]);
    // Parsed here so a bad definition is a 400 naming `$.definition...`; core parses it again.
    const { definition } = parsePathwayDefinition({ definition: body.definition, path: "$.definition" });
    if (!Array.isArray(body.credentials)) throw invalidRequest("$.credentials", "must be an array", "the holder's portable credentials");
    if (body.credentials.length > MAX_COMPONENTS) throw invalidRequest("$.credentials", `has ${body.credentials.length} entries`, `at most ${MAX_COMPONENTS}`);
    const progress = await pathwayProgress({ definition, credentials: body.credentials, recipient: recipientOf(body.recipient), ...pathwayChain() });
    res.json(progress);
  });
}
