/**
 * The `definition` check of an award: the definition it carries is valid, hashes to the
 * hash it names, belongs to the institution that anchored the award, and, when the
 * verifier holds a copy, is that copy (a definition edited after the award fails here).
 */
import type { Hex } from "../../hex.ts";
import type { VerificationReport } from "../../verify/types.ts";
import type { AwardPathway } from "../award.ts";
import { PATHWAY_MEMBER } from "../award.ts";
import type { PathwayCheck } from "../cascade.ts";
import { parsePathwayDefinition, type PathwayDefinition, sameInstitution } from "../definition.ts";

/** What the award was earned under. */
export type AwardPathwaySummary = { readonly id: string; readonly version: number; readonly name: string; readonly hash: Hex };

/** Runs the check; `definition` is undefined when the carried one cannot be read at all. */
export function checkAwardDefinition({
  carried,
  anchor,
  given,
}: {
  readonly carried: AwardPathway;
  /** Where the award is anchored (absent when its proof is unreadable). */
  readonly anchor: VerificationReport["anchor"];
  /** The verifier's copy of the definition, if any. */
  readonly given: unknown;
}): { readonly check: PathwayCheck; readonly definition?: PathwayDefinition; readonly pathway?: AwardPathwaySummary } {
  let definition: PathwayDefinition;
  let hash: Hex;
  try {
    ({ definition, hash } = parsePathwayDefinition({ definition: carried.definition, path: `$.${PATHWAY_MEMBER}.definition` }));
  } catch (error) {
    return { check: { id: "definition", outcome: "invalid", reason: (error as Error).message, details: { code: "CA_PATHWAY_DEFINITION_INVALID" } } };
  }
  const pathway = { id: definition.id, version: definition.version, name: definition.name, hash };
  const problems: string[] = [];
  if (String(carried.hash).toLowerCase() !== hash.toLowerCase()) problems.push(`the carried definition hashes to ${hash}, not to the ${String(carried.hash)} the award names`);
  if (carried.id !== definition.id || carried.version !== definition.version) problems.push("the award's pathway id or version differs from its definition's");
  if (anchor !== undefined && !sameInstitution(definition.institution, anchor)) {
    problems.push(
      `the pathway belongs to institution ${definition.institution.institutionId} of ${definition.institution.registry}, but the award was anchored by institution ${anchor.institutionId} of ${anchor.registry}`,
    );
  }
  if (given !== undefined) {
    let theirs: { definition: PathwayDefinition; hash: Hex } | undefined;
    try {
      theirs = parsePathwayDefinition({ definition: given });
    } catch (error) {
      problems.push(`the definition given to check against is invalid: ${(error as Error).message}`);
    }
    if (theirs !== undefined && theirs.hash !== hash) {
      if (theirs.definition.id !== definition.id) problems.push(`the award was earned under pathway ${definition.id}, not ${theirs.definition.id}`);
      else if (theirs.definition.version === definition.version) {
        problems.push(`the definition was changed after the award: version ${definition.version} hashed ${hash} when awarded and hashes ${theirs.hash} now`);
      } else {
        problems.push(`the award was earned under version ${definition.version} (${hash}), not the version ${theirs.definition.version} given`);
      }
    }
  }
  const check: PathwayCheck =
    problems.length === 0
      ? { id: "definition", outcome: "valid", reason: `earned under ${definition.name} (${definition.id}) version ${definition.version}, definition hash ${hash}`, details: pathway }
      : { id: "definition", outcome: "invalid", reason: problems.join("; "), details: { ...pathway, code: "CA_PATHWAY_DEFINITION_MISMATCH" } };
  return { check, definition, pathway };
}
