/**
 * Revoke, suspend, reinstate (per credential, bulk) and revoke whole batches: one
 * registry transaction per batch touched, sent with the service's revoker key, which
 * must hold ROLE_REVOKER (or ROLE_ADMIN) in the institution. Each mined change reaches
 * the registry event index before the call returns (status is answered from it).
 * Transactions of the revoker key are sent one at a time (nonce order); the registry
 * itself rejects double changes.
 */
import type { Chain, PublicClient } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";

import { credentialRegistryV2Abi } from "../core/abi/credentialRegistryV2Abi.ts";
import { readCredentialStatuses, rpcRead, type CredentialStatusName, type RegistryVersion } from "../core/registry.ts";
import { sendRegistryCall, RegistryRevertError } from "./chain/clients.ts";
import { ServiceError } from "./errors.ts";
import type { ServiceMetrics } from "./metrics.ts";
import type { BatchRow } from "./store/types.ts";

/** A status action on credentials. */
export type CredentialAction = "revoke" | "suspend" | "reinstate";

const FUNCTION: Record<CredentialAction, string> = {
  revoke: "revokeCredentials",
  suspend: "suspendCredentials",
  reinstate: "reinstateCredentials",
};

/** One credential targeted by an action. */
export type StatusTarget = { readonly batch: BatchRow; readonly leafIndex: number; readonly id?: string | undefined };

/** Result of a status change. */
export type StatusChangeResult = {
  readonly transactions: readonly { batch: number; chainBatchId: string; txHash: string; blockNumber: number }[];
  readonly credentials: readonly { id?: string | undefined; batch: number; leafIndex: number; status: CredentialStatusName }[];
};

/** Parameters of {@link createStatusChanger}. */
export type CreateStatusChangerParameters = {
  readonly client: PublicClient;
  readonly chain: Chain;
  readonly registry: `0x${string}`;
  /** The registry's version (default 1): v2 schedules a batch revocation (see revokeBatch). */
  readonly registryVersion?: RegistryVersion | undefined;
  readonly revoker: PrivateKeyAccount | undefined;
  readonly metrics?: ServiceMetrics | undefined;
  /** Called with the block of each mined change before the call resolves (the index catches up). */
  readonly afterChange?: ((blockNumber: number) => Promise<void>) | undefined;
};

/** The status changer. */
export type StatusChanger = {
  changeCredentials(parameters: { action: CredentialAction; targets: readonly StatusTarget[]; reason: number }): Promise<StatusChangeResult>;
  /**
   * Revokes a whole batch. On registry v2 this schedules the revocation (another admin or
   * governance can cancel it for the registry's action delay): `executeAfter` says from when
   * it can be executed, and it is executed at once when the delay is already over (dev mode
   * deploys v2 with no delay). The status is read after that.
   */
  revokeBatch(parameters: { batch: BatchRow; reason: number }): Promise<{ txHash: string; blockNumber: number; status: CredentialStatusName; executeAfter?: number | undefined }>;
};

function requireOnChain(batch: BatchRow): void {
  if (batch.state !== "mined" && batch.state !== "anchored") {
    throw new ServiceError({
      code: "CA_BATCH_NOT_ANCHORED",
      message: `Batch ${batch.id} is ${batch.state}, not anchored yet.`,
    });
  }
}

function rejection(error: RegistryRevertError): ServiceError {
  const name = error.errorName ?? "unknown";
  const args = error.args.map((value) => (typeof value === "bigint" ? value.toString() : value));
  if (name === "CredentialRegistryUnauthorized") {
    return new ServiceError({
      code: "CA_SIGNER_UNAUTHORIZED",
      message: `The registry refused the service's revoker key (${name}).`,
      details: [{ path: "revoker key", message: `${name}(${args.join(", ")})` }],
    });
  }
  return new ServiceError({
    code: "CA_STATUS_CHANGE_REJECTED",
    message: `The registry refused the change: ${name}.`,
    details: [{ path: "$", message: `${name}(${args.join(", ")})` }],
  });
}

/**
 * @example
 * ```ts
 * const changer = createStatusChanger({ client, chain, registry, revoker });
 * await changer.changeCredentials({ action: "revoke", targets, reason: 1 });
 * ```
 */
export function createStatusChanger(parameters: CreateStatusChangerParameters): StatusChanger {
  const { client, chain, registry, revoker, metrics } = parameters;
  const version = parameters.registryVersion ?? 1;
  const afterChange = async (blockNumber: number): Promise<void> => {
    try {
      await parameters.afterChange?.(blockNumber);
    } catch {
      // The change is on chain; the index reads it on its next pass.
    }
  };
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  function signer(): PrivateKeyAccount {
    if (revoker === undefined) {
      throw new ServiceError({ code: "CA_SIGNER_NOT_CONFIGURED", message: "No revoker key is configured." });
    }
    return revoker;
  }

  async function send(functionName: string, args: readonly unknown[]) {
    try {
      return await sendRegistryCall({ client, chain, account: signer(), registry, functionName, args, version });
    } catch (error) {
      if (error instanceof RegistryRevertError) {
        metrics?.txFailures.inc({ kind: "status", reason: error.errorName ?? "revert" });
        throw rejection(error);
      }
      throw error;
    }
  }

  return {
    async changeCredentials({ action, targets, reason }) {
      const groups = new Map<number, { batch: BatchRow; indices: Set<number> }>();
      for (const target of targets) {
        requireOnChain(target.batch);
        let group = groups.get(target.batch.id);
        if (group === undefined) groups.set(target.batch.id, (group = { batch: target.batch, indices: new Set() }));
        group.indices.add(target.leafIndex);
      }
      const transactions: StatusChangeResult["transactions"][number][] = [];
      await serial(async () => {
        for (const { batch, indices } of groups.values()) {
          const sorted = [...indices].sort((a, b) => a - b); // one storage word per window (256 indices in v1, 128 in v2)
          const { receipt } = await send(FUNCTION[action], [batch.chainBatchId, sorted.map(BigInt), reason]);
          transactions.push({
            batch: batch.id,
            chainBatchId: batch.chainBatchId!,
            txHash: receipt.transactionHash,
            blockNumber: Number(receipt.blockNumber),
          });
        }
      });
      if (transactions.length > 0) await afterChange(Math.max(...transactions.map((tx) => tx.blockNumber)));
      const credentials: StatusChangeResult["credentials"][number][] = [];
      for (const { batch } of groups.values()) {
        const mine = targets.filter((target) => target.batch.id === batch.id);
        const statuses = await readCredentialStatuses({
          client,
          registry,
          batchId: batch.chainBatchId!,
          leafIndices: mine.map((target) => target.leafIndex),
        });
        mine.forEach((target, i) => credentials.push({ id: target.id, batch: batch.id, leafIndex: target.leafIndex, status: statuses[i]! }));
      }
      return { transactions, credentials };
    },
    async revokeBatch({ batch, reason }) {
      requireOnChain(batch);
      let { receipt } = await serial(() => send("revokeBatch", [batch.chainBatchId, reason]));
      let executeAfter: number | undefined;
      if (version === 2) {
        const v2 = { address: registry, abi: credentialRegistryV2Abi } as const;
        const [, revocation] = await rpcRead(client, () => client.readContract({ ...v2, functionName: "getBatch", args: [batch.chainBatchId!] }));
        executeAfter = revocation.pendingAfter === 0 ? undefined : revocation.pendingAfter;
        const now = Number((await rpcRead(client, () => client.getBlock({ blockTag: "latest" }))).timestamp);
        if (executeAfter !== undefined && executeAfter <= now) {
          ({ receipt } = await serial(() => send("executeBatchRevocation", [batch.chainBatchId])));
          executeAfter = undefined;
        }
      }
      await afterChange(Number(receipt.blockNumber));
      const [status] = await readCredentialStatuses({ client, registry, batchId: batch.chainBatchId!, leafIndices: [0] });
      return { txHash: receipt.transactionHash, blockNumber: Number(receipt.blockNumber), status: status!, executeAfter };
    },
  };
}
