/**
 * Registry v2's scheduled destructive acts that would change a credential's status once
 * executed: a batch revocation, a compromise of the batch's anchoring key with a cut-off at
 * or before the batch, a mass revocation listing the credential. Inside their delay they
 * can still be cancelled, so the verifier reports them as pending, not as done (issue 14,
 * hole 2). Version 1 has no scheduled acts.
 */
import type { Address, Hex } from "viem";

import { credentialRegistryV2Abi } from "../abi/credentialRegistryV2Abi.ts";
import { type BatchRecord, rpcRead } from "../registry.ts";
import type { RegistryClient } from "../registryClient.ts";

/** One scheduled act that would change the credential's status. */
export type PendingAct = {
  readonly kind: "batchRevocation" | "keyCompromise" | "massRevocation";
  /** Block time (seconds) from which it can be executed. */
  readonly executeAfter: number;
  readonly reason?: number | undefined;
  /** For keyCompromise: the scheduled cut-off. */
  readonly compromisedFrom?: number | undefined;
  readonly actionId?: Hex | undefined;
};

/** The scheduled acts of a v2 registry that touch (batch, leafIndex), oldest first. */
export async function readPendingActs({
  client,
  registry,
  batch,
  leafIndex,
}: {
  readonly client: RegistryClient;
  readonly registry: Address;
  readonly batch: BatchRecord;
  readonly leafIndex: number;
}): Promise<PendingAct[]> {
  const read = { address: registry, abi: credentialRegistryV2Abi } as const;
  const [[, revocation], key] = await rpcRead(client, () =>
    Promise.all([
      client.readContract({ ...read, functionName: "getBatch", args: [batch.batchId] }),
      client.readContract({ ...read, functionName: "getKeyRecord", args: [batch.institutionId, batch.anchorer] }),
    ]),
  );
  const acts: PendingAct[] = [];
  if (revocation.pendingAfter !== 0) {
    acts.push({ kind: "batchRevocation", executeAfter: revocation.pendingAfter, reason: revocation.pendingReason });
  }
  if (key.pendingCutoff !== 0 && batch.anchoredAt >= key.pendingCutoff) {
    acts.push({ kind: "keyCompromise", executeAfter: key.pendingAfter, compromisedFrom: key.pendingCutoff });
  }
  if (revocation.pendingMassRevocations > 0) {
    const scheduled = await rpcRead(client, () =>
      client.getContractEvents({
        ...read,
        eventName: "MassRevocationScheduled",
        args: { batchId: batch.batchId },
        fromBlock: 0n,
        toBlock: "latest",
      }),
    );
    for (const log of scheduled) {
      const { actionId, leafIndices, reason } = log.args;
      if (actionId === undefined || !(leafIndices ?? []).some((index) => index === BigInt(leafIndex))) continue;
      const [, executeAfter] = await rpcRead(client, () =>
        client.readContract({ ...read, functionName: "pendingMassRevocation", args: [actionId] }),
      );
      if (executeAfter !== 0) acts.push({ kind: "massRevocation", executeAfter, reason, actionId });
    }
  }
  return acts;
}
