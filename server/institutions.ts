/**
 * Institutions the service issues for. In dev mode the service registers them itself
 * (governance = Hardhat account #0); in production governance registers them on chain and
 * an operator onboards them ({@link onboardInstitution}, through server/admin.ts and
 * `credanchor service institution add`), which checks the service's keys hold their roles.
 */
import type { Chain, PublicClient } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";

import { credentialRegistryAbi } from "../core/abi/credentialRegistryAbi.ts";
import { readInstitution, readKeyRecord, rpcRead } from "../core/registry.ts";
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
  const { result } = await sendRegistryCall({
    ...call,
    account: governance,
    functionName: "registerInstitution",
    args: [name, identifier, metadataUri, `0x${"00".repeat(32)}`, admin.address],
  });
  const id = Number(result);
  const now = Date.now();
  const row: InstitutionRow = {
    id,
    name,
    identifier,
    metadataUri,
    adminAddress: admin.address,
    createdAt: now,
    status: "active",
    keys: { anchorer: parameters.anchorer, revoker: parameters.revoker ?? null, signingKey: null },
  };
  await store.createInstitution(row);
  const grants = new Map<string, number>();
  grants.set(parameters.anchorer, roleBits.anchorer);
  if (parameters.revoker !== undefined) grants.set(parameters.revoker, (grants.get(parameters.revoker) ?? 0) | roleBits.revoker);
  for (const [account, roles] of grants) {
    await sendRegistryCall({ ...call, account: admin, functionName: "grantRoles", args: [id, account, roles] });
  }
  return row;
}

/** A role the service's key lacks in an institution, and the command that grants it. */
export type MissingRole = {
  readonly role: "anchorer" | "revoker";
  readonly account: `0x${string}`;
  /** Why: "no role", or "compromised" (a compromised key can never hold a role again). */
  readonly problem: "missing" | "compromised";
  /** The CLI command an admin of the institution runs to grant it. */
  readonly command: string;
};

/** Parameters of {@link checkServiceRoles}. */
export type CheckServiceRolesParameters = {
  readonly client: PublicClient;
  readonly registry: `0x${string}`;
  readonly institutionId: number;
  /** Needs ROLE_ANCHORER. */
  readonly anchorer: `0x${string}`;
  /** Needs ROLE_REVOKER or ROLE_ADMIN; undefined when the service has no revoker key. */
  readonly revoker: `0x${string}` | undefined;
};

/**
 * What the service's keys lack in an institution on chain (empty: nothing).
 *
 * @example
 * ```ts
 * const missing = await checkServiceRoles({ client, registry, institutionId: 2, anchorer, revoker });
 * // [{ role: "anchorer", account: "0x…", problem: "missing", command: "credanchor keys add 0x… --role anchorer --institution 2" }]
 * ```
 */
export async function checkServiceRoles(parameters: CheckServiceRolesParameters): Promise<MissingRole[]> {
  const { client, registry, institutionId } = parameters;
  const wanted: { role: MissingRole["role"]; account: `0x${string}`; accepted: number }[] = [
    { role: "anchorer", account: parameters.anchorer, accepted: roleBits.anchorer },
  ];
  if (parameters.revoker !== undefined) wanted.push({ role: "revoker", account: parameters.revoker, accepted: roleBits.revoker | roleBits.admin });
  const missing: MissingRole[] = [];
  for (const { role, account, accepted } of wanted) {
    const key = await readKeyRecord({ client, registry, institutionId, account });
    if ((key.roles & accepted) !== 0) continue;
    missing.push({
      role,
      account,
      problem: key.compromisedFrom !== 0 ? "compromised" : "missing",
      command: `credanchor keys add ${account} --role ${role} --institution ${institutionId}`,
    });
  }
  return missing;
}

/** Parameters of {@link onboardInstitution}. */
export type OnboardInstitutionParameters = CheckServiceRolesParameters & {
  readonly store: Store;
  /** Where to look for the InstitutionRegistered event (the registry's deployment block). */
  readonly fromBlock?: number | undefined;
  readonly now?: number | undefined;
};

/** Return type of {@link onboardInstitution}. */
export type OnboardInstitutionReturnType = { readonly institution: InstitutionRow; readonly created: boolean };

/**
 * Adds an institution that governance registered on chain to the service (or refreshes
 * one already there from its on-chain record): reads the record, checks that the
 * service's anchorer and revoker keys hold the roles they need in it, and stores the
 * institution with those keys. Refuses, changing nothing, when the institution is not
 * registered or suspended, or when a role is missing (the error names each missing role
 * and the command that grants it). A re-added institution keeps its status and tokens.
 *
 * @example
 * ```ts
 * const { institution } = await onboardInstitution({ store, client, registry, institutionId: 2, anchorer, revoker });
 * ```
 */
export async function onboardInstitution(parameters: OnboardInstitutionParameters): Promise<OnboardInstitutionReturnType> {
  const { store, client, registry, institutionId } = parameters;
  const record = await readInstitution({ client, registry, institutionId });
  if (record === undefined) {
    throw new ServiceError({
      code: "CA_NOT_FOUND",
      message: `Institution ${institutionId} is not registered in registry ${registry}.`,
      hints: ["Registry governance registers it first: `credanchor institution register …`; `credanchor institution show` lists them."],
    });
  }
  if (record.status !== "active") {
    throw new ServiceError({
      code: "CA_INSTITUTION_SUSPENDED",
      message: `Institution ${institutionId} (${record.name}) is ${record.status} in registry ${registry}; it cannot anchor.`,
      hints: [`Registry governance reinstates it: \`credanchor institution reinstate ${institutionId}\`.`],
    });
  }
  const missing = await checkServiceRoles(parameters);
  if (missing.length > 0) {
    throw new ServiceError({
      code: "CA_SIGNER_UNAUTHORIZED",
      message: `The service's keys lack roles in institution ${institutionId} (${record.name}): ${missing
        .map((item) => `${item.role} key ${item.account} ${item.problem === "compromised" ? "is marked compromised" : `has no ROLE_${item.role.toUpperCase()}`}`)
        .join("; ")}.`,
      hints: missing.map((item) =>
        item.problem === "compromised"
          ? `A compromised key cannot hold roles again: configure another ${item.role} key for the service.`
          : `An admin of institution ${institutionId} runs: ${item.command}`,
      ),
      details: missing.map((item) => ({ path: `${item.role} key`, message: `${item.account}: ${item.problem}`, expected: `ROLE_${item.role.toUpperCase()}` })),
    });
  }
  const admin = await firstAdmin({ client, registry, institutionId, fromBlock: parameters.fromBlock ?? 0 });
  const fields = {
    id: institutionId,
    name: record.name,
    identifier: record.identifier,
    metadataUri: record.metadataURI,
    adminAddress: admin ?? "",
  };
  const existing = await store.getInstitution(institutionId);
  const keys = { anchorer: parameters.anchorer, revoker: parameters.revoker ?? null, signingKey: existing?.keys.signingKey ?? null };
  if (existing !== undefined) {
    await store.updateInstitution({ ...fields, keys });
    return { institution: (await store.getInstitution(institutionId))!, created: false };
  }
  const institution: InstitutionRow = { ...fields, createdAt: parameters.now ?? Date.now(), status: "active", keys };
  await store.createInstitution(institution);
  return { institution, created: true };
}

/** The admin governance installed at registration (InstitutionRegistered), if its log is found. */
async function firstAdmin(parameters: { client: PublicClient; registry: `0x${string}`; institutionId: number; fromBlock: number }): Promise<string | undefined> {
  const logs = await rpcRead(parameters.client, () =>
    parameters.client.getContractEvents({
      address: parameters.registry,
      abi: credentialRegistryAbi,
      eventName: "InstitutionRegistered",
      args: { institutionId: parameters.institutionId },
      fromBlock: BigInt(parameters.fromBlock),
      toBlock: "latest",
    }),
  );
  return logs[0]?.args.admin;
}
