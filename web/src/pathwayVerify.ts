/**
 * Pathway checks inside the page, against a JSON-RPC endpoint: core's cascading
 * verifier for an award and its components, core's progress for a definition and a
 * holder's credentials. Loaded on demand by pathways.ts (it pulls in viem and core/verify).
 */
import { http } from "viem";

import { createRegistryClient } from "../../core/registryClient.ts";
import { verifyPathwayAward, type PathwayVerificationReport } from "../../core/pathway/cascade.ts";
import { pathwayProgress, type PathwayProgressReturnType } from "../../core/pathway/progress.ts";
import { stackTree, type StackNode } from "../../core/pathway/tree.ts";
import { NOTHING_TO_CHECK, sortPathwayDocuments } from "./pathwayDocuments.ts";

/** Where the page reads the chain, and what it trusts there. */
export type PathwayRoute = { readonly rpcUrl: string; readonly chain: string; readonly registries: readonly string[] };

function options(route: PathwayRoute) {
  return {
    client: createRegistryClient({ transport: http(route.rpcUrl, { retryCount: 0, timeout: 8_000 }) }),
    allowedChains: [route.chain],
    trustedRegistries: route.registries,
  };
}

/** An award checked with its stack, or a holder's progress towards a definition. */
export type PathwayOutcome =
  | { readonly kind: "award"; readonly report: PathwayVerificationReport; readonly tree: StackNode }
  | { readonly kind: "progress"; readonly progress: PathwayProgressReturnType };

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
  const { award, definition, credentials } = sortPathwayDocuments(parameters.documents);
  if (award !== undefined) {
    const report = await verifyPathwayAward({ ...options(parameters.route), award, components: credentials, definition });
    return { kind: "award", report, tree: stackTree({ report }) };
  }
  if (definition !== undefined) {
    return { kind: "progress", progress: await pathwayProgress({ ...options(parameters.route), definition, credentials }) };
  }
  throw new Error(NOTHING_TO_CHECK);
}
