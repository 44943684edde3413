/**
 * The registry's custom errors, read back as sentences. The contract's errors carry the
 * evidence (EIP-6093 style); this table says what to do about each.
 */
import type { ContractFunctionRevertedError } from "viem";

import { describeRoles } from "../../core/roles.ts";
import type { ErrorView } from "./errors.ts";

type Args = readonly unknown[];

const hintsByError: Record<string, (args: Args) => string[]> = {
  CredentialRegistryUnauthorized: (args) => [
    `Account ${String(args[1])} holds none of the roles ${describeRoles(Number(args[2]))} in institution ${String(args[0])}.`,
    "Use a key that holds one of them (see `credanchor institution show <id>`), or have an admin grant it with `credanchor keys add`.",
  ],
  CredentialRegistryUnknownInstitution: (args) => [
    `No institution has id ${String(args[0])} in this registry; list them with \`credanchor institution show\`.`,
  ],
  CredentialRegistryInstitutionSuspended: (args) => [
    `Institution ${String(args[0])} is suspended by governance; it cannot anchor until reinstated.`,
  ],
  CredentialRegistryInstitutionNotSuspended: (args) => [`Institution ${String(args[0])} is not suspended.`],
  CredentialRegistryKeyCompromised: (args) => [
    `Account ${String(args[1])} was marked compromised in institution ${String(args[0])} and can never hold a role there again; use a new key.`,
  ],
  CredentialRegistryCompromiseInFuture: () => ["The compromise cut-off must not lie after the latest block's time."],
  CredentialRegistryCompromiseNotEarlier: (args) => [
    `The current cut-off is ${String(args[2])}; a new cut-off can only move it earlier.`,
  ],
  CredentialRegistryBatchAlreadyAnchored: (args) => [
    `Batch ${String(args[0])} is already anchored: nothing to do (re-running an interrupted issue is safe).`,
  ],
  CredentialRegistryUnknownBatch: (args) => [`No batch ${String(args[0])} is anchored in this registry (check --registry and --rpc).`],
  CredentialRegistryBatchAlreadyRevoked: (args) => [`Batch ${String(args[0])} was already revoked as a whole.`],
  CredentialRegistryLeafIndexOutOfRange: (args) => [
    `Index ${String(args[1])} is out of range: the batch has ${String(args[2])} credentials (0 to ${Number(args[2]) - 1}).`,
  ],
  CredentialRegistryAlreadyRevoked: (args) => [
    `Credential ${String(args[1])} of batch ${String(args[0])} is already revoked (or listed twice); drop it from the list.`,
  ],
  CredentialRegistryAlreadySuspended: (args) => [
    `Credential ${String(args[1])} of batch ${String(args[0])} is already suspended or revoked (or listed twice); drop it from the list.`,
  ],
  CredentialRegistryNotSuspended: (args) => [
    `Credential ${String(args[1])} of batch ${String(args[0])} is not suspended, so it cannot be reinstated.`,
  ],
  AccessControlUnauthorizedAccount: (args) => [
    `Account ${String(args[0])} lacks the registry governance role; use the governor key (CREDANCHOR_GOVERNOR_KEY).`,
  ],
};

/** A contract revert as a message naming the registry's error and its evidence. */
export function describeRevert(error: ContractFunctionRevertedError): ErrorView {
  const name = error.data?.errorName;
  const args = (error.data?.args ?? []) as Args;
  if (name === undefined) {
    return {
      code: "CA_CLI_TX_REVERTED",
      message: `The registry rejected the call: ${error.reason ?? error.shortMessage}`,
      hints: ["Check that --registry points at a CredentialRegistry and that the key holds the needed role."],
    };
  }
  const rendered = `${name}(${args.map((value) => String(value)).join(", ")})`;
  return {
    code: "CA_CLI_TX_REVERTED",
    message: `The registry rejected the call: ${rendered}`,
    hints: hintsByError[name]?.(args) ?? [],
    details: { error: name, args: args.map((value) => (typeof value === "bigint" ? value.toString() : value)) },
  };
}
