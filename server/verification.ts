/**
 * POST /v1/verify goes through this one module to core's verifier
 * (core/verify/verifyCredentials.ts, written by the lead). It is loaded lazily: if this
 * build of core does not have it, the endpoint answers 501 with a clear error instead of
 * the whole service failing to start.
 */
import type { PublicClient } from "viem";

import { ServiceError } from "./errors.ts";

/** Parameters of {@link verifyPortableCredential}. */
export type VerifyPortableCredentialParameters = {
  readonly credential: unknown;
  readonly client: PublicClient;
  readonly allowedChainIds: readonly number[] | undefined;
  readonly registry: `0x${string}`;
  readonly confirmations: number;
};

type VerifyModule = {
  verifyCredential(parameters: {
    credential: unknown;
    client: PublicClient;
    allowedChains?: readonly string[] | undefined;
    trustedRegistries?: readonly string[] | undefined;
    requiredConfirmations?: number | undefined;
  }): Promise<unknown>;
};

let loaded: Promise<VerifyModule | undefined> | undefined;

function load(): Promise<VerifyModule | undefined> {
  loaded ??= import("../core/verify/verifyCredentials.ts").then(
    (module) => (typeof (module as Partial<VerifyModule>).verifyCredential === "function" ? (module as VerifyModule) : undefined),
    () => undefined,
  );
  return loaded;
}

/**
 * Core's verification report for a portable credential, trusting only this service's
 * registry and chain allow-list.
 *
 * @example
 * ```ts
 * const report = await verifyPortableCredential({ credential, client, allowedChainIds: [31337], registry, confirmations: 1 });
 * ```
 */
export async function verifyPortableCredential(parameters: VerifyPortableCredentialParameters): Promise<unknown> {
  const module = await load();
  if (module === undefined) {
    throw new ServiceError({
      code: "CA_NOT_IMPLEMENTED",
      message: "Verification is not available: core/verify is not part of this build.",
    });
  }
  return module.verifyCredential({
    credential: parameters.credential,
    client: parameters.client,
    allowedChains: parameters.allowedChainIds?.map((id) => `eip155:${id}`),
    trustedRegistries: [parameters.registry],
    requiredConfirmations: parameters.confirmations,
  });
}
