/**
 * GET /status-lists/:institution/:list: an institution's W3C Bitstring Status List
 * credentials, public (verifiers have no token), signed with the institution's key.
 * Its bits mirror the chain (statusList/publisher.ts); responses carry an ETag and a
 * short Cache-Control max-age so caches ask again soon after a revocation.
 */
import type { Express } from "express";

import { ServiceError } from "../errors.ts";
import type { StatusListPublisher } from "../statusList/publisher.ts";
import { STATUS_LIST_ROUTE } from "../statusList/urls.ts";

const DECIMAL = /^(0|[1-9][0-9]{0,8})$/;

/** Registers the status list route (before /v1 authentication). */
export function registerStatusListRoutes(app: Express, lists: StatusListPublisher, settings: { readonly maxAgeSeconds: number }): void {
  app.get(STATUS_LIST_ROUTE, async (req, res) => {
    const { institution, list } = req.params as { institution: string; list: string };
    const where = `/status-lists/${institution}/${list}`;
    if (!DECIMAL.test(institution) || !DECIMAL.test(list)) {
      throw new ServiceError({
        code: "CA_STATUS_LIST_NOT_FOUND",
        message: `No status list at ${where}: the institution id and the list number are decimal integers.`,
      });
    }
    const published = await lists.get({ institutionId: Number(institution), listNumber: Number(list) });
    if ("unavailable" in published) {
      if (published.unavailable === "unknown-list") {
        throw new ServiceError({ code: "CA_STATUS_LIST_NOT_FOUND", message: `No status list at ${where}.` });
      }
      throw new ServiceError({
        code: "CA_STATUS_LIST_UNAVAILABLE",
        message: `The status list at ${where} cannot be published: ${published.unavailable === "no-signing-key" ? "the institution has no signing key" : "the institution has no public URL to name it by"}.`,
      });
    }
    res.setHeader("ETag", published.etag);
    res.setHeader("Last-Modified", new Date(published.signedAt).toUTCString());
    res.setHeader("Cache-Control", `public, max-age=${settings.maxAgeSeconds}`);
    if (req.headers["if-none-match"] === published.etag) {
      res.status(304).end();
      return;
    }
    res.setHeader("Content-Type", "application/vc"); // the VC 2.0 media type
    res.end(JSON.stringify(published.credential));
  });
}
