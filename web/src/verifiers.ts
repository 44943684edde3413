/**
 * Runs one verification by the route the configuration chose (siteConfig.ts): the
 * service's public `POST /v1/verify` (the same report as the CLI, plus the status
 * history), or core's verifier in this page against an RPC endpoint. The in-page
 * verifier (viem, zod, core/verify) is a separate chunk loaded only when needed, so a
 * visitor of the served site downloads a few dozen KB, not the whole verifier.
 */
import type { TimelineEntry } from "../../core/timeline.ts";
import type { VerificationReport } from "../../core/verify/types.ts";
import type { VerifyRoute } from "./siteConfig.ts";

/** A report with the credential's status history. */
export type VerificationOutcome = { readonly report: VerificationReport; readonly timeline: readonly TimelineEntry[] };

/** An answer that is not a report (bad request, rate limited, service down). */
export class VerifyRequestError extends Error {
  override name = "VerifyRequestError";
}

async function viaService(url: string, credential: unknown): Promise<VerificationOutcome> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(credential),
    });
  } catch (cause) {
    throw new VerifyRequestError(`the verification service did not answer (${(cause as Error).message})`);
  }
  const body = (await response.json().catch(() => undefined)) as
    | (VerificationReport & { history?: TimelineEntry[]; error?: { message?: string; hints?: string[] } })
    | undefined;
  if (!response.ok || body === undefined || !Array.isArray(body.checks)) {
    const message = body?.error?.message ?? `the verification service answered ${response.status}`;
    throw new VerifyRequestError([message, ...(body?.error?.hints ?? [])].join(" "));
  }
  const { history, ...report } = body;
  return { report: report as VerificationReport, timeline: history ?? [] };
}

/**
 * @example
 * ```ts
 * const { report, timeline } = await runVerification({ kind: "service", url: "v1/verify?history=1" }, credential);
 * ```
 */
export async function runVerification(route: VerifyRoute, credential: unknown): Promise<VerificationOutcome> {
  if (route.kind === "service") return viaService(route.url, credential);
  const { verifyInPage } = await import("./rpcVerify.ts");
  return verifyInPage({ ...route, credential });
}
