/**
 * Progress towards a pathway: verify what a holder presents (one bulk pass, one status
 * read per batch), match it to the definition's components, and evaluate the
 * requirements. What `pathway progress` prints, and the first half of issuing an award.
 */
import type { Hex } from "../hex.ts";
import type { VerifyOptions } from "../verify/types.ts";
import { verifyCredentials } from "../verify/verifyCredentials.ts";
import { assessComponents, type Candidate, commonSubject, type ComponentAssessment, credentialFactsOf } from "./components.ts";
import { parsePathwayDefinition, type PathwayDefinition } from "./definition.ts";
import type { RecipientIdentity } from "./recipient.ts";
import { evaluateRequirements, missingLines, type RequirementResult } from "./requirements.ts";

/** Parameters of {@link pathwayProgress}. */
export type PathwayProgressParameters = VerifyOptions & {
  /** The definition document (parsed JSON); validated here. */
  readonly definition: unknown;
  /** The holder's portable credentials. */
  readonly credentials: readonly unknown[];
  /** Who they are for; default the subject id all credentials share, else not checked. */
  readonly recipient?: RecipientIdentity | undefined;
};

/** Return type of {@link pathwayProgress}. */
export type PathwayProgressReturnType = {
  readonly definition: PathwayDefinition;
  readonly definitionHash: Hex;
  /** The recipient the components were matched to; undefined when not checked. */
  readonly recipient: RecipientIdentity | undefined;
  readonly candidates: readonly Candidate[];
  readonly components: readonly ComponentAssessment[];
  readonly requirements: RequirementResult;
  readonly met: boolean;
  /** "2 of 3: SQL Basics missing" and the like, outermost group first; empty when met. */
  readonly missing: readonly string[];
};

/**
 * What a holder has towards a pathway and what is missing.
 *
 * @example
 * ```ts
 * const progress = await pathwayProgress({ definition, credentials, client, trustedRegistries: [registry] });
 * progress.met; progress.missing; // ["Data Analytics Certificate: 2 of 3: SQL Basics missing"]
 * ```
 */
export async function pathwayProgress(parameters: PathwayProgressParameters): Promise<PathwayProgressReturnType> {
  const { definition, hash } = parsePathwayDefinition({ definition: parameters.definition });
  const { definition: _definition, credentials, recipient: given, ...options } = parameters;
  const awardTime = options.now ?? new Date();
  const reports = credentials.length === 0 ? [] : await verifyCredentials({ ...options, now: awardTime, credentials });
  const candidates: Candidate[] = reports.map((report, source) => ({ source, report, facts: credentialFactsOf(credentials[source]) }));
  const recipient = given ?? commonSubject(candidates);
  const components = assessComponents({ definition, candidates, recipient, awardTime });
  const satisfied = new Set(components.filter((component) => component.state === "met").map((component) => component.key));
  const names = new Map(definition.components.map((component) => [component.key, component.name]));
  const requirements = evaluateRequirements({ requirement: definition.requirements, satisfied, names });
  const missing = missingLines(requirements, definition.name);
  return { definition, definitionHash: hash, recipient, candidates, components, requirements, met: requirements.met, missing };
}
