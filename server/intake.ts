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
import { encodeHex } from "../core/hex.ts";
import { leafHash } from "../core/hash.ts";
import { hexToBytes } from "../core/hex.ts";
import { invalidRequest, ServiceError, type RequestIssue } from "./errors.ts";
import type { HashPool } from "./hashing/pool.ts";
import { newUuidV7 } from "./ids.ts";
import type { BatchState, InstitutionRow, IntakeItem, Store } from "./store/types.ts";

/** One credential of a submission, before validation. */
export type SubmissionItem = {
  readonly credential: unknown;
  /** Idempotency key: the envelope's `clientId`, else the credential's `id`. */
  readonly clientId: string | null;
  /** JSON path of the credential in the request, e.g. `$.credentials[3]` or `$[3]` (NDJSON line 4). */
  readonly path: string;
};

/** Public lifecycle of a credential, from its batch's state. */
export type CredentialLifecycle = "queued" | "anchoring" | "anchored";

/** Maps a batch state to what API clients see. */
export function lifecycleOf(state: BatchState): CredentialLifecycle {
  if (state === "anchored") return "anchored";
  if (state === "open" || state === "full" || state === "closed") return "queued";
  return "anchoring";
}

/** What the API answers per accepted credential. */
export type SubmissionResult = {
  readonly id: string;
  readonly clientId: string | null;
  readonly credentialHash: `0x${string}`;
  readonly batch: number;
  readonly leafIndex: number;
  readonly leafHash: `0x${string}`;
  readonly status: CredentialLifecycle;
  /** Present (true) when the idempotency key matched an earlier identical submission. */
  readonly existing?: true;
};

const MAX_CLIENT_ID = 256;
const ENVELOPE_KEYS = new Set(["credential", "clientId"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function clientIdOf(value: unknown, path: string): string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_CLIENT_ID) {
    throw invalidRequest(path, "must be a non-empty string of at most 256 characters", "string (1..256 characters)");
  }
  return value;
}

/**
 * One element of a submission: a credential, or an envelope `{ clientId, credential }`.
 * @internal exported for the NDJSON reader
 */
export function toItem(value: unknown, path: string, headerKey?: string | undefined): SubmissionItem {
  if (!isRecord(value)) {
    throw invalidRequest(path, "must be a credential object or { clientId, credential }", "object");
  }
  if ("credential" in value && !("@context" in value)) {
    for (const key of Object.keys(value)) {
      if (!ENVELOPE_KEYS.has(key)) throw invalidRequest(`${path}.${key}`, "unknown member of a submission envelope", "clientId or credential");
    }
    const clientId = value.clientId === undefined ? null : clientIdOf(value.clientId, `${path}.clientId`);
    return { credential: value.credential, clientId: clientId ?? headerKey ?? credentialIdOf(value.credential), path: `${path}.credential` };
  }
  return { credential: value, clientId: headerKey ?? credentialIdOf(value), path };
}

function credentialIdOf(credential: unknown): string | null {
  if (!isRecord(credential)) return null;
  const id = credential.id;
  return typeof id === "string" && id.length > 0 && id.length <= MAX_CLIENT_ID ? id : null;
}

/** Parameters of {@link parseJsonSubmission}. */
export type ParseJsonSubmissionParameters = {
  readonly body: unknown;
  /** The `Idempotency-Key` header (single submissions only). */
  readonly idempotencyKey?: string | undefined;
  readonly maxItems: number;
};

/**
 * Reads a JSON submission: a credential, an envelope, or `{ credentials: [...] }`.
 *
 * @example
 * ```ts
 * const items = parseJsonSubmission({ body: req.body, maxItems: 500_000 });
 * ```
 */
export function parseJsonSubmission(parameters: ParseJsonSubmissionParameters): SubmissionItem[] {
  const { body, idempotencyKey, maxItems } = parameters;
  if (!isRecord(body)) throw invalidRequest("$", "must be a JSON object", "a credential, { clientId, credential } or { credentials: [...] }");
  if (idempotencyKey !== undefined) clientIdOf(idempotencyKey, "Idempotency-Key header");
  if ("credentials" in body) {
    for (const key of Object.keys(body)) {
      if (key !== "credentials") throw invalidRequest(`$.${key}`, "unknown member of a bulk submission", "only credentials");
    }
    if (idempotencyKey !== undefined) {
      throw invalidRequest("Idempotency-Key header", "applies to single submissions only", "a clientId per credential in bulk submissions");
    }
    const list = body.credentials;
    if (!Array.isArray(list)) throw invalidRequest("$.credentials", "must be an array", "array of credentials");
    if (list.length === 0) throw invalidRequest("$.credentials", "is empty", "at least one credential");
    if (list.length > maxItems) {
      throw new ServiceError({
        code: "CA_REQUEST_TOO_LARGE",
        message: `$.credentials has ${list.length} entries; at most ${maxItems} per request.`,
        details: [{ path: "$.credentials", message: `has ${list.length} entries`, expected: `at most ${maxItems}` }],
      });
    }
    return list.map((value, index) => toItem(value, `$.credentials[${index}]`));
  }
  return [toItem(body, "$", idempotencyKey)];
}

/** Parameters of {@link acceptSubmission}. */
export type AcceptSubmissionParameters = {
  readonly store: Store;
  readonly pool: HashPool;
  readonly institution: InstitutionRow;
  readonly items: readonly SubmissionItem[];
  readonly maxSize: number;
  /** Called with batches that became full (so the batcher can close them at once). */
  readonly onBatchesFilled?: ((batchIds: readonly number[]) => void) | undefined;
  readonly now?: number | undefined;
};

/**
 * Validates, hashes and stores a submission. Throws 422 `CA_CREDENTIALS_INVALID` (every
 * invalid credential, by position and JSON path) or 409 `CA_IDEMPOTENCY_CONFLICT`
 * (every key reused with different content); otherwise every credential is stored.
 *
 * @example
 * ```ts
 * const results = await acceptSubmission({ store, pool, institution, items, maxSize: 10_000 });
 * ```
 */
export async function acceptSubmission(parameters: AcceptSubmissionParameters): Promise<SubmissionResult[]> {
  const { store, pool, institution, items, maxSize } = parameters;
  const prepared = await pool.prepare({
    credentials: items.map((item) => item.credential),
    issuerIdentifier: institution.identifier,
  });
  if (prepared.invalid.length > 0) {
    const details: RequestIssue[] = [];
    for (const { index, issues } of prepared.invalid) {
      const base = items[index]!.path;
      for (const issue of issues) details.push({ ...issue, path: base + issue.path.slice(1), position: index });
    }
    const positions = prepared.invalid.map((entry) => entry.index);
    throw new ServiceError({
      code: "CA_CREDENTIALS_INVALID",
      message:
        items.length === 1
          ? `The credential is invalid: ${details[0]!.path}: ${details[0]!.message}${details.length > 1 ? ` (and ${details.length - 1} more)` : ""}.`
          : `${positions.length} of ${items.length} credentials are invalid (positions ${positions.slice(0, 20).join(", ")}${positions.length > 20 ? ", …" : ""}); nothing was stored.`,
      details: details.slice(0, 1000),
    });
  }
  const intake: IntakeItem[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    intake[i] = {
      clientId: items[i]!.clientId,
      body: prepared.bodies[i]!,
      salt: prepared.salts.subarray(i * 32, i * 32 + 32),
      credentialHash: prepared.hashes.subarray(i * 32, i * 32 + 32),
    };
  }
  const result = await store.submitCredentials({
    institutionId: institution.id,
    items: intake,
    maxSize,
    now: parameters.now ?? Date.now(),
    leafHash: (leafIndex, credentialHash) => hexToBytes({ hex: leafHash({ leafIndex, credentialHash }), size: 32 }),
    newId: newUuidV7,
  });
  if (!result.ok) {
    throw new ServiceError({
      code: "CA_IDEMPOTENCY_CONFLICT",
      message: `Idempotency key ${JSON.stringify(result.conflicts[0]!.clientId)} was already used for a different credential${
        result.conflicts.length > 1 ? ` (and ${result.conflicts.length - 1} more keys)` : ""
      }; nothing was stored.`,
      details: result.conflicts.slice(0, 1000).map(({ position, clientId }) => ({
        path: `${items[position]!.path}`,
        message: `idempotency key ${JSON.stringify(clientId)} was already used for different content`,
        expected: "the same content as the first submission with this key, or a new key",
        position,
      })),
    });
  }
  if (result.filledBatches.length > 0) parameters.onBatchesFilled?.(result.filledBatches);
  return result.records.map((record) => {
    const out: SubmissionResult = {
      id: record.id,
      clientId: record.clientId,
      credentialHash: encodeHex(record.credentialHash),
      batch: record.batchId,
      leafIndex: record.leafIndex,
      leafHash: encodeHex(record.leafHash),
      status: lifecycleOf(record.batchState),
    };
    return record.existing ? { ...out, existing: true } : out;
  });
}
