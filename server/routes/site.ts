/**
 * The public verifier site, no token needed: `/` is the page built from web/
 * (scripts/build-web.ts writes web/dist), `/assets/*` its scripts, and `/config.json`
 * this deployment's chain, trusted registry and verify endpoint, so a visitor types
 * none of them. The same page also works as a static build talking only to an RPC
 * endpoint (build-web.ts --static).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";

import type { Express, Response } from "express";
import express from "express";

import { ServiceError } from "../errors.ts";
import type { RouteContext } from "./context.ts";

/** Where scripts/build-web.ts writes the page. */
export const SITE_DIR = resolve(import.meta.dirname, "../../web/dist");

/**
 * Scripts may run only from this origin; images from anywhere (badge images are issuers'
 * URLs); connections anywhere (the advanced panel may name any RPC endpoint).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src https: http: data:",
  "connect-src *",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

function notBuilt(): ServiceError {
  return new ServiceError({ code: "CA_SITE_NOT_BUILT", message: `The verifier page is not built (no ${SITE_DIR}/index.html).` });
}

/** Registers `/`, `/assets/*` and `/config.json`. */
export function registerSiteRoutes(app: Express, context: RouteContext, options: { readonly siteDir?: string } = {}): void {
  const siteDir = options.siteDir ?? SITE_DIR;
  const page = (res: Response) => {
    const file = resolve(siteDir, "index.html");
    if (!existsSync(file)) throw notBuilt();
    res.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(file);
  };
  app.get("/", (_req, res) => page(res));

  app.use(
    "/assets",
    express.static(resolve(siteDir, "assets"), {
      fallthrough: false,
      index: false,
      // Chunk names carry a content hash; the entry script does not.
      setHeaders: (res, path) =>
        res.setHeader("Cache-Control", /chunk-[A-Z0-9]+\.js$/.test(path) ? "public, max-age=31536000, immutable" : "no-cache"),
    }),
  );

  app.get("/config.json", (_req, res) => {
    const site = context.settings.publicSite;
    res.setHeader("Cache-Control", "no-cache");
    res.json({
      chain: `eip155:${context.chain.chainId}`,
      registries: context.chain.trustedRegistries ?? [context.chain.registry],
      // Which registry new credentials are anchored in (v2 when deployed; older ones keep verifying).
      anchoringRegistry: context.chain.registry,
      verifyUrl: "v1/verify?history=1",
      pathwayVerifyUrl: "v1/pathways/verify",
      pathwayProgressUrl: "v1/pathways/progress",
      ...(site?.rpcUrl === undefined ? {} : { rpcUrl: site.rpcUrl }),
      ...(site?.url === undefined ? {} : { publicUrl: site.url }),
    });
  });
}
