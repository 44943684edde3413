/**
 * POST /v1/verify: core's verification report for a portable credential.
 */
import type { Express } from "express";
import express from "express";

import { bodyObject } from "../http/params.ts";
import { verifyPortableCredential } from "../verification.ts";
import type { RouteContext } from "./context.ts";

/** Registers the verify route. */
export function registerVerifyRoutes(app: Express, context: RouteContext): void {
  const json = express.json({ limit: "4mb", type: () => true });
  app.post("/v1/verify", json, async (req, res) => {
    const credential = bodyObject(req.body);
    const report = await verifyPortableCredential({
      credential,
      client: context.chain.client,
      allowedChainIds: context.settings.allowedChainIds,
      registry: context.chain.registry,
      confirmations: context.settings.confirmations,
    });
    res.json(report);
  });
}
