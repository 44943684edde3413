/**
 * POST /v1/verify: core's verification report for a portable credential, trusting only
 * this service's registry and chain allow-list.
 */
import type { Express } from "express";
import express from "express";

import { verifyCredential } from "../../core/verify/verifyCredentials.ts";
import { requireScope } from "../http/auth.ts";
import { bodyObject } from "../http/params.ts";
import type { RouteContext } from "./context.ts";

/** Registers the verify route. */
export function registerVerifyRoutes(app: Express, context: RouteContext): void {
  const json = express.json({ limit: "4mb", type: () => true });
  app.post("/v1/verify", json, async (req, res) => {
    requireScope(res, "read");
    const report = await verifyCredential({
      credential: bodyObject(req.body),
      client: context.chain.client,
      allowedChains: context.settings.allowedChainIds?.map((id) => `eip155:${id}`),
      trustedRegistries: [context.chain.registry],
      requiredConfirmations: context.settings.confirmations,
    });
    res.json(report);
  });
}
