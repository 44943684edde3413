/**
 * Issuing a pathway award: progress first (every component verified, same recipient,
 * requirements met), then the award as an Open Badges 3.0 credential that carries its
 * definition and hash (`credanchorPathway`) and one `evidence` reference per component
 * it used. The result is an ordinary credential: the caller anchors it the usual way
 * (the service's intake, or `issue --local`), which anchors the definition hash with it.
 */
import { validateCredential } from "../credential.ts";
import { CredanchorError } from "../errors.ts";
import type { Hex } from "../hex.ts";
import { createOpenBadgeCredential } from "../openbadge.ts";
import { PATHWAY_FORMAT, type PathwayDefinition } from "./definition.ts";
import { pathwayProgress, type PathwayProgressParameters, type PathwayProgressReturnType } from "./progress.ts";
import { PATHWAY_MEMBER } from "./names.ts";
import { componentEvidence } from "./references.ts";

/** The member of an award that names the pathway it was earned under (defined in names.ts, which has no imports). */
export { PATHWAY_MEMBER };

/** What an award carries about its pathway. */
export type AwardPathway = {
  readonly format: typeof PATHWAY_FORMAT;
  readonly id: string;
  readonly version: number;
  /** keccak256 of the definition's JCS form. */
  readonly hash: Hex;
  /** The definition itself, so the award can be re-evaluated from the file alone. */
  readonly definition: PathwayDefinition;
};

/** Parameters of {@link preparePathwayAward}. */
export type PreparePathwayAwardParameters = PathwayProgressParameters & {
  /** The award credential's id; default a fresh `urn:uuid:`. */
  readonly id?: string | undefined;
};

/** Return type of {@link preparePathwayAward}: the progress, and the award when the requirements are met. */
export type PreparePathwayAwardReturnType = PathwayProgressReturnType & {
  /** The unanchored award; undefined when the requirements are not met. */
  readonly credential: Record<string, unknown> | undefined;
};

/**
 * Verifies the components, evaluates the pathway and, when it is met, builds the award
 * (not yet anchored). Throws `CA_PATHWAY_DEFINITION_INVALID` for a bad definition and
 * `CA_PATHWAY_RECIPIENT_UNKNOWN` when no recipient is given and the components do not
 * share a subject id. The recipient's email or name goes into the award only as a
 * freshly salted hash.
 *
 * @example
 * ```ts
 * const prepared = await preparePathwayAward({ definition, credentials, recipient: { email: "ada@uni.example" },
 *   client, trustedRegistries: [registry] });
 * if (!prepared.met) console.log(prepared.missing.join("\n")); else submit(prepared.credential);
 * ```
 */
export async function preparePathwayAward(parameters: PreparePathwayAwardParameters): Promise<PreparePathwayAwardReturnType> {
  const progress = await pathwayProgress(parameters);
  if (progress.recipient === undefined) {
    throw new CredanchorError({
      code: "CA_PATHWAY_RECIPIENT_UNKNOWN",
      message: "Who is the award for? The components do not share a subject id, and no recipient was given.",
      details: [{ path: "$.recipient", message: "is missing", expected: 'at least one of "id", "email", "name"' }],
    });
  }
  if (!progress.met) return { ...progress, credential: undefined };

  const { definition } = progress;
  const awardTime = parameters.now ?? new Date();
  const achievement = {
    type: ["Achievement"],
    criteria: { narrative: `Earned through the pathway "${definition.name}" (${definition.id}, version ${definition.version}).` },
    ...definition.award.achievement,
  };
  const base = createOpenBadgeCredential({
    issuer: definition.award.issuer,
    achievement,
    recipient: progress.recipient,
    validFrom: awardTime,
    id: parameters.id,
  }) as Record<string, unknown>;
  const evidence = progress.components.flatMap((component) => {
    if (component.state !== "met") return [];
    const identity = progress.candidates[component.source!]!.facts!.identity;
    return [componentEvidence({ reference: { component: component.key, achievement: component.achievement, ...identity }, name: component.name })];
  });
  const pathway: AwardPathway = { format: PATHWAY_FORMAT, id: definition.id, version: definition.version, hash: progress.definitionHash, definition };
  const credential = { ...base, awardedDate: awardTime.toISOString(), evidence, [PATHWAY_MEMBER]: pathway };
  validateCredential({ credential });
  return { ...progress, credential };
}
