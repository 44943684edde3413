/**
 * POST /v1/credentials (JSON: one, envelope or bulk; or NDJSON), GET by id, by hash,
 * proof, and status with its history from the registry event index.
 */
import type { Express, Request, Response } from "express";
import express from "express";

import { credentialStatusFromEvents } from "../chain/registryEvents.ts";
import { registryVersions } from "../../core/registry.ts";
import { shareLink } from "../../core/share.ts";
import { notFound, ServiceError } from "../errors.ts";
import { authOf, requireScope } from "../http/auth.ts";
import { hashParam, uuidParam } from "../http/params.ts";
import { sendJson } from "../http/sendJson.ts";
import { acceptSubmission, lifecycleOf, parseJsonSubmission, readNdjsonSubmission, type Submission } from "../intake.ts";
import type { CredentialWithBatch } from "../store/types.ts";
import { credentialView } from "../views.ts";
import type { RouteContext } from "./context.ts";
import { hostedPageOf } from "./hostedPages.ts";

/** A leading byte order mark is not part of the JSON text (RFC 8259 §8.1 lets parsers ignore it). */
const withoutBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/** Registers the credential routes. */
export function registerCredentialRoutes(app: Express, context: RouteContext): void {
  const { store, settings, proofs } = context;
  // Raw bytes, decoded once below: bulk bodies are split without parsing and parsed in the
  // hashing workers. (express.text built the string chunk by chunk, and V8 then copied all
  // of it again, into freshly faulted pages, on the first character read: ~3% of intake.)
  const rawJson = express.raw({ limit: settings.limits.bodyLimitBytes, type: () => true });

  async function lookup(res: Response, id: string): Promise<CredentialWithBatch> {
    const credential = await store.getCredential({ institutionId: authOf(res).institution.id, id });
    if (credential === undefined) throw notFound("credential", id);
    return credential;
  }

  /** The record with its share link once anchored (the page's URL: configured, else the one this request came to). */
  async function record(req: Request, credential: CredentialWithBatch) {
    const view = credentialView(credential, await document(credential));
    if (view.status !== "anchored") return view;
    const baseUrl = settings.publicSite?.url ?? `${req.protocol}://${req.get("host") ?? "localhost"}/`;
    const hostedPage = await hostedPageOf(context.hostedPages, credential, baseUrl);
    return { ...view, shareLink: await shareLink({ baseUrl, credential: view.credential }), ...(hostedPage === undefined ? {} : { hostedPage }) };
  }

  async function document(credential: CredentialWithBatch): Promise<Record<string, unknown>> {
    return credential.batch.state === "anchored"
      ? proofs.portableOf(credential)
      : (JSON.parse(credential.body) as Record<string, unknown>);
  }

  app.post("/v1/credentials", async (req, res) => {
    const { institution } = requireScope(res, "issue");
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    let submission: Submission;
    if (type === "application/x-ndjson" || type === "application/jsonl") {
      submission = await readNdjsonSubmission({
        stream: req,
        maxBytes: settings.limits.ndjsonLimitBytes,
        // A line holds one credential, and none larger than a JSON body may be is accepted.
        maxLineBytes: settings.limits.bodyLimitBytes,
        maxItems: settings.limits.maxCredentialsPerRequest,
      });
    } else if (type === "application/json") {
      const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers["content-type"] ?? "")?.[1]?.toLowerCase();
      if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
        throw new ServiceError({
          code: "CA_UNSUPPORTED_MEDIA_TYPE",
          message: `Unsupported body encoding: charset ${JSON.stringify(charset)}; JSON bodies are UTF-8 (RFC 8259).`,
          hints: ["Send the body as UTF-8 with Content-Type: application/json."],
        });
      }
      await new Promise<void>((resolve, reject) => rawJson(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
      const key = req.headers["idempotency-key"];
      submission = parseJsonSubmission({
        text: Buffer.isBuffer(req.body) ? withoutBom(req.body.toString("utf8")) : "",
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
      submission,
      maxSize: settings.batchMaxSize,
      onBatchesFilled: (ids) => context.batcher.notifyFilled(ids),
      signingKeys: context.sign ? context.keyring.keysOf(institution.identifier) : undefined,
      statusLists: context.statusLists,
      signAfterIntake: context.signer !== undefined,
      onAwaitingSignature: () => context.signer?.kick(),
    });
    context.metrics.credentialsAccepted.inc(results.filter((result) => result.existing === undefined).length);
    res.status(202);
    if (type !== "application/json") {
      res.type("application/x-ndjson");
      res.send(results.map((result) => JSON.stringify(result)).join("\n") + "\n");
      return;
    }
    res.json(submission.bulk ? { credentials: results } : results[0]);
  });

  app.get("/v1/credentials/by-hash/:hash", async (req, res) => {
    requireScope(res, "read");
    const hash = hashParam(req.params.hash, "hash");
    // A row awaiting its signature has no hash yet (its stored hashes are zero placeholders).
    const credential = (await store.findCredentialsByHash({ institutionId: authOf(res).institution.id, hash })).find((found) => !found.awaitingSignature);
    if (credential === undefined) throw notFound("credential with hash", req.params.hash);
    res.json(await record(req, credential));
  });

  app.get("/v1/credentials/:id", async (req, res) => {
    requireScope(res, "read");
    const credential = await lookup(res, uuidParam(req.params.id, "id"));
    res.json(await record(req, credential));
  });

  app.get("/v1/credentials/:id/proof", async (req, res) => {
    requireScope(res, "read");
    const id = uuidParam(req.params.id, "id");
    const credential = await store.getCredentialAnchor({ institutionId: authOf(res).institution.id, id });
    if (credential === undefined) throw notFound("credential", id);
    if (credential.batch.state !== "anchored") {
      throw new ServiceError({
        code: "CA_CREDENTIAL_PENDING",
        message: `Credential ${credential.id} is ${lifecycleOf(credential.batch.state)} (batch ${credential.batch.id} is ${credential.batch.state}); its proof exists once the batch is anchored.`,
      });
    }
    sendJson(res, 200, await proofs.proofOf(credential));
  });

  /** Credentials per status word of the service's registry (events name windows of this size). */
  const statusWindow = registryVersions[context.chain.registryVersion ?? 1].statusWindow;

  app.get("/v1/credentials/:id/status", async (req, res) => {
    requireScope(res, "read");
    const credential = await lookup(res, uuidParam(req.params.id, "id"));
    const { batch } = credential;
    const base = { id: credential.id, batch: batch.id, leafIndex: credential.leafIndex, lifecycle: lifecycleOf(batch.state, credential.awaitingSignature) };
    if (batch.chainBatchId === null || (batch.state !== "mined" && batch.state !== "anchored")) {
      res.json({ ...base, status: "pending", reason: null, history: [], chainBatchId: batch.chainBatchId });
      return;
    }
    // The answer comes from the registry event index; it is brought up to the batch's
    // anchoring block first. If the RPC is down, the index answers as far as it has read.
    try {
      await context.index.syncTo(batch.blockNumber ?? 0);
    } catch {
      // indexedThrough below says how far that is
    }
    const cursor = await context.index.cursor();
    const events = await store.listCredentialEvents({
      institutionId: batch.institutionId,
      chainBatchId: batch.chainBatchId,
      wordIndex: Math.floor(credential.leafIndex / statusWindow),
    });
    const { status, decidedBy, history } = credentialStatusFromEvents({ events, leafIndex: credential.leafIndex, statusWindow });
    const reason =
      decidedBy === null
        ? null
        : { code: decidedBy.reason.code, text: decidedBy.reason.text, transactionHash: decidedBy.transactionHash, blockNumber: String(decidedBy.blockNumber) };
    const indexedThrough = cursor?.blockNumber ?? null;
    res.json({
      ...base,
      status,
      reason,
      history,
      chainBatchId: batch.chainBatchId,
      confirmations: batch.blockNumber === null || indexedThrough === null ? null : Math.max(0, indexedThrough - batch.blockNumber + 1),
      indexedThrough,
    });
  });
}
