/**
 * GET /v1/batches, GET /v1/batches/:id, POST /v1/batches/close.
 */
import type { Express, Response } from "express";

import { invalidRequest, notFound } from "../errors.ts";
import { authOf, requireScope } from "../http/auth.ts";
import { batchIdParam } from "../http/params.ts";
import { batchView } from "../views.ts";
import type { RouteContext } from "./context.ts";

/** Registers the batch routes. */
export function registerBatchRoutes(app: Express, context: RouteContext): void {
  const { store, chain, batcher } = context;

  async function head(): Promise<bigint | undefined> {
    try {
      return await chain.client.getBlockNumber({ cacheTime: 0 });
    } catch {
      return undefined; // confirmations shown as null while the RPC is down
    }
  }

  const institutionOf = (res: Response) => authOf(res).institution.id;

  app.get("/v1/batches", async (req, res) => {
    requireScope(res, "read");
    const limitText = req.query.limit;
    const limit = limitText === undefined ? 100 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw invalidRequest("query parameter limit", `${JSON.stringify(limitText)} is out of range`, "an integer in 1..1000");
    }
    const before = req.query.before === undefined ? undefined : batchIdParam(req.query.before, "query parameter before");
    const batches = await store.listBatches({ institutionId: institutionOf(res), limit, beforeId: before });
    const latest = await head();
    res.json({
      batches: batches.map((batch) => batchView(batch, latest)),
      next: batches.length === limit ? `/v1/batches?limit=${limit}&before=${batches.at(-1)!.id}` : null,
    });
  });

  app.get("/v1/batches/:id", async (req, res) => {
    requireScope(res, "read");
    const id = batchIdParam(req.params.id, "path parameter id");
    const batch = await store.getBatch({ institutionId: institutionOf(res), id });
    if (batch === undefined) throw notFound("batch", String(id));
    res.json(batchView(batch, await head()));
  });

  app.post("/v1/batches/close", async (_req, res) => {
    const { institution } = requireScope(res, "issue");
    const batch = await batcher.closeOpenBatch(institution.id);
    if (batch === undefined) {
      res.status(200).json({ closed: false, batch: null, message: "No open batch with credentials." });
      return;
    }
    res.status(202).json({ closed: true, batch: batchView(batch, undefined) });
  });
}
