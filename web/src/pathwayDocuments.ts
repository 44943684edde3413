/**
 * Sorts what a visitor dropped on the pathway panel into the award, the definition and
 * the component credentials. Shared by both ways the panel checks (in the page against
 * an RPC endpoint, pathwayVerify.ts; or through the service, pathwayService.ts), so both
 * read the same files the same way. It imports only core/pathway/names.ts, so the service
 * route loads no viem.
 */
import { PATHWAY_FORMAT, PATHWAY_MEMBER } from "../../core/pathway/names.ts";

/** The dropped files, sorted. */
export type PathwayDocuments = { readonly award?: unknown; readonly definition?: unknown; readonly credentials: readonly unknown[] };

/** A pathway award carries its definition under PATHWAY_MEMBER (core/pathway/award.ts). */
function isAward(document: unknown): boolean {
  const value = document as Record<string, unknown> | null;
  return value !== null && typeof value === "object" && typeof value[PATHWAY_MEMBER] === "object";
}

function isDefinition(document: unknown): boolean {
  return (document as { format?: unknown } | null)?.format === PATHWAY_FORMAT;
}

/**
 * Throws an Error saying what to give when there is more than one award or definition.
 *
 * @example
 * ```ts
 * const { award, definition, credentials } = sortPathwayDocuments([award, sql, python]);
 * ```
 */
export function sortPathwayDocuments(documents: readonly unknown[]): PathwayDocuments {
  const awards = documents.filter(isAward);
  const definitions = documents.filter(isDefinition);
  if (awards.length > 1) throw new Error(`${awards.length} pathway awards were given: check one award at a time, with its component credentials.`);
  if (definitions.length > 1) throw new Error(`${definitions.length} pathway definitions were given: give at most one.`);
  return { award: awards[0], definition: definitions[0], credentials: documents.filter((document) => !isAward(document) && !isDefinition(document)) };
}

/** What to say when neither an award nor a definition was given. */
export const NOTHING_TO_CHECK = "Give a pathway award with its component credentials (to see its stack), or a pathway definition with your credentials (to see your progress).";
