/**
 * Which presented credential, if any, satisfies each component of a pathway, and why the
 * others do not: verified, from the institution the definition names, the achievement it
 * names, for the same recipient, inside the window. Shared by progress, award and the
 * cascading verifier, which differ only in what verification outcome they accept.
 */
import { splitPortableCredential } from "../proof.ts";
import type { VerificationReport } from "../verify/types.ts";
import { componentInstitution, type InstitutionIdentity, type PathwayComponent, type PathwayDefinition, sameInstitution } from "./definition.ts";
import { matchRecipient, type RecipientClaims, recipientClaimsOf, type RecipientIdentity } from "./recipient.ts";
import { anchoredIdentityOf, type AnchoredIdentity } from "./references.ts";
import { windowProblem } from "./window.ts";

/** What a presented credential claims, read through core's proof accessors. */
export type CredentialFacts = {
  readonly achievementId?: string | undefined;
  readonly achievementName?: string | undefined;
  readonly identity: AnchoredIdentity;
  readonly earnedAt?: Date | undefined;
  readonly validUntil?: Date | undefined;
  readonly recipient: RecipientClaims;
};

function date(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/** The facts of a portable credential, or undefined when it cannot be taken apart. */
export function credentialFactsOf(portableCredential: unknown): CredentialFacts | undefined {
  const identity = anchoredIdentityOf(portableCredential);
  if (identity === undefined) return undefined;
  const { credential } = splitPortableCredential({ portableCredential });
  const subject = credential.credentialSubject as Record<string, unknown> | undefined;
  const achievement = subject?.achievement as Record<string, unknown> | undefined;
  return {
    achievementId: typeof achievement?.id === "string" ? achievement.id : undefined,
    achievementName: typeof achievement?.name === "string" ? achievement.name : undefined,
    identity,
    // OB 3.0 `awardedDate` when present, else VC 2.0 `validFrom`.
    earnedAt: date(credential.awardedDate) ?? date(credential.validFrom),
    validUntil: date(credential.validUntil),
    recipient: recipientClaimsOf(credential),
  };
}

/** One presented credential, verified. */
export type Candidate = {
  /** Position among the presented credentials. */
  readonly source: number;
  readonly report: VerificationReport;
  readonly facts: CredentialFacts | undefined;
};

/** Whether a candidate's verification outcome lets it count, and why. */
export type Verdict = { readonly counts: boolean; readonly reason: string };

/** What stopped one candidate (nothing: it qualified). */
export type CandidateOutcome = {
  readonly source: number;
  readonly problems: readonly string[];
  /** True when one of the problems is that it names someone else (or nobody comparable). */
  readonly recipientMismatch: boolean;
};

/** How one component of the definition fared. */
export type ComponentAssessment = {
  readonly key: string;
  readonly name: string;
  readonly achievement: string;
  readonly institution: InstitutionIdentity;
  /** met: a candidate qualifies; unqualified: candidates exist, none qualifies; missing: none presented. */
  readonly state: "met" | "unqualified" | "missing";
  /** The qualifying candidate's position. */
  readonly source?: number | undefined;
  /** One sentence for people. */
  readonly reason: string;
  /** Every candidate for this component with what stopped it (empty when it qualified). */
  readonly candidates: readonly CandidateOutcome[];
};

/** Parameters of {@link assessComponents}. */
export type AssessComponentsParameters = {
  readonly definition: PathwayDefinition;
  readonly candidates: readonly Candidate[];
  /** The award's recipient; undefined: not checked (progress for a holder who names nobody). */
  readonly recipient: RecipientIdentity | undefined;
  /** Window and expiry are judged at this moment. */
  readonly awardTime: Date;
  /** Whether a candidate's verification lets it count (default: its report is valid). */
  readonly verdict?: ((candidate: Candidate) => Verdict) | undefined;
};

const defaultVerdict = (candidate: Candidate): Verdict => {
  if (candidate.report.status === "valid") return { counts: true, reason: "verified" };
  const failed = candidate.report.checks.find((check) => check.outcome !== "valid" && check.outcome !== "skipped");
  return { counts: false, reason: `${candidate.report.status}: ${failed?.reason ?? "did not verify"}` };
};

function describeInstitution(identity: InstitutionIdentity): string {
  return `institution ${identity.institutionId} of registry ${identity.registry} on ${identity.chain}`;
}

/** What stops `candidate` from satisfying `component` (empty: it qualifies). */
function outcomeOf(parameters: AssessComponentsParameters, component: PathwayComponent, candidate: Candidate, verdict: Verdict): CandidateOutcome {
  const { facts } = candidate;
  const problems: string[] = [];
  let recipientMismatch = false;
  if (!verdict.counts) problems.push(verdict.reason);
  if (facts === undefined) return { source: candidate.source, problems, recipientMismatch };
  const institution = componentInstitution(parameters.definition, component);
  if (!sameInstitution(institution, facts.identity)) {
    problems.push(`issued by ${describeInstitution(facts.identity)}, but the pathway wants it from ${describeInstitution(institution)}`);
  }
  if (parameters.recipient !== undefined) {
    const match = matchRecipient({ recipient: parameters.recipient, claims: facts.recipient });
    if (!match.matches) {
      problems.push(match.reason);
      recipientMismatch = true;
    }
  }
  const outside = windowProblem({
    earnedAt: facts.earnedAt,
    validUntil: facts.validUntil,
    awardTime: parameters.awardTime,
    months: parameters.definition.window?.months,
  });
  if (outside !== undefined) problems.push(outside);
  return { source: candidate.source, problems, recipientMismatch };
}

/**
 * Assesses every component of a definition against the presented credentials: the first
 * candidate with the component's achievement id that qualifies satisfies it.
 *
 * @example
 * ```ts
 * const assessed = assessComponents({ definition, candidates, recipient: { email }, awardTime: new Date() });
 * assessed.filter((component) => component.state === "met").map((component) => component.key);
 * ```
 */
export function assessComponents(parameters: AssessComponentsParameters): ComponentAssessment[] {
  const verdictOf = parameters.verdict ?? defaultVerdict;
  return parameters.definition.components.map((component) => {
    const institution = componentInstitution(parameters.definition, component);
    const base = { key: component.key, name: component.name, achievement: component.achievement, institution };
    const matching = parameters.candidates.filter((candidate) => candidate.facts?.achievementId === component.achievement);
    if (matching.length === 0) return { ...base, state: "missing" as const, reason: `${component.name}: not presented`, candidates: [] };
    const assessed = matching.map((candidate) => {
      const verdict = verdictOf(candidate);
      return { ...outcomeOf(parameters, component, candidate, verdict), verdict };
    });
    const chosen = assessed.find((entry) => entry.problems.length === 0);
    if (chosen !== undefined) {
      return {
        ...base,
        state: "met" as const,
        source: chosen.source,
        reason: `${component.name}: ${chosen.verdict.reason}`,
        candidates: assessed.map(({ verdict: _verdict, ...outcome }) => outcome),
      };
    }
    return {
      ...base,
      state: "unqualified" as const,
      reason: `${component.name}: ${assessed[0]!.problems.join("; ")}`,
      candidates: assessed.map(({ verdict: _verdict, ...outcome }) => outcome),
    };
  });
}

/**
 * The recipient the presented credentials agree on by subject id, when every credential
 * names one and they are all the same; undefined otherwise (the institution must then say
 * who the award is for).
 */
export function commonSubject(candidates: readonly Candidate[]): RecipientIdentity | undefined {
  const ids = new Set(candidates.map((candidate) => candidate.facts?.recipient.subjectId));
  if (ids.size !== 1) return undefined;
  const [id] = ids;
  return id === undefined ? undefined : { id };
}
