/**
 * The stack as a tree, for display: the award at the root, the pathway's requirement
 * groups below it, the component credentials as leaves, each with a status and one line
 * of why. The CLI prints it with {@link formatStackTree}; a web page can render the same
 * nodes.
 */
import type { PathwayVerificationReport, ReferencedComponent } from "./cascade.ts";
import type { RequirementResult } from "./requirements.ts";

/**
 * - valid / invalid / pending / error: as in verification reports;
 * - held: no longer valid, but counted because the pathway's policy is "award-stands";
 * - missing: required, but no presented credential matches.
 */
export type StackNodeStatus = "valid" | "invalid" | "pending" | "error" | "held" | "missing";

/** One node of the stack. */
export type StackNode = {
  readonly kind: "award" | "group" | "component";
  readonly label: string;
  readonly status: StackNodeStatus;
  /** One line for people. */
  readonly detail: string;
  /** For components: the position of the presented credential. */
  readonly source?: number | undefined;
  readonly children: readonly StackNode[];
};

/** Parameters of {@link stackTree}. */
export type StackTreeParameters = { readonly report: PathwayVerificationReport };
/** Return type of {@link stackTree}. */
export type StackTreeReturnType = StackNode;

function componentNode(result: RequirementResult, components: readonly ReferencedComponent[]): StackNode {
  const entries = components.filter((entry) => entry.reference.component === result.key);
  const entry = entries.find((candidate) => candidate.counts) ?? entries[0];
  if (entry === undefined) return { kind: "component", label: result.label, status: "missing", detail: "not referenced by the award", children: [] };
  const status: StackNodeStatus = entry.counts
    ? entry.heldByPolicy === true
      ? "held"
      : "valid"
    : entry.report === undefined
      ? "missing"
      : entry.report.status === "valid"
        ? "invalid"
        : entry.report.status;
  return { kind: "component", label: result.label, status, detail: entry.reason, source: entry.source, children: [] };
}

function groupNode(result: RequirementResult, components: readonly ReferencedComponent[]): StackNode {
  if (result.kind === "component") return componentNode(result, components);
  return {
    kind: "group",
    label: result.label,
    status: result.met ? "valid" : "invalid",
    detail: result.met ? `met (${result.have} of ${result.need})` : result.summary,
    children: result.children.map((child) => groupNode(child, components)),
  };
}

/**
 * Turns a cascade report into the stack tree.
 *
 * @example
 * ```ts
 * const tree = stackTree({ report: await verifyPathwayAward({ award, components, client, trustedRegistries }) });
 * tree.children[0].label; // "SQL Basics"
 * ```
 */
export function stackTree(parameters: StackTreeParameters): StackTreeReturnType {
  const { report } = parameters;
  const name = report.award.credential?.name ?? "award";
  const pathway = report.pathway;
  const label = pathway === undefined ? name : pathway.name === name ? `${name} (version ${pathway.version})` : `${name} (${pathway.name}, version ${pathway.version})`;
  const failed = [...report.award.checks, ...report.checks].find((check) => check.outcome === "invalid" || check.outcome === "error");
  const detail = failed !== undefined ? `${failed.id}: ${failed.reason}` : (report.policy?.applied ?? report.status);
  const children =
    report.requirements === undefined
      ? []
      : report.requirements.kind === "allOf" && report.requirements.label.startsWith("all of")
        ? report.requirements.children.map((child) => groupNode(child, report.components))
        : [groupNode(report.requirements, report.components)];
  return { kind: "award", label, status: report.status, detail, children };
}

// "missing" is a dash: an alternative nobody needed is not a failure; its group says whether one is.
const marks: Record<StackNodeStatus, string> = { valid: "✔", held: "✔", invalid: "✘", error: "!", pending: "…", missing: "-" };

/**
 * The tree as text lines, e.g.
 * ```
 * ✔ Data Analytics Certificate (version 1): award stands once issued…
 * ├─ ✔ SQL Basics: verified
 * └─ ✔ one of Tableau, Power BI: met (1 of 1)
 *    ├─ ✔ Tableau: verified
 *    └─ - Power BI: not referenced by the award
 * ```
 */
export function formatStackTree(node: StackNode): string[] {
  const lines = [`${marks[node.status]} ${node.label}: ${node.status === "held" ? "held by policy: " : ""}${node.detail}`];
  const walk = (children: readonly StackNode[], prefix: string) => {
    children.forEach((child, index) => {
      const last = index === children.length - 1;
      lines.push(`${prefix}${last ? "└─" : "├─"} ${marks[child.status]} ${child.label}: ${child.status === "held" ? "held by policy: " : ""}${child.detail}`);
      walk(child.children, `${prefix}${last ? "   " : "│  "}`);
    });
  };
  walk(node.children, "");
  return lines;
}
