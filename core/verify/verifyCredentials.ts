/**
 * Verification of portable credentials with nothing but the credential and a chain RPC
 * endpoint: no issuer server, no explorer, no DNS.
 */
import { type Address, getAddress } from "viem";

import { CredanchorError, RpcUnavailableError } from "../errors.ts";
import { blockAtTimestamp, readStatusHistory, statusFromHistory } from "../history.ts";
import type { PortableCredentialParts } from "../proof.ts";
import { describeReason } from "../reasons.ts";
import { type CredentialStatusName, registryVersions } from "../registry.ts";
import { type ChainReader, createChainReader } from "./chainReader.ts";
import { type PendingAct, readPendingActs } from "./pendingActs.ts";
import { clearedFor } from "./v2Facts.ts";
import { issuerIdOf, issuerMatches } from "./issuerMatches.ts";
import { checkSignature } from "./checkSignature.ts";
import { runOfflineChecks, short } from "./offlineChecks.ts";
import {
  type CheckId,
  type VerificationCheck,
  type VerificationReport,
  type VerificationStatus,
  type VerifyOptions,
  checkIds,
} from "./types.ts";

/**
 * Signature checks in flight at once. Starting every check of a large input at once costs
 * more CPU per credential than one at a time (thousands of pending verifications to keep
 * and collect); a window this wide still fills an injected verifier that spreads the work
 * over threads (cli/lib/signaturePool.ts gathers chunks of 64).
 */
const SIGNATURE_WINDOW = 512;

/** `run` over `items` with at most `window` calls pending, results in input order. */
async function mapWithWindow<T, R>(items: readonly T[], window: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, items.length) }, lane));
  return results;
}

/** Parameters of {@link verifyCredentials}. */
export type VerifyCredentialsParameters = VerifyOptions & {
  /** Portable credentials (parsed JSON), each with its embedded `proof`. */
  readonly credentials: readonly unknown[];
};

/** One report per credential, in input order. */
export type VerifyCredentialsReturnType = VerificationReport[];

/** Parameters of {@link verifyCredential}. */
export type VerifyCredentialParameters = VerifyOptions & { readonly credential: unknown };

/** The report for one credential. */
export type VerifyCredentialReturnType = VerificationReport;

/**
 * Verifies one portable credential.
 *
 * @example
 * ```ts
 * import { createPublicClient, http } from "viem";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const report = await verifyCredential({ credential, client, allowedChains: ["eip155:31337"] });
 * report.status // "valid" | "invalid" | "pending" | "error"
 * for (const check of report.checks) console.log(check.id, check.outcome, check.reason);
 * ```
 */
export async function verifyCredential(parameters: VerifyCredentialParameters): Promise<VerifyCredentialReturnType> {
  const { credential, ...options } = parameters;
  const [report] = await verifyCredentials({ ...options, credentials: [credential] });
  return report!;
}

/**
 * Verifies many portable credentials with one status call per batch (plus one read per
 * registry, batch, institution and anchoring key), not one per credential.
 *
 * Never throws for a bad credential or an unreachable RPC: those become `invalid` and
 * `error` checks in the reports. An unreachable RPC or a wrong chain is never reported as
 * invalid or revoked.
 *
 * @example
 * ```ts
 * const reports = await verifyCredentials({ credentials, client, requiredConfirmations: 2 });
 * const valid = reports.filter((report) => report.status === "valid").length;
 * ```
 */
export async function verifyCredentials(
  parameters: VerifyCredentialsParameters,
): Promise<VerifyCredentialsReturnType> {
  const now = parameters.now ?? new Date();
  // Offline checks run inside the window too, so the first signatures are being checked
  // (on an injected verifier's threads) while later credentials are still being hashed.
  const offline = await mapWithWindow(parameters.credentials, SIGNATURE_WINDOW, async (input) => {
    const result = runOfflineChecks({ input, now });
    if (result.parts === undefined) return result;
    const signature = await checkSignature({ parts: result.parts, verifier: parameters.signatureVerifier, resolveDid: parameters.resolveDid });
    result.checks.push(signature);
    // A signature that does not verify makes the credential invalid: the chain is not asked.
    return signature.outcome === "invalid" ? { ...result, parts: undefined } : result;
  });
  const reader = createChainReader({ client: parameters.client, statusWindow: parameters.statusWindow });

  const onChain = offline.flatMap((result, position) => (result.parts ? [{ position, parts: result.parts }] : []));
  const chainChecks = new Map<number, VerificationCheck[]>();
  if (onChain.length > 0) {
    // The one bulk status read (grouped by batch inside the reader), for the credentials
    // that pass the checks needing no chain read: an untrusted registry or a chain outside
    // the allow-list is never asked, and each batch settles on its own.
    if (parameters.at === undefined) {
      const served = await settle(() => reader.chainId());
      const statusWanted = onChain.filter(
        ({ parts }) => trustRefusal(parts, parameters) === undefined && served.ok && served.value === parts.proof.chain,
      );
      await reader.loadStatuses(
        statusWanted.map(({ parts }) => ({
          registry: parts.proof.registry,
          batchId: parts.proof.batchId,
          leafIndex: parts.proof.leafIndex,
          institutionId: parts.proof.institutionId,
        })),
      );
    }
    const at = parameters.at;
    const atBlock = at
      ? await settle(() => blockAtTimestamp({ client: parameters.client, timestamp: Math.floor(at.getTime() / 1000) }))
      : undefined;
    await Promise.all(
      onChain.map(async ({ position, parts }) => {
        chainChecks.set(position, await runChainChecks({ parts, reader, parameters, atBlock }));
      }),
    );
  }

  return offline.map((result, position) => {
    const checks = [...result.checks, ...(chainChecks.get(position) ?? [])];
    const ran = new Set(checks.map((check) => check.id));
    for (const id of checkIds) {
      if (!ran.has(id)) checks.push({ id, outcome: "skipped", reason: skippedReason(id, checks) });
    }
    checks.sort((a, b) => checkIds.indexOf(a.id) - checkIds.indexOf(b.id));
    const registryStatus = checks.find((check) => check.id === "status")?.details?.registryStatus as
      | CredentialStatusName
      | undefined;
    return {
      status: overallStatus(checks),
      checks,
      credential: result.parsed ? describeCredential(result.parsed.credential) : undefined,
      anchor: result.parsed
        ? {
            chain: result.parsed.proof.chain,
            registry: result.parsed.proof.registry,
            institutionId: result.parsed.proof.institutionId,
            batchId: result.parsed.proof.batchId,
            leafIndex: result.parsed.proof.leafIndex,
          }
        : undefined,
      registryStatus,
    };
  });
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<T>(run: () => Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** invalid beats error (a tampered credential is invalid whatever the RPC does), error beats pending. */
function overallStatus(checks: readonly VerificationCheck[]): VerificationStatus {
  if (checks.some((check) => check.outcome === "invalid")) return "invalid";
  if (checks.some((check) => check.outcome === "error")) return "error";
  if (checks.some((check) => check.outcome === "pending")) return "pending";
  return "valid";
}

function skippedReason(id: CheckId, checks: readonly VerificationCheck[]): string {
  const failed = checks.find((check) => check.outcome === "invalid" || check.outcome === "error");
  return failed ? `not checked: the ${failed.id} check did not pass` : `not checked`;
}

function describeCredential(credential: Readonly<Record<string, unknown>>): VerificationReport["credential"] {
  const subject = credential.credentialSubject as Record<string, unknown> | undefined;
  const achievement = subject?.achievement as Record<string, unknown> | undefined;
  const name = typeof achievement?.name === "string" ? achievement.name : credential.name;
  return {
    id: typeof credential.id === "string" ? credential.id : undefined,
    issuer: issuerIdOf(credential),
    name: typeof name === "string" ? name : undefined,
    subject: typeof subject?.id === "string" ? subject.id : undefined,
  };
}

/** Turns an exception from a chain read into the check outcome users should see. */
function failureCheck(id: CheckId, error: unknown): VerificationCheck {
  if (error instanceof RpcUnavailableError) {
    return { id, outcome: "error", reason: `could not reach the chain: ${error.message}`, details: { code: error.code } };
  }
  if (error instanceof CredanchorError) {
    return { id, outcome: "error", reason: error.message, details: { code: error.code } };
  }
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return { id, outcome: "error", reason: `the chain read failed: ${message}` };
}

async function runChainChecks({
  parts,
  reader,
  parameters,
  atBlock,
}: {
  readonly parts: PortableCredentialParts;
  readonly reader: ChainReader;
  readonly parameters: VerifyOptions;
  readonly atBlock: Settled<bigint> | undefined;
}): Promise<VerificationCheck[]> {
  const { proof, credential } = parts;
  const checks: VerificationCheck[] = [];
  let stage: CheckId = "anchored";
  try {
    // --- anchored --------------------------------------------------------------------
    const notAllowed = chainRefusal(parts, parameters);
    if (notAllowed !== undefined) {
      checks.push(notAllowed);
      return checks;
    }
    const served = await reader.chainId();
    if (served !== proof.chain) {
      checks.push({
        id: "anchored",
        outcome: "error",
        reason: `the RPC endpoint serves ${served} but the credential is anchored on ${proof.chain}: connect to ${proof.chain} to verify it`,
        details: { code: "CA_CHAIN_MISMATCH", expected: proof.chain, actual: served },
      });
      return checks;
    }
    const registry = getAddress(proof.registry);
    const trustAny = parameters.trustedRegistries === "any";
    const untrusted = trustRefusal(parts, parameters);
    if (untrusted !== undefined) {
      checks.push(untrusted);
      return checks;
    }
    if (!(await reader.hasCode(registry))) {
      checks.push({
        id: "anchored",
        outcome: "invalid",
        reason: `there is no registry contract at ${registry} on ${proof.chain}`,
        details: { registry, chain: proof.chain },
      });
      return checks;
    }
    const batch = await reader.batch(registry, proof.batchId);
    if (!batch.exists) {
      checks.push({
        id: "anchored",
        outcome: "invalid",
        reason: `batch ${short(proof.batchId)} was never anchored in registry ${registry}`,
        details: { batchId: proof.batchId, registry },
      });
      return checks;
    }
    if (batch.institutionId !== proof.institutionId || batch.leafCount !== proof.leafCount) {
      checks.push({
        id: "anchored",
        outcome: "invalid",
        reason: `the registry records batch ${short(proof.batchId)} as institution ${batch.institutionId} with ${batch.leafCount} credentials, not institution ${proof.institutionId} with ${proof.leafCount} as the proof says`,
        details: { onChain: { institutionId: batch.institutionId, leafCount: batch.leafCount } },
      });
      return checks;
    }
    // The anchoring block and time come from the registry's record of the batch (stored
    // anchoredAt, its own event), never from the credential: proof.anchorTransaction is a hint.
    const anchoring = await reader.anchoring(registry, batch, proof.anchorTransaction);
    if (atBlock !== undefined) {
      if (!atBlock.ok) throw atBlock.error;
      const atSeconds = Math.floor(parameters.at!.getTime() / 1000);
      if (batch.anchoredAt > atSeconds) {
        checks.push({
          id: "anchored",
          outcome: "invalid",
          reason: `the batch was not yet anchored at ${parameters.at!.toISOString()} (the registry records ${isoTime(batch.anchoredAt)})`,
          details: { at: atSeconds, anchoredAt: batch.anchoredAt, anchorBlock: anchoring?.blockNumber.toString() },
        });
        return checks;
      }
    }
    checks.push({
      id: "anchored",
      outcome: "valid",
      reason: `root anchored in registry ${registry} on ${proof.chain} at ${isoTime(batch.anchoredAt)}${
        trustAny ? " (registry NOT checked against a trusted list: anyone can deploy one)" : ""
      }`,
      details: {
        registry,
        anchoredAt: batch.anchoredAt,
        anchorer: batch.anchorer,
        anchorBlock: anchoring?.blockNumber.toString(),
        anchorTransaction: anchoring?.transactionHash,
        registryTrusted: !trustAny,
      },
    });

    // --- issuer ------------------------------------------------------------------------
    stage = "issuer";
    const institution = await reader.institution(registry, batch.institutionId);
    const issuerId = issuerIdOf(credential);
    if (institution === undefined) {
      checks.push({ id: "issuer", outcome: "invalid", reason: `institution ${batch.institutionId} is not registered` });
    } else if (issuerId === undefined || !issuerMatches({ issuerId, institutionIdentifier: institution.identifier })) {
      checks.push({
        id: "issuer",
        outcome: "invalid",
        reason: `the credential names issuer ${issuerId ?? "(none)"}, but the batch was anchored by ${institution.name} (${institution.identifier})`,
        details: { issuerId, institution: institution.identifier },
      });
    } else if (institution.status !== "active") {
      checks.push({
        id: "issuer",
        outcome: "invalid",
        reason: `${institution.name} (${institution.identifier}) is suspended by registry governance`,
        details: { institutionId: institution.institutionId, status: institution.status },
      });
    } else {
      const key = await reader.keyRecord(registry, batch.institutionId, batch.anchorer);
      if (key.compromisedFrom !== 0 && batch.anchoredAt >= key.compromisedFrom) {
        checks.push({
          id: "issuer",
          outcome: "invalid",
          reason: `the anchoring key ${batch.anchorer} was reported compromised from ${isoTime(key.compromisedFrom)}, and this batch was anchored after that (${isoTime(batch.anchoredAt)})`,
          details: { anchorer: batch.anchorer, compromisedFrom: key.compromisedFrom, anchoredAt: batch.anchoredAt },
        });
      } else {
        // Registry v2 marks keys whose anchoring power came through governance (hole 1):
        // reported, not failed, since it is the sanctioned recovery path.
        const viaGovernance = (await reader.version(registry)) === 2 ? await reader.viaGovernance(registry, batch.institutionId, batch.anchorer) : undefined;
        checks.push({
          id: "issuer",
          outcome: "valid",
          reason: `issued by ${institution.name} (${institution.identifier}), institution ${institution.institutionId}${
            viaGovernance === true ? "; the anchoring key's power was installed through registry governance, not by the institution's own admins" : ""
          }`,
          details: {
            institutionId: institution.institutionId,
            name: institution.name,
            identifier: institution.identifier,
            anchorer: batch.anchorer,
            anchorerCompromisedLater: key.compromisedFrom !== 0,
            ...(viaGovernance === undefined ? {} : { anchoringViaGovernance: viaGovernance }),
          },
        });
      }
    }

    // --- status ------------------------------------------------------------------------
    stage = "status";
    checks.push(await checkStatus({ parts, registry, batch, reader, parameters, atBlock }));

    // --- confirmations -----------------------------------------------------------------
    stage = "confirmations";
    const required = parameters.requiredConfirmations ?? 1;
    if (anchoring === undefined) {
      checks.push({
        id: "confirmations",
        outcome: "error",
        reason: "the batch is in the registry but its anchoring transaction could not be found",
      });
    } else {
      const latest = await reader.latestBlock();
      const confirmations = Number(latest - anchoring.blockNumber + 1n);
      checks.push(
        confirmations >= required
          ? {
              id: "confirmations",
              outcome: "valid",
              reason: `${confirmations} confirmation${confirmations === 1 ? "" : "s"} (${required} required)`,
              details: { confirmations, required, anchorBlock: anchoring.blockNumber.toString() },
            }
          : {
              id: "confirmations",
              outcome: "pending",
              reason: `${confirmations} of ${required} required confirmations so far; check again later`,
              details: { confirmations, required, anchorBlock: anchoring.blockNumber.toString() },
            },
      );
    }
  } catch (error) {
    checks.push(failureCheck(stage, error));
  }
  return checks;
}

async function checkStatus({
  parts,
  registry,
  batch,
  reader,
  parameters,
  atBlock,
}: {
  readonly parts: PortableCredentialParts;
  readonly registry: Address;
  readonly batch: Awaited<ReturnType<ChainReader["batch"]>>;
  readonly reader: ChainReader;
  readonly parameters: VerifyOptions;
  readonly atBlock: Settled<bigint> | undefined;
}): Promise<VerificationCheck> {
  const { proof } = parts;
  const version = await reader.version(registry);
  const historyParameters = {
    statusWindow: registryVersions[version].statusWindow,
    version,
    client: parameters.client,
    registry,
    batchId: proof.batchId,
    leafIndex: proof.leafIndex,
    institutionId: batch.institutionId,
    anchorer: batch.anchorer,
  };

  let status: CredentialStatusName;
  let decidedBy: Awaited<ReturnType<typeof readStatusHistory>>[number] | undefined;
  let asOf = "";
  if (atBlock !== undefined) {
    if (!atBlock.ok) throw atBlock.error;
    const events = await readStatusHistory({ ...historyParameters, toBlock: atBlock.value });
    ({ status, decidedBy } = statusFromHistory({ events, anchoredAt: batch.anchoredAt }));
    asOf = ` as of ${parameters.at!.toISOString()} (block ${atBlock.value})`;
  } else {
    status = reader.status({ registry: proof.registry, batchId: proof.batchId, leafIndex: proof.leafIndex }) ?? "unknownBatch";
    if (status !== "valid" && status !== "batchRevoked") {
      const events = await readStatusHistory(historyParameters);
      decidedBy = statusFromHistory({ events, anchoredAt: batch.anchoredAt }).decidedBy;
    }
  }

  // Registry v2: revocations of this credential set by a compromised key and cleared since (hole 3).
  const statusWindow = registryVersions[version].statusWindow;
  const cleared =
    version === 2
      ? clearedFor(await reader.clearings(registry, proof.batchId, Math.floor(proof.leafIndex / statusWindow)), proof.leafIndex, statusWindow).filter(
          (item) => atBlock === undefined || !atBlock.ok || BigInt(item.blockNumber) <= atBlock.value,
        )
      : [];
  const details = {
    ...(cleared.length > 0 ? { clearedRevocations: cleared } : {}),
    registryStatus: status,
    reasonCode: status === "batchRevoked" && atBlock === undefined ? batch.revokedReason : decidedBy?.reason,
    changedInBlock: decidedBy?.blockNumber.toString(),
    changedBy: decidedBy?.actor,
    transactionHash: decidedBy?.transactionHash,
  };
  const because = (code: number | undefined) => (code === undefined ? "" : `: ${describeReason(code)}`);
  // Registry v2: destructive acts inside their delay are pending, not done (and not ignored).
  if (status === "valid" && atBlock === undefined && (await reader.version(registry)) === 2) {
    const pending = await readPendingActs({ client: parameters.client, registry, batch, leafIndex: proof.leafIndex });
    if (pending.length > 0) {
      return {
        id: "status",
        outcome: "pending",
        reason: `valid now, but ${pending.map(describePending).join("; ")}; check again after that`,
        details: { ...details, pending },
      };
    }
  }
  switch (status) {
    case "valid":
      return {
        id: "status",
        outcome: "valid",
        reason: `not revoked, not suspended${asOf}${
          cleared.length > 0 ? ` (a revocation set by compromised key ${cleared.map((item) => item.compromisedAccount).join(", ")} after its cut-off was cleared)` : ""
        }`,
        details,
      };
    case "revoked":
      return { id: "status", outcome: "invalid", reason: `revoked by the issuer${asOf}${because(details.reasonCode)}`, details };
    case "suspended":
      return {
        id: "status",
        outcome: "invalid",
        reason: `suspended by the issuer${asOf}${because(details.reasonCode)}; a suspension can be lifted`,
        details,
      };
    case "batchRevoked":
      return {
        id: "status",
        outcome: "invalid",
        reason: `the whole batch was revoked${asOf}${because(details.reasonCode)}`,
        details,
      };
    case "institutionSuspended":
      return { id: "status", outcome: "invalid", reason: `the issuing institution is suspended${asOf}`, details };
    case "anchoringKeyCompromised":
      return {
        id: "status",
        outcome: "invalid",
        reason: `the key that anchored this batch was compromised at the time${asOf}`,
        details,
      };
    default:
      return { id: "status", outcome: "invalid", reason: `the registry reports ${status}${asOf}`, details };
  }
}

function describePending(act: PendingAct): string {
  const when = `executable from ${isoTime(act.executeAfter)} unless cancelled`;
  if (act.kind === "batchRevocation") return `a revocation of the whole batch is scheduled (${when})`;
  if (act.kind === "keyCompromise") {
    return `the anchoring key is reported compromised from ${isoTime(act.compromisedFrom ?? 0)} (${when})`;
  }
  return `a mass revocation listing this credential is scheduled (${when})`;
}

/** The anchored check's verdict when the credential's chain is not allowed (no chain read needed). */
function chainRefusal(parts: PortableCredentialParts, parameters: VerifyOptions): VerificationCheck | undefined {
  const { proof } = parts;
  if (parameters.allowedChains === undefined || parameters.allowedChains.includes(proof.chain)) return undefined;
  return {
    id: "anchored",
    outcome: "invalid",
    reason: `anchored on ${proof.chain}, which is not an allowed chain (${parameters.allowedChains.join(", ")})`,
    details: { chain: proof.chain, allowedChains: parameters.allowedChains },
  };
}

/**
 * The anchored check's verdict when the credential's chain is not allowed or its registry
 * is not trusted; undefined when both pass. Needs no chain read, so bulk verification
 * filters on it before the status preload.
 */
function trustRefusal(parts: PortableCredentialParts, parameters: VerifyOptions): VerificationCheck | undefined {
  const notAllowed = chainRefusal(parts, parameters);
  if (notAllowed !== undefined) return notAllowed;
  if (parameters.trustedRegistries === "any") return undefined;
  const { proof } = parts;
  const registry = getAddress(proof.registry);
  // `?? []`: a JavaScript caller that leaves the option out gets the fail-closed answer, not a TypeError.
  const trusted: readonly string[] = (parameters.trustedRegistries as readonly string[] | undefined) ?? [];
  if (trusted.some((candidate) => sameAddress(candidate, registry, proof.chain))) return undefined;
  return {
    id: "anchored",
    outcome: "invalid",
    reason:
      trusted.length === 0
        ? `registry ${registry} is not trusted: no trusted registry was given, and a registry anyone could have deployed proves nothing; trust the registry your issuers use (CLI --registry <address>)`
        : `registry ${registry} is not one of the trusted registries (${trusted.join(", ")})`,
    details: { code: "CA_REGISTRY_UNTRUSTED", registry, trustedRegistries: trusted },
  };
}

/** `candidate` is an address, or `eip155:<chain>:<address>` which must also name `chain`. */
function sameAddress(candidate: string, address: Address, chain: string): boolean {
  const separator = candidate.lastIndexOf(":");
  if (separator === -1) return candidate.toLowerCase() === address.toLowerCase();
  return candidate.slice(0, separator) === chain && candidate.slice(separator + 1).toLowerCase() === address.toLowerCase();
}

function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
