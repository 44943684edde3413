/**
 * The `references` check of an award: every component reference (OB 3.0 `evidence`)
 * matches exactly one presented credential by its anchored identity. A reference with
 * the hash of another credential, another batch, or a moved leaf index names no
 * presented credential, and the check says which part disagrees.
 */
import type { VerificationReport } from "../../verify/types.ts";
import type { PathwayCheck, ReferencedComponent } from "../cascade.ts";
import { type Candidate, credentialFactsOf } from "../components.ts";
import type { PathwayDefinition } from "../definition.ts";
import { compareReference, readComponentReferences } from "../references.ts";

/** A referenced component, with the candidate to assess when a presented credential matched. */
export type ResolvedReference = ReferencedComponent & { readonly candidate?: Candidate | undefined };

/** Resolves the award's references against the presented credentials. */
export function checkReferences({
  credential,
  components,
  reports,
  definition,
  names,
}: {
  /** The award without its proof. */
  readonly credential: Readonly<Record<string, unknown>>;
  readonly components: readonly unknown[];
  /** The components' verification reports, in the same order. */
  readonly reports: readonly VerificationReport[];
  readonly definition: PathwayDefinition;
  readonly names: ReadonlyMap<string, string>;
}): { readonly check: PathwayCheck; readonly referenced: ResolvedReference[]; readonly used: ReadonlySet<number> } {
  const { references, problems: unreadable } = readComponentReferences(credential);
  const identities = components.map((component) => credentialFactsOf(component));
  const referenced: ResolvedReference[] = [];
  const used = new Set<number>();
  const problems: string[] = unreadable.map((problem) => `${problem.path} ${problem.message}`);
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
      referenced.push({ reference, name, counts: false, reason: mismatch ?? "not presented: no presented credential has the anchored identity the award names" });
      if (mismatch !== undefined) problems.push(`${name}: ${mismatch}`);
      continue;
    }
    used.add(source);
    const listed = definition.components.find((component) => component.key === reference.component);
    if (listed === undefined || listed.achievement !== reference.achievement) {
      problems.push(`${name}: the reference names component "${reference.component}" (${reference.achievement}), which the definition does not list so`);
    }
    referenced.push({ reference, name, source, report: reports[source], counts: false, reason: "", candidate: { source, report: reports[source]!, facts: identities[source] } });
  }
  const check: PathwayCheck =
    problems.length === 0
      ? { id: "references", outcome: "valid", reason: `${references.length} component reference${references.length === 1 ? "" : "s"}, each matching a presented credential's anchored identity` }
      : { id: "references", outcome: "invalid", reason: problems.join("; "), details: { code: "CA_PATHWAY_REFERENCE_MISMATCH" } };
  return { check, referenced, used };
}
