/**
 * Unauthenticated operational routes: /healthz (process up), /readyz (database, RPC and
 * publisher, from kept state), /metrics (Prometheus text), /openapi.json.
 */
import type { Express } from "express";

import { openApiDocument } from "../openapi.ts";
import type { RouteContext } from "./context.ts";

/** Registers the operational routes. */
export function registerHealthRoutes(app: Express, context: RouteContext): void {
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  // Answers from state kept by the store, the RPC monitor and the publisher, never from a
  // call that could wait on the RPC: a probe with a short timeout gets a 503, not a timeout.
  app.get("/readyz", async (_req, res) => {
    const checks: Record<string, { ok: boolean; detail?: string; code?: string }> = {};
    try {
      await context.store.ping();
      const store = context.store.health();
      checks.database = store.writable
        ? { ok: true }
        : { ok: false, code: store.failure?.code, detail: `writes fail since ${new Date(store.failure?.since ?? 0).toISOString()}: ${store.failure?.message}` };
    } catch (error) {
      checks.database = { ok: false, detail: (error as Error).message };
    }
    const rpc = context.rpcHealth();
    checks.rpc = rpc.up
      ? { ok: true, detail: `block ${rpc.block}` }
      : { ok: false, detail: rpc.error ?? "RPC unreachable" };
    const publisher = context.publisherHealth();
    if (publisher !== undefined) {
      const ok = publisher.rpcUp && publisher.lastError === undefined;
      checks.publisher = { ok, ...(publisher.lastError === undefined ? {} : { detail: publisher.lastError }) };
    }
    const failing = context.signer?.health().failing ?? [];
    if (context.signer !== undefined) {
      // Reported, not a reason to refuse traffic: the rows stay stored and are retried.
      checks.signing =
        failing.length === 0
          ? { ok: true }
          : { ok: false, code: "CA_SIGNING_FAILED", detail: failing.map((failure) => `institution ${failure.institutionId}: ${failure.rows} credentials not signed: ${failure.message}`).join("; ") };
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
