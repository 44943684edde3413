/**
 * A pathway award checked by the service that serves this page (`POST
 * /v1/pathways/verify`, no token): the visitor needs no RPC endpoint. Loaded on demand by
 * pathways.ts; it needs no viem, so the served site's visitors do not download the
 * in-page verifier for it.
 */
import type { PathwayVerificationReport } from "../../core/pathway/cascade.ts";
import type { StackNode } from "../../core/pathway/tree.ts";
import type { PathwayDocuments } from "./pathwayDocuments.ts";

/** The service's answer: core's pathway award report and its stack tree. */
export type ServiceAwardOutcome = { readonly kind: "award"; readonly report: PathwayVerificationReport; readonly tree: StackNode };

/**
 * Sends the award, its components and (when given) the definition; throws an Error with
 * the service's own message when the answer is not a report (bad request, rate limited).
 *
 * @example
 * ```ts
 * const outcome = await checkAwardViaService({ url: "v1/pathways/verify", documents: { award, credentials: [sql, python] } });
 * ```
 */
export async function checkAwardViaService(parameters: { readonly url: string; readonly documents: PathwayDocuments }): Promise<ServiceAwardOutcome> {
  const { award, definition, credentials } = parameters.documents;
  let response: Response;
  try {
    response = await fetch(parameters.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ award, components: credentials, ...(definition === undefined ? {} : { definition }) }),
    });
  } catch (cause) {
    throw new Error(`The verification service did not answer (${(cause as Error).message}).`);
  }
  const body = (await response.json().catch(() => undefined)) as
    | (PathwayVerificationReport & { tree?: StackNode; error?: { message?: string; hints?: string[] } })
    | undefined;
  if (!response.ok || body === undefined || !Array.isArray(body.checks) || body.tree === undefined) {
    const message = body?.error?.message ?? `The verification service answered ${response.status}.`;
    throw new Error([message, ...(body?.error?.hints ?? [])].join(" "));
  }
  const { tree, ...report } = body;
  return { kind: "award", report: report as PathwayVerificationReport, tree };
}
