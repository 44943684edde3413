/**
 * Intake: turns a submission (one credential, `{ credentials: [...] }`, or NDJSON lines)
 * into stored, queued credentials with their leaf positions.
 *
 * All or nothing: every credential is validated first; if any is invalid the request is
 * rejected as a whole (422 listing the position and JSON path of each problem) and
 * nothing is stored. One transaction then checks the idempotency keys, reserves leaf
 * positions in the institution's open batch (spilling into new batches at maxSize) and
 * inserts the rows, so a 202 means every credential of the request is on disk.
 */
import { hashLeaf } from "../core/hash.ts";
import { bytesToHex } from "../core/index.ts";
import { invalidRequest, ServiceError, type RequestIssue } from "./errors.ts";
import type { SigningKey } from "../core/vc/eddsa.ts";
import type { HashPool } from "./hashing/pool.ts";
import type { StatusListAssigner } from "./statusList/assigner.ts";
import { MAX_CLIENT_ID } from "./hashing/prepare.ts";
import { splitBulkBody } from "./hashing/splitJson.ts";
import { newUuidV7 } from "./ids.ts";
import type { BatchState, InstitutionRow, IntakeItem, Store } from "./store/types.ts";

/**
 * A submission before validation: the items' JSON texts (bulk bodies split without
 * parsing, NDJSON lines) or parsed values (single submissions, fallback).
 */
export type Submission = {
  readonly texts?: readonly string[] | undefined;
  readonly values?: readonly unknown[] | undefined;
  /** JSON path of item i in the request, e.g. `$.credentials[3]`, `$[3]` (NDJSON), `$`. */
  readonly pathOf: (index: number) => string;
  /** True for `{ credentials: [...] }` and NDJSON (answered as a list). */
  readonly bulk: boolean;
  /** Idempotency-Key header (single submissions). */
  readonly defaultClientId?: string | undefined;
};

/**
 * Public lifecycle of a credential, from its batch's state: `signing` while the service has
 * not signed it yet (signing after intake, server/signing/signer.ts; it has no hash yet).
 */
export type CredentialLifecycle = "signing" | "queued" | "anchoring" | "anchored";

/** Maps a batch state (and whether the credential awaits its signature) to what API clients see. */
export function lifecycleOf(state: BatchState, awaitingSignature = false): CredentialLifecycle {
  if (awaitingSignature) return "signing";
  if (state === "anchored") return "anchored";
  if (state === "open" || state === "full" || state === "closed") return "queued";
  return "anchoring";
}

/**
 * What the API answers per accepted credential. A credential the service signs after
 * intake (status `signing`) has no `credentialHash` or `leafHash` yet: GET
 * /v1/credentials/:id shows them once it is signed.
 */
export type SubmissionResult = {
  readonly id: string;
  readonly clientId: string | null;
  readonly credentialHash?: `0x${string}`;
  readonly batch: number;
  readonly leafIndex: number;
  readonly leafHash?: `0x${string}`;
  readonly status: CredentialLifecycle;
  /** Present (true) when the idempotency key matched an earlier identical submission. */
  readonly existing?: true;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function tooMany(count: number, maxItems: number, path: string): ServiceError {
  return new ServiceError({
    code: "CA_REQUEST_TOO_LARGE",
    message: `${path} has ${count} credentials; at most ${maxItems} per request.`,
    details: [{ path, message: `has ${count} entries`, expected: `at most ${maxItems}` }],
  });
}

/** Parameters of {@link parseJsonSubmission}. */
export type ParseJsonSubmissionParameters = {
  /** The raw JSON body. */
  readonly text: string;
  /** The `Idempotency-Key` header (single submissions only). */
  readonly idempotencyKey?: string | undefined;
  readonly maxItems: number;
};

/**
 * Reads a JSON submission: a credential, an envelope `{ clientId, credential }`, or
 * `{ credentials: [...] }`. Bulk bodies are split into element texts without parsing
 * (parsing happens in the hashing workers); anything else is parsed here.
 *
 * @example
 * ```ts
 * const submission = parseJsonSubmission({ text: body, maxItems: 500_000 });
 * ```
 */
export function parseJsonSubmission(parameters: ParseJsonSubmissionParameters): Submission {
  const { text, idempotencyKey, maxItems } = parameters;
  if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > MAX_CLIENT_ID)) {
    throw invalidRequest("Idempotency-Key header", "must be 1..256 characters", "string (1..256 characters)");
  }
  const split = splitBulkBody(text);
  if (split !== undefined) {
    if (idempotencyKey !== undefined) {
      throw invalidRequest("Idempotency-Key header", "applies to single submissions only", "a clientId per credential in bulk submissions");
    }
    if (split.length === 0) throw invalidRequest("$.credentials", "is empty", "at least one credential");
    if (split.length > maxItems) throw tooMany(split.length, maxItems, "$.credentials");
    return { texts: split, pathOf: (index) => `$.credentials[${index}]`, bulk: true };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new ServiceError({
      code: "CA_REQUEST_JSON_MALFORMED",
      message: `The request body is not valid JSON: ${(error as Error).message}.`,
      details: [{ path: "$", message: (error as Error).message, expected: "a well-formed JSON document" }],
    });
  }
  if (!isRecord(body)) throw invalidRequest("$", "must be a JSON object", "a credential, { clientId, credential } or { credentials: [...] }");
  if ("credentials" in body && !("@context" in body)) {
    for (const key of Object.keys(body)) {
      if (key !== "credentials") throw invalidRequest(`$.${key}`, "unknown member of a bulk submission", "only credentials");
    }
    if (idempotencyKey !== undefined) {
      throw invalidRequest("Idempotency-Key header", "applies to single submissions only", "a clientId per credential in bulk submissions");
    }
    const list = body.credentials;
    if (!Array.isArray(list)) throw invalidRequest("$.credentials", "must be an array", "array of credentials");
    if (list.length === 0) throw invalidRequest("$.credentials", "is empty", "at least one credential");
    if (list.length > maxItems) throw tooMany(list.length, maxItems, "$.credentials");
    return { values: list, pathOf: (index) => `$.credentials[${index}]`, bulk: true };
  }
  return { values: [body], pathOf: () => "$", bulk: false, defaultClientId: idempotencyKey };
}

/** Parameters of {@link readNdjsonSubmission}. */
export type ReadNdjsonSubmissionParameters = {
  readonly stream: AsyncIterable<Buffer | string> & { setEncoding?: (encoding: BufferEncoding) => unknown; resume?: () => unknown };
  /** Largest body. */
  readonly maxBytes: number;
  /** Largest line: the largest credential accepted at all (the JSON body limit). */
  readonly maxLineBytes: number;
  readonly maxItems: number;
};

function tooLarge(message: string, path: string, expected: string): ServiceError {
  return new ServiceError({ code: "CA_REQUEST_TOO_LARGE", message, details: [{ path, message, expected }] });
}

/**
 * Reads an NDJSON body line by line as it arrives (one credential or envelope per line;
 * blank lines are skipped); the lines are parsed in the hashing workers. Item i has the
 * path `$[i]`.
 *
 * Linear in the body: each chunk is scanned once for newlines, and the unfinished line is
 * kept as a list of pieces joined once, when its newline arrives. A line longer than
 * `maxLineBytes` is refused as soon as it passes the limit, without buffering the rest.
 *
 * @example
 * ```ts
 * const submission = await readNdjsonSubmission({ stream: req, maxBytes, maxLineBytes, maxItems });
 * ```
 */
export async function readNdjsonSubmission(parameters: ReadNdjsonSubmissionParameters): Promise<Submission> {
  const { stream, maxBytes, maxLineBytes, maxItems } = parameters;
  const texts: string[] = [];
  let received = 0;
  let pending: string[] = []; // the unfinished line, in pieces
  let pendingBytes = 0;
  const take = (line: string) => {
    if (line.trim() === "") return;
    if (texts.length >= maxItems) throw tooMany(texts.length + 1, maxItems, "$");
    texts.push(line);
  };
  const refuse = (error: ServiceError): never => {
    stream.resume?.();
    throw error;
  };
  const lineTooLong = () =>
    refuse(
      tooLarge(
        `NDJSON line $[${texts.length}] is longer than ${maxLineBytes} bytes, the largest credential accepted.`,
        `$[${texts.length}]`,
        `at most ${maxLineBytes} bytes per line`,
      ),
    );
  stream.setEncoding?.("utf8");
  for await (const chunk of stream) {
    const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
    received += Buffer.byteLength(text);
    if (received > maxBytes) {
      refuse(tooLarge(`The NDJSON body is larger than the limit of ${maxBytes} bytes.`, "$", `at most ${maxBytes} bytes`));
    }
    let start = 0;
    for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
      const piece = text.slice(start, newline);
      if (pendingBytes + Buffer.byteLength(piece) > maxLineBytes) lineTooLong();
      pending.push(piece);
      take(pending.length === 1 ? piece : pending.join(""));
      pending = [];
      pendingBytes = 0;
      start = newline + 1;
    }
    if (start < text.length) {
      const rest = start === 0 ? text : text.slice(start);
      pendingBytes += Buffer.byteLength(rest);
      if (pendingBytes > maxLineBytes) lineTooLong();
      pending.push(rest);
    }
  }
  take(pending.join(""));
  if (texts.length === 0) throw invalidRequest("$", "the NDJSON body has no credentials", "one credential (or { clientId, credential }) per line");
  return { texts, pathOf: (index) => `$[${index}]`, bulk: true };
}

/** Parameters of {@link acceptSubmission}. */
export type AcceptSubmissionParameters = {
  readonly store: Store;
  readonly pool: HashPool;
  readonly institution: InstitutionRow;
  readonly submission: Submission;
  readonly maxSize: number;
  /** Called with batches that became full (so the batcher can close them at once). */
  readonly onBatchesFilled?: ((batchIds: readonly number[]) => void) | undefined;
  readonly now?: number | undefined;
  /** The institution's signing keys (oldest first): unsigned credentials are then signed (credanchor-proof-v2). */
  readonly signingKeys?: readonly SigningKey[] | undefined;
  /** Gives each credential the service signs its status list entry (server/statusList/); none: no credentialStatus. */
  readonly statusLists?: StatusListAssigner | undefined;
  /**
   * Store the credentials the service signs unsigned and answer at once; the signer
   * (server/signing/signer.ts) signs them before their batch closes. Default false: signed here.
   */
  readonly signAfterIntake?: boolean | undefined;
  /** Called when credentials awaiting a signature were stored (main.ts: the signer's kick). */
  readonly onAwaitingSignature?: (() => void) | undefined;
};

const REJECTION = {
  malformed: { code: "CA_REQUEST_JSON_MALFORMED", what: "not valid JSON" },
  request: { code: "CA_REQUEST_INVALID", what: "not well-formed submissions" },
  credential: { code: "CA_CREDENTIALS_INVALID", what: "invalid" },
} as const;

/**
 * Validates, hashes and stores a submission. Throws 400 (malformed items), 422
 * `CA_CREDENTIALS_INVALID` (every invalid credential, by position and JSON path) or 409
 * `CA_IDEMPOTENCY_CONFLICT` (every key reused with different content); otherwise every
 * credential is stored, in one transaction.
 *
 * @example
 * ```ts
 * const results = await acceptSubmission({ store, pool, institution, submission, maxSize: 10_000 });
 * ```
 */
export async function acceptSubmission(parameters: AcceptSubmissionParameters): Promise<SubmissionResult[]> {
  const { store, pool, institution, submission, maxSize } = parameters;
  const count = submission.texts?.length ?? submission.values?.length ?? 0;
  const now = parameters.now ?? Date.now();
  // Entries exist before signing: the signature and the credential hash cover them.
  const statuses =
    parameters.signingKeys !== undefined && parameters.signingKeys.length > 0
      ? await parameters.statusLists?.assign({ institution, count, now })
      : undefined;
  const prepared = await pool.prepare({
    statusEntries: statuses?.map((status) => status.entry),
    texts: submission.texts,
    values: submission.values,
    issuerIdentifier: institution.identifier,
    defaultClientId: submission.defaultClientId,
    signingKeys: parameters.signingKeys,
    deferSigning: parameters.signAfterIntake,
  });
  if (prepared.invalid.length > 0) {
    const worst = (["malformed", "request", "credential"] as const).find((kind) => prepared.invalid.some((entry) => entry.kind === kind))!;
    const entries = prepared.invalid.filter((entry) => entry.kind === worst);
    const details: RequestIssue[] = [];
    for (const { index, issues } of entries) {
      const base = submission.pathOf(index);
      for (const issue of issues) details.push({ ...issue, path: base + issue.path.slice(1), position: index });
    }
    const positions = entries.map((entry) => entry.index);
    const { code, what } = REJECTION[worst];
    throw new ServiceError({
      code,
      message: submission.bulk
        ? `${positions.length} of ${count} submitted items are ${what} (positions ${positions.slice(0, 20).join(", ")}${positions.length > 20 ? ", …" : ""}); nothing was stored.`
        : `The submitted credential is ${what}: ${details[0]!.path}: ${details[0]!.message}${details.length > 1 ? ` (and ${details.length - 1} more)` : ""}.`,
      details: details.slice(0, 1000),
    });
  }
  const intake: IntakeItem[] = new Array(count);
  for (let i = 0; i < count; i++) {
    intake[i] = {
      clientId: prepared.clientIds[i]!,
      body: prepared.bodies[i]!,
      salt: prepared.salts.subarray(i * 32, i * 32 + 32),
      credentialHash: prepared.hashes.subarray(i * 32, i * 32 + 32),
      status: prepared.statusApplied?.[i] === true ? statuses?.[i]?.position : undefined,
      awaitingSignature: prepared.awaitingSignature?.[i] === true,
    };
  }
  const result = await store.submitCredentials({
    institutionId: institution.id,
    items: intake,
    maxSize,
    now,
    // core's leaf hash on bytes (the public leafHash returns hex; this runs once per credential).
    leafHash: (leafIndex, credentialHash) => hashLeaf(leafIndex, credentialHash),
    newId: newUuidV7,
  });
  if (!result.ok) {
    throw new ServiceError({
      code: "CA_IDEMPOTENCY_CONFLICT",
      message: `Idempotency key ${JSON.stringify(result.conflicts[0]!.clientId)} was already used for a different credential${
        result.conflicts.length > 1 ? ` (and ${result.conflicts.length - 1} more keys)` : ""
      }; nothing was stored.`,
      details: result.conflicts.slice(0, 1000).map(({ position, clientId }) => ({
        path: submission.pathOf(position),
        message: `idempotency key ${JSON.stringify(clientId)} was already used for different content`,
        expected: "the same content as the first submission with this key, or a new key",
        position,
      })),
    });
  }
  if (result.filledBatches.length > 0) parameters.onBatchesFilled?.(result.filledBatches);
  if (result.records.some((record) => record.awaitingSignature)) parameters.onAwaitingSignature?.();
  return result.records.map((record) => {
    const out: SubmissionResult = record.awaitingSignature
      ? { id: record.id, clientId: record.clientId, batch: record.batchId, leafIndex: record.leafIndex, status: "signing" }
      : {
          id: record.id,
          clientId: record.clientId,
          credentialHash: bytesToHex({ bytes: record.credentialHash }),
          batch: record.batchId,
          leafIndex: record.leafIndex,
          leafHash: bytesToHex({ bytes: record.leafHash }),
          status: lifecycleOf(record.batchState),
        };
    return record.existing ? { ...out, existing: true } : out;
  });
}
