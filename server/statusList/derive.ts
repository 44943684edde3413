/**
 * The revocation bits of an institution's status lists, derived from the registry event
 * index: whoever changed a status on chain (the service, the CLI, an admin's wallet,
 * governance), the lists show it once the index has read the block.
 *
 * A credential's bit is set when the status the verifier computes from its events
 * (credentialStatusFromEvents: core's statusFromHistory precedence) is a permanent one
 * (core's REVOCATION_BIT_STATUSES: revoked, its batch revoked, or its anchoring key
 * compromised before the batch was anchored). Suspensions leave it clear.
 */
import { REVOCATION_BIT_STATUSES } from "../../core/statusList.ts";
import { credentialStatusFromEvents, leafIndicesOf } from "../chain/registryEvents.ts";
import type { RegistryEventRow, StatusListPosition, Store } from "../store/types.ts";

const ANCHORS = new Set(["BatchAnchored", "BatchesAnchored"]);
const CREDENTIAL_EVENTS = new Set(["CredentialsRevoked", "CredentialsSuspended", "CredentialsReinstated"]);

/** Parameters of {@link deriveRevokedPositions}. */
export type DeriveRevokedPositionsParameters = {
  readonly store: Pick<Store, "listInstitutionEvents" | "listStatusPositions">;
  readonly institutionId: number;
};

/** The set bits of every list of the institution: list number → indices. */
export type RevokedPositions = ReadonlyMap<number, ReadonlySet<number>>;

/** The batches an anchor event anchors. */
function anchoredBy(event: RegistryEventRow): string[] {
  if (event.name === "BatchAnchored") return event.chainBatchId === null ? [] : [event.chainBatchId];
  return ((event.args.batchIds as string[] | undefined) ?? []).map((id) => id.toLowerCase());
}

/**
 * @example
 * ```ts
 * const revoked = await deriveRevokedPositions({ store, institutionId: 1 });
 * revoked.get(0)?.has(94567); // true once that credential is revoked on chain
 * ```
 */
export async function deriveRevokedPositions(parameters: DeriveRevokedPositionsParameters): Promise<RevokedPositions> {
  const { store, institutionId } = parameters;
  const events = await store.listInstitutionEvents({ institutionId });
  const anchorOf = new Map<string, RegistryEventRow>();
  const institutionWide: RegistryEventRow[] = [];
  const byBatch = new Map<string, RegistryEventRow[]>();
  for (const event of events) {
    if (ANCHORS.has(event.name)) {
      for (const id of anchoredBy(event)) if (!anchorOf.has(id)) anchorOf.set(id, event);
    } else if (event.chainBatchId === null) {
      institutionWide.push(event);
    } else {
      const list = byBatch.get(event.chainBatchId) ?? [];
      list.push(event);
      byBatch.set(event.chainBatchId, list);
    }
  }
  // Batches a key compromise reaches (its cut-off and account are checked in the fold).
  const compromised = institutionWide.some((event) => event.name === "AnchoringKeyCompromised");
  const candidates = compromised ? [...anchorOf.keys()] : [...byBatch.keys()].filter((id) => anchorOf.has(id));

  const revoked = new Map<number, Set<number>>();
  const add = (positions: readonly StatusListPosition[]) => {
    for (const { listNumber, index } of positions) {
      let set = revoked.get(listNumber);
      if (set === undefined) revoked.set(listNumber, (set = new Set()));
      set.add(index);
    }
  };
  for (const chainBatchId of candidates) {
    const own = byBatch.get(chainBatchId) ?? [];
    // The batch's history as listCredentialEvents gives it, with its own anchor first.
    const history = [anchorOf.get(chainBatchId)!, ...[...own, ...institutionWide].sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex)];
    // Leaf -1 is in no window: the fold then sees only what applies to the whole batch.
    if (REVOCATION_BIT_STATUSES.has(credentialStatusFromEvents({ events: history, leafIndex: -1 }).status)) {
      add(await store.listStatusPositions({ chainBatchId: chainBatchId as `0x${string}` }));
      continue;
    }
    const leaves = new Set<number>();
    for (const event of own) if (CREDENTIAL_EVENTS.has(event.name)) for (const leaf of leafIndicesOf(event)) leaves.add(leaf);
    const hit = [...leaves].filter((leafIndex) => REVOCATION_BIT_STATUSES.has(credentialStatusFromEvents({ events: history, leafIndex }).status));
    if (hit.length > 0) add(await store.listStatusPositions({ chainBatchId: chainBatchId as `0x${string}`, leafIndices: hit }));
  }
  return revoked;
}
