/**
 * The signed status list credentials the service serves, kept in memory and re-derived
 * from the registry event index when it moves on.
 *
 * A request for a list answers the cached signed credential unless (a) the index has
 * read new blocks since the bits were derived and `refreshMs` has passed since, or (b) the
 * credential is past half its validity. Derivation (derive.ts) runs once per institution
 * at a time (concurrent requests share it); a list is signed again only when its bits
 * changed or its validity runs low, so signing costs at most one signature per list per
 * `refreshMs`, and usually none.
 */
import { createHash } from "node:crypto";

import { encodeStatusList, statusListCredential, STATUS_LIST_LENGTH } from "../../core/statusList.ts";
import { signCredential } from "../../core/vc/eddsa.ts";
import type { Keyring } from "../signing/keyring.ts";
import type { IndexCursor, Store } from "../store/types.ts";
import { deriveRevokedPositions, type RevokedPositions } from "./derive.ts";
import { statusListBaseOf, statusListUrl } from "./urls.ts";

/** A signed list as served. */
export type PublishedStatusList = {
  readonly credential: Record<string, unknown>;
  /** Strong validator of the signed document. */
  readonly etag: string;
  readonly signedAt: number;
  readonly validUntil: number;
};

/** Why a list cannot be served. */
export type StatusListUnavailable = { readonly unavailable: "unknown-list" | "no-signing-key" | "no-url" };

/** The publisher. */
export type StatusListPublisher = {
  /** The signed list, or why there is none. */
  get(parameters: { readonly institutionId: number; readonly listNumber: number }): Promise<PublishedStatusList | StatusListUnavailable>;
};

/** Parameters of {@link createStatusListPublisher}. */
export type CreateStatusListPublisherParameters = {
  readonly store: Store;
  readonly keyring: Keyring;
  readonly publicUrl?: string | undefined;
  /** Least time between two derivations of an institution's bits (default 1,000 ms). */
  readonly refreshMs?: number | undefined;
  /** validUntil - validFrom of a signed list (default 24 h); re-signed past half of it. */
  readonly validityMs?: number | undefined;
  readonly listLength?: number | undefined;
  readonly now?: (() => number) | undefined;
};

/** How far behind a verifier's clock may run without rejecting a freshly signed list. */
const CLOCK_SKEW_MS = 5 * 60_000;

type Derived = { readonly cursor: IndexCursor | undefined; readonly at: number; readonly revoked: RevokedPositions };

const sameCursor = (a: IndexCursor | undefined, b: IndexCursor | undefined) => a?.blockNumber === b?.blockNumber && a?.blockHash === b?.blockHash;

/**
 * @example
 * ```ts
 * const lists = createStatusListPublisher({ store, keyring });
 * const list = await lists.get({ institutionId: 1, listNumber: 0 });
 * ```
 */
export function createStatusListPublisher(parameters: CreateStatusListPublisherParameters): StatusListPublisher {
  const { store, keyring } = parameters;
  const refreshMs = parameters.refreshMs ?? 1_000;
  const validityMs = parameters.validityMs ?? 24 * 3_600_000;
  const listLength = parameters.listLength ?? STATUS_LIST_LENGTH;
  const now = parameters.now ?? Date.now;
  const derived = new Map<number, Derived>();
  const deriving = new Map<number, Promise<Derived>>();
  const signed = new Map<string, { fingerprint: string; list: PublishedStatusList }>();

  async function bitsOf(institutionId: number): Promise<Derived> {
    const current = derived.get(institutionId);
    const cursor = await store.getIndexCursor();
    if (current !== undefined && (sameCursor(current.cursor, cursor) || now() - current.at < refreshMs)) return current;
    let running = deriving.get(institutionId);
    if (running === undefined) {
      running = (async () => {
        const at = now();
        const revoked = await deriveRevokedPositions({ store, institutionId });
        const result: Derived = { cursor, at, revoked };
        derived.set(institutionId, result);
        return result;
      })().finally(() => deriving.delete(institutionId));
      deriving.set(institutionId, running);
    }
    return running;
  }

  return {
    async get({ institutionId, listNumber }) {
      const institution = await store.getInstitution(institutionId);
      if (institution === undefined) return { unavailable: "unknown-list" };
      const lists = await store.listStatusLists({ institutionId });
      if (!lists.some((list) => list.listNumber === listNumber)) return { unavailable: "unknown-list" };
      const key = keyring.keysOf(institution.identifier).at(-1);
      if (key === undefined) return { unavailable: "no-signing-key" };
      const base = statusListBaseOf({ identifier: institution.identifier, publicUrl: parameters.publicUrl });
      if (base === undefined) return { unavailable: "no-url" };

      const bits = [...((await bitsOf(institutionId)).revoked.get(listNumber) ?? [])].sort((a, b) => a - b);
      const fingerprint = bits.join(",");
      const cacheKey = `${institutionId}/${listNumber}`;
      const cached = signed.get(cacheKey);
      const at = now();
      if (cached !== undefined && cached.fingerprint === fingerprint && at < cached.list.signedAt + validityMs / 2) return cached.list;
      const url = statusListUrl({ base, institutionId, listNumber });
      const signedAt = new Date(Math.floor(at / 1000) * 1000);
      // validFrom a little before signing: a verifier whose clock runs behind would otherwise
      // call a freshly re-signed list "not yet valid" (verifier-core does) and fail the credential.
      const validFrom = new Date(signedAt.getTime() - CLOCK_SKEW_MS);
      const validUntil = new Date(signedAt.getTime() + validityMs);
      const credential = await signCredential({
        key,
        created: signedAt,
        credential: statusListCredential({ url, issuer: institution.identifier, encodedList: await encodeStatusList({ setIndices: bits, length: listLength }), validFrom, validUntil }),
      });
      const text = JSON.stringify(credential);
      const list: PublishedStatusList = {
        credential,
        etag: `"${createHash("sha256").update(text).digest("base64url").slice(0, 27)}"`,
        signedAt: signedAt.getTime(),
        validUntil: validUntil.getTime(),
      };
      signed.set(cacheKey, { fingerprint, list });
      return list;
    },
  };
}
