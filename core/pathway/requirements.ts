/**
 * Requirement evaluation: which groups of a pathway are met by a set of qualifying
 * components, and for those that are not, what is missing, in words people read
 * ("2 of 3: SQL Basics missing"). Pure: the set of components that qualify is decided
 * elsewhere (components.ts), so this is the part properties can test exhaustively.
 */
import type { Requirement } from "./definition.ts";

/** The outcome of one requirement node. */
export type RequirementResult = {
  readonly kind: "component" | "allOf" | "nOf";
  /** Component name, group name, or a generated label ("one of Tableau, Power BI"). */
  readonly label: string;
  /** The component key (components only). */
  readonly key?: string | undefined;
  readonly met: boolean;
  /** Children met (1 or 0 for a component). */
  readonly have: number;
  /** Children needed (1 for a component). */
  readonly need: number;
  /** Children in the group (1 for a component). */
  readonly total: number;
  /** One sentence: "met", "2 of 3: SQL Basics missing", "0 of 1 from Tableau or Power BI: one more missing". */
  readonly summary: string;
  readonly children: readonly RequirementResult[];
};

/** Parameters of {@link evaluateRequirements}. */
export type EvaluateRequirementsParameters = {
  readonly requirement: Requirement;
  /** Keys of the components that qualify. */
  readonly satisfied: ReadonlySet<string>;
  /** Component key -> name, for the report (default: the key). */
  readonly names?: ReadonlyMap<string, string> | undefined;
};
/** Return type of {@link evaluateRequirements}. */
export type EvaluateRequirementsReturnType = RequirementResult;

function listing(labels: readonly string[], conjunction = "and"): string {
  if (labels.length <= 1) return labels.join("");
  return `${labels.slice(0, -1).join(", ")} ${conjunction} ${labels.at(-1)}`;
}

function groupLabel(node: Exclude<Requirement, string>, children: readonly RequirementResult[]): string {
  if (node.name !== undefined) return node.name;
  const labels = children.map((child) => child.label).join(", ");
  if ("allOf" in node) return `all of ${labels}`;
  return node.nOf === 1 ? `one of ${labels}` : `${node.nOf} of ${labels}`;
}

/**
 * Evaluates a requirement tree: a component is met when it qualifies; `allOf` when all
 * children are; `nOf` when at least n are.
 *
 * @example
 * ```ts
 * const result = evaluateRequirements({ requirement: { allOf: ["sql", "python", "viz"] }, satisfied: new Set(["python", "viz"]),
 *   names: new Map([["sql", "SQL Basics"]]) });
 * result.summary; // "2 of 3: SQL Basics missing"
 * ```
 */
export function evaluateRequirements(parameters: EvaluateRequirementsParameters): EvaluateRequirementsReturnType {
  const { satisfied, names } = parameters;
  const visit = (node: Requirement): RequirementResult => {
    if (typeof node === "string") {
      const met = satisfied.has(node);
      const label = names?.get(node) ?? node;
      return { kind: "component", label, key: node, met, have: met ? 1 : 0, need: 1, total: 1, summary: met ? "met" : `${label} missing`, children: [] };
    }
    const children = ("allOf" in node ? node.allOf : node.of).map(visit);
    const need = "allOf" in node ? children.length : node.nOf;
    const have = children.filter((child) => child.met).length;
    const met = have >= need;
    const unmet = children.filter((child) => !child.met).map((child) => child.label);
    let summary: string;
    if (met) summary = "met";
    else if (need === children.length) summary = `${have} of ${need}: ${listing(unmet)} missing`;
    else {
      const short = need - have;
      summary = `${have} of ${need} from ${listing(children.map((child) => child.label), "or")}: ${short === 1 ? "one" : short} more missing`;
    }
    return { kind: "allOf" in node ? "allOf" : "nOf", label: groupLabel(node, children), met, have, need, total: children.length, summary, children };
  };
  return visit(parameters.requirement);
}

/** The component keys a requirement names, in order of first appearance. */
export function requirementKeys(requirement: Requirement): string[] {
  const keys = new Set<string>();
  const walk = (node: Requirement) => {
    if (typeof node === "string") keys.add(node);
    else ("allOf" in node ? node.allOf : node.of).forEach(walk);
  };
  walk(requirement);
  return [...keys];
}

/**
 * Every unmet group's summary, outermost first: the lines of a "what is missing" report.
 * `rootLabel` names the outermost group (e.g. the pathway's name) instead of its label.
 */
export function missingLines(result: RequirementResult, rootLabel?: string): string[] {
  if (result.met) return [];
  if (result.kind === "component") return [result.summary];
  const own = `${rootLabel ?? result.label}: ${result.summary}`;
  const nested = result.children.filter((child) => !child.met && child.kind !== "component").flatMap((child) => missingLines(child));
  return [own, ...nested];
}
