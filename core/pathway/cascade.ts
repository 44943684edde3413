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
import { assessComponents, type Candidate, type ComponentAssessment, credentialFactsOf, type Verdict } from "./components.ts";
import { parsePathwayDefinition, type PathwayDefinition, type RevocationPolicy, revocationPolicies, sameInstitution } from "./definition.ts";
import { matchRecipient, recipientClaimsOf, type RecipientIdentity } from "./recipient.ts";
import { compareReference, type ComponentReference, readComponentReferences } from "./references.ts";
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

  // --- definition: carried, hashing to what the award says, published by the awarding institution -----
  const read = readPathway(award);
  if (read.pathway === undefined) {
    checks.push({ id: "definition", outcome: "invalid", reason: read.problem!, details: { code: "CA_PATHWAY_AWARD_MALFORMED" } });
    return { ...base, status: "invalid" };
  }
  const carried = read.pathway;
  let definition: PathwayDefinition;
  let hash: Hex;
  try {
    ({ definition, hash } = parsePathwayDefinition({ definition: carried.definition, path: `$.${PATHWAY_MEMBER}.definition` }));
  } catch (error) {
    checks.push({ id: "definition", outcome: "invalid", reason: (error as Error).message, details: { code: "CA_PATHWAY_DEFINITION_INVALID" } });
    return { ...base, status: "invalid" };
  }
  const pathway = { id: definition.id, version: definition.version, name: definition.name, hash };
  const definitionProblems: string[] = [];
  if (String(carried.hash).toLowerCase() !== hash.toLowerCase()) definitionProblems.push(`the carried definition hashes to ${hash}, not to the ${carried.hash} the award names`);
  if (carried.id !== definition.id || carried.version !== definition.version) definitionProblems.push("the award's pathway id or version differs from its definition's");
  if (awardReport!.anchor !== undefined && !sameInstitution(definition.institution, awardReport!.anchor)) {
    definitionProblems.push(
      `the pathway belongs to institution ${definition.institution.institutionId} of ${definition.institution.registry}, but the award was anchored by institution ${awardReport!.anchor.institutionId} of ${awardReport!.anchor.registry}`,
    );
  }
  if (given !== undefined) {
    let theirs: { definition: PathwayDefinition; hash: Hex } | undefined;
    try {
      theirs = parsePathwayDefinition({ definition: given });
    } catch (error) {
      definitionProblems.push(`the definition given to check against is invalid: ${(error as Error).message}`);
    }
    if (theirs !== undefined && theirs.hash !== hash) {
      if (theirs.definition.id !== definition.id) definitionProblems.push(`the award was earned under pathway ${definition.id}, not ${theirs.definition.id}`);
      else if (theirs.definition.version === definition.version) {
        definitionProblems.push(`the definition was changed after the award: version ${definition.version} hashed ${hash} when awarded and hashes ${theirs.hash} now`);
      } else {
        definitionProblems.push(`the award was earned under version ${definition.version} (${hash}), not the version ${theirs.definition.version} given`);
      }
    }
  }
  checks.push(
    definitionProblems.length === 0
      ? { id: "definition", outcome: "valid", reason: `earned under ${definition.name} (${definition.id}) version ${definition.version}, definition hash ${hash}`, details: pathway }
      : { id: "definition", outcome: "invalid", reason: definitionProblems.join("; "), details: { ...pathway, code: "CA_PATHWAY_DEFINITION_MISMATCH" } },
  );

  // --- references: each evidence entry names exactly one presented credential --------------------------
  const { references, problems } = readComponentReferences(read.credential!);
  const identities = components.map((component) => credentialFactsOf(component));
  const referenced: (ReferencedComponent & { candidate?: Candidate })[] = [];
  const names = new Map(definition.components.map((component) => [component.key, component.name]));
  const used = new Set<number>();
  const referenceProblems: string[] = problems.map((problem) => `${problem.path} ${problem.message}`);
  for (const reference of references) {
    const name = names.get(reference.component) ?? reference.component;
    let source: number | undefined;
    let mismatch: string | undefined;
    identities.forEach((facts, index) => {
      if (facts === undefined || source !== undefined) return;
      const match = compareReference(reference, facts.identity);
      if (match === "same") source = index;
      else if (match === "same-position-other-credential") {
        mismatch ??= `the reference names credential ${reference.credentialHash} at leaf ${reference.leafIndex} of batch ${reference.batchId}, but the credential presented there hashes to ${facts.identity.credentialHash}`;
      } else if (match === "same-credential-other-position") {
        mismatch ??= `the reference places credential ${reference.credentialHash} at leaf ${reference.leafIndex} of batch ${reference.batchId}, but it is anchored at leaf ${facts.identity.leafIndex} of batch ${facts.identity.batchId}`;
      }
    });
    if (source === undefined) {
      const reason = mismatch ?? "not presented: no presented credential has the anchored identity the award names";
      referenced.push({ reference, name, counts: false, reason });
      if (mismatch !== undefined) referenceProblems.push(`${name}: ${mismatch}`);
      continue;
    }
    used.add(source);
    const definitionComponent = definition.components.find((component) => component.key === reference.component);
    if (definitionComponent === undefined || definitionComponent.achievement !== reference.achievement) {
      referenceProblems.push(`${name}: the reference names component "${reference.component}" (${reference.achievement}), which the definition does not list so`);
    }
    referenced.push({
      reference,
      name,
      source,
      report: componentReports[source],
      counts: false,
      reason: "",
      candidate: { source, report: componentReports[source]!, facts: identities[source] },
    });
  }
  checks.push(
    referenceProblems.length === 0
      ? { id: "references", outcome: "valid", reason: `${references.length} component reference${references.length === 1 ? "" : "s"}, each matching a presented credential's anchored identity` }
      : { id: "references", outcome: "invalid", reason: referenceProblems.join("; "), details: { code: "CA_PATHWAY_REFERENCE_MISMATCH" } },
  );

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
  const bySource = new Map(assessment.flatMap((component) => component.candidates.map((candidate) => [candidate.source, { component, problems: candidate.problems }] as const)));
  const finished: ReferencedComponent[] = referenced.map(({ candidate, ...entry }) => {
    if (candidate === undefined) return entry;
    const assessed = bySource.get(candidate.source);
    const counts = assessed !== undefined && assessed.problems.length === 0 && assessed.component.source === candidate.source;
    const held = counts && candidate.report.status !== "valid";
    const reason = assessed === undefined ? "its achievement is not a component of the pathway" : counts ? verdict(candidate).reason : assessed.problems.join("; ");
    if (assessed !== undefined && assessed.problems.some((problem) => problem.startsWith("is for someone else") || problem.startsWith("names its recipient"))) {
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
          reason: `${missingLines(requirements).join("; ")}${componentError ? " (a component could not be checked: see its report)" : ""}`,
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
        : `${policyText[policy]}; every referenced component is valid now, so it made no difference`;

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
