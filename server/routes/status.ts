/**
 * POST /v1/credentials/revoke | suspend | reinstate and POST /v1/batches/:id/revoke:
 * on-chain status changes with reason codes (revoke scope).
 */
import type { Express } from "express";
import express from "express";

import { invalidRequest, notFound, ServiceError } from "../errors.ts";
import { requireScope } from "../http/auth.ts";
import { batchIdParam, bodyObject, onlyKeys, reasonParam, uuidParam } from "../http/params.ts";
import type { CredentialAction, StatusTarget } from "../statusChanges.ts";
import type { RouteContext } from "./context.ts";

/** Most credentials one status request may name. */
export const MAX_STATUS_TARGETS = 10_000;

/** Registers the status-change routes. */
export function registerStatusRoutes(app: Express, context: RouteContext): void {
  const { store, statusChanger } = context;
  const json = express.json({ limit: "2mb", type: () => true });

  for (const action of ["revoke", "suspend", "reinstate"] as const satisfies readonly CredentialAction[]) {
    app.post(`/v1/credentials/${action}`, json, async (req, res) => {
      const { institution } = requireScope(res, "revoke");
      const body = bodyObject(req.body);
      const reason = reasonParam(body.reasonCode, "$.reasonCode");
      const targets: StatusTarget[] = [];
      if ("ids" in body) {
        onlyKeys(body, ["ids", "reasonCode"]);
        const ids = body.ids;
        if (!Array.isArray(ids) || ids.length === 0) throw invalidRequest("$.ids", "must be a non-empty array of credential ids", "array of UUIDs");
        if (ids.length > MAX_STATUS_TARGETS) throw invalidRequest("$.ids", `has ${ids.length} entries`, `at most ${MAX_STATUS_TARGETS}`);
        const wanted = ids.map((id, index) => uuidParam(id, `$.ids[${index}]`));
        const found = new Map(
          (await store.getCredentialsByIds({ institutionId: institution.id, ids: wanted })).map((credential) => [credential.id, credential]),
        );
        wanted.forEach((id, index) => {
          const credential = found.get(id);
          if (credential === undefined) {
            throw new ServiceError({
              code: "CA_NOT_FOUND",
              message: `No credential ${JSON.stringify(id)} for this institution.`,
              details: [{ path: `$.ids[${index}]`, message: "unknown credential id" }],
            });
          }
          targets.push({ batch: credential.batch, leafIndex: credential.leafIndex, id });
        });
      } else if ("batchId" in body || "leafIndices" in body) {
        onlyKeys(body, ["batchId", "leafIndices", "reasonCode"]);
        const batchId = batchIdParam(body.batchId, "$.batchId");
        const batch = await store.getBatch({ institutionId: institution.id, id: batchId });
        if (batch === undefined) throw notFound("batch", String(batchId));
        const indices = body.leafIndices;
        if (!Array.isArray(indices) || indices.length === 0) {
          throw invalidRequest("$.leafIndices", "must be a non-empty array of leaf indices", "array of integers");
        }
        if (indices.length > MAX_STATUS_TARGETS) throw invalidRequest("$.leafIndices", `has ${indices.length} entries`, `at most ${MAX_STATUS_TARGETS}`);
        indices.forEach((value, index) => {
          if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value >= batch.size) {
            throw invalidRequest(`$.leafIndices[${index}]`, `${JSON.stringify(value)} is out of range`, `an integer in 0..${batch.size - 1}`);
          }
          targets.push({ batch, leafIndex: value });
        });
      } else {
        throw invalidRequest("$", "names no credentials", "{ ids: [...] } or { batchId, leafIndices: [...] }");
      }
      const result = await statusChanger.changeCredentials({ action, targets, reason });
      res.json({ action, reasonCode: reason, ...result });
    });
  }

  app.post("/v1/batches/:id/revoke", json, async (req, res) => {
    const { institution } = requireScope(res, "revoke");
    const id = batchIdParam(req.params.id, "path parameter id");
    const body = req.body === undefined || (typeof req.body === "object" && Object.keys(req.body as object).length === 0) ? {} : bodyObject(req.body);
    onlyKeys(body, ["reasonCode"]);
    const reason = reasonParam(body.reasonCode, "$.reasonCode");
    const batch = await store.getBatch({ institutionId: institution.id, id });
    if (batch === undefined) throw notFound("batch", String(id));
    const result = await statusChanger.revokeBatch({ batch, reason });
    res.json({ action: "revokeBatch", batch: batch.id, chainBatchId: batch.chainBatchId, reasonCode: reason, transactions: [{ batch: batch.id, txHash: result.txHash, blockNumber: result.blockNumber }], status: result.status, ...(result.executeAfter === undefined ? {} : { scheduled: { executeAfter: new Date(result.executeAfter * 1000).toISOString() } }) });
  });
}
