/**
 * The verification report: named checks, each with an outcome and a reason a person can
 * read. Verification returns a report rather than a boolean (Blockcerts' steps,
 * OpenAttestation's fragments) so a verifier can show *why*.
 */
import type { Address, Hex } from "viem";

import type { CredentialStatusName } from "../registry.ts";
import type { RegistryClient } from "../registryClient.ts";
import type { DidResolver } from "../vc/did.ts";
import type { SignatureVerifier } from "./checkSignature.ts";

/** The checks, in the order they run. */
export const checkIds = [
  "format",
  "integrity",
  "signature",
  "inclusion",
  "validityPeriod",
  "anchored",
  "issuer",
  "status",
  "confirmations",
] as const;

/** One check's name. */
export type CheckId = (typeof checkIds)[number];

/**
 * - valid: the check passed.
 * - invalid: the credential fails it (tampered, revoked, expired, untrusted...).
 * - pending: not yet decidable in the credential's favour (too few confirmations).
 * - skipped: not run, because an earlier check failed or the option that enables it is off.
 * - error: the check could not run (RPC unreachable, wrong chain): says nothing about the credential.
 */
export type CheckOutcome = "valid" | "invalid" | "pending" | "skipped" | "error";

/** The result of one check. */
export type VerificationCheck = {
  readonly id: CheckId;
  readonly outcome: CheckOutcome;
  /** One sentence for people, e.g. "revoked on 2026-11-02: superseded by a newer credential (reason 2)". */
  readonly reason: string;
  /** Machine-readable evidence (values compared, block numbers, reason codes). */
  readonly details?: Readonly<Record<string, unknown>> | undefined;
};

/** Overall verdict: invalid if any check is invalid, else error, else pending, else valid. */
export type VerificationStatus = "valid" | "invalid" | "pending" | "error";

/** What a verification found. */
export type VerificationReport = {
  readonly status: VerificationStatus;
  readonly checks: readonly VerificationCheck[];
  /** What the credential claims, for display (absent when unreadable). */
  readonly credential?:
    | {
        readonly id?: string | undefined;
        readonly issuer?: string | undefined;
        readonly name?: string | undefined;
        readonly subject?: string | undefined;
      }
    | undefined;
  /** Where the proof says it is anchored. */
  readonly anchor?:
    | {
        readonly chain: string;
        readonly registry: Address;
        readonly institutionId: number;
        readonly batchId: Hex;
        readonly leafIndex: number;
      }
    | undefined;
  /** The registry's status for the credential, when it was read. */
  readonly registryStatus?: CredentialStatusName | undefined;
};

/** Options shared by single and bulk verification. */
export type VerifyOptions = {
  /** A viem public client for the chain the credentials are anchored on. */
  readonly client: RegistryClient;
  /**
   * CAIP-2 chains to accept (e.g. ["eip155:1"]); a credential anchored elsewhere is invalid.
   * Undefined accepts any chain (the report still names it).
   */
  readonly allowedChains?: readonly string[] | undefined;
  /**
   * Registry addresses to trust: required, because the registry is the root of trust. Anyone
   * can deploy a copy of the registry, register a look-alike institution (any name, any
   * DID) in it and anchor what they like, so a credential naming another registry is
   * invalid (`CA_REGISTRY_UNTRUSTED`), and so is every credential when the list is empty.
   * `"any"` trusts whatever registry the credential names: only for exploring, never for a
   * decision; the anchored check then says the registry was not checked.
   */
  readonly trustedRegistries: readonly string[] | "any";
  /** Confirmations needed before the anchoring counts (default 1). Fewer report "pending". */
  readonly requiredConfirmations?: number | undefined;
  /** The moment validity periods are judged at (default: now). */
  readonly now?: Date | undefined;
  /** Report the registry status as of this past moment, rebuilt from events. */
  readonly at?: Date | undefined;
  /**
   * Resolves issuer DIDs other than did:key (e.g. did:web over HTTPS) for the signature
   * check; without it, or when it finds nothing, the check is `skipped` with the reason.
   */
  readonly resolveDid?: DidResolver | undefined;
  /** Replaces the reference signature verifier (loaded lazily otherwise), e.g. a faster canonicaliser. */
  readonly signatureVerifier?: SignatureVerifier | undefined;
  /**
   * Read statuses this many leaves at a time, aligned (default 1: exactly the leaves
   * asked). With 256, one registry status word, verifications of neighbouring credentials
   * make the same `credentialStatuses` call, which a shared read cache answers once
   * (server/routes/verify.ts); the extra leaves cost the node a loop, not a storage read.
   */
  readonly statusWindow?: number | undefined;
};
