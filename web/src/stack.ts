/**
 * An award's stack as a tree on the page (core's stackTree nodes: the award, its
 * requirement groups, each component with its verdict), the revocation policy that
 * applied and what it did, a revoked or suspended component marked as such; and a
 * holder's progress towards a pathway ("2 of 3: SQL Basics missing"). Text only: every
 * label comes from credentials and is set as text (dom.ts).
 */
import type { PathwayVerificationReport } from "../../core/pathway/cascade.ts";
import type { PathwayProgressReturnType } from "../../core/pathway/progress.ts";
import type { StackNode, StackNodeStatus } from "../../core/pathway/tree.ts";
import { h } from "./dom.ts";

const marks: Record<StackNodeStatus, string> = { valid: "✔", held: "✔", invalid: "✘", error: "!", pending: "…", missing: "–" };
const statusWords: Record<StackNodeStatus, string> = {
  valid: "valid",
  held: "counted by policy",
  invalid: "not valid",
  error: "could not be checked",
  pending: "pending",
  missing: "not presented",
};
/** Registry statuses that a later act of the issuer caused: the component is marked with them. */
const laterActs: Readonly<Record<string, string>> = {
  revoked: "revoked",
  suspended: "suspended",
  batchRevoked: "revoked (whole batch)",
  institutionSuspended: "issuer suspended",
  anchoringKeyCompromised: "key compromised",
};

/** What the registry says of the component behind a node (revoked, suspended…), if anything. */
function laterActOf(node: StackNode, report: PathwayVerificationReport): string | undefined {
  if (node.kind !== "component" || node.source === undefined) return undefined;
  const entry = report.components.find((component) => component.source === node.source);
  const registryStatus = entry?.report?.registryStatus;
  if (registryStatus !== undefined && registryStatus in laterActs) return laterActs[registryStatus];
  if (entry?.report?.checks.some((check) => check.id === "validityPeriod" && check.outcome === "invalid")) return "expired";
  return undefined;
}

function nodeItem(node: StackNode, report: PathwayVerificationReport): HTMLLIElement {
  const act = laterActOf(node, report);
  const item = h(
    "li",
    { class: `stack-node stack-${node.status}${act === undefined ? "" : " stack-revoked"}`, "data-kind": node.kind, "data-status": node.status, "data-label": node.label, role: "treeitem" },
    h("span", { class: "stack-mark", "aria-hidden": "true" }, marks[node.status]),
    h("strong", { class: "stack-label" }, node.label),
    " ",
    h("span", { class: "stack-state" }, `(${statusWords[node.status]})`),
    act === undefined ? undefined : h("span", { class: "stack-tag", "data-act": act }, act.toUpperCase()),
    h("span", { class: "stack-detail" }, node.detail),
  );
  if (node.children.length > 0) item.append(h("ul", { role: "group" }, ...node.children.map((child) => nodeItem(child, report))));
  return item;
}

/**
 * The award's verdict, the policy line and the tree.
 *
 * @example
 * ```ts
 * panel.append(renderStack({ report, tree: stackTree({ report }) }));
 * ```
 */
export function renderStack({ report, tree }: { readonly report: PathwayVerificationReport; readonly tree: StackNode }): HTMLElement {
  const good = report.status === "valid";
  const failing = report.checks.filter((check) => check.outcome === "invalid" || check.outcome === "error");
  const awardFailing = report.award.checks.filter((check) => check.outcome === "invalid" || check.outcome === "error");
  return h(
    "article",
    { class: "stack", id: "stack", "data-status": report.status },
    h(
      "div",
      { class: `stack-verdict stack-verdict-${good ? "valid" : report.status}`, id: "stack-verdict", role: "status" },
      h("h3", { tabindex: "-1" }, good ? `✔ ${tree.label}: the award stands` : `✘ ${tree.label}: the award does not stand`),
      ...[...awardFailing.map((check) => `award ${check.id}: ${check.reason}`), ...failing.map((check) => `${check.id}: ${check.reason}`)].map((line) => h("p", {}, line)),
    ),
    report.policy === undefined
      ? undefined
      : h("p", { class: "stack-policy", id: "stack-policy", "data-policy": report.policy.name }, h("strong", {}, `Policy ${report.policy.name}: `), report.policy.applied),
    report.pathway === undefined ? undefined : h("p", { class: "muted" }, `Pathway ${report.pathway.id}, version ${report.pathway.version}, definition hash ${report.pathway.hash}`),
    h("ul", { class: "stack-tree", role: "tree", "aria-label": "The award and the credentials it stacks" }, nodeItem(tree, report)),
    report.unreferenced.length === 0 ? undefined : h("p", { class: "muted" }, `${report.unreferenced.length} of the credentials given ${report.unreferenced.length === 1 ? "is" : "are"} not referenced by the award (ignored).`),
  );
}

/**
 * Progress towards a pathway: met or not, what is missing, and each component.
 *
 * @example
 * ```ts
 * panel.append(renderProgress({ progress }));
 * ```
 */
export function renderProgress({ progress }: { readonly progress: PathwayProgressReturnType }): HTMLElement {
  const { definition } = progress;
  return h(
    "article",
    { class: "stack", id: "progress", "data-met": String(progress.met) },
    h(
      "div",
      { class: `stack-verdict stack-verdict-${progress.met ? "valid" : "pending"}`, id: "progress-verdict", role: "status" },
      h("h3", { tabindex: "-1" }, progress.met ? `✔ ${definition.name}: every requirement is met` : `${definition.name}: not met yet`),
      ...progress.missing.map((line) => h("p", { class: "progress-missing" }, line)),
    ),
    h("p", { class: "muted" }, `Pathway ${definition.id}, version ${definition.version}, by institution ${definition.institution.institutionId}`),
    h(
      "ul",
      { class: "stack-tree", "aria-label": "The pathway's components" },
      ...progress.components.map((component) => {
        const status: StackNodeStatus = component.state === "met" ? "valid" : component.state === "missing" ? "missing" : "invalid";
        return h(
          "li",
          { class: `stack-node stack-${status}`, "data-kind": "component", "data-status": component.state, "data-label": component.name },
          h("span", { class: "stack-mark", "aria-hidden": "true" }, marks[status]),
          h("strong", { class: "stack-label" }, component.name),
          " ",
          h("span", { class: "stack-state" }, `(${component.state === "met" ? "you have it" : component.state === "missing" ? "missing" : "does not count"})`),
          h("span", { class: "stack-detail" }, component.reason),
        );
      }),
    ),
  );
}

/** The panel's styles, in the page's own colours (index.html's custom properties). */
export const stackStyles = `
  .pathways { border-top: 1px solid var(--line); margin-top: 2rem; padding-top: 1rem; }
  .pathways .drop { border: 2px dashed #8a8a96; border-radius: 10px; padding: 1rem; text-align: center; }
  .pathways .drop.over { border-color: var(--accent); background: #eef3fb; }
  .stack { border: 1px solid var(--line); border-radius: 14px; padding: 1rem; margin-top: 1rem; }
  .stack-verdict { padding: .75rem 1rem; border-radius: 10px; color: #fff; background: var(--bad); }
  .stack-verdict h3 { margin: 0; }
  .stack-verdict p { margin: .25rem 0 0; }
  .stack-verdict-valid { background: var(--ok); }
  .stack-verdict-pending, .stack-verdict-error { background: var(--warn); }
  .stack-policy { border-left: 4px solid var(--accent); padding-left: .75rem; }
  .stack-tree, .stack-tree ul { list-style: none; padding-left: 1.4rem; margin: .25rem 0; }
  .stack-tree > li { padding-left: 0; }
  .stack-tree ul { border-left: 2px solid var(--line); }
  .stack-node { margin: .35rem 0; }
  .stack-mark { display: inline-block; width: 1.3rem; font-weight: 700; }
  .stack-valid > .stack-mark { color: var(--ok); } .stack-held > .stack-mark { color: var(--warn); }
  .stack-invalid > .stack-mark { color: var(--bad); } .stack-missing, .stack-missing > .stack-mark { color: var(--muted); }
  .stack-state { color: var(--muted); }
  .stack-tag { margin-left: .5rem; padding: 0 .4rem; border-radius: 4px; background: var(--bad); color: #fff; font-size: .8rem; font-weight: 700; letter-spacing: .04em; }
  .stack-revoked > .stack-label { text-decoration: line-through; text-decoration-color: var(--bad); }
  .stack-detail { display: block; color: var(--muted); font-size: .9rem; margin-left: 1.3rem; }
`;
