/**
 * Exit codes and the CLI's own errors, and the one function that turns any error into
 * what the user sees: a message and hints, never a stack trace.
 *
 * core's {@link CredanchorError} keeps its codes (CA_*); the CLI adds CA_CLI_* codes for
 * what only a command line has (flags, files, keys, the service's HTTP answers).
 */
import { BaseError as ViemBaseError, ContractFunctionRevertedError, InsufficientFundsError } from "viem";

import { CredanchorError } from "../../core/index.ts";
import { isTransportFailure } from "../../core/registry.ts";
import { describeRevert } from "./reverts.ts";

/** 0 success, 1 a credential is invalid or revoked, 2 usage or infrastructure error. */
export const exitCodes = { ok: 0, invalid: 1, error: 2 } as const;

/** Stable codes of errors the CLI raises itself. Append only: scripts match on them. */
export type CliErrorCode =
  | "CA_CLI_USAGE"
  | "CA_CLI_FILE_UNREADABLE"
  | "CA_CLI_FILE_INVALID"
  | "CA_CLI_KEY_MISSING"
  | "CA_CLI_KEY_INVALID"
  | "CA_CLI_KEYSTORE_PASSWORD"
  | "CA_CLI_REGISTRY_NOT_FOUND"
  | "CA_CLI_WRONG_CHAIN"
  | "CA_CLI_RPC_UNAVAILABLE"
  | "CA_CLI_TX_REVERTED"
  | "CA_CLI_TX_FAILED"
  | "CA_CLI_NOT_FOUND"
  | "CA_CLI_SERVICE_UNAVAILABLE"
  | "CA_CLI_SERVICE_ERROR"
  | "CA_CLI_UNEXPECTED";

/** What the user sees of an error, in both output modes. */
export type ErrorView = {
  readonly code: string;
  readonly message: string;
  readonly hints: readonly string[];
  readonly details?: unknown;
};

/** An error the CLI raises: a stable code, a short message, hints for the reader. */
export class CliError extends Error {
  override name = "CliError";
  readonly code: CliErrorCode | string;
  readonly hints: readonly string[];
  readonly details: unknown;

  constructor(parameters: {
    readonly code: CliErrorCode | string;
    readonly message: string;
    readonly hints?: readonly string[] | undefined;
    readonly details?: unknown;
    readonly cause?: unknown;
  }) {
    super(parameters.message, parameters.cause === undefined ? undefined : { cause: parameters.cause });
    this.code = parameters.code;
    this.hints = parameters.hints ?? [];
    this.details = parameters.details;
  }
}

/** A usage error (bad flag value, missing argument): exit 2 with a pointer to --help. */
export function usageError(message: string, ...hints: string[]): CliError {
  return new CliError({ code: "CA_CLI_USAGE", message, hints });
}

/**
 * Any thrown value as a message and hints. Transport failures become "RPC unavailable"
 * (never "invalid"), contract reverts are decoded into the registry's named error.
 */
export function toErrorView(error: unknown): ErrorView {
  if (error instanceof CliError) {
    return { code: error.code, message: error.message, hints: error.hints, details: error.details };
  }
  if (error instanceof CredanchorError) {
    const json = error.toJSON();
    return { code: json.code, message: json.message, hints: json.hints, details: json.details };
  }
  if (error instanceof ViemBaseError) {
    const reverted = error.walk((inner) => inner instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) return describeRevert(reverted);
    if (isTransportFailure(error)) {
      return {
        code: "CA_RPC_UNAVAILABLE",
        message: `RPC endpoint did not answer: ${error.shortMessage}`,
        hints: ["Check --rpc (or CREDANCHOR_RPC_URL) and that the node is running; `credanchor node` starts a local one."],
      };
    }
    if (error.walk((inner) => inner instanceof InsufficientFundsError) !== null) {
      return {
        code: "CA_CLI_TX_FAILED",
        message: "The sending account cannot pay for the transaction's gas.",
        hints: ["Fund the account, or run with --dry-run to see the gas estimate first."],
      };
    }
    return { code: "CA_CLI_TX_FAILED", message: error.shortMessage, hints: error.metaMessages?.map((line) => line.trim()) ?? [] };
  }
  const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
  return {
    code: "CA_CLI_UNEXPECTED",
    message: `Unexpected error: ${message}`,
    hints: ["Run again with CREDANCHOR_DEBUG=1 to print the stack trace, and report it if it persists."],
  };
}
