/**
 * The two names that tell pathway documents apart: a definition's `format` and the
 * member under which an award carries its pathway. Kept in a module of their own, with no
 * imports, so a page can sort dropped files without loading the pathway code (and viem)
 * that definition.ts and award.ts need.
 */

/** The `format` of a pathway definition document. */
export const PATHWAY_FORMAT = "credanchor-pathway-v1";

/** The award credential's member that carries its pathway (definition, hash, version). */
export const PATHWAY_MEMBER = "credanchorPathway";
