/**
 * Status list entries for intake: reserves positions in the institution's lists (one
 * short store transaction per request, O(1) per credential: a counter moves on) and maps
 * each position to its random index through the list's seeded permutation
 * (permutation.ts, computed once per list and kept).
 *
 * Positions are reserved before the credentials are signed, because the entry is part of
 * what the issuer signs and the credential hash covers. A position reserved for a request
 * that is then refused, or for a credential signed elsewhere (it keeps its own entry),
 * stays unused: its bit is never set, and no index is ever handed out twice.
 */
import { STATUS_LIST_LENGTH, statusListEntry } from "../../core/statusList.ts";
import type { BitstringStatusEntry } from "../../core/proofV2.ts";
import type { InstitutionRow, StatusListPosition, Store } from "../store/types.ts";
import { newStatusListSeed, statusListPermutation } from "./permutation.ts";
import { statusListBaseOf, statusListUrl } from "./urls.ts";

/** One credential's entry and where it is stored. */
export type AssignedStatus = { readonly position: StatusListPosition; readonly entry: BitstringStatusEntry };

/** The assigner intake uses. */
export type StatusListAssigner = {
  /** Entries for `count` credentials of `institution`; undefined when it has no status list URL. */
  assign(parameters: { readonly institution: InstitutionRow; readonly count: number; readonly now: number }): Promise<AssignedStatus[] | undefined>;
  /** The permutation of a list (also the status list service's view of it). */
  permutationOf(parameters: { readonly institutionId: number; readonly listNumber: number; readonly seed: Uint8Array }): Uint32Array;
};

/** Parameters of {@link createStatusListAssigner}. */
export type CreateStatusListAssignerParameters = {
  readonly store: Store;
  /** The service's public URL (base of lists of institutions that are not did:web). */
  readonly publicUrl?: string | undefined;
  /** Entries per list (default core's STATUS_LIST_LENGTH; smaller only in tests). */
  readonly listLength?: number | undefined;
  /** Permutations kept in memory (512 KiB each at the default length; default 16). */
  readonly cachedLists?: number | undefined;
};

/**
 * @example
 * ```ts
 * const assigner = createStatusListAssigner({ store, publicUrl: "https://issuer.example" });
 * const entries = await assigner.assign({ institution, count: 3, now: Date.now() });
 * ```
 */
export function createStatusListAssigner(parameters: CreateStatusListAssignerParameters): StatusListAssigner {
  const { store } = parameters;
  const listLength = parameters.listLength ?? STATUS_LIST_LENGTH;
  const cachedLists = parameters.cachedLists ?? 16;
  const permutations = new Map<string, Uint32Array>(); // insertion order = least recently used first

  function permutationOf({ institutionId, listNumber, seed }: { institutionId: number; listNumber: number; seed: Uint8Array }): Uint32Array {
    const key = `${institutionId}/${listNumber}`;
    let permutation = permutations.get(key);
    if (permutation !== undefined) {
      permutations.delete(key);
    } else {
      permutation = statusListPermutation({ seed, length: listLength });
      if (permutations.size >= cachedLists) permutations.delete(permutations.keys().next().value!);
    }
    permutations.set(key, permutation);
    return permutation;
  }

  return {
    permutationOf,
    async assign({ institution, count, now }) {
      const base = statusListBaseOf({ identifier: institution.identifier, publicUrl: parameters.publicUrl });
      if (base === undefined || count === 0) return undefined;
      const reservations = await store.reserveStatusPositions({ institutionId: institution.id, count, listLength, now, newSeed: newStatusListSeed });
      const assigned: AssignedStatus[] = [];
      for (const { listNumber, seed, firstPosition, count: taken } of reservations) {
        const permutation = permutationOf({ institutionId: institution.id, listNumber, seed });
        const listUrl = statusListUrl({ base, institutionId: institution.id, listNumber });
        for (let position = firstPosition; position < firstPosition + taken; position++) {
          const index = permutation[position]!;
          assigned.push({ position: { listNumber, index }, entry: statusListEntry({ listUrl, index }) });
        }
      }
      return assigned;
    },
  };
}
