/**
 * Hosted credential pages, for a credential too big for a share link or a holder who
 * prefers a short URL: `/c/<id>` is the verifier page, which fetches the credential from
 * `/c/<id>/credential.json` and verifies it like a share link. Opt-in: the institution
 * opens a batch to pages (POST /v1/batches/:id/hosted-pages, token with the issue scope);
 * the holder withdraws their page with the secret of their withdraw link
 * (POST /c/<id>/withdraw), after which both URLs answer 410 Gone. A credential whose batch
 * is not open, not anchored, or that does not exist answers the same 404, so the URLs
 * reveal nothing about credentials without a page.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";

import type { Express, Request, Response } from "express";
import express from "express";

import { notFound, ServiceError } from "../errors.ts";
import { HOSTED_PAGE_PATH, hostedPageLinks, isWithdrawSecret, withdrawSecretOf, type HostedPageLinks } from "../hostedPages/links.ts";
import type { HostedPageStore } from "../hostedPages/store.ts";
import { authOf, requireScope } from "../http/auth.ts";
import { batchIdParam, bodyObject } from "../http/params.ts";
import type { CredentialWithBatch } from "../store/types.ts";
import type { RouteContext } from "./context.ts";
import { CONTENT_SECURITY_POLICY, SITE_DIR } from "./site.ts";

/** The site's policy, except that the page may set its <base> to the site's folder (its own origin). */
const HOSTED_PAGE_CSP = CONTENT_SECURITY_POLICY.replace("base-uri 'none'", "base-uri 'self'");

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function pageNotFound(id: string): ServiceError {
  return new ServiceError({ code: "CA_HOSTED_PAGE_NOT_FOUND", message: `No hosted page for credential ${JSON.stringify(id)}.` });
}

function pageWithdrawn(id: string, at: number): ServiceError {
  return new ServiceError({
    code: "CA_HOSTED_PAGE_WITHDRAWN",
    message: `The holder of credential ${id} withdrew its hosted page on ${new Date(at).toISOString().slice(0, 10)}.`,
  });
}

/** A plain page (no script) for 404 and 410: a visitor gets words, not JSON. */
function plainPage(res: Response, status: number, title: string, text: string): void {
  const escape = (value: string) => value.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  res.status(status);
  res.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Cache-Control", "no-cache");
  res.type("html").send(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title>` +
      `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1d1d1f}</style></head>` +
      `<body><main><h1 id="page-title" data-status="${status}">${escape(title)}</h1><p>${escape(text)}</p><p><a href="../">Verify a credential</a></p></main></body></html>`,
  );
}

/** A hosted page's links for the API's credential record, when its batch is open to pages. */
export async function hostedPageOf(
  hostedPages: HostedPageStore,
  credential: CredentialWithBatch,
  baseUrl: string,
): Promise<(HostedPageLinks & { readonly withdrawn: boolean }) | undefined> {
  if (credential.batch.state !== "anchored" || !(await hostedPages.isBatchEnabled(credential.batch.id))) return undefined;
  const secret = withdrawSecretOf({ key: await hostedPages.secretKey(), credentialId: credential.id });
  return { ...hostedPageLinks({ baseUrl, credentialId: credential.id, secret }), withdrawn: (await hostedPages.withdrawnAt(credential.id)) !== undefined };
}

/** Registers `/c/:id`, `/c/:id/credential.json` and `/c/:id/withdraw` (public: before the /v1 authentication). */
export function registerHostedPageRoutes(app: Express, context: RouteContext, options: { readonly siteDir?: string } = {}): void {
  const { store, hostedPages } = context;
  const siteDir = options.siteDir ?? SITE_DIR;
  const json = express.json({ limit: 4096, type: () => true });

  /** The anchored credential with an open page, or the error to answer. */
  async function lookup(rawId: string): Promise<CredentialWithBatch> {
    if (!UUID.test(rawId)) throw pageNotFound(rawId);
    const id = rawId.toLowerCase();
    for (const institutionId of await hostedPages.institutionsWithPages()) {
      const credential = await store.getCredential({ institutionId, id });
      if (credential === undefined) continue;
      if (credential.batch.state !== "anchored" || !(await hostedPages.isBatchEnabled(credential.batch.id))) break;
      const withdrawn = await hostedPages.withdrawnAt(id);
      if (withdrawn !== undefined) throw pageWithdrawn(id, withdrawn);
      return credential;
    }
    throw pageNotFound(rawId);
  }

  app.get(`/${HOSTED_PAGE_PATH}:id`, async (req: Request<{ id: string }>, res) => {
    try {
      await lookup(req.params.id);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      const gone = error.code === "CA_HOSTED_PAGE_WITHDRAWN";
      plainPage(res, error.httpStatus, gone ? "This credential page was withdrawn" : "No such credential page", error.message);
      return;
    }
    let page: string;
    try {
      page = await readFile(resolve(siteDir, "index.html"), "utf8");
    } catch {
      throw new ServiceError({ code: "CA_SITE_NOT_BUILT", message: `The verifier page is not built (no ${siteDir}/index.html).` });
    }
    res.setHeader("Content-Security-Policy", HOSTED_PAGE_CSP);
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cache-Control", "no-cache");
    // The page's relative URLs (assets/, config.json) are the site's: one level up.
    res.type("html").send(page.replace("<head>", '<head>\n  <base href="../">'));
  });

  app.get(`/${HOSTED_PAGE_PATH}:id/credential.json`, async (req: Request<{ id: string }>, res) => {
    const credential = await lookup(req.params.id);
    res.setHeader("Cache-Control", "no-cache");
    res.json({ credential: await context.proofs.portableOf(credential) });
  });

  app.post(`/${HOSTED_PAGE_PATH}:id/withdraw`, json, async (req: Request<{ id: string }>, res) => {
    const credential = await lookup(req.params.id).catch(async (error: unknown) => {
      // Withdrawing twice is not an error: the page stays withdrawn.
      if (error instanceof ServiceError && error.code === "CA_HOSTED_PAGE_WITHDRAWN") return undefined;
      throw error;
    });
    const id = req.params.id.toLowerCase();
    const secret = bodyObject(req.body)["secret"];
    if (typeof secret !== "string" || !isWithdrawSecret({ key: await hostedPages.secretKey(), credentialId: id, secret })) {
      throw new ServiceError({ code: "CA_HOSTED_PAGE_SECRET_INVALID", message: `That is not the withdraw secret of credential ${id}'s page.` });
    }
    const at = credential === undefined ? (await hostedPages.withdrawnAt(id))! : await hostedPages.withdraw({ credentialId: id, now: Date.now() });
    res.json({ id, withdrawn: true, withdrawnAt: new Date(at).toISOString() });
  });
}

/** Registers POST /v1/batches/:id/hosted-pages (after the /v1 authentication). */
export function registerHostedPageOptIn(app: Express, context: RouteContext): void {
  const { store, hostedPages } = context;
  app.post("/v1/batches/:id/hosted-pages", async (req, res) => {
    const { institution } = requireScope(res, "issue");
    const batchId = batchIdParam(req.params.id, "path parameter id");
    const batch = await store.getBatch({ institutionId: authOf(res).institution.id, id: batchId });
    if (batch === undefined) throw notFound("batch", String(batchId));
    await hostedPages.enableBatch({ institutionId: institution.id, batchId, now: Date.now() });
    res.json({ batch: batchId, hostedPages: true, state: batch.state });
  });
}
