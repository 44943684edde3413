/**
 * Pathway checks done by the service that serves this page, with no token: an award with
 * its stack (`POST /v1/pathways/verify`) and a holder's progress towards a definition
 * (`POST /v1/pathways/progress`), so the visitor needs no RPC endpoint. Loaded on demand
 * by pathways.ts; it needs no viem, so the served site's visitors do not download the
 * in-page verifier for it.
 */
import type { PathwayVerificationReport } from "../../core/pathway/cascade.ts";
import type { PathwayProgressReturnType } from "../../core/pathway/progress.ts";
import type { StackNode } from "../../core/pathway/tree.ts";
import type { PathwayDocuments } from "./pathwayDocuments.ts";

/** The service's answer: core's pathway award report and its stack tree. */
export type ServiceAwardOutcome = { readonly kind: "award"; readonly report: PathwayVerificationReport; readonly tree: StackNode };

/** The service's answer: core's progress report, as `credanchor pathway progress` computes it. */
export type ServiceProgressOutcome = { readonly kind: "progress"; readonly progress: PathwayProgressReturnType };

type ServiceError = { error?: { message?: string; hints?: string[] } };

/**
 * POSTs a JSON body and answers the parsed body when `accepts` recognises it; otherwise
 * throws an Error with the service's own message and hints (bad request, rate limited).
 */
async function askService<T>(url: string, body: unknown, accepts: (answer: Record<string, unknown>) => boolean): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    });
  } catch (cause) {
    throw new Error(`The verification service did not answer (${(cause as Error).message}).`);
  }
  const answer = (await response.json().catch(() => undefined)) as (Record<string, unknown> & ServiceError) | undefined;
  if (!response.ok || answer === undefined || answer === null || typeof answer !== "object" || !accepts(answer)) {
    const message = answer?.error?.message ?? `The verification service answered ${response.status}.`;
    throw new Error([message, ...(answer?.error?.hints ?? [])].join(" "));
  }
  return answer as T;
}

/**
 * Sends the award, its components and (when given) the definition.
 *
 * @example
 * ```ts
 * const outcome = await checkAwardViaService({ url: "v1/pathways/verify", documents: { award, credentials: [sql, python] } });
 * ```
 */
export async function checkAwardViaService(parameters: { readonly url: string; readonly documents: PathwayDocuments }): Promise<ServiceAwardOutcome> {
  const { award, definition, credentials } = parameters.documents;
  const body = await askService<PathwayVerificationReport & { tree: StackNode }>(
    parameters.url,
    { award, components: credentials, ...(definition === undefined ? {} : { definition }) },
    (answer) => Array.isArray(answer["checks"]) && answer["tree"] !== undefined,
  );
  const { tree, ...report } = body;
  return { kind: "award", report, tree };
}

/**
 * Sends the definition and the holder's credentials.
 *
 * @example
 * ```ts
 * const outcome = await checkProgressViaService({ url: "v1/pathways/progress", documents: { definition, credentials: [sql, python] } });
 * outcome.progress.missing; // ["Data Analytics Certificate: 2 of 3: SQL Basics missing"]
 * ```
 */
export async function checkProgressViaService(parameters: { readonly url: string; readonly documents: PathwayDocuments }): Promise<ServiceProgressOutcome> {
  const { definition, credentials } = parameters.documents;
  const progress = await askService<PathwayProgressReturnType>(
    parameters.url,
    { definition, credentials },
    (answer) => Array.isArray(answer["components"]) && Array.isArray(answer["missing"]) && typeof answer["met"] === "boolean",
  );
  return { kind: "progress", progress };
}
