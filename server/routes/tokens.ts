/**
 * POST /v1/tokens, GET /v1/tokens, DELETE /v1/tokens/:id (admin scope). Tokens only
 * ever see their own institution.
 */
import type { Express } from "express";
import express from "express";

import { invalidRequest, notFound } from "../errors.ts";
import { requireScope } from "../http/auth.ts";
import { bodyObject, onlyKeys, uuidParam } from "../http/params.ts";
import { createApiToken, parseScopes } from "../tokens.ts";
import type { TokenRow } from "../store/types.ts";
import type { RouteContext } from "./context.ts";

const view = (row: TokenRow) => ({
  id: row.id,
  name: row.name,
  scopes: row.scopes,
  createdAt: new Date(row.createdAt).toISOString(),
  revokedAt: row.revokedAt === null ? null : new Date(row.revokedAt).toISOString(),
});

/** Registers the token routes. */
export function registerTokenRoutes(app: Express, context: RouteContext): void {
  const { store, tokens } = context;
  const json = express.json({ limit: "64kb", type: () => true });

  app.post("/v1/tokens", json, async (req, res) => {
    const { institution } = requireScope(res, "admin");
    const body = bodyObject(req.body);
    onlyKeys(body, ["name", "scopes"]);
    if (typeof body.name !== "string" || body.name.length === 0 || body.name.length > 200) {
      throw invalidRequest("$.name", "must be a non-empty string of at most 200 characters", "string");
    }
    const scopes = parseScopes(body.scopes, "$.scopes");
    const { token, record } = await createApiToken({ store, institutionId: institution.id, scopes, name: body.name });
    res.status(201).json({ ...view(record), token });
  });

  app.get("/v1/tokens", async (_req, res) => {
    const { institution } = requireScope(res, "admin");
    res.json({ tokens: (await store.listTokens(institution.id)).map(view) });
  });

  app.delete("/v1/tokens/:id", async (req, res) => {
    const { institution } = requireScope(res, "admin");
    const id = uuidParam(req.params.id, "id");
    if (!(await store.revokeToken({ institutionId: institution.id, id, now: Date.now() }))) throw notFound("token", id);
    tokens.invalidate(id);
    res.status(204).end();
  });
}
