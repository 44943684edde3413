/**
 * Registry logs as the service indexes them ({@link RegistryEventRow}), and the fold from
 * indexed events to one credential's status and history. Pure functions: the indexer
 * (indexer.ts) fetches, the store keeps, the status route answers.
 */
import { getAddress, parseEventLogs, type Log } from "viem";

import { batchIdOf } from "../../core/hash.ts";
import { statusFromHistory, type StatusEvent } from "../../core/history.ts";
import { describeReason } from "../../core/reasons.ts";
import { registryVersions, type CredentialStatusName } from "../../core/registry.ts";
import { registryAbi } from "./registryAbi.ts";
import { registryEventNames, type RegistryEventName, type RegistryEventRow } from "../store/types.ts";

const indexed = new Set<string>(registryEventNames);

/** JSON-safe copy of decoded event arguments: bigints as numbers when safe, else decimal strings. */
function plain(value: unknown): unknown {
  if (typeof value === "bigint") return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, plain(inner)]));
  }
  return value;
}

/** Parameters of {@link decodeRegistryLogs}. */
export type DecodeRegistryLogsParameters = {
  /** Raw logs of the registry address, in chain order. */
  readonly logs: readonly Log[];
  /** Block timestamp (seconds) of every block a log is in. */
  readonly timestampOf: (blockNumber: bigint) => number;
  /** Institution of a batch anchored before these logs; undefined when unknown. */
  readonly institutionOfBatch: (chainBatchId: `0x${string}`) => Promise<number | undefined>;
};

/**
 * Decodes registry logs into index rows: every institution and batch event (registry-wide
 * governance events such as AccessControl's are not about an institution and are left
 * out). Batch events get their institution from an anchor seen earlier, in these logs or
 * before; a batch event whose anchor is unknown is dropped (it cannot be for a batch the
 * service holds: those were all anchored after the index's first block).
 *
 * @example
 * ```ts
 * const rows = await decodeRegistryLogs({ logs, timestampOf, institutionOfBatch: (id) => store.institutionOfChainBatch(id) });
 * ```
 */
export async function decodeRegistryLogs(parameters: DecodeRegistryLogsParameters): Promise<RegistryEventRow[]> {
  const decoded = parseEventLogs({ abi: registryAbi, logs: [...parameters.logs], strict: true });
  const local = new Map<string, number>();
  const rows: RegistryEventRow[] = [];
  for (const log of decoded) {
    if (!indexed.has(log.eventName) || log.blockNumber === null || log.logIndex === null || log.transactionHash === null || log.blockHash === null) continue;
    const name = log.eventName as RegistryEventName;
    const args = plain(log.args) as Record<string, unknown>;
    let institutionId: number | undefined = typeof args.institutionId === "number" ? args.institutionId : undefined;
    const chainBatchId = typeof args.batchId === "string" ? (args.batchId.toLowerCase() as `0x${string}`) : null;
    if (name === "BatchAnchored" && chainBatchId !== null && institutionId !== undefined) local.set(chainBatchId, institutionId);
    if (name === "BatchesAnchored" && institutionId !== undefined) {
      const ids = (args.merkleRoots as `0x${string}`[]).map((merkleRoot) => batchIdOf({ institutionId: institutionId!, merkleRoot }).toLowerCase());
      args.batchIds = ids;
      for (const id of ids) local.set(id, institutionId);
    }
    if (institutionId === undefined && chainBatchId !== null) {
      institutionId = local.get(chainBatchId) ?? (await parameters.institutionOfBatch(chainBatchId));
    }
    if (institutionId === undefined) continue;
    const actor = (args.actor ?? args.governor ?? args.anchorer) as string | undefined;
    rows.push({
      blockNumber: Number(log.blockNumber),
      blockHash: log.blockHash.toLowerCase() as `0x${string}`,
      logIndex: log.logIndex,
      txHash: log.transactionHash.toLowerCase() as `0x${string}`,
      timestamp: parameters.timestampOf(log.blockNumber),
      name,
      institutionId,
      chainBatchId,
      wordIndex: typeof args.wordIndex === "number" ? args.wordIndex : null,
      actor: (actor === undefined ? "0x0000000000000000000000000000000000000000" : getAddress(actor)) as `0x${string}`,
      args,
    });
  }
  return rows;
}

/**
 * The leaf indices a Credentials* event names (bits of `mask` in window `wordIndex`).
 * `statusWindow` is the registry version's credentials per word (core's registryVersions:
 * 256 in v1, 128 in v2).
 */
export function leafIndicesOf(event: Pick<RegistryEventRow, "wordIndex" | "args">, statusWindow: number = registryVersions[1].statusWindow): number[] {
  const mask = BigInt(event.args.mask as number | string);
  const base = (event.wordIndex ?? 0) * statusWindow;
  const indices: number[] = [];
  for (let bit = 0; bit < statusWindow; bit++) if ((mask >> BigInt(bit)) & 1n) indices.push(base + bit);
  return indices;
}

/** One entry of a credential's status history, as the API returns it. */
export type StatusHistoryEntry = {
  readonly event: StatusEvent["kind"];
  readonly reason: { readonly code: number; readonly text: string };
  readonly actor: string;
  /** Block time, ISO 8601. */
  readonly at: string;
  readonly blockNumber: number;
  readonly transactionHash: string;
};

/** Status of one credential folded from the index. */
export type IndexedStatus = {
  readonly status: CredentialStatusName;
  /** The entry that decided a non-valid status, else null. */
  readonly decidedBy: StatusHistoryEntry | null;
  readonly history: readonly StatusHistoryEntry[];
};

const KINDS: Partial<Record<RegistryEventName, StatusEvent["kind"]>> = {
  CredentialsRevoked: "revoked",
  CredentialsSuspended: "suspended",
  CredentialsReinstated: "reinstated",
  BatchRevoked: "batchRevoked",
  InstitutionSuspended: "institutionSuspended",
  InstitutionReinstated: "institutionReinstated",
  AnchoringKeyCompromised: "anchoringKeyCompromised",
};

/**
 * Folds the indexed events of a credential (from `Store.listCredentialEvents`) into its
 * status and history, with core's precedence rules (statusFromHistory). `unknownBatch`
 * when the index has not seen the batch's anchoring.
 *
 * @example
 * ```ts
 * const { status, history } = credentialStatusFromEvents({ events, leafIndex: 3 });
 * ```
 */
export function credentialStatusFromEvents(parameters: {
  readonly events: readonly RegistryEventRow[];
  readonly leafIndex: number;
  /** Credentials per status word of the registry (default v1's 256). */
  readonly statusWindow?: number | undefined;
}): IndexedStatus {
  const { events, leafIndex } = parameters;
  const statusWindow = BigInt(parameters.statusWindow ?? registryVersions[1].statusWindow);
  const word = BigInt(leafIndex) / statusWindow;
  const bit = BigInt(leafIndex) % statusWindow;
  const anchor = events.find((event) => event.name === "BatchAnchored" || event.name === "BatchesAnchored");
  if (anchor === undefined) return { status: "unknownBatch", decidedBy: null, history: [] };
  const anchorer = String(anchor.args.anchorer).toLowerCase();
  const relevant: { row: RegistryEventRow; event: StatusEvent }[] = [];
  for (const row of events) {
    const kind = KINDS[row.name];
    if (kind === undefined) continue;
    if (row.wordIndex !== null && (BigInt(row.wordIndex) !== word || ((BigInt(row.args.mask as number | string) >> bit) & 1n) === 0n)) continue;
    if (kind === "anchoringKeyCompromised" && String(row.args.account).toLowerCase() !== anchorer) continue;
    relevant.push({
      row,
      event: {
        kind,
        reason: kind === "anchoringKeyCompromised" ? 3 : Number(row.args.reason ?? 0),
        actor: row.actor,
        blockNumber: BigInt(row.blockNumber),
        logIndex: row.logIndex,
        transactionHash: row.txHash,
        ...(kind === "anchoringKeyCompromised" ? { compromisedFrom: Number(row.args.compromisedFrom) } : {}),
      },
    });
  }
  const entry = ({ row, event }: (typeof relevant)[number]): StatusHistoryEntry => ({
    event: event.kind,
    reason: { code: event.reason, text: describeReason(event.reason) },
    actor: row.actor,
    at: new Date(row.timestamp * 1000).toISOString(),
    blockNumber: row.blockNumber,
    transactionHash: row.txHash,
  });
  const folded = statusFromHistory({ events: relevant.map((item) => item.event), anchoredAt: anchor.timestamp });
  const decided = relevant.find((item) => item.event === folded.decidedBy);
  return { status: folded.status, decidedBy: decided === undefined ? null : entry(decided), history: relevant.map(entry) };
}
