/**
 * How an award names its components: one Open Badges 3.0 `evidence` entry per component,
 * carrying the component's anchored identity (chain, registry, institution, batch, leaf
 * index, credential hash). This file is the one owner of that shape: the award builder
 * writes it, the cascading verifier reads it.
 *
 * Why OB 3.0 `evidence` and not CLR 2.0: a `ClrCredential` is a different credential type
 * whose subject embeds every component credential whole (`verifiableCredential`) and links
 * *achievements* by id (`association`: sourceId/targetId/associationType). Embedding copies
 * the components into the award (their content, revealed to whoever sees the award, and
 * re-verified from the copy), and an achievement id names a kind of accomplishment, not
 * the one anchored credential this person earned. An Open Badge with evidence stays an
 * ordinary `OpenBadgeCredential` every OB 3.0 verifier accepts, and each evidence entry
 * names exactly one anchored credential, which the holder presents alongside.
 */
import type { Hex } from "../hex.ts";
import { splitPortableCredential } from "../proof.ts";

/** Where and what a component credential is: enough to find it and to know it is that one. */
export type AnchoredIdentity = {
  readonly chain: string;
  readonly registry: string;
  readonly institutionId: number;
  readonly batchId: Hex;
  readonly leafIndex: number;
  readonly credentialHash: Hex;
};

/** One component reference of an award. */
export type ComponentReference = AnchoredIdentity & {
  /** The definition's component key it satisfies. */
  readonly component: string;
  /** The component's achievement id, as the definition names it. */
  readonly achievement: string;
};

/** `evidence[].type` of a component reference. */
export const COMPONENT_EVIDENCE_TYPE = "CredanchorComponentEvidence";
/** The evidence member that holds the reference. */
const MEMBER = "credanchorComponent";

/** The anchored identity of a portable credential, or undefined when it has no readable proof. */
export function anchoredIdentityOf(portableCredential: unknown): AnchoredIdentity | undefined {
  try {
    const { proof } = splitPortableCredential({ portableCredential });
    return {
      chain: proof.chain,
      registry: proof.registry,
      institutionId: proof.institutionId,
      batchId: proof.batchId,
      leafIndex: proof.leafIndex,
      credentialHash: proof.credentialHash,
    };
  } catch {
    return undefined;
  }
}

/** The OB 3.0 evidence entry for one component. */
export function componentEvidence({ reference, name }: { readonly reference: ComponentReference; readonly name: string }): Record<string, unknown> {
  return {
    type: ["Evidence", COMPONENT_EVIDENCE_TYPE],
    name,
    description: `${name}: credential ${reference.credentialHash}, leaf ${reference.leafIndex} of batch ${reference.batchId}, institution ${reference.institutionId} of registry ${reference.registry} on ${reference.chain}`,
    [MEMBER]: { ...reference },
  };
}

/** One evidence entry that could not be read as a reference. */
export type ReferenceProblem = { readonly path: string; readonly message: string };

/** Reads the component references of an award's `evidence` (other evidence entries are left alone). */
export function readComponentReferences(credential: Readonly<Record<string, unknown>>): {
  readonly references: readonly ComponentReference[];
  readonly problems: readonly ReferenceProblem[];
} {
  const evidence = credential.evidence;
  const entries = Array.isArray(evidence) ? evidence : evidence === undefined ? [] : [evidence];
  const references: ComponentReference[] = [];
  const problems: ReferenceProblem[] = [];
  entries.forEach((entry, index) => {
    const types = (entry as { type?: unknown } | null)?.type;
    if (!(Array.isArray(types) ? types.includes(COMPONENT_EVIDENCE_TYPE) : types === COMPONENT_EVIDENCE_TYPE)) return;
    const value = (entry as Record<string, unknown>)[MEMBER] as Record<string, unknown> | undefined;
    const ok =
      value !== null &&
      typeof value === "object" &&
      typeof value.component === "string" &&
      typeof value.achievement === "string" &&
      typeof value.chain === "string" &&
      typeof value.registry === "string" &&
      Number.isInteger(value.institutionId) &&
      typeof value.batchId === "string" &&
      Number.isInteger(value.leafIndex) &&
      typeof value.credentialHash === "string";
    if (!ok) {
      problems.push({ path: `$.evidence[${index}].${MEMBER}`, message: "is not a component reference (component, achievement, chain, registry, institutionId, batchId, leafIndex, credentialHash)" });
      return;
    }
    references.push(value as unknown as ComponentReference);
  });
  return { references, problems };
}

/** How a presented credential relates to a reference. */
export type ReferenceMatch = "same" | "same-position-other-credential" | "same-credential-other-position" | "unrelated";

/** Compares a reference with a presented credential's anchored identity. */
export function compareReference(reference: AnchoredIdentity, identity: AnchoredIdentity): ReferenceMatch {
  const samePosition =
    reference.chain === identity.chain &&
    reference.registry.toLowerCase() === identity.registry.toLowerCase() &&
    reference.institutionId === identity.institutionId &&
    reference.batchId.toLowerCase() === identity.batchId.toLowerCase() &&
    reference.leafIndex === identity.leafIndex;
  const sameHash = reference.credentialHash.toLowerCase() === identity.credentialHash.toLowerCase();
  if (samePosition && sameHash) return "same";
  if (samePosition) return "same-position-other-credential";
  if (sameHash) return "same-credential-other-position";
  return "unrelated";
}
