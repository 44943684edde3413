/**
 * Verification inside the page: core's verifier against a JSON-RPC endpoint, nothing
 * else (no issuer server). Loaded on demand by verifiers.ts.
 */
import { http } from "viem";

import { createRegistryClient } from "../../core/registryClient.ts";
import { readTimeline, type TimelineEntry } from "../../core/timeline.ts";
import { verifyCredential } from "../../core/verify/verifyCredentials.ts";
import type { VerificationOutcome } from "./verifiers.ts";

/** Verifies `credential` against `rpcUrl`, trusting `registries` on `chain`. */
export async function verifyInPage(parameters: {
  readonly rpcUrl: string;
  readonly chain: string;
  readonly registries: readonly string[];
  readonly credential: unknown;
}): Promise<VerificationOutcome> {
  const client = createRegistryClient({ transport: http(parameters.rpcUrl, { retryCount: 0, timeout: 8_000 }) });
  const report = await verifyCredential({
    credential: parameters.credential,
    client,
    allowedChains: [parameters.chain],
    trustedRegistries: parameters.registries,
  });
  // The history is an extra: a failing log query must not hide the verdict.
  let timeline: TimelineEntry[] = [];
  try {
    timeline = await readTimeline({ client, report });
  } catch {
    timeline = [];
  }
  return { report, timeline };
}
