/**
 * Dev mode: replays the registry state onto a fresh development chain (the Hardhat node
 * forgets everything when it stops), so credentials issued before keep verifying and
 * their statuses survive: every event of the registry event index, whoever sent it (the
 * service, `credanchor revoke` with the revoker key, an admin's wallet, governance), is
 * sent again in its original order.
 *
 * Order: redeploy the registries (account #0 deploys v1 then v2, as dev mode does, so each
 * gets its old address; a v2 registry's delayed acts are executed at once, dev deploying it
 * with no delay), then each
 * indexed event in chain order: registrations, metadata, suspensions, role grants and
 * removals, key compromises, anchors and status changes. Each event is sent by the
 * account that sent it when that is a known dev or service key, else by governance (which
 * may act for any institution, except anchoring). Every step first checks whether the
 * chain already has its effect, so a replay interrupted by a crash continues on the next
 * start. Then the database's own anchored batches are checked (one the index had not read
 * yet is anchored again), batches whose transaction was in flight go back to `closed` for
 * the publisher, and the database is bound to the fresh chain with an empty index, in one
 * transaction. Nothing is deleted before the replay is complete.
 */
import { getContractAddress, type Chain, type PublicClient } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import type { Logger } from "pino";

import { credentialRegistryAbi } from "../../core/abi/credentialRegistryAbi.ts";
import type { ServiceAccounts } from "../chain/connect.ts";
import { credentialRegistryV2Abi } from "../../core/abi/credentialRegistryV2Abi.ts";
import { defaultDeploymentName, registriesOf } from "../../core/deployment.ts";
import { readDeploymentFile } from "../../node/deployments.ts";
import type { ServiceConfig } from "../config.ts";
import { hardhatAccounts } from "./devAccounts.ts";
import { type DevRegistry, deployDevRegistryVersion, ensureArtifacts, recordDevRegistries } from "./deployRegistry.ts";
import { findAnchoring } from "../../core/anchoring.ts";
import { hasRegistryCode, readBatch, readInstitution, readKeyRecord, registryVersions, type RegistryVersion } from "../../core/registry.ts";
import { ANCHOR_FORMAT_VERSION, roleBits } from "../../core/roles.ts";
import { RegistryRevertError, sendRegistryCall } from "../chain/clients.ts";
import { leafIndicesOf } from "../chain/registryEvents.ts";
import { ConfigError } from "../errors.ts";
import type { BatchRow, ChainIdentity, RegistryEventRow, Store } from "../store/types.ts";

/** Parameters of {@link replayOntoFreshChain}. */
export type ReplayParameters = {
  readonly store: Store;
  readonly client: PublicClient;
  readonly chain: Chain;
  /** What the database was bound to. */
  readonly previous: ChainIdentity;
  /** The version of the registry it was bound to (the deployment record says; 1 for older records). */
  readonly version: RegistryVersion;
  /**
   * Deploys one registry version from `governance` (dev: {@link deployDevRegistryVersion}).
   * For a v2 database, v1 is deployed first so that each gets its old address.
   */
  readonly deploy: (version: RegistryVersion) => Promise<DevRegistry>;
  readonly genesisHash: `0x${string}`;
  /** Registry governance (deploys, registers, and acts for institutions). */
  readonly governance: PrivateKeyAccount;
  /** The service's anchorer (anchors the database's batches). */
  readonly anchorer: PrivateKeyAccount;
  /** The service's revoker, if any. */
  readonly revoker?: PrivateKeyAccount | undefined;
  /** Every key that may have sent an event (the Hardhat accounts and the service's keys). */
  readonly accounts: readonly PrivateKeyAccount[];
  readonly logger?: Logger | undefined;
};

/** What the replay did (counts of transactions sent). */
export type ReplayReport = {
  readonly identity: ChainIdentity;
  readonly deployed: boolean;
  /** Indexed events read. */
  readonly events: number;
  readonly institutions: number;
  readonly grants: number;
  readonly anchors: number;
  readonly statusChanges: number;
  /** Events that could not be sent again (e.g. an anchor by a key the service does not hold). */
  readonly skipped: number;
  readonly requeued: number;
  /** The registries deployed on the fresh chain (empty when the bound one still had code). */
  readonly registries: readonly DevRegistry[];
};

const ALREADY_APPLIED = new Set([
  "CredentialRegistryAlreadyRevoked",
  "CredentialRegistryAlreadySuspended",
  "CredentialRegistryNotSuspended",
  "CredentialRegistryBatchAlreadyRevoked",
  "CredentialRegistryBatchAlreadyAnchored",
]);

const ZERO_HASH = `0x${"00".repeat(32)}` as const;
const PAGE = 1_000;

/**
 * @example
 * ```ts
 * const report = await replayOntoFreshChain({ store, client, chain, bytecode, previous, genesisHash,
 *   governance, anchorer, revoker, accounts: hardhatAccounts() });
 * ```
 */
export async function replayOntoFreshChain(parameters: ReplayParameters): Promise<ReplayReport> {
  const { store, client, chain, previous, governance, anchorer, logger } = parameters;
  const byAddress = new Map([...parameters.accounts, anchorer, ...(parameters.revoker ? [parameters.revoker] : [])].map((account) => [account.address.toLowerCase(), account]));
  const known = (address: unknown): PrivateKeyAccount | undefined => byAddress.get(String(address).toLowerCase());

  // 1. The registries, at their old addresses if the deployer's nonce allows: v1 then v2
  // (as dev mode deploys them), so a v2 database's registry is the second deployment.
  const { version } = parameters;
  let registry = previous.registryAddress;
  let deployed = false;
  let deployBlock = previous.deployBlock;
  const registries: DevRegistry[] = [];
  if (!(await hasRegistryCode({ client, registry }))) {
    const nonce = await client.getTransactionCount({ address: governance.address });
    const predicted = getContractAddress({ from: governance.address, nonce: BigInt(nonce + version - 1) });
    if (predicted.toLowerCase() !== registry.toLowerCase()) {
      logger?.warn(
        { previous: registry, next: predicted },
        "REPLAY: the registry cannot get its old address (the deployer account was used on this chain); credentials issued before name the old address and will not verify against the new one",
      );
    }
    for (const each of [1, 2] as const) registries.push(await parameters.deploy(each));
    const bound = registries.find((item) => item.version === version)!;
    registry = bound.registry;
    deployBlock = bound.deployBlock;
    deployed = true;
  }
  const location = { client, registry };
  const read = <T>(functionName: string, args: readonly unknown[]): Promise<T> =>
    client.readContract({ address: registry, abi: credentialRegistryAbi, functionName: functionName as never, args: args as never }) as Promise<T>;
  const statusWindow = registryVersions[version].statusWindow;
  const counts = { events: 0, institutions: 0, grants: 0, anchors: 0, statusChanges: 0, skipped: 0 };

  /** Sends one call; false when the registry says its effect is already there. */
  async function send(account: PrivateKeyAccount, functionName: string, args: readonly unknown[]): Promise<boolean> {
    try {
      await sendRegistryCall({ client, chain, registry, account, functionName, args, version });
      return true;
    } catch (error) {
      if (error instanceof RegistryRevertError && error.errorName !== undefined && ALREADY_APPLIED.has(error.errorName)) return false;
      throw error;
    }
  }

  // Old anchoring time -> new anchoring time, to carry key-compromise cut-offs over.
  const anchorTimes: { old: number; new: number }[] = [];
  async function latestTimestamp(): Promise<number> {
    return Number((await client.getBlock({ blockTag: "latest" })).timestamp);
  }
  async function mapCutoff(oldCutoff: number): Promise<number> {
    const later = anchorTimes.filter((entry) => entry.old >= oldCutoff).map((entry) => entry.new);
    return later.length > 0 ? Math.min(...later) : (await latestTimestamp()) + 1;
  }

  async function replayEvent(event: RegistryEventRow): Promise<void> {
    const { args, institutionId: id } = event;
    const actor = known(event.actor) ?? governance;
    switch (event.name) {
      case "InstitutionRegistered": {
        const count = Number(await read<number>("institutionCount", []));
        if (count >= id) return;
        if (count + 1 !== id) {
          throw new ConfigError({
            message: `Replay: institution ${id} cannot be registered again (the fresh registry has ${count}).`,
            hints: ["Delete the dev database (CREDANCHOR_DB_PATH) to start from scratch."],
          });
        }
        await send(known(args.actor) ?? governance, "registerInstitution", [args.name, args.identifier, args.metadataURI, args.metadataHash, args.admin]);
        counts.institutions++;
        return;
      }
      case "InstitutionMetadataUpdated":
        await send(known(args.actor) ?? governance, "updateInstitutionMetadata", [id, args.name, args.identifier, args.metadataURI, args.metadataHash]);
        return;
      case "InstitutionSuspended":
      case "InstitutionReinstated": {
        const record = await readInstitution({ ...location, institutionId: id });
        const wanted = event.name === "InstitutionSuspended" ? "suspended" : "active";
        if (record?.status === wanted) return;
        await send(known(args.actor) ?? governance, event.name === "InstitutionSuspended" ? "suspendInstitution" : "reinstateInstitution", [id, args.reason]);
        counts.statusChanges++;
        return;
      }
      case "InstitutionRolesGranted": {
        if (await read<boolean>("hasInstitutionRoles", [id, args.account, args.roles])) return;
        await send(actor, "grantRoles", [id, args.account, args.roles]);
        counts.grants++;
        return;
      }
      case "InstitutionRolesRevoked": {
        const held = (await readKeyRecord({ ...location, institutionId: id, account: args.account as `0x${string}` })).roles & Number(args.roles);
        if (held === 0) return;
        await send(actor, "revokeRoles", [id, args.account, held]);
        return;
      }
      case "AnchoringKeyCompromised": {
        const cutoff = await mapCutoff(Number(args.compromisedFrom));
        const record = await readKeyRecord({ ...location, institutionId: id, account: args.account as `0x${string}` });
        if (record.compromisedFrom !== 0 && record.compromisedFrom <= cutoff) return;
        await send(actor, "markKeyCompromised", [id, args.account, cutoff]);
        await executeIfScheduled("key", { institutionId: id, account: args.account as `0x${string}` });
        counts.statusChanges++;
        return;
      }
      case "BatchAnchored": {
        const timestamp = await anchorAgain(event, known(args.anchorer));
        if (timestamp !== undefined) anchorTimes.push({ old: event.timestamp, new: timestamp });
        return;
      }
      case "BatchesAnchored":
        // anchorMany's event does not carry the leaf counts (nothing in credanchor sends it).
        logger?.warn({ institution: id, txHash: event.txHash }, "REPLAY: an anchorMany call is not replayed");
        counts.skipped++;
        return;
      case "BatchRevoked":
      case "CredentialsRevoked":
      case "CredentialsSuspended":
      case "CredentialsReinstated": {
        if (!(await readBatch({ ...location, batchId: event.chainBatchId! })).exists) {
          counts.skipped++;
          return;
        }
        const reason = Number(args.reason);
        const sent =
          event.name === "BatchRevoked"
            ? await send(actor, "revokeBatch", [event.chainBatchId, reason])
            : await send(actor, event.name === "CredentialsRevoked" ? "revokeCredentials" : event.name === "CredentialsSuspended" ? "suspendCredentials" : "reinstateCredentials", [
                event.chainBatchId,
                leafIndicesOf(event, statusWindow).map(BigInt),
                reason,
              ]);
        if (sent && event.name === "BatchRevoked") await executeIfScheduled("batch", { batchId: event.chainBatchId! });
        if (sent) counts.statusChanges++;
        return;
      }
      case "GovernanceActedForInstitution":
        return; // emitted by the call it accompanies
    }
  }

  /**
   * Registry v2 only schedules what reaches into the past (a batch revocation, a past
   * compromise cut-off), and BatchRevoked / AnchoringKeyCompromised were emitted when such an
   * act was executed: apply it at once (dev deploys v2 with no delay).
   */
  async function executeIfScheduled(kind: "batch" | "key", target: { batchId?: `0x${string}`; institutionId?: number; account?: `0x${string}` }): Promise<void> {
    if (version !== 2) return;
    const v2 = { address: registry, abi: credentialRegistryV2Abi } as const;
    if (kind === "batch") {
      const [, revocation] = await client.readContract({ ...v2, functionName: "getBatch", args: [target.batchId!] });
      if (revocation.pendingAfter !== 0) await send(governance, "executeBatchRevocation", [target.batchId]);
    } else {
      const key = await client.readContract({ ...v2, functionName: "getKeyRecord", args: [target.institutionId!, target.account!] });
      if (key.pendingCutoff !== 0) await send(governance, "executeKeyCompromise", [target.institutionId, target.account]);
    }
  }

  /** Anchors an indexed batch again; its new anchoring time, or undefined if not sent. */
  async function anchorAgain(event: RegistryEventRow, account: PrivateKeyAccount | undefined): Promise<number | undefined> {
    const onChain = await readBatch({ ...location, batchId: event.chainBatchId! });
    if (onChain.exists) return onChain.anchoredAt;
    if (account === undefined) {
      logger?.warn({ batch: event.chainBatchId, anchorer: event.args.anchorer }, "REPLAY: batch anchored by a key the service does not hold; not replayed");
      counts.skipped++;
      return undefined;
    }
    const request = {
      merkleRoot: event.args.merkleRoot,
      leafCount: Number(event.args.leafCount),
      formatVersion: Number(event.args.formatVersion),
      manifestHash: event.args.manifestHash,
    };
    try {
      await send(account, "anchor", [event.institutionId, request]);
    } catch (error) {
      if (!(error instanceof RegistryRevertError)) throw error;
      logger?.warn({ batch: event.chainBatchId, reason: error.errorName }, "REPLAY: the registry refused to anchor this batch again; not replayed");
      counts.skipped++;
      return undefined;
    }
    counts.anchors++;
    return (await readBatch({ ...location, batchId: event.chainBatchId! })).anchoredAt;
  }

  // 2. Every indexed event, in chain order.
  for (let after: RegistryEventRow | undefined, page: RegistryEventRow[]; ; after = page.at(-1)) {
    page = await store.listRegistryEvents({ after, limit: PAGE });
    if (page.length === 0) break;
    for (const event of page) {
      counts.events++;
      await replayEvent(event);
    }
  }

  // 3. Institutions and batches of the database the index had not read (it lags the chain
  // by up to a poll interval): registered with the service's roles, anchored by the service.
  const count = Number(await read<number>("institutionCount", []));
  for (const institution of (await store.listInstitutions()).filter((row) => row.id > count).sort((a, b) => a.id - b.id)) {
    const admin = known(institution.adminAddress) ?? governance;
    await send(governance, "registerInstitution", [institution.name, institution.identifier, institution.metadataUri, ZERO_HASH, admin.address]);
    counts.institutions++;
    await send(admin, "grantRoles", [institution.id, anchorer.address, roleBits.anchorer]);
    if (parameters.revoker !== undefined) await send(admin, "grantRoles", [institution.id, parameters.revoker.address, roleBits.revoker]);
    counts.grants += parameters.revoker === undefined ? 1 : 2;
  }
  const batches = await store.listBatchesInStates(["sending", "sent", "mined", "anchored"]);
  let requeued = 0;
  for (const batch of batches.filter((row) => row.state === "sending" || row.state === "sent")) {
    await store.transitionBatch({
      id: batch.id,
      from: [batch.state],
      to: "closed",
      patch: { nonce: null, fromAddress: null, rawTx: null, txHash: null, sentAt: null, lastError: "chain reset: sending again" },
    });
    requeued++;
  }
  const mined = batches
    .filter((row) => row.state === "mined" || row.state === "anchored")
    .sort((a, b) => (a.blockNumber ?? 0) - (b.blockNumber ?? 0) || (a.txIndex ?? 0) - (b.txIndex ?? 0) || a.id - b.id);
  for (const batch of mined) await recordAnchoring(batch);

  /** Points a database batch at its anchoring on the fresh chain (anchoring it if needed). */
  async function recordAnchoring(batch: BatchRow): Promise<void> {
    if (!(await readBatch({ ...location, batchId: batch.chainBatchId! })).exists) {
      await send(anchorer, "anchor", [
        batch.institutionId,
        { merkleRoot: batch.merkleRoot, leafCount: batch.size, formatVersion: ANCHOR_FORMAT_VERSION, manifestHash: ZERO_HASH },
      ]);
      counts.anchors++;
    }
    const found = await findAnchoring({ ...location, batchId: batch.chainBatchId! });
    if (found === undefined) throw new ConfigError({ message: `Replay: batch ${batch.id} is on the fresh chain but its anchoring log is missing.` });
    const receipt = await client.getTransactionReceipt({ hash: found.transactionHash });
    const block = await client.getBlock({ blockHash: receipt.blockHash });
    await store.transitionBatch({
      id: batch.id,
      from: ["mined", "anchored"],
      to: "mined",
      patch: {
        txHash: found.transactionHash,
        nonce: null,
        rawTx: null,
        blockNumber: Number(receipt.blockNumber),
        blockHash: receipt.blockHash,
        txIndex: receipt.transactionIndex,
        minedAt: Number(block.timestamp) * 1000,
        anchoredAt: null,
      },
    });
  }

  // 4. Bound to the fresh chain; its index is read again from the new deployment block.
  const identity: ChainIdentity = { chainId: previous.chainId, genesisHash: parameters.genesisHash, registryAddress: registry, deployBlock };
  await store.rebindChain({ identity, cursor: { blockNumber: deployBlock - 1, blockHash: ZERO_HASH } });
  return { identity, deployed, ...counts, requeued, registries };
}

/**
 * Dev start-up after a chain reset: compiles the registry if needed, replays the database
 * onto the fresh chain ({@link replayOntoFreshChain}, signing as Hardhat's accounts), logs
 * what it did and records the registry in deployments/<network>.json.
 *
 * @example
 * ```ts
 * const replay = await replayDevChain({ config, store, client, chain, previous: identity, genesisHash, accounts, logger });
 * ```
 */
export async function replayDevChain(parameters: {
  readonly config: ServiceConfig;
  readonly store: Store;
  readonly client: PublicClient;
  readonly chain: Chain;
  readonly previous: ChainIdentity;
  readonly genesisHash: `0x${string}`;
  readonly accounts: ServiceAccounts;
  readonly logger: Logger;
}): Promise<ReplayReport> {
  const { config, accounts, logger } = parameters;
  ensureArtifacts(config.repoRoot, logger);
  const governance = accounts.governance!;
  const name = config.network ?? defaultDeploymentName(parameters.previous.chainId);
  let recorded: ReturnType<typeof readDeploymentFile>;
  try {
    recorded = readDeploymentFile({ dir: config.deploymentsDir, name });
  } catch {
    recorded = undefined; // a broken record is rewritten below
  }
  const previousAddress = parameters.previous.registryAddress.toLowerCase();
  const version = (recorded === undefined ? undefined : registriesOf({ record: recorded }).find((entry) => entry.address.toLowerCase() === previousAddress)?.version) ?? 1;
  const replay = await replayOntoFreshChain({
    store: parameters.store,
    client: parameters.client,
    chain: parameters.chain,
    previous: parameters.previous,
    version,
    deploy: (each) =>
      deployDevRegistryVersion({ repoRoot: config.repoRoot, client: parameters.client, chain: parameters.chain, rpcUrl: config.rpcUrl, governance, version: each }),
    genesisHash: parameters.genesisHash,
    governance,
    anchorer: accounts.anchorer,
    revoker: accounts.revoker,
    accounts: hardhatAccounts(),
    logger,
  });
  const { identity, registries, ...counts } = replay;
  logger.warn({ registry: identity.registryAddress, version, ...counts }, "DEV MODE: replay done; credentials issued before verify on the fresh chain");
  if (registries.length > 0) recordDevRegistries({ config, chainId: identity.chainId, governance: governance.address, registries });
  return replay;
}
