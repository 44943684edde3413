/**
 * Pathway definitions, format `credanchor-pathway-v1`: which component achievements, from
 * which institutions (named by their on-chain identity), add up to an award.
 *
 * A definition is a versioned JSON document. Its hash, keccak256 of its JCS form, is what
 * an award carries (inside the anchored award, so it is anchored with it): the award says
 * exactly which rules it met, and a definition edited afterwards no longer hashes the same.
 * A released format never changes; a new rule shape is a new format.
 */
import * as z from "zod/mini";

import { toChecksumAddress } from "../address.ts";
import { CredanchorError } from "../errors.ts";
import { encodeHex, type Hex } from "../hex.ts";
import { toFieldIssues } from "../issues.ts";
import { canonicalJson } from "../jcs.ts";
import { keccak256 } from "../keccak.ts";
import { MAX_INSTITUTION_ID } from "../hash.ts";
import { PATHWAY_FORMAT } from "./names.ts";
import "../zodMessages.ts";

/** The definition format this version of core reads (defined in names.ts, which has no imports). */
export { PATHWAY_FORMAT };

/** What a later revocation (or suspension, or expiry) of a component means for an award. */
export const revocationPolicies = {
  /** The award stands once issued: components had to be valid when it was awarded. */
  awardStands: "award-stands",
  /** The award holds only while every component it needs stays valid. */
  componentsMustStayValid: "components-must-stay-valid",
} as const;
/** One of {@link revocationPolicies}. */
export type RevocationPolicy = (typeof revocationPolicies)[keyof typeof revocationPolicies];

/** An institution by its on-chain identity: chain (CAIP-2), registry, institution id. */
export type InstitutionIdentity = { readonly chain: string; readonly registry: string; readonly institutionId: number };

/** A requirement: a component key, all of a list, or n of a list; groups nest. */
export type Requirement =
  | string
  | { readonly allOf: readonly Requirement[]; readonly name?: string | undefined }
  | { readonly nOf: number; readonly of: readonly Requirement[]; readonly name?: string | undefined };

/** One component achievement the requirements can name. */
export type PathwayComponent = {
  /** Short key the requirements use, e.g. "sql". */
  readonly key: string;
  /** For people, e.g. "SQL Basics". */
  readonly name: string;
  /** The component's achievement id (`credentialSubject.achievement.id`). */
  readonly achievement: string;
  /** Who must have issued it; default the pathway's own institution. */
  readonly institution?: InstitutionIdentity | undefined;
};

/** A parsed `credanchor-pathway-v1` definition. */
export type PathwayDefinition = {
  readonly format: typeof PATHWAY_FORMAT;
  readonly id: string;
  readonly version: number;
  readonly name: string;
  /** The awarding institution; awards must be anchored by it. */
  readonly institution: InstitutionIdentity;
  /** The award's issuer profile and achievement, as they will appear in the award. */
  readonly award: {
    readonly issuer: { readonly id: string; readonly name?: string | undefined } & Record<string, unknown>;
    readonly achievement: { readonly id: string; readonly name: string; readonly description: string } & Record<string, unknown>;
  };
  readonly components: readonly PathwayComponent[];
  readonly requirements: Requirement;
  /** Components must be earned within this many months before the award (and not expired at award time). */
  readonly window?: { readonly months: number } | undefined;
  readonly revocationPolicy: RevocationPolicy;
};

/** Deepest nesting of requirement groups, and most requirement nodes, a definition may have. */
export const MAX_REQUIREMENT_DEPTH = 8;
export const MAX_REQUIREMENT_NODES = 256;

const KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/;

const uri = z.string({ error: "expected an absolute URI" }).check(
  z.refine((value) => ABSOLUTE_URI.test(value), {
    error: "is not an absolute URI",
    params: { expected: "an absolute URI, e.g. https://example.edu/x or did:web:example.edu" },
  }),
);
const text = z.string({ error: "expected a string" }).check(z.minLength(1, { error: "is empty" }));
const institution = z.strictObject({
  chain: z
    .string({ error: "expected a CAIP-2 chain id" })
    .check(z.refine((value) => /^eip155:[1-9][0-9]{0,15}$/.test(value), { error: "is not a CAIP-2 EVM chain id", params: { expected: "eip155:<chain id>" } })),
  registry: z
    .string({ error: "expected a 20-byte 0x address" })
    .check(z.refine((value) => toChecksumAddress({ address: value }) !== null, { error: "is not a 20-byte hex address", params: { expected: "a 20-byte 0x address" } })),
  institutionId: z
    .number({ error: "expected an institution id" })
    .check(
      z.refine((value) => Number.isInteger(value) && value >= 1 && value <= MAX_INSTITUTION_ID, {
        error: "is not a registered-institution id",
        params: { expected: `a whole number from 1 to ${MAX_INSTITUTION_ID}` },
      }),
    ),
});

const requirement: z.ZodMiniType<Requirement> = z.lazy(() =>
  z.union(
    [
      z.string().check(z.refine((value) => KEY.test(value), { error: "is not a component key", params: { expected: "a component key" } })),
      z.strictObject({ allOf: z.array(requirement).check(z.minLength(1, { error: "is empty" })), name: z.optional(text) }),
      z.strictObject({
        nOf: z.number().check(z.refine((value) => Number.isInteger(value) && value >= 1, { error: "is not a whole number >= 1" })),
        of: z.array(requirement).check(z.minLength(1, { error: "is empty" })),
        name: z.optional(text),
      }),
    ],
    { error: 'expected a component key, { "allOf": [...] } or { "nOf": n, "of": [...] }' },
  ),
);

const definitionSchema = z.strictObject({
  format: z.literal(PATHWAY_FORMAT, { error: `expected "${PATHWAY_FORMAT}"` }),
  id: uri,
  version: z.number().check(z.refine((value) => Number.isInteger(value) && value >= 1, { error: "is not a whole number >= 1", params: { expected: "1, 2, 3…" } })),
  name: text,
  institution,
  award: z.strictObject({
    issuer: z.looseObject({ id: uri, name: z.optional(z.string()) }),
    achievement: z.looseObject({ id: uri, name: text, description: z.string({ error: "expected a string" }) }),
  }),
  components: z
    .array(
      z.strictObject({
        key: z.string().check(z.refine((value) => KEY.test(value), { error: "is not a key", params: { expected: "letters, digits, _ . - (at most 64)" } })),
        name: text,
        achievement: uri,
        institution: z.optional(institution),
      }),
    )
    .check(z.minLength(1, { error: "is empty" })),
  requirements: requirement,
  window: z.optional(
    z.strictObject({
      months: z.number().check(z.refine((value) => Number.isInteger(value) && value >= 1 && value <= 1200, { error: "is not a whole number of months from 1 to 1200" })),
    }),
  ),
  revocationPolicy: z.enum(Object.values(revocationPolicies) as [RevocationPolicy, ...RevocationPolicy[]], {
    error: `expected one of ${Object.values(revocationPolicies).map((name) => `"${name}"`).join(", ")}`,
  }),
});

/** Parameters of {@link parsePathwayDefinition}. */
export type ParsePathwayDefinitionParameters = {
  readonly definition: unknown;
  /** JSON path of the definition in its document, for error messages. Default `$`. */
  readonly path?: string | undefined;
};
/** Return type of {@link parsePathwayDefinition}: the definition and its hash. */
export type ParsePathwayDefinitionReturnType = { readonly definition: PathwayDefinition; readonly hash: Hex };

function invalid(issues: readonly { path: string; message: string; expected?: string | undefined }[]): CredanchorError {
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return new CredanchorError({
    code: "CA_PATHWAY_DEFINITION_INVALID",
    message: `Pathway definition is invalid: ${first.path}: ${first.message}${more}`,
    details: issues,
  });
}

/** Checks what the schema cannot: keys unique and known, n within its list, bounded size. */
function checkRequirements(definition: PathwayDefinition, base: string): { path: string; message: string; expected?: string }[] {
  const issues: { path: string; message: string; expected?: string }[] = [];
  const keys = new Set<string>();
  definition.components.forEach((component, index) => {
    if (keys.has(component.key)) issues.push({ path: `${base}.components[${index}].key`, message: `repeats key "${component.key}"`, expected: "a key used once" });
    keys.add(component.key);
    // One credential must not satisfy two components: an achievement is listed once per institution.
    const from = componentInstitution(definition, component);
    const twin = definition.components.findIndex(
      (other, otherIndex) => otherIndex < index && other.achievement === component.achievement && sameInstitution(componentInstitution(definition, other), from),
    );
    if (twin !== -1) {
      issues.push({ path: `${base}.components[${index}].achievement`, message: `repeats the achievement of components[${twin}] from the same institution`, expected: "each achievement listed once per institution" });
    }
  });
  let nodes = 0;
  const walk = (node: Requirement, path: string, depth: number) => {
    nodes += 1;
    if (depth > MAX_REQUIREMENT_DEPTH) {
      issues.push({ path, message: `nests deeper than ${MAX_REQUIREMENT_DEPTH} groups`, expected: "a flatter requirement" });
      return;
    }
    if (typeof node === "string") {
      if (!keys.has(node)) issues.push({ path, message: `names component "${node}", which the definition does not list`, expected: [...keys].join(", ") });
      return;
    }
    const children = "allOf" in node ? node.allOf : node.of;
    if ("nOf" in node && node.nOf > node.of.length) {
      issues.push({ path: `${path}.nOf`, message: `asks for ${node.nOf} of ${node.of.length}`, expected: `at most ${node.of.length}` });
    }
    children.forEach((child, index) => walk(child, `${path}.${"allOf" in node ? "allOf" : "of"}[${index}]`, depth + 1));
  };
  walk(definition.requirements, `${base}.requirements`, 0);
  if (nodes > MAX_REQUIREMENT_NODES) issues.push({ path: `${base}.requirements`, message: `has ${nodes} nodes`, expected: `at most ${MAX_REQUIREMENT_NODES}` });
  return issues;
}

/**
 * Validates a pathway definition and computes its hash. Throws
 * `CA_PATHWAY_DEFINITION_INVALID` listing every problem by JSON path (unknown members,
 * unknown component keys, `nOf` larger than its list, repeated keys…).
 *
 * @example
 * ```ts
 * const { definition, hash } = parsePathwayDefinition({ definition: JSON.parse(text) });
 * ```
 */
export function parsePathwayDefinition(parameters: ParsePathwayDefinitionParameters): ParsePathwayDefinitionReturnType {
  const base = parameters.path ?? "$";
  const input = parameters.definition;
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw invalid([{ path: base, message: "is not a JSON object", expected: `a ${PATHWAY_FORMAT} definition` }]);
  }
  const result = z.safeParse(definitionSchema, input);
  if (!result.success) throw invalid(toFieldIssues({ issues: result.error.issues, input, base }));
  const definition = input as PathwayDefinition;
  const issues = checkRequirements(definition, base);
  if (issues.length > 0) throw invalid(issues);
  return { definition, hash: pathwayDefinitionHash({ definition }) };
}

/** Parameters of {@link pathwayDefinitionHash}. */
export type PathwayDefinitionHashParameters = { readonly definition: unknown };
/** Return type of {@link pathwayDefinitionHash}. */
export type PathwayDefinitionHashReturnType = Hex;

/**
 * keccak256 of the definition's JCS (RFC 8785) text: the same for any key order or
 * whitespace, different for any change of content.
 *
 * @example
 * ```ts
 * pathwayDefinitionHash({ definition }); // "0x…"
 * ```
 */
export function pathwayDefinitionHash(parameters: PathwayDefinitionHashParameters): PathwayDefinitionHashReturnType {
  return encodeHex(keccak256(new TextEncoder().encode(canonicalJson(parameters.definition))));
}

/** The institution a component must come from: its own, else the pathway's. */
export function componentInstitution(definition: PathwayDefinition, component: PathwayComponent): InstitutionIdentity {
  return component.institution ?? definition.institution;
}

/** True when two on-chain identities name the same institution (addresses compared case-insensitively). */
export function sameInstitution(a: InstitutionIdentity, b: InstitutionIdentity): boolean {
  return a.chain === b.chain && a.registry.toLowerCase() === b.registry.toLowerCase() && a.institutionId === b.institutionId;
}
