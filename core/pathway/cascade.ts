/**
 * Verifying a pathway award cascades: the award and every component it references are
 * verified in ONE bulk pass (one status read per batch, shared chain reads), each
 * reference is matched to a presented credential by its anchored identity, the
 * pathway's revocation policy decides whether a component revoked (or expired) since
 * the award still counts, and the requirements are evaluated again. The report says
 * which policy applied, and `stackTree` turns it into the tree a page shows.
 */
import type { Hex } from "../hex.ts";
import { splitPortableCredential } from "../proof.ts";
import type { VerificationReport, VerificationStatus, VerifyOptions } from "../verify/types.ts";
import { verifyCredentials } from "../verify/verifyCredentials.ts";
import { type AwardPathway, PATHWAY_MEMBER } from "./award.ts";
import { assessComponents, type Candidate, type ComponentAssessment, type Verdict } from "./components.ts";
import { type RevocationPolicy, revocationPolicies } from "./definition.ts";
import { matchRecipient, recipientClaimsOf, type RecipientIdentity } from "./recipient.ts";
import { checkAwardDefinition } from "./checks/definitionCheck.ts";
import { checkReferences } from "./checks/referencesCheck.ts";
import type { ComponentReference } from "./references.ts";
import { evaluateRequirements, missingLines, type RequirementResult } from "./requirements.ts";

/** One check of the pathway layer, in the same shape as the credential checks. */
export type PathwayCheck = {
  readonly id: "definition" | "references" | "recipient" | "requirements";
  readonly outcome: "valid" | "invalid" | "error" | "skipped";
  readonly reason: string;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
};

/** How one referenced component fared. */
export type ReferencedComponent = {
  readonly reference: ComponentReference;
  /** The definition's name for it ("SQL Basics"), else the key. */
  readonly name: string;
  /** Position of the presented credential that matches the reference. */
  readonly source?: number | undefined;
  /** Its verification report, as of now. */
  readonly report?: VerificationReport | undefined;
  /** Whether it counts towards the requirements, and why. */
  readonly counts: boolean;
  readonly reason: string;
  /** Set when it counts only because of the award-stands policy (revoked, suspended or expired since). */
  readonly heldByPolicy?: boolean | undefined;
};

/** What {@link verifyPathwayAward} found. */
export type PathwayVerificationReport = {
  readonly status: VerificationStatus;
  /** The award's own credential report. */
  readonly award: VerificationReport;
  readonly pathway?: { readonly id: string; readonly version: number; readonly name: string; readonly hash: Hex } | undefined;
  /** The policy that was applied, and what it meant here. */
  readonly policy?: { readonly name: RevocationPolicy; readonly applied: string } | undefined;
  readonly checks: readonly PathwayCheck[];
  readonly components: readonly ReferencedComponent[];
  readonly requirements?: RequirementResult | undefined;
  /** Presented credentials no reference names (ignored). */
  readonly unreferenced: readonly number[];
};

/** Parameters of {@link verifyPathwayAward}. */
export type VerifyPathwayAwardParameters = VerifyOptions & {
  /** The portable award. */
  readonly award: unknown;
  /** The component credentials the holder presents with it. */
  readonly components: readonly unknown[];
  /** The pathway definition as the verifier has it (optional): it must be the one the award met. */
  readonly definition?: unknown;
  /** The recipient's identity, to check hashed identifiers (optional; never needed for subject ids). */
  readonly recipient?: RecipientIdentity | undefined;
};

const policyText = {
  [revocationPolicies.awardStands]: "award stands once issued: a component revoked, suspended or expired after the award still counts",
  [revocationPolicies.componentsMustStayValid]: "award requires its components to stay valid: a component revoked, suspended or expired since no longer counts",
} as const;

function rank(status: VerificationStatus): number {
  return { valid: 0, pending: 1, error: 2, invalid: 3 }[status];
}

function worst(...statuses: VerificationStatus[]): VerificationStatus {
  return statuses.reduce((a, b) => (rank(b) > rank(a) ? b : a), "valid");
}

/** True when a report failed only on checks a later event can cause: status (revoked, suspended) or validity period (expired). */
function failedOnlyLater(report: VerificationReport): boolean {
  const failing = report.checks.filter((check) => check.outcome === "invalid" || check.outcome === "error" || check.outcome === "pending");
  return failing.length > 0 && failing.every((check) => check.outcome === "invalid" && (check.id === "status" || check.id === "validityPeriod"));
}

function firstFailure(report: VerificationReport): string {
  const failed = report.checks.find((check) => check.outcome !== "valid" && check.outcome !== "skipped");
  return failed === undefined ? report.status : `${failed.id}: ${failed.reason}`;
}

function readPathway(award: unknown): { pathway?: AwardPathway; credential?: Record<string, unknown>; problem?: string } {
  let credential: Record<string, unknown>;
  try {
    credential = splitPortableCredential({ portableCredential: award }).credential;
  } catch {
    return { problem: "the award is not a portable credential" };
  }
  const pathway = credential[PATHWAY_MEMBER] as AwardPathway | undefined;
  if (pathway === null || typeof pathway !== "object") return { credential, problem: `the credential carries no ${PATHWAY_MEMBER}: it is not a pathway award` };
  return { pathway, credential };
}

/**
 * Verifies a pathway award and, in the same bulk pass, the components it references.
 *
 * @example
 * ```ts
 * const report = await verifyPathwayAward({ award, components, client, trustedRegistries: [registry] });
 * report.status; report.policy?.applied; stackTree({ report }).children;
 * ```
 */
export async function verifyPathwayAward(parameters: VerifyPathwayAwardParameters): Promise<PathwayVerificationReport> {
  const { award, components, definition: given, recipient, ...options } = parameters;
  const [awardReport, ...componentReports] = await verifyCredentials({ ...options, credentials: [award, ...components] });
  const checks: PathwayCheck[] = [];
  const base = { award: awardReport!, checks, components: [] as ReferencedComponent[], unreferenced: components.map((_, index) => index) };

  // --- definition, then references: each its own check (checks/) --------------------------------------
  const read = readPathway(award);
  if (read.pathway === undefined) {
    checks.push({ id: "definition", outcome: "invalid", reason: read.problem!, details: { code: "CA_PATHWAY_AWARD_MALFORMED" } });
    return { ...base, status: "invalid" };
  }
  const definitionResult = checkAwardDefinition({ carried: read.pathway, anchor: awardReport!.anchor, given });
  checks.push(definitionResult.check);
  if (definitionResult.definition === undefined) return { ...base, status: "invalid" };
  const { definition, pathway } = definitionResult;
  const names = new Map(definition.components.map((component) => [component.key, component.name]));
  const resolved = checkReferences({ credential: read.credential!, components, reports: componentReports, definition, names });
  checks.push(resolved.check);
  const { referenced, used } = resolved;

  // --- policy: may a component that no longer verifies still count? ------------------------------------
  const policy = definition.revocationPolicy;
  const awardAnchoredAt = (awardReport!.checks.find((check) => check.id === "anchored")?.details?.anchoredAt ?? undefined) as number | undefined;
  const awardTime = dateOf((read.credential!.awardedDate ?? read.credential!.validFrom) as unknown) ?? new Date();
  const heldAtAward = new Map<number, VerificationReport>();
  if (policy === revocationPolicies.awardStands && awardAnchoredAt !== undefined) {
    // Only components that fail on a later event are read again, as of the award's anchoring.
    const later = referenced.filter((entry) => entry.report !== undefined && failedOnlyLater(entry.report));
    if (later.length > 0) {
      const asOf = new Date(awardAnchoredAt * 1000);
      const then = await verifyCredentials({ ...options, credentials: later.map((entry) => components[entry.source!]), at: asOf, now: awardTime });
      later.forEach((entry, index) => heldAtAward.set(entry.source!, then[index]!));
    }
  }
  const verdict = (candidate: Candidate): Verdict => {
    if (candidate.report.status === "valid") return { counts: true, reason: "verified" };
    const atAward = heldAtAward.get(candidate.source);
    if (atAward?.status === "valid") {
      return { counts: true, reason: `${firstFailure(candidate.report)}, but it was valid when awarded (policy ${policy})` };
    }
    return { counts: false, reason: `${candidate.report.status}: ${firstFailure(candidate.report)}${policy === revocationPolicies.componentsMustStayValid && failedOnlyLater(candidate.report) ? ` (policy ${policy})` : ""}` };
  };

  // --- recipient ------------------------------------------------------------------------------------------
  const awardClaims = recipientClaimsOf(read.credential!);
  const presented = referenced.filter((entry) => entry.candidate !== undefined);
  const recipientProblems: string[] = [];
  let recipientCheck: PathwayCheck;
  let recipientForAssessment: RecipientIdentity | undefined;
  if (recipient !== undefined) {
    const own = matchRecipient({ recipient, claims: awardClaims });
    if (!own.matches) recipientProblems.push(`the award ${own.reason}`);
    recipientForAssessment = recipient;
    recipientCheck =
      recipientProblems.length === 0
        ? { id: "recipient", outcome: "valid", reason: `the award and every component are for the recipient given (${own.compared.join(", ")})` }
        : { id: "recipient", outcome: "invalid", reason: recipientProblems.join("; ") };
  } else if (awardClaims.subjectId !== undefined) {
    recipientForAssessment = { id: awardClaims.subjectId };
    recipientCheck = { id: "recipient", outcome: "valid", reason: `the award and its components name subject ${awardClaims.subjectId}` };
  } else {
    recipientCheck = {
      id: "recipient",
      outcome: "skipped",
      reason: "hashed identifiers only: the awarding institution matched the recipient when it issued the award; give the recipient's email or name to check it here",
    };
  }

  // --- requirements, on the referenced components that still count ---------------------------------------
  const assessment: ComponentAssessment[] = assessComponents({
    definition,
    candidates: presented.map((entry) => entry.candidate!),
    recipient: recipientForAssessment,
    awardTime,
    verdict,
  });
  const bySource = new Map(assessment.flatMap((component) => component.candidates.map((outcome) => [outcome.source, { component, ...outcome }] as const)));
  const finished: ReferencedComponent[] = referenced.map(({ candidate, ...entry }) => {
    if (candidate === undefined) return entry;
    const assessed = bySource.get(candidate.source);
    const counts = assessed !== undefined && assessed.problems.length === 0 && assessed.component.source === candidate.source;
    const held = counts && candidate.report.status !== "valid";
    const reason = assessed === undefined ? "its achievement is not a component of the pathway" : counts ? verdict(candidate).reason : assessed.problems.join("; ");
    if (assessed?.recipientMismatch === true) {
      recipientProblems.push(`${entry.name}: ${assessed.problems.join("; ")}`);
    }
    return { ...entry, counts, reason, heldByPolicy: held || undefined };
  });
  if (recipientProblems.length > 0) recipientCheck = { id: "recipient", outcome: "invalid", reason: recipientProblems.join("; ") };
  checks.push(recipientCheck);

  const satisfied = new Set(assessment.filter((component) => component.state === "met").map((component) => component.key));
  const requirements = evaluateRequirements({ requirement: definition.requirements, satisfied, names });
  const componentError = finished.some((entry) => entry.report?.status === "error" && !entry.counts);
  checks.push(
    requirements.met
      ? { id: "requirements", outcome: "valid", reason: `met by the referenced components (${[...satisfied].map((key) => names.get(key) ?? key).join(", ")})` }
      : {
          id: "requirements",
          outcome: componentError ? "error" : "invalid",
          reason: `${missingLines(requirements, definition.name).join("; ")}${componentError ? " (a component could not be checked: see its report)" : ""}`,
          details: { code: "CA_PATHWAY_REQUIREMENTS_NOT_MET" },
        },
  );

  const heldCount = finished.filter((entry) => entry.heldByPolicy === true).length;
  const dropped = finished.filter((entry) => !entry.counts && entry.report !== undefined && failedOnlyLater(entry.report)).length;
  const applied =
    heldCount > 0
      ? `${policyText[policy]}; ${heldCount} component${heldCount === 1 ? " is" : "s are"} no longer valid but counted`
      : dropped > 0
        ? `${policyText[policy]}; ${dropped} component${dropped === 1 ? " is" : "s are"} no longer valid and not counted`
        : `${policyText[policy]}; no referenced component was revoked, suspended or expired since the award, so it made no difference`;

  const pathwayStatus = worst(...checks.map((check) => (check.outcome === "skipped" ? "valid" : check.outcome)));
  return {
    status: worst(awardReport!.status, pathwayStatus),
    award: awardReport!,
    pathway,
    policy: { name: policy, applied },
    checks,
    components: finished,
    requirements,
    unreferenced: components.map((_, index) => index).filter((index) => !used.has(index)),
  };
}

function dateOf(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time);
}
