/**
 * Groups the verifications that arrive together into one core `verifyCredentials` call:
 * requests queued in the same turn of the event loop (up to `maxBatch`) share one chain
 * reader, so the registry reads and their ABI work happen once per group rather than once
 * per request (core's bulk path, the same one `credanchor verify <dir>` uses). Each caller
 * still gets its own report; a bad credential never affects another's. The grouping is
 * groupedCalls.ts's.
 */
import type { VerificationReport, VerifyOptions } from "../core/verify/types.ts";
import { verifyCredentials } from "../core/verify/verifyCredentials.ts";
import { createGroupedCalls } from "./groupedCalls.ts";

/** Verifies one credential, in a group with whatever else is waiting. */
export type VerifyCoalescer = (credential: unknown) => Promise<VerificationReport>;

/**
 * @example
 * ```ts
 * const verify = createVerifyCoalescer({ options: { client, trustedRegistries: [registry] } });
 * const report = await verify(credential);
 * ```
 */
export function createVerifyCoalescer(parameters: { readonly options: VerifyOptions; readonly maxBatch?: number | undefined }): VerifyCoalescer {
  return createGroupedCalls({
    maxGroup: parameters.maxBatch ?? 64,
    run: (credentials: unknown[]) => verifyCredentials({ ...parameters.options, credentials }),
  });
}
