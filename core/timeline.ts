/**
 * A credential's status history for people: when it was anchored and every status
 * change since (revoked, suspended, reinstated, batch revoked, institution suspended,
 * key compromised), each with its reason, block, transaction and time. Read from the
 * registry's events (core/history.ts) starting from a verification report; a service
 * with an event index can answer the same {@link TimelineEntry} list without the log
 * queries (the page takes either).
 */
import type { Address, Hex } from "viem";

import { readStatusHistory, type StatusEvent } from "./history.ts";
import { describeReason } from "./reasons.ts";
import { readRegistryVersion, registryVersions, rpcRead } from "./registry.ts";
import type { RegistryClient } from "./registryClient.ts";
import type { VerificationReport } from "./verify/types.ts";

/** One line of the history, JSON-safe (numbers and strings only). */
export type TimelineEntry = {
  readonly kind: "anchored" | StatusEvent["kind"];
  /** ISO time of the block, when known. */
  readonly at?: string | undefined;
  readonly blockNumber?: string | undefined;
  readonly transactionHash?: string | undefined;
  readonly reason?: number | undefined;
  readonly reasonText?: string | undefined;
};

/** Parameters of {@link readTimeline}. */
export type ReadTimelineParameters = {
  readonly client: RegistryClient;
  /** A report whose anchored check passed (else the timeline is empty). */
  readonly report: VerificationReport;
};

/**
 * The timeline of the credential a report is about, oldest first; empty when the report
 * never reached the chain (tampered, untrusted registry, unreachable RPC).
 *
 * @example
 * ```ts
 * const report = await verifyCredential({ credential, client, trustedRegistries: [registry] });
 * const timeline = await readTimeline({ client, report });
 * ```
 */
export async function readTimeline(parameters: ReadTimelineParameters): Promise<TimelineEntry[]> {
  const { client, report } = parameters;
  const anchored = report.checks.find((check) => check.id === "anchored");
  const issuer = report.checks.find((check) => check.id === "issuer");
  if (anchored?.outcome !== "valid" || report.anchor === undefined) return [];
  const details = anchored.details ?? {};
  const anchorer = details["anchorer"] as Address | undefined;
  const institutionId = (issuer?.details?.["institutionId"] as number | undefined) ?? report.anchor.institutionId;
  const entries: TimelineEntry[] = [
    {
      kind: "anchored",
      at: typeof details["anchoredAt"] === "number" ? new Date((details["anchoredAt"] as number) * 1000).toISOString() : undefined,
      blockNumber: details["anchorBlock"] as string | undefined,
      transactionHash: details["anchorTransaction"] as string | undefined,
    },
  ];
  if (anchorer === undefined) return entries;
  // The registry's version decides its status window (256 or 128 credentials per event word).
  const version = await readRegistryVersion({ client, registry: report.anchor.registry });
  const events = await readStatusHistory({
    client,
    registry: report.anchor.registry,
    batchId: report.anchor.batchId as Hex,
    leafIndex: report.anchor.leafIndex,
    institutionId,
    anchorer,
    statusWindow: registryVersions[version].statusWindow,
    version,
  });
  const times = new Map<bigint, string>();
  await Promise.all(
    [...new Set(events.map((event) => event.blockNumber))].map(async (blockNumber) => {
      const block = await rpcRead(client, () => client.getBlock({ blockNumber }));
      times.set(blockNumber, new Date(Number(block.timestamp) * 1000).toISOString());
    }),
  );
  for (const event of events) {
    entries.push({
      kind: event.kind,
      at: times.get(event.blockNumber),
      blockNumber: event.blockNumber.toString(),
      transactionHash: event.transactionHash,
      reason: event.reason,
      reasonText: describeReason(event.reason),
    });
  }
  return entries;
}
