/**
 * The CPU-heavy part of intake, as one pure function that runs in a worker thread or
 * inline: parse each submitted item (when given as JSON text), unwrap the optional
 * `{ clientId, credential }` envelope, validate the credential (core), check that it
 * names the institution as issuer, canonicalise it (RFC 8785), draw its 32-byte salt and
 * hash it (core).
 *
 * credanchor-proof-v2: a credential submitted with an issuer signature (eddsa-rdfc-2022,
 * `proof`) has it checked against the institution's DID and is kept signed; with the
 * institution's signing keys given, an unsigned credential is signed here. Either way the
 * hash then covers the signed credential (core/proofV2.ts).
 */
import {
  canonicalizeCredential,
  credentialHashFromCanonical,
  CredanchorError,
  hexToBytes,
  validateCredential,
  type FieldIssue,
} from "../../core/index.ts";
import { canonicalizeSignedCredential, isIssuerSignature, parseBitstringStatusEntry, type BitstringStatusEntry, type DidDocument } from "../../core/index.ts";
import { randomBytesInto } from "../../core/random.ts";
import { signCredential, verifyIssuerSignature, type SigningKey } from "../../core/vc/eddsa.ts";
import { createDocumentLoader, type DocumentLoader } from "../../core/vc/documentLoader.ts";
import { documentExpands } from "../../core/vc/jsonLdQuads.ts";
import { didDocumentOf } from "../signing/didDocument.ts";
import { issuerIdOf, issuerMatches } from "../../core/verify/issuerMatches.ts";

/** Longest accepted idempotency key. */
export const MAX_CLIENT_ID = 256;
const ENVELOPE_KEYS = new Set(["credential", "clientId"]);
/** Items prepared concurrently (signatures made or checked in flight at once). */
const SIGNING_WINDOW = 64;

/** Parameters of {@link prepareItems}: items as JSON texts or as parsed values. */
export type PrepareItemsParameters = {
  readonly texts?: readonly string[] | undefined;
  readonly values?: readonly unknown[] | undefined;
  /** The institution's registered identifier: every credential's issuer must match it. */
  readonly issuerIdentifier: string;
  /** The Idempotency-Key header of a single submission. */
  readonly defaultClientId?: string | undefined;
  /** The institution's signing keys, oldest first (the last signs); none: unsigned credentials stay credanchor-proof-v1. */
  readonly signingKeys?: readonly SigningKey[] | undefined;
  /**
   * Item i's status list entry (server/statusList/), put in as `credentialStatus` before
   * the service signs it, so the signature and the hash cover it. Credentials signed
   * elsewhere keep their own and leave theirs unused.
   */
  readonly statusEntries?: readonly (BitstringStatusEntry | undefined)[] | undefined;
  /**
   * Sign after intake (server/signing/signer.ts): a credential the service signs is
   * returned unsigned (its status entry in), marked in `awaitingSignature`, with no hash.
   */
  readonly deferSigning?: boolean | undefined;
};

/**
 * What is wrong with one item. `kind` says how the request is answered: `malformed`
 * (400, not JSON), `request` (400, envelope or key problems), `credential` (422).
 * Paths are relative to the item (`$` is the item).
 */
export type PreparedIssue = {
  readonly index: number;
  readonly kind: "malformed" | "request" | "credential";
  readonly issues: readonly FieldIssue[];
};

/** Return type of {@link prepareItems}. When `invalid` is non-empty the rest is empty. */
export type PrepareItemsReturnType = {
  readonly invalid: readonly PreparedIssue[];
  /** Idempotency key of each item: envelope `clientId`, else the credential `id`. */
  readonly clientIds: readonly (string | null)[];
  /** JCS text of each credential. */
  readonly bodies: readonly string[];
  /** n × 32 bytes of salt. */
  readonly salts: Uint8Array;
  /** n × 32 bytes of credential hash. */
  readonly hashes: Uint8Array;
  /** Whether item i's body carries its entry of `statusEntries` (absent: none does). */
  readonly statusApplied?: readonly boolean[] | undefined;
  /** Whether item i is returned unsigned, to be signed after intake (`deferSigning`); its hash is then zero. */
  readonly awaitingSignature?: readonly boolean[] | undefined;
};

let expansionLoader: DocumentLoader | undefined;
/**
 * Whether a credential can be signed after the 202 without risk: core's fast JSON-LD path
 * expands it (safe mode, shipped contexts; checked without building the quads). What it
 * declines (an undefined term, a shape outside its subset) is signed at intake instead,
 * by the reference implementation, which answers the 422 for what safe mode refuses: a
 * credential accepted with a 202 never fails to be signed, so it never holds up its batch.
 */
function signableLater(credential: Record<string, unknown>): Promise<boolean> {
  expansionLoader ??= createDocumentLoader();
  // Declined (FastPathUnsupported, a context it cannot load): the reference decides, now.
  return documentExpands({ document: credential, documentLoader: expansionLoader });
}

/**
 * The service's signature on an unsigned credential, as the JCS text its hash covers: the
 * one signing step of intake (prepareItems) and of the signer after intake (signStored.ts).
 */
export async function signToCanonical(credential: Record<string, unknown>, key: SigningKey): Promise<string> {
  return canonicalizeSignedCredential({ credential: await signCredential({ credential, key }) });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function credentialIdOf(credential: Record<string, unknown>): string | null {
  const id = credential.id;
  return typeof id === "string" && id.length > 0 && id.length <= MAX_CLIENT_ID ? id : null;
}

type Unwrapped =
  | { readonly ok: true; readonly credential: Record<string, unknown>; readonly clientId: string | null; readonly base: string }
  | { readonly ok: false; readonly issue: Omit<PreparedIssue, "index"> };

/** Splits an item into its credential and idempotency key. */
function unwrap(value: unknown, defaultClientId: string | undefined): Unwrapped {
  if (!isRecord(value)) {
    return {
      ok: false,
      issue: { kind: "request", issues: [{ path: "$", message: "is not a credential object or { clientId, credential }", expected: "object" }] },
    };
  }
  if (!("credential" in value) || "@context" in value) {
    return { ok: true, credential: value, clientId: defaultClientId ?? credentialIdOf(value), base: "$" };
  }
  for (const key of Object.keys(value)) {
    if (!ENVELOPE_KEYS.has(key)) {
      return {
        ok: false,
        issue: { kind: "request", issues: [{ path: `$.${key}`, message: "unknown member of a submission envelope", expected: "clientId, credential" }] },
      };
    }
  }
  const { clientId, credential } = value;
  if (clientId !== undefined && (typeof clientId !== "string" || clientId.length === 0 || clientId.length > MAX_CLIENT_ID)) {
    return {
      ok: false,
      issue: { kind: "request", issues: [{ path: "$.clientId", message: "is not a non-empty string of at most 256 characters", expected: "string (1..256 characters)" }] },
    };
  }
  if (!isRecord(credential)) {
    return { ok: false, issue: { kind: "credential", issues: [{ path: "$.credential", message: "is not a JSON object", expected: "a credential object" }] } };
  }
  return {
    ok: true,
    credential,
    clientId: (clientId as string | undefined) ?? defaultClientId ?? credentialIdOf(credential),
    base: "$.credential",
  };
}

function checkCredential(credential: Record<string, unknown>, issuerIdentifier: string, presigned: boolean): FieldIssue[] {
  try {
    validateCredential({ credential });
  } catch (error) {
    if (error instanceof CredanchorError) return [...(error.details ?? [{ path: "$", message: error.message }])];
    throw error;
  }
  const issues: FieldIssue[] = [];
  // A signed credential keeps the status entry its signature covers; otherwise both are the service's.
  for (const member of presigned ? [] : (["proof", "credentialStatus"] as const)) {
    if (member in credential) {
      issues.push({
        path: `$.${member}`,
        message:
          member === "proof"
            ? "must be absent or one eddsa-rdfc-2022 issuer signature (a DataIntegrityProof for assertionMethod): the service adds the anchor proof"
            : "must not be present on an unsigned credential: the service adds it",
        expected: "absent",
      });
    }
  }
  const issuerId = issuerIdOf(credential);
  if (issuerId === undefined || !issuerMatches({ issuerId, institutionIdentifier: issuerIdentifier })) {
    issues.push({
      path: typeof credential.issuer === "string" ? "$.issuer" : "$.issuer.id",
      message: `does not name this institution (${JSON.stringify(issuerId ?? null)})`,
      expected: JSON.stringify(issuerIdentifier),
    });
  }
  return issues;
}

const rebase = (issues: readonly FieldIssue[], base: string): FieldIssue[] =>
  base === "$" ? [...issues] : issues.map((issue) => ({ ...issue, path: base + issue.path.slice(1) }));

/**
 * Parses, validates and hashes items. Every invalid item is collected (so a bulk
 * rejection can list every bad position), never thrown.
 *
 * @example
 * ```ts
 * const { invalid, clientIds, bodies, hashes, salts } = prepareItems({ texts, issuerIdentifier: "did:web:example.edu" });
 * ```
 */
export async function prepareItems(parameters: PrepareItemsParameters): Promise<PrepareItemsReturnType> {
  const { texts, values, issuerIdentifier, defaultClientId } = parameters;
  const signingKeys = parameters.signingKeys ?? [];
  const signer = signingKeys.at(-1);
  // The institution's own DID document, for checking credentials it signed elsewhere with a key the service knows.
  const ownDocument: DidDocument | undefined = signingKeys.length > 0 ? didDocumentOf({ did: signingKeys[0]!.controller, keys: signingKeys }) : undefined;
  const resolveDid = async (did: string) => (ownDocument !== undefined && did === ownDocument.id ? ownDocument : undefined);
  const count = texts?.length ?? values?.length ?? 0;
  const invalid: PreparedIssue[] = [];
  const clientIds: (string | null)[] = new Array(count);
  const bodies: string[] = new Array(count);
  const salts = randomBytesInto(new Uint8Array(count * 32));
  const hashes = new Uint8Array(count * 32);
  const statusApplied: boolean[] = new Array(count).fill(false);
  const awaitingSignature: boolean[] = new Array(count).fill(false);

  /** One item: its issues, or its canonical (JCS) text; `collectOnly` once the request fails anyway. */
  async function prepareOne(
    index: number,
    collectOnly: boolean,
  ): Promise<{ issue: PreparedIssue } | { canonical: string; clientId: string | null; statusApplied: boolean; deferred: boolean } | undefined> {
    let value: unknown;
    if (texts !== undefined) {
      try {
        value = JSON.parse(texts[index]!);
      } catch (error) {
        return { issue: { index, kind: "malformed", issues: [{ path: "$", message: (error as Error).message, expected: "well-formed JSON" }] } };
      }
    } else {
      value = values![index];
    }
    const item = unwrap(value, defaultClientId);
    if (!item.ok) return { issue: { index, ...item.issue } };
    const presigned = isIssuerSignature(item.credential.proof);
    const issues = checkCredential(item.credential, issuerIdentifier, presigned);
    if (issues.length === 0 && presigned && "credentialStatus" in item.credential) {
      // What credanchor-proof-v2 verifiers read: one BitstringStatusListEntry (Open Badges 3.0 allows one).
      try {
        if (Array.isArray(item.credential.credentialStatus)) throw new CredanchorError({ code: "CA_PROOF_MALFORMED", message: "is a list", details: [{ path: "$.credentialStatus", message: "is a list; one entry is allowed", expected: "one BitstringStatusListEntry" }] });
        parseBitstringStatusEntry({ credentialStatus: item.credential.credentialStatus });
      } catch (error) {
        if (!(error instanceof CredanchorError)) throw error;
        issues.push(...(error.details ?? [{ path: "$.credentialStatus", message: error.message }]));
      }
    }
    if (issues.length === 0 && presigned) {
      const result = await verifyIssuerSignature({ credential: item.credential, resolveDid });
      if (result.outcome !== "valid") {
        issues.push({
          path: "$.proof",
          message: `the issuer signature was not accepted: ${result.reason}`,
          expected: `an eddsa-rdfc-2022 signature by a key of ${issuerIdentifier}`,
        });
      }
    }
    if (issues.length > 0) return { issue: { index, kind: "credential", issues: rebase(issues, item.base) } };
    if (collectOnly) return undefined; // the request fails anyway: only collect issues
    try {
      const entry = parameters.statusEntries?.[index];
      const toSign = entry === undefined ? item.credential : { ...item.credential, credentialStatus: entry };
      // Deferred only when signing cannot fail later (after the 202): see signableLater.
      const deferred = !presigned && signer !== undefined && parameters.deferSigning === true && (await signableLater(toSign));
      const canonical = presigned
        ? canonicalizeSignedCredential({ credential: item.credential })
        : deferred
          ? canonicalizeSignedCredential({ credential: toSign }) // no proof yet: signed after intake
          : signer !== undefined
            ? await signToCanonical(toSign, signer)
            : canonicalizeCredential({ credential: item.credential });
      return { canonical, clientId: item.clientId, statusApplied: !presigned && signer !== undefined && entry !== undefined, deferred };
    } catch (error) {
      if (!(error instanceof CredanchorError)) throw error;
      return { issue: { index, kind: "credential", issues: rebase(error.details ?? [{ path: "$", message: error.message }], item.base) } };
    }
  }

  // Items of a window are signed and checked concurrently: the Ed25519 operations run off
  // this thread (Web Crypto), so one at a time would leave the thread waiting.
  for (let start = 0; start < count; start += SIGNING_WINDOW) {
    const window = Array.from({ length: Math.min(SIGNING_WINDOW, count - start) }, (_, k) => start + k);
    const collectOnly = invalid.length > 0;
    const outcomes = await Promise.all(window.map((index) => prepareOne(index, collectOnly)));
    outcomes.forEach((outcome, k) => {
      const index = start + k;
      if (outcome === undefined) return;
      if ("issue" in outcome) {
        invalid.push(outcome.issue);
        return;
      }
      if (invalid.length > 0) return;
      const salt = salts.subarray(index * 32, index * 32 + 32);
      // A deferred item's hash stays zero: the signer hashes the signed credential.
      if (!outcome.deferred) hashes.set(hexToBytes({ hex: credentialHashFromCanonical({ canonical: outcome.canonical, salt }), size: 32 }), index * 32);
      bodies[index] = outcome.canonical;
      clientIds[index] = outcome.clientId;
      statusApplied[index] = outcome.statusApplied;
      awaitingSignature[index] = outcome.deferred;
    });
  }
  if (invalid.length > 0) return { invalid, clientIds: [], bodies: [], salts: new Uint8Array(0), hashes: new Uint8Array(0) };
  return { invalid, clientIds, bodies, salts, hashes, statusApplied, awaitingSignature };
}
