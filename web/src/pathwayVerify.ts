/**
 * Pathway checks inside the page, against a JSON-RPC endpoint: core's cascading
 * verifier for an award and its components, core's progress for a definition and a
 * holder's credentials. Loaded on demand by pathways.ts (it pulls in viem and core/verify).
 */
import { createPublicClient, http } from "viem";

import { PATHWAY_MEMBER } from "../../core/pathway/award.ts";
import { verifyPathwayAward, type PathwayVerificationReport } from "../../core/pathway/cascade.ts";
import { PATHWAY_FORMAT } from "../../core/pathway/definition.ts";
import { pathwayProgress, type PathwayProgressReturnType } from "../../core/pathway/progress.ts";
import { stackTree, type StackNode } from "../../core/pathway/tree.ts";

/** Where the page reads the chain, and what it trusts there. */
export type PathwayRoute = { readonly rpcUrl: string; readonly chain: string; readonly registries: readonly string[] };

function options(route: PathwayRoute) {
  return {
    client: createPublicClient({ transport: http(route.rpcUrl, { retryCount: 0, timeout: 8_000 }) }),
    allowedChains: [route.chain],
    trustedRegistries: route.registries,
  };
}

/** An award checked with its stack, or a holder's progress towards a definition. */
export type PathwayOutcome =
  | { readonly kind: "award"; readonly report: PathwayVerificationReport; readonly tree: StackNode }
  | { readonly kind: "progress"; readonly progress: PathwayProgressReturnType };

/** A pathway award carries its definition under PATHWAY_MEMBER (core/pathway/award.ts). */
function isAward(document: unknown): boolean {
  const value = document as Record<string, unknown> | null;
  return value !== null && typeof value === "object" && typeof value[PATHWAY_MEMBER] === "object";
}

function isDefinition(document: unknown): boolean {
  return (document as { format?: unknown } | null)?.format === PATHWAY_FORMAT;
}

/**
 * Sorts what the visitor gave into award, definition and component credentials and checks
 * them: an award is verified with its stack (the definition, when given, must be the one it
 * met); without an award, a definition gets the holder's progress. Throws an Error that
 * says what to give when neither is there.
 *
 * @example
 * ```ts
 * const outcome = await checkPathwayDocuments({ route, documents: [award, sql, python, tableau] });
 * if (outcome.kind === "award") outcome.tree.children; else outcome.progress.missing;
 * ```
 */
export async function checkPathwayDocuments(parameters: { readonly route: PathwayRoute; readonly documents: readonly unknown[] }): Promise<PathwayOutcome> {
  const awards = parameters.documents.filter(isAward);
  const definitions = parameters.documents.filter(isDefinition);
  const credentials = parameters.documents.filter((document) => !isAward(document) && !isDefinition(document));
  if (awards.length > 1) throw new Error(`${awards.length} pathway awards were given: check one award at a time, with its component credentials.`);
  if (definitions.length > 1) throw new Error(`${definitions.length} pathway definitions were given: give at most one.`);
  if (awards.length === 1) {
    const report = await verifyPathwayAward({ ...options(parameters.route), award: awards[0], components: credentials, definition: definitions[0] });
    return { kind: "award", report, tree: stackTree({ report }) };
  }
  if (definitions.length === 1) {
    return { kind: "progress", progress: await pathwayProgress({ ...options(parameters.route), definition: definitions[0], credentials }) };
  }
  throw new Error("Give a pathway award with its component credentials (to see its stack), or a pathway definition with your credentials (to see your progress).");
}
