/**
 * Institutions the service issues for. In dev mode the service registers them itself
 * (governance = Hardhat account #0); in production governance registers them and the
 * service imports the on-chain record ({@link importInstitution}, for the CLI).
 * Every registration and role grant the service performs is journaled for replay.
 */
import type { Chain, PublicClient } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";

import { readInstitution } from "../core/registry.ts";
import { roleBits } from "../core/roles.ts";
import { sendRegistryCall } from "./chain/clients.ts";
import { ServiceError } from "./errors.ts";
import type { InstitutionRow, Store } from "./store/types.ts";


/** Parameters of {@link registerInstitution}. */
export type RegisterInstitutionParameters = {
  readonly store: Store;
  readonly client: PublicClient;
  readonly chain: Chain;
  readonly registry: `0x${string}`;
  /** Holds GOVERNOR_ROLE. */
  readonly governance: PrivateKeyAccount;
  /** First admin of the institution; it grants the anchorer and revoker roles. */
  readonly admin: PrivateKeyAccount;
  readonly anchorer: `0x${string}`;
  readonly revoker: `0x${string}` | undefined;
  readonly name: string;
  readonly identifier: string;
  readonly metadataUri?: string | undefined;
};

/**
 * Registers an institution on chain, grants the service's anchorer and revoker roles,
 * and stores it.
 *
 * @example
 * ```ts
 * const institution = await registerInstitution({ store, client, chain, registry, governance, admin,
 *   anchorer: anchorer.address, revoker: revoker.address, name: "Demo University", identifier: "did:web:demo.credanchor.local" });
 * ```
 */
export async function registerInstitution(parameters: RegisterInstitutionParameters): Promise<InstitutionRow> {
  const { store, client, chain, registry, governance, admin, name, identifier } = parameters;
  const metadataUri = parameters.metadataUri ?? "";
  const call = { client, chain, registry };
  const { receipt, result } = await sendRegistryCall({
    ...call,
    account: governance,
    functionName: "registerInstitution",
    args: [name, identifier, metadataUri, `0x${"00".repeat(32)}`, admin.address],
  });
  const id = Number(result);
  const now = Date.now();
  const row: InstitutionRow = { id, name, identifier, metadataUri, adminAddress: admin.address, createdAt: now };
  await store.createInstitution(row);
  await store.recordChainOp({
    kind: "registerInstitution",
    institutionId: id,
    batchId: null,
    payload: { name, identifier, metadataUri, admin: admin.address, actor: governance.address },
    txHash: receipt.transactionHash,
    blockNumber: Number(receipt.blockNumber),
    createdAt: now,
  });
  const grants = new Map<string, number>();
  grants.set(parameters.anchorer, roleBits.anchorer);
  if (parameters.revoker !== undefined) grants.set(parameters.revoker, (grants.get(parameters.revoker) ?? 0) | roleBits.revoker);
  for (const [account, roles] of grants) {
    const granted = await sendRegistryCall({ ...call, account: admin, functionName: "grantRoles", args: [id, account, roles] });
    await store.recordChainOp({
      kind: "grantRoles",
      institutionId: id,
      batchId: null,
      payload: { account, roles, actor: admin.address },
      txHash: granted.receipt.transactionHash,
      blockNumber: Number(granted.receipt.blockNumber),
      createdAt: Date.now(),
    });
  }
  return row;
}

/**
 * Adds an institution that governance registered on chain to the service's database
 * (production: the CLI calls this). Its anchorer and revoker roles must be granted to the
 * service's keys by the institution's admin.
 *
 * @example
 * ```ts
 * await importInstitution({ store, client, registry, institutionId: 7 });
 * ```
 */
export async function importInstitution(parameters: {
  readonly store: Store;
  readonly client: PublicClient;
  readonly registry: `0x${string}`;
  readonly institutionId: number;
}): Promise<InstitutionRow> {
  const existing = await parameters.store.getInstitution(parameters.institutionId);
  if (existing !== undefined) return existing;
  const record = await readInstitution({ client: parameters.client, registry: parameters.registry, institutionId: parameters.institutionId });
  if (record === undefined) {
    throw new ServiceError({ code: "CA_NOT_FOUND", message: `Institution ${parameters.institutionId} is not registered in ${parameters.registry}.` });
  }
  const row: InstitutionRow = {
    id: record.institutionId,
    name: record.name,
    identifier: record.identifier,
    metadataUri: record.metadataURI,
    adminAddress: "",
    createdAt: Date.now(),
  };
  await parameters.store.createInstitution(row);
  return row;
}
