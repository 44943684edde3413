/**
 * Unauthenticated operational routes: /healthz (process up), /readyz (database and
 * RPC), /metrics (Prometheus text), /openapi.json.
 */
import type { Express } from "express";

import { openApiDocument } from "../openapi.ts";
import type { RouteContext } from "./context.ts";

/** Registers the operational routes. */
export function registerHealthRoutes(app: Express, context: RouteContext): void {
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.get("/readyz", async (_req, res) => {
    const checks: Record<string, { ok: boolean; detail?: string }> = {};
    try {
      await context.store.ping();
      checks.database = { ok: true };
    } catch (error) {
      checks.database = { ok: false, detail: (error as Error).message };
    }
    try {
      const block = await context.chain.client.getBlockNumber({ cacheTime: 0 });
      checks.rpc = { ok: true, detail: `block ${block}` };
    } catch (error) {
      checks.rpc = { ok: false, detail: (error as { shortMessage?: string }).shortMessage ?? "RPC unreachable" };
    }
    const publisher = context.publisherHealth();
    if (publisher !== undefined) {
      checks.publisher = { ok: publisher.rpcUp, ...(publisher.lastError === undefined ? {} : { detail: publisher.lastError }) };
    }
    const ready = checks.database!.ok && checks.rpc!.ok;
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready", checks });
  });

  app.get("/metrics", async (_req, res) => {
    res.type(context.metrics.registry.contentType).send(await context.metrics.registry.metrics());
  });

  app.get("/openapi.json", (_req, res) => {
    res.json(openApiDocument);
  });
}
