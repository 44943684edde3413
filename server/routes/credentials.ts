/**
 * POST /v1/credentials (JSON: one, envelope or bulk; or NDJSON), GET by id, by hash,
 * proof and live status.
 */
import type { Express, Request, Response } from "express";
import express from "express";

import { readBatch, readCredentialStatuses } from "../../core/registry.ts";
import { readStatusHistory, statusFromHistory } from "../../core/history.ts";
import { describeReason } from "../../core/reasons.ts";
import { invalidRequest, notFound, ServiceError } from "../errors.ts";
import { authOf, requireScope } from "../http/auth.ts";
import { hashParam, uuidParam } from "../http/params.ts";
import { acceptSubmission, lifecycleOf, parseJsonSubmission, toItem, type SubmissionItem } from "../intake.ts";
import type { CredentialWithBatch } from "../store/types.ts";
import { credentialView } from "../views.ts";
import type { RouteContext } from "./context.ts";

async function readNdjson(req: Request, limits: { bytes: number; items: number }): Promise<SubmissionItem[]> {
  const items: SubmissionItem[] = [];
  let received = 0;
  let carry = "";
  let line = 0;
  const takeLine = (text: string) => {
    line++;
    const trimmed = text.trim();
    if (trimmed === "") return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new ServiceError({
        code: "CA_REQUEST_JSON_MALFORMED",
        message: `NDJSON line ${line} is not valid JSON: ${(error as Error).message}.`,
        details: [{ path: `$[${items.length}]`, message: `line ${line}: ${(error as Error).message}`, expected: "one JSON object per line" }],
      });
    }
    if (items.length >= limits.items) {
      throw new ServiceError({
        code: "CA_REQUEST_TOO_LARGE",
        message: `More than ${limits.items} credentials in one request.`,
        details: [{ path: `$[${items.length}]`, message: `line ${line} exceeds the limit`, expected: `at most ${limits.items} lines` }],
      });
    }
    items.push(toItem(value, `$[${items.length}]`));
  };
  req.setEncoding("utf8");
  for await (const chunk of req as AsyncIterable<string>) {
    received += Buffer.byteLength(chunk);
    if (received > limits.bytes) {
      req.resume();
      throw new ServiceError({
        code: "CA_REQUEST_TOO_LARGE",
        message: `The NDJSON body is larger than the limit of ${limits.bytes} bytes.`,
        details: [{ path: "$", message: `body exceeds ${limits.bytes} bytes`, expected: `at most ${limits.bytes} bytes` }],
      });
    }
    const text = carry + chunk;
    let start = 0;
    for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
      takeLine(text.slice(start, newline));
      start = newline + 1;
    }
    carry = text.slice(start);
  }
  takeLine(carry);
  if (items.length === 0) throw invalidRequest("$", "the NDJSON body has no credentials", "one credential (or { clientId, credential }) per line");
  return items;
}

/** Registers the credential routes. */
export function registerCredentialRoutes(app: Express, context: RouteContext): void {
  const { store, settings, proofs, chain } = context;
  const json = express.json({ limit: settings.limits.bodyLimitBytes, type: "application/json" });

  async function lookup(res: Response, id: string): Promise<CredentialWithBatch> {
    const credential = await store.getCredential({ institutionId: authOf(res).institution.id, id });
    if (credential === undefined) throw notFound("credential", id);
    return credential;
  }

  async function document(credential: CredentialWithBatch): Promise<Record<string, unknown>> {
    return credential.batch.state === "anchored"
      ? proofs.portableOf(credential)
      : (JSON.parse(credential.body) as Record<string, unknown>);
  }

  app.post("/v1/credentials", async (req, res) => {
    const { institution } = requireScope(res, "issue");
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    let items: SubmissionItem[];
    if (type === "application/x-ndjson" || type === "application/jsonl") {
      items = await readNdjson(req, { bytes: settings.limits.ndjsonLimitBytes, items: settings.limits.maxCredentialsPerRequest });
    } else if (type === "application/json") {
      await new Promise<void>((resolve, reject) => json(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
      const key = req.headers["idempotency-key"];
      items = parseJsonSubmission({
        body: req.body,
        idempotencyKey: typeof key === "string" ? key : undefined,
        maxItems: settings.limits.maxCredentialsPerRequest,
      });
    } else {
      throw new ServiceError({
        code: "CA_UNSUPPORTED_MEDIA_TYPE",
        message: `Content-Type ${JSON.stringify(type || "(none)")} is not accepted here.`,
      });
    }
    const results = await acceptSubmission({
      store,
      pool: context.pool,
      institution,
      items,
      maxSize: settings.batchMaxSize,
      onBatchesFilled: (ids) => context.batcher.notifyFilled(ids),
    });
    context.metrics.credentialsAccepted.inc(results.filter((result) => result.existing === undefined).length);
    res.status(202);
    if (type !== "application/json") {
      res.type("application/x-ndjson");
      res.send(results.map((result) => JSON.stringify(result)).join("\n") + "\n");
      return;
    }
    const single = !("credentials" in (req.body as object));
    res.json(single ? results[0] : { credentials: results });
  });

  app.get("/v1/credentials/by-hash/:hash", async (req, res) => {
    const hash = hashParam(req.params.hash, "hash");
    const [credential] = await store.findCredentialsByHash({ institutionId: authOf(res).institution.id, hash });
    if (credential === undefined) throw notFound("credential with hash", req.params.hash);
    res.json(credentialView(credential, await document(credential)));
  });

  app.get("/v1/credentials/:id", async (req, res) => {
    const credential = await lookup(res, uuidParam(req.params.id, "id"));
    res.json(credentialView(credential, await document(credential)));
  });

  app.get("/v1/credentials/:id/proof", async (req, res) => {
    const credential = await lookup(res, uuidParam(req.params.id, "id"));
    if (credential.batch.state !== "anchored") {
      throw new ServiceError({
        code: "CA_CREDENTIAL_PENDING",
        message: `Credential ${credential.id} is ${lifecycleOf(credential.batch.state)} (batch ${credential.batchId} is ${credential.batch.state}); its proof exists once the batch is anchored.`,
      });
    }
    res.json(await proofs.proofOf(credential));
  });

  app.get("/v1/credentials/:id/status", async (req, res) => {
    const credential = await lookup(res, uuidParam(req.params.id, "id"));
    const { batch } = credential;
    const base = { id: credential.id, batch: batch.id, leafIndex: credential.leafIndex, lifecycle: lifecycleOf(batch.state) };
    if (batch.chainBatchId === null || (batch.state !== "mined" && batch.state !== "anchored")) {
      res.json({ ...base, status: "pending", reason: null, chainBatchId: batch.chainBatchId });
      return;
    }
    const location = { client: chain.client, registry: chain.registry };
    const [status] = await readCredentialStatuses({ ...location, batchId: batch.chainBatchId, leafIndices: [credential.leafIndex] });
    let reason: { code: number; text: string; transactionHash: string; blockNumber: string } | null = null;
    if (status !== "valid" && status !== "unknownBatch") {
      const onChain = await readBatch({ ...location, batchId: batch.chainBatchId });
      const events = await readStatusHistory({
        ...location,
        batchId: batch.chainBatchId,
        leafIndex: credential.leafIndex,
        institutionId: batch.institutionId,
        anchorer: onChain.anchorer,
      });
      const decided = statusFromHistory({ events, anchoredAt: onChain.anchoredAt }).decidedBy;
      if (decided !== undefined) {
        reason = {
          code: decided.reason,
          text: describeReason(decided.reason),
          transactionHash: decided.transactionHash,
          blockNumber: decided.blockNumber.toString(),
        };
      }
    }
    const head = await chain.client.getBlockNumber({ cacheTime: 0 });
    res.json({
      ...base,
      status,
      reason,
      chainBatchId: batch.chainBatchId,
      confirmations: batch.blockNumber === null ? null : Number(head) - batch.blockNumber + 1,
    });
  });
}
