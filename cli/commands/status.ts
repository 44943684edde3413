/**
 * `credanchor status <credential file | id>`: a credential's live status, with the
 * reason and the change that set it (from a file: straight from the chain; from an id:
 * from the service). `credanchor proof <id>`: a credential's proof from the service.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

import type { Command } from "commander";

import { readStatusHistory, statusFromHistory } from "../../core/history.ts";
import { readBatch, readCredentialStatuses, readRegistryVersion, registryVersions } from "../../core/registry.ts";
import { type ChainFlags, type Runtime, action, addChainOptions, withHelp } from "../lib/command.ts";
import { serviceConfig } from "../lib/config.ts";
import { CliError } from "../lib/errors.ts";
import { readDocuments } from "../lib/inputs.ts";
import { type Output, table, toJson } from "../lib/output.ts";
import { anchorsOf } from "../lib/portable.ts";
import { describeReason } from "../lib/reason.ts";
import { createServiceClient } from "../lib/service.ts";
import { openForAnchors } from "./revoke.ts";

type ServiceFlags = { readonly service?: string; readonly token?: string };

const statusText: Record<string, string> = {
  valid: "valid",
  revoked: "revoked",
  suspended: "suspended",
  batchRevoked: "revoked (whole batch)",
  institutionSuspended: "issuer suspended by registry governance",
  anchoringKeyCompromised: "anchoring key compromised",
  unknownBatch: "not anchored in this registry",
  indexOutOfRange: "index out of range for its batch",
};

export function registerStatusCommands(program: Command, runtime: Runtime): void {
  const status = program
    .command("status <credential>")
    .description("live status of a credential: a portable credential file (read from the chain) or a service id")
    .option("--service <url>", "anchoring service URL, for ids (env CREDANCHOR_SERVICE_URL)")
    .option("--token <token>", "API token, for ids (env CREDANCHOR_TOKEN)");
  addChainOptions(status);
  withHelp(status, {
    examples: [
      "credanchor status issued/alice.json              # from the chain, no service needed",
      "credanchor status urn:uuid:0b5e…                  # from the service",
      "credanchor status issued/alice.json --json",
    ],
    env: ["CREDANCHOR_RPC_URL", "CREDANCHOR_REGISTRY_ADDRESS", "CREDANCHOR_SERVICE_URL", "CREDANCHOR_TOKEN"],
  });
  status.action(
    action(runtime, async (out, target: string, flags: ChainFlags & ServiceFlags) =>
      target === "-" || existsSync(target) ? statusFromChain(out, runtime, target, flags) : statusFromService(out, target, flags),
    ),
  );

  const proof = program
    .command("proof <id>")
    .description("a credential's portable form (with its proof) from the service, once anchored")
    .option("--out <file>", "write the portable credential to this file")
    .option("--service <url>", "anchoring service URL (env CREDANCHOR_SERVICE_URL)")
    .option("--token <token>", "API token (env CREDANCHOR_TOKEN)");
  withHelp(proof, {
    examples: ["credanchor proof urn:uuid:0b5e… --out alice.json", "credanchor proof urn:uuid:0b5e… --json | jq .proof"],
    env: ["CREDANCHOR_SERVICE_URL", "CREDANCHOR_TOKEN"],
  });
  proof.action(
    action(runtime, async (out, id: string, flags: ServiceFlags & { out?: string }) => {
      const client = createServiceClient(serviceConfig(flags));
      const path = `/v1/credentials/${encodeURIComponent(id)}`;
      if (flags.out === undefined) {
        const { body } = await client.request<Record<string, unknown>>("GET", `${path}/proof`);
        out.result(body);
        out.line(toJson(body));
        return;
      }
      const { body } = await client.request<{ status?: string; credential?: unknown }>("GET", path);
      if (body.status !== "anchored") {
        throw new CliError({
          code: "CA_CREDENTIAL_PENDING",
          message: `Credential ${id} is ${body.status ?? "not anchored"}: it has no proof yet.`,
          hints: ["Wait for its batch to be anchored (`credanchor batches`), then run this again."],
        });
      }
      await mkdir(dirname(flags.out), { recursive: true });
      await writeFile(flags.out, `${JSON.stringify(body.credential, null, 2)}\n`);
      out.result({ id, file: flags.out });
      out.line(`Wrote the portable credential ${id} to ${flags.out}`);
    }),
  );
}

async function statusFromChain(out: Output, runtime: Runtime, file: string, flags: ChainFlags): Promise<number> {
  const { documents, problems } = await readDocuments([file], runtime.io);
  if (problems[0] !== undefined) throw new CliError({ code: problems[0].code, message: `${problems[0].source}: ${problems[0].message}` });
  if (documents.length !== 1) throw new CliError({ code: "CA_CLI_USAGE", message: `${file} holds ${documents.length} documents; give one credential.` });
  const [anchor] = anchorsOf(documents);
  const { chain, registry } = await openForAnchors(flags, [anchor!]);
  const location = { client: chain.client, registry: registry.address };
  const batch = await readBatch({ ...location, batchId: anchor!.batchId });
  const [current] = await readCredentialStatuses({ ...location, batchId: anchor!.batchId, leafIndices: [anchor!.leafIndex] });
  // The registry's version decides its status window (256 or 128 credentials per event word).
  const version = await readRegistryVersion(location);
  const events = batch.exists
    ? await readStatusHistory({
        ...location,
        batchId: anchor!.batchId,
        leafIndex: anchor!.leafIndex,
        institutionId: batch.institutionId,
        anchorer: batch.anchorer,
        statusWindow: registryVersions[version].statusWindow,
        version,
      })
    : [];
  const { decidedBy } = statusFromHistory({ events, anchoredAt: batch.anchoredAt });
  const timestamps = new Map<bigint, number>();
  for (const event of events) {
    if (!timestamps.has(event.blockNumber)) {
      timestamps.set(event.blockNumber, Number((await chain.client.getBlock({ blockNumber: event.blockNumber })).timestamp));
    }
  }
  const history = events.map((event) => ({ ...event, at: new Date(timestamps.get(event.blockNumber)! * 1000).toISOString() }));
  const state = current ?? "unknownBatch";
  out.result({ source: anchor!.source, id: anchor!.id, chain: chain.caip2, registry: registry.address, batchId: anchor!.batchId, leafIndex: anchor!.leafIndex, status: state, reasonCode: decidedBy?.reason ?? (state === "batchRevoked" ? batch.revokedReason : undefined), history });
  const mark = state === "valid" ? out.paint("green", "✔") : out.paint("red", "✘");
  out.line(`${mark} ${anchor!.source}: ${statusText[state] ?? state}`);
  const rows: [string, string][] = [
    ["credential", anchor!.id ?? "(no id)"],
    ["batch", `${anchor!.batchId} index ${anchor!.leafIndex}`],
    ["registry", `${registry.address} on ${chain.caip2}`],
  ];
  if (decidedBy !== undefined) rows.push(["reason", describeReason(decidedBy.reason)]);
  else if (state === "batchRevoked") rows.push(["reason", describeReason(batch.revokedReason)]);
  for (const row of table(rows)) out.line(row);
  if (history.length > 0) {
    out.line("History:");
    for (const event of history) out.line(`  ${event.at}  ${event.kind.padEnd(22)} ${describeReason(event.reason)}  by ${event.actor}  (tx ${event.transactionHash})`);
  }
  return state === "valid" ? 0 : 1;
}

type ServiceStatus = {
  readonly status?: string;
  readonly lifecycle?: string;
  readonly batch?: number;
  readonly leafIndex?: number;
  readonly chainBatchId?: string | null;
  readonly confirmations?: number | null;
  readonly reason?: { readonly code: number; readonly text: string; readonly transactionHash: string } | null;
};

async function statusFromService(out: Output, id: string, flags: ServiceFlags): Promise<number> {
  const client = createServiceClient(serviceConfig(flags));
  const { body } = await client.request<ServiceStatus>("GET", `/v1/credentials/${encodeURIComponent(id)}/status`);
  out.result(body);
  const state = body.status ?? "unknown";
  const mark = state === "valid" ? out.paint("green", "✔") : state === "pending" ? out.paint("yellow", "…") : out.paint("red", "✘");
  out.line(`${mark} ${id}: ${state === "pending" ? `pending (${body.lifecycle ?? "not anchored yet"})` : (statusText[state] ?? state)}`);
  const rows: [string, string][] = [["service batch", `${body.batch} index ${body.leafIndex}`]];
  if (body.chainBatchId != null) rows.push(["batch id", body.chainBatchId]);
  if (body.confirmations != null) rows.push(["confirmations", String(body.confirmations)]);
  if (body.reason != null) rows.push(["reason", `${body.reason.text} (tx ${body.reason.transactionHash})`]);
  for (const row of table(rows)) out.line(row);
  return state === "valid" || state === "pending" ? 0 : 1;
}
