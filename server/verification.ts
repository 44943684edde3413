/**
 * POST /v1/verify's work: core's verification report for a portable credential (the
 * same report `credanchor verify --json` prints), trusting only this service's registry
 * and chain allow-list, and optionally the credential's status history
 * (core/timeline.ts) for the verifier page.
 */
import type { PublicClient } from "viem";

import { readTimeline, type TimelineEntry } from "../core/timeline.ts";
import type { VerificationReport } from "../core/verify/types.ts";
import { verifyCredential } from "../core/verify/verifyCredentials.ts";

/** Verifies one credential (e.g. through server/verifyCoalescer.ts); default core's verifyCredential. */
export type VerifyOne = (credential: unknown) => Promise<VerificationReport>;

/** Parameters of {@link verifyPortableCredential}. */
export type VerifyPortableCredentialParameters = {
  readonly credential: unknown;
  readonly client: PublicClient;
  readonly allowedChainIds: readonly number[] | undefined;
  readonly registry: `0x${string}`;
  /** Registries to trust (default: `registry` alone): the deployment's v1 and v2. */
  readonly trustedRegistries?: readonly `0x${string}`[] | undefined;
  readonly confirmations: number;
  /** How to verify (same trust settings as above); default one core verifyCredential call. */
  readonly verify?: VerifyOne | undefined;
  /** Also read the status history (a few log queries more). */
  readonly history?: boolean | undefined;
};

/** The report, with `history` when asked for. */
export type VerifyPortableCredentialReturnType = VerificationReport & { readonly history?: TimelineEntry[] | undefined };

/**
 * @example
 * ```ts
 * const report = await verifyPortableCredential({ credential, client, allowedChainIds: [31337], registry, confirmations: 1 });
 * ```
 */
export async function verifyPortableCredential(
  parameters: VerifyPortableCredentialParameters,
): Promise<VerifyPortableCredentialReturnType> {
  const report = parameters.verify !== undefined ? await parameters.verify(parameters.credential) : await verifyCredential({
    credential: parameters.credential,
    client: parameters.client,
    allowedChains: parameters.allowedChainIds?.map((id) => `eip155:${id}`),
    trustedRegistries: parameters.trustedRegistries ?? [parameters.registry],
    requiredConfirmations: parameters.confirmations,
  });
  if (parameters.history !== true) return report;
  // The history is an extra: an RPC hiccup while reading it must not turn a report into an error.
  const history = await readTimeline({ client: parameters.client, report }).catch(() => undefined);
  return { ...report, history };
}
