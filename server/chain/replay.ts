/**
 * Dev mode: replays the registry state the database knows onto a fresh development chain
 * (the Hardhat node forgets everything when it stops), so credentials issued before keep
 * verifying.
 *
 * Order: redeploy the registry (account #0 at nonce 0 gives the same address), replay
 * institution registrations and role grants in journal order, re-anchor every batch
 * root that was mined in its original order with the single `anchor` call, then re-apply
 * the revocations, suspensions, reinstatements and batch revocations the service
 * performed, in order. Every step first checks whether the chain already has its effect,
 * so a replay interrupted by a crash simply continues on the next start. Batches whose
 * transaction was in flight go back to `closed` for the publisher. Nothing is deleted.
 */
import { getContractAddress, type Chain, type PublicClient } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import type { Logger } from "pino";

import { findAnchoring } from "../../core/anchoring.ts";
import { hasRegistryCode, readBatch } from "../../core/registry.ts";
import { ANCHOR_FORMAT_VERSION } from "../publisher.ts";
import type { BatchRow, ChainIdentity, ChainOpRow, Store } from "../store/types.ts";
import { RegistryRevertError, sendRegistryCall } from "./clients.ts";
import { registryAbi } from "./registryAbi.ts";

/** Parameters of {@link replayOntoFreshChain}. */
export type ReplayParameters = {
  readonly store: Store;
  readonly client: PublicClient;
  readonly chain: Chain;
  readonly bytecode: `0x${string}`;
  /** What the database was bound to. */
  readonly previous: ChainIdentity;
  readonly genesisHash: `0x${string}`;
  /** Registry governance (deploys and registers). */
  readonly governance: PrivateKeyAccount;
  readonly anchorer: PrivateKeyAccount;
  /** Every key the service may use, to act as the journaled actor of each step. */
  readonly accounts: readonly PrivateKeyAccount[];
  readonly logger?: Logger | undefined;
};

/** What the replay did. */
export type ReplayReport = {
  readonly identity: ChainIdentity;
  readonly deployed: boolean;
  readonly institutions: number;
  readonly grants: number;
  readonly anchors: number;
  readonly statusChanges: number;
  readonly requeued: number;
};

const ALREADY_APPLIED = new Set([
  "CredentialRegistryAlreadyRevoked",
  "CredentialRegistryAlreadySuspended",
  "CredentialRegistryNotSuspended",
  "CredentialRegistryBatchAlreadyRevoked",
]);

/**
 * @example
 * ```ts
 * const report = await replayOntoFreshChain({ store, client, chain, bytecode, previous, genesisHash,
 *   governance, anchorer, accounts: [governance, admin, anchorer, revoker] });
 * ```
 */
export async function replayOntoFreshChain(parameters: ReplayParameters): Promise<ReplayReport> {
  const { store, client, chain, previous, governance, anchorer, logger } = parameters;
  const byAddress = new Map(parameters.accounts.map((account) => [account.address.toLowerCase(), account]));
  const actor = (address: unknown, fallback: PrivateKeyAccount): PrivateKeyAccount =>
    byAddress.get(String(address).toLowerCase()) ?? fallback;

  // 1. The registry, at the same address if the deployer's nonce allows.
  let registry = previous.registryAddress;
  let deployed = false;
  let deployBlock = previous.deployBlock;
  if (!(await hasRegistryCode({ client, registry }))) {
    const nonce = await client.getTransactionCount({ address: governance.address });
    const predicted = getContractAddress({ from: governance.address, nonce: BigInt(nonce) });
    if (predicted.toLowerCase() !== registry.toLowerCase()) {
      logger?.warn(
        { previous: registry, next: predicted },
        "REPLAY: the registry cannot get its old address (the deployer account was used on this chain); credentials issued before name the old address and will not verify against the new one",
      );
    }
    const { createWalletClient, http } = await import("viem");
    const wallet = createWalletClient({ account: governance, chain, transport: http(chain.rpcUrls.default.http[0]) });
    const hash = await wallet.deployContract({ abi: registryAbi, bytecode: parameters.bytecode, args: [governance.address, 0] });
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    registry = receipt.contractAddress!;
    deployBlock = Number(receipt.blockNumber);
    deployed = true;
  }
  const call = { client, chain, registry };

  // 2. Institutions and roles, in journal order.
  const ops = await store.listChainOps();
  let institutions = 0;
  let grants = 0;
  for (const op of ops) {
    if (op.kind === "registerInstitution") {
      const count = Number(await client.readContract({ address: registry, abi: registryAbi, functionName: "institutionCount" }));
      if (count >= op.institutionId) continue;
      if (count + 1 !== op.institutionId) {
        throw new Error(`replay: institution ${op.institutionId} cannot be re-registered (registry has ${count})`);
      }
      const { payload } = op;
      const { receipt } = await sendRegistryCall({
        ...call,
        account: actor(payload.actor, governance),
        functionName: "registerInstitution",
        args: [payload.name, payload.identifier, payload.metadataUri ?? "", `0x${"00".repeat(32)}`, payload.admin],
      });
      await store.updateChainOpTx({ seq: op.seq, txHash: receipt.transactionHash, blockNumber: Number(receipt.blockNumber) });
      institutions++;
    } else if (op.kind === "grantRoles") {
      const has = await client.readContract({
        address: registry,
        abi: registryAbi,
        functionName: "hasInstitutionRoles",
        args: [op.institutionId, op.payload.account as `0x${string}`, Number(op.payload.roles)],
      });
      if (has) continue;
      const { receipt } = await sendRegistryCall({
        ...call,
        account: actor(op.payload.actor, governance),
        functionName: "grantRoles",
        args: [op.institutionId, op.payload.account, Number(op.payload.roles)],
      });
      await store.updateChainOpTx({ seq: op.seq, txHash: receipt.transactionHash, blockNumber: Number(receipt.blockNumber) });
      grants++;
    }
  }

  // 3. Batch roots in their original order; in-flight ones go back to the publisher.
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
  let anchors = 0;
  for (const batch of mined) {
    await reanchor(batch);
    anchors++;
  }

  async function reanchor(batch: BatchRow): Promise<void> {
    const existing = await readBatch({ client, registry, batchId: batch.chainBatchId! });
    let txHash: `0x${string}`;
    if (existing.exists) {
      const found = await findAnchoring({ client, registry, batchId: batch.chainBatchId! });
      if (found === undefined) throw new Error(`replay: batch ${batch.id} exists but its anchoring log is missing`);
      txHash = found.transactionHash;
    } else {
      const { receipt } = await sendRegistryCall({
        ...call,
        account: anchorer,
        functionName: "anchor",
        args: [
          batch.institutionId,
          { merkleRoot: batch.merkleRoot, leafCount: batch.size, formatVersion: ANCHOR_FORMAT_VERSION, manifestHash: `0x${"00".repeat(32)}` },
        ],
      });
      txHash = receipt.transactionHash;
    }
    const receipt = await client.getTransactionReceipt({ hash: txHash });
    const block = await client.getBlock({ blockHash: receipt.blockHash });
    await store.transitionBatch({
      id: batch.id,
      from: ["mined", "anchored"],
      to: "mined",
      patch: {
        txHash,
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

  // 4. Status changes, in journal order.
  let statusChanges = 0;
  for (const op of ops) {
    if (op.kind === "registerInstitution" || op.kind === "grantRoles") continue;
    if (await replayStatusChange(op)) statusChanges++;
  }

  async function replayStatusChange(op: ChainOpRow): Promise<boolean> {
    const batch = op.batchId === null ? undefined : await store.getBatchById(op.batchId);
    if (batch?.chainBatchId == null) return false;
    const reason = Number(op.payload.reason ?? 0);
    const args =
      op.kind === "revokeBatch"
        ? [batch.chainBatchId, reason]
        : [batch.chainBatchId, (op.payload.leafIndices as number[]).map(BigInt), reason];
    try {
      const { receipt } = await sendRegistryCall({ ...call, account: actor(op.payload.actor, governance), functionName: op.kind, args });
      await store.updateChainOpTx({ seq: op.seq, txHash: receipt.transactionHash, blockNumber: Number(receipt.blockNumber) });
      return true;
    } catch (error) {
      if (error instanceof RegistryRevertError && error.errorName !== undefined && ALREADY_APPLIED.has(error.errorName)) return false;
      throw error;
    }
  }

  const identity: ChainIdentity = {
    chainId: previous.chainId,
    genesisHash: parameters.genesisHash,
    registryAddress: registry,
    deployBlock,
  };
  await store.setChainIdentity(identity);
  return { identity, deployed, institutions, grants, anchors, statusChanges, requeued };
}
