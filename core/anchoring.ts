/**
 * Where a batch was anchored, from the chain's own record of it: the registry's stored
 * `anchoredAt` picks the block(s), and the anchoring event is looked up there by the batch's
 * id and institution. Nothing a credential carries (its `proof.anchorTransaction`, its
 * `created` time) can change the answer: a hint only saves the block search, and is used
 * only when the block it points at carries this batch's own anchoring event at the stored
 * time.
 *
 * Why: a batch id binds the institution and the root, but the root alone does not. Another
 * institution can anchor the same root earlier (front-running the visible transaction is
 * enough); a lookup that accepted "any log listing the root" would report that earlier
 * block, so `--at` before the real anchoring read valid and the confirmations were inflated.
 */
import { type Address, type Hex, type Log, parseEventLogs, type TransactionReceipt } from "viem";

import { credentialRegistryAbi } from "./abi/credentialRegistryAbi.ts";
import { batchIdOf } from "./hash.ts";
import { blockAtTimestamp } from "./history.ts";
import { type BatchRecord, type RegistryLocation, isTransportFailure, readBatch, rpcRead } from "./registry.ts";

/** Where and when a batch was anchored. */
export type AnchoringRecord = {
  readonly transactionHash: Hex;
  readonly blockNumber: bigint;
};

/** What {@link findAnchoring} needs. */
export type FindAnchoringParameters = RegistryLocation & {
  readonly batchId: Hex;
  /** The registry's record of the batch, when the caller read it already. */
  readonly batch?: BatchRecord | undefined;
  /**
   * A transaction believed to have anchored the batch (the service's own, or a credential's
   * `proof.anchorTransaction`): only a hint for which block to look in, checked against the
   * chain's record before use.
   */
  readonly transactionHash?: Hex | undefined;
};

/**
 * Finds the transaction that anchored a batch, from the registry's record (stored
 * `anchoredAt`, institution and anchorer) and the anchoring events in the block(s) of that
 * time. Undefined when the batch does not exist or its event is not (yet) visible.
 *
 * @example
 * const anchoring = await findAnchoring({ client, registry, batchId });
 * anchoring?.blockNumber // the block whose timestamp is the batch's anchoredAt
 */
export async function findAnchoring(parameters: FindAnchoringParameters): Promise<AnchoringRecord | undefined> {
  const { client, registry, batchId } = parameters;
  const batch = parameters.batch ?? (await readBatch({ client, registry, batchId }));
  if (!batch.exists) return undefined;

  const receipt = await hintedReceipt(parameters);
  // The hinted transaction's own logs carry this batch's anchoring event: that transaction
  // anchored it (a batch id is anchored at most once: CredentialRegistryBatchAlreadyAnchored),
  // so no block or log search is needed.
  const own = receipt === undefined ? undefined : ownAnchoringEvent(parameters, batch, receipt.logs.filter((log) => sameAddress(log.address, registry)));
  if (own !== undefined) return own;
  const hinted = receipt === undefined ? undefined : await hintedBlock(parameters, receipt.blockNumber, batch.anchoredAt);
  if (hinted !== undefined) {
    const found = await anchoringIn(parameters, batch, { from: hinted, to: hinted });
    if (found !== undefined) return found;
  }
  const range = await blocksAt(parameters, batch.anchoredAt);
  return range === undefined ? undefined : anchoringIn(parameters, batch, range);
}

/** The hinted transaction's successful receipt, if it is on this chain. */
async function hintedReceipt({ client, transactionHash }: FindAnchoringParameters): Promise<TransactionReceipt | undefined> {
  if (transactionHash === undefined) return undefined;
  const receipt = await rpcRead(client, async () => {
    try {
      return await client.getTransactionReceipt({ hash: transactionHash });
    } catch (error) {
      if (isTransportFailure(error)) throw error;
      return undefined; // not on this chain
    }
  });
  return receipt?.status === "success" ? receipt : undefined;
}

/** The hinted receipt's block, if its timestamp is the stored anchoredAt. */
async function hintedBlock({ client }: FindAnchoringParameters, blockNumber: bigint, anchoredAt: number): Promise<bigint | undefined> {
  const block = await rpcRead(client, () => client.getBlock({ blockNumber }));
  return Number(block.timestamp) === anchoredAt ? blockNumber : undefined;
}

/**
 * The blocks whose timestamp is `timestamp`: usually one (L1 timestamps strictly increase),
 * several on chains that seal blocks within the same second.
 */
async function blocksAt(
  { client }: FindAnchoringParameters,
  timestamp: number,
): Promise<{ from: bigint; to: bigint } | undefined> {
  const last = await blockAtTimestamp({ client, timestamp });
  if (last < 0n) return undefined;
  const block = await rpcRead(client, () => client.getBlock({ blockNumber: last }));
  if (Number(block.timestamp) !== timestamp) return undefined;
  let first = last;
  while (first > 0n) {
    const previous = await rpcRead(client, () => client.getBlock({ blockNumber: first - 1n }));
    if (Number(previous.timestamp) !== timestamp) break;
    first -= 1n;
  }
  return { from: first, to: last };
}

/** This batch's own anchoring event within `range`: BatchAnchored by id, or BatchesAnchored of its institution. */
async function anchoringIn(
  { client, registry, batchId }: FindAnchoringParameters,
  batch: BatchRecord,
  range: { from: bigint; to: bigint },
): Promise<AnchoringRecord | undefined> {
  const logs = await rpcRead(client, () =>
    client.getLogs({ address: registry, fromBlock: range.from, toBlock: range.to }),
  );
  return ownAnchoringEvent({ batchId }, batch, logs);
}

/** Among `logs` (all emitted by the registry), this batch's own anchoring event. */
function ownAnchoringEvent({ batchId }: { readonly batchId: Hex }, batch: BatchRecord, logs: Log[]): AnchoringRecord | undefined {
  const wanted = batchId.toLowerCase();
  for (const log of parseEventLogs({ abi: credentialRegistryAbi, logs, strict: false })) {
    if (log.blockNumber === null || log.transactionHash === null) continue;
    const matches =
      log.eventName === "BatchAnchored"
        ? log.args.batchId?.toLowerCase() === wanted && Number(log.args.institutionId) === batch.institutionId
        : log.eventName === "BatchesAnchored"
          ? Number(log.args.institutionId) === batch.institutionId &&
            (log.args.merkleRoots ?? []).some(
              (root) => batchIdOf({ institutionId: batch.institutionId, merkleRoot: root }).toLowerCase() === wanted,
            )
          : false;
    if (matches) return { transactionHash: log.transactionHash, blockNumber: log.blockNumber };
  }
  return undefined;
}

function sameAddress(a: Address, b: Address): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
