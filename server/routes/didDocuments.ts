/**
 * Public DID documents of did:web issuers whose signing keys the service holds
 * (`GET /.well-known/did.json`, `GET /<path>/did.json`), so standard verifiers resolve
 * them the usual way. The DID is read from the Host header and the path, as the did:web
 * method maps them; no token (verifiers have none). Answers 404 for a DID it has no keys for.
 */
import type { Express, NextFunction, Request, Response } from "express";

import { ServiceError } from "../errors.ts";
import { didDocumentOf, didWebOfRequest } from "../signing/didDocument.ts";
import type { Keyring } from "../signing/keyring.ts";

/** Registers the DID document routes (before /v1 authentication). */
export function registerDidDocumentRoutes(app: Express, keyring: Keyring): void {
  // "/*path/did.json": a path DID's segments (did:web:host:dept:cs -> /dept/cs/did.json).
  const serve = (req: Request, res: Response, next: NextFunction) => {
    const did = didWebOfRequest({ host: req.headers.host ?? "", path: req.path });
    const keys = did === undefined ? [] : keyring.keysOf(did);
    if (did === undefined || keys.length === 0) {
      next(new ServiceError({ code: "CA_ROUTE_NOT_FOUND", message: `No DID document is served here for ${did ?? req.path}.` }));
      return;
    }
    res.setHeader("Content-Type", "application/did+json");
    res.setHeader("Cache-Control", "public, max-age=300");
    res.end(JSON.stringify(didDocumentOf({ did, keys })));
  };
  app.get("/.well-known/did.json", serve);
  app.get("/*path/did.json", serve);
}
