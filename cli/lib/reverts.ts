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
  // Registry v2 (contracts/interfaces/ICredentialRegistryV2.sol)
  CredentialRegistryGovernanceCannotGrantAnchoring: (args) => [
    `Governance may not grant the anchorer role (registry v2): account ${String(args[1])} in institution ${String(args[0])} must get it from an admin of the institution.`,
    "If the institution lost its admin keys, install a new admin first (`credanchor keys add <admin> --role admin`), then have that admin grant the anchorer role.",
  ],
  CredentialRegistryMassRevocationMustWait: (args) => [
    `${String(args[1])} indices in one call is more than the registry's threshold of ${String(args[2])}: such a revocation must be scheduled.`,
    "Schedule it with `credanchor schedule revocation <batchId> --index …` (it can be cancelled during the registry's action delay), or revoke fewer at a time.",
  ],
  CredentialRegistryNothingScheduled: (args) => [`Nothing is scheduled under ${String(args[0])}: it was executed or cancelled already, or never scheduled (\`credanchor verify\` reports what is pending).`],
  CredentialRegistryAlreadyScheduled: (args) => [`An act is already scheduled under ${String(args[0])}; cancel it first to change it (\`credanchor cancel …\`).`],
  CredentialRegistryDelayNotPassed: (args) => [
    `The scheduled act ${String(args[0])} can be executed from ${new Date(Number(args[1]) * 1000).toISOString()} (chain time now ${new Date(Number(args[2]) * 1000).toISOString()}); run \`credanchor execute\` again then.`,
  ],
  CredentialRegistryNotCompromised: (args) => [
    `Account ${String(args[1])} has no executed compromise cut-off in institution ${String(args[0])}: only revocations of a compromised key (after its cut-off) can be cleared. Mark it compromised first, and execute that once its delay has passed.`,
  ],
  CredentialRegistryHistoryMismatch: (args) => [
    `The history read from the chain's events does not rebuild revocation word ${String(args[1])} of batch ${String(args[0])}; the RPC may have returned incomplete logs. Retry against an archive node.`,
  ],
  CredentialRegistryNothingToClear: (args) => [
    `No revocation bit of word ${String(args[1])} of batch ${String(args[0])} was last set by ${String(args[2])} at or after its cut-off: nothing to clear.`,
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
