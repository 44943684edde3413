/**
 * The result, laid out like a certificate: verdict first, then what was awarded, to
 * whom, by whom and when, then the named checks (one click away), the status history
 * and the sharing tools. Content comes from core/content.ts (proof-format independent).
 */
import { credentialContent, matchRecipientEmail, type CredentialContent } from "../../core/content.ts";
import type { TimelineEntry } from "../../core/timeline.ts";
import type { VerificationReport } from "../../core/verify/types.ts";
import { h, safeUrl } from "./dom.ts";
import type { Verdict } from "./verdict.ts";

const marks: Record<string, string> = { valid: "✔", invalid: "✘", pending: "…", skipped: "–", error: "!" };
const outcomeWords: Record<string, string> = { valid: "passed", invalid: "failed", pending: "pending", skipped: "not run", error: "could not run" };
const checkNames: Record<string, string> = {
  format: "Format",
  integrity: "Content unaltered",
  inclusion: "Part of the issued batch",
  validityPeriod: "Validity period",
  anchored: "Recorded in a trusted registry",
  issuer: "Issuer",
  status: "Not revoked or suspended",
  confirmations: "Final on the chain",
};
const timelineWords: Record<TimelineEntry["kind"], string> = {
  anchored: "Issued and recorded on the chain",
  revoked: "Revoked",
  suspended: "Suspended",
  reinstated: "Reinstated",
  batchRevoked: "Whole batch revoked",
  institutionSuspended: "Issuing institution suspended",
  institutionReinstated: "Issuing institution reinstated",
  anchoringKeyCompromised: "Issuer's anchoring key reported compromised",
  revocationCleared: "Revocation by a compromised key cleared",
};

function formatDate(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString("en-GB", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
}

function field(term: string, ...value: (Node | string | undefined)[]): Node[] {
  const present = value.filter((item) => item !== undefined && item !== "");
  if (present.length === 0) return [];
  return [h("dt", {}, term), h("dd", {}, ...present)];
}

function link(url: string | undefined, label: string): Node | string {
  const safe = safeUrl(url);
  return safe === undefined ? label : h("a", { href: safe, rel: "noopener noreferrer", target: "_blank" }, label);
}

function verdictBanner(verdict: Verdict): HTMLElement {
  return h(
    "div",
    { class: `verdict verdict-${verdict.kind}`, "data-verdict": verdict.kind, id: "verdict" },
    h("span", { class: "verdict-mark", "aria-hidden": "true" }, verdict.good ? "✔" : verdict.kind === "chainUnreachable" || verdict.kind === "pending" ? "!" : "✘"),
    h("div", {}, h("h2", { id: "verdict-title", tabindex: "-1" }, verdict.title), h("p", { id: "verdict-detail" }, verdict.detail)),
  );
}

function recipientBlock(content: CredentialContent, credential: unknown): Node[] {
  const { recipient } = content;
  const emails = recipient.identifiers.filter((entry) => entry.identityType === "emailAddress");
  const hashedEmail = emails.some((entry) => entry.hashed);
  const plainEmail = emails.find((entry) => !entry.hashed)?.identityHash;
  const who = recipient.name ?? plainEmail ?? recipient.id ?? (hashedEmail ? "the holder of a private email address (see below)" : "not named");
  const nodes = field("Awarded to", who, recipient.name !== undefined && recipient.id !== undefined ? h("span", { class: "muted" }, ` (${recipient.id})`) : undefined);
  if (!hashedEmail) return nodes;
  const input = h("input", { id: "email-check", type: "email", autocomplete: "off", inputmode: "email", placeholder: "name@example.org" });
  const result = h("p", { id: "email-result", role: "status", "aria-live": "polite" });
  const button = h("button", { type: "submit", id: "email-check-button" }, "Check email");
  const form = h(
    "form",
    { class: "email-check", id: "email-form" },
    h("label", { for: "email-check" }, "The holder's email address"),
    h("p", { class: "muted", id: "email-help" }, "The credential keeps the recipient's email only as a salted hash. Type the address the holder gave you to check it is theirs."),
    h("div", { class: "row" }, input, button),
    result,
  );
  input.setAttribute("aria-describedby", "email-help");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const answer = matchRecipientEmail({ credential, email: input.value });
    result.className = answer === "match" ? "ok" : "bad";
    result.dataset["result"] = answer;
    result.textContent =
      answer === "match"
        ? `✔ ${input.value.trim()} is the address this credential was issued to.`
        : `✘ ${input.value.trim() || "That address"} is not the address this credential was issued to.`;
  });
  return [...nodes, h("dt", { class: "sr-only" }, "Email check"), h("dd", { class: "wide" }, form)];
}

function checksBlock(report: VerificationReport): HTMLElement {
  const list = h("ol", { class: "checks-list" });
  for (const check of report.checks) {
    list.append(
      h(
        "li",
        { class: `check check-${check.outcome}`, "data-check": check.id, "data-outcome": check.outcome },
        h("span", { class: "check-mark", "aria-hidden": "true" }, marks[check.outcome] ?? ""),
        h("strong", {}, `${checkNames[check.id] ?? check.id}: `),
        h("span", { class: "sr-only" }, `${outcomeWords[check.outcome] ?? check.outcome}. `),
        check.reason,
      ),
    );
  }
  return h("details", { class: "checks", id: "checks" }, h("summary", {}, `How this was checked (${report.checks.length} checks)`), list);
}

function historyBlock(timeline: readonly TimelineEntry[], report: VerificationReport): HTMLElement {
  const section = h("section", { class: "history", id: "history", "aria-labelledby": "history-heading" }, h("h3", { id: "history-heading" }, "Status history"));
  if (timeline.length === 0) {
    section.append(h("p", { class: "muted" }, report.anchor === undefined ? "No history: the credential could not be read." : "No history could be read for this credential."));
    return section;
  }
  const list = h("ol", {});
  for (const entry of timeline) {
    list.append(
      h(
        "li",
        { "data-kind": entry.kind },
        h("strong", {}, timelineWords[entry.kind] ?? entry.kind),
        entry.at === undefined ? "" : ` on ${formatDate(entry.at)}`,
        entry.reasonText === undefined || entry.kind === "anchored" ? "" : `: ${entry.reasonText}`,
        entry.blockNumber === undefined ? "" : h("span", { class: "muted" }, ` (block ${entry.blockNumber})`),
      ),
    );
  }
  section.append(list);
  return section;
}

/** What {@link renderCertificate} draws. */
export type CertificateInput = {
  readonly credential: unknown;
  readonly report: VerificationReport;
  readonly timeline: readonly TimelineEntry[];
  readonly verdict: Verdict;
  /** The sharing panel (share.ts), appended last. */
  readonly share?: HTMLElement | undefined;
};

/**
 * @example
 * ```ts
 * result.replaceChildren(renderCertificate({ credential, report, timeline, verdict: verdictOf({ report, timeline }) }));
 * ```
 */
export function renderCertificate(input: CertificateInput): HTMLElement {
  const { credential, report, timeline, verdict } = input;
  const content = credentialContent({ credential });
  const { achievement, issuer } = content;
  const onChainIssuer = report.checks.find((check) => check.id === "issuer" && check.outcome === "valid")?.details;
  const image = safeUrl(content.image);
  const title = achievement.name ?? content.name ?? "Credential";

  const facts = h(
    "dl",
    { class: "facts" },
    ...recipientBlock(content, credential),
    ...field(
      "Issued by",
      link(issuer.url ?? (issuer.id?.startsWith("http") ? issuer.id : undefined), issuer.name ?? issuer.id ?? "unknown"),
      issuer.name !== undefined && issuer.id !== undefined ? h("span", { class: "muted" }, ` (${issuer.id})`) : undefined,
      typeof onChainIssuer?.["name"] === "string"
        ? h("span", { class: "confirmed" }, ` — confirmed in the registry as ${onChainIssuer["name"] as string} (${onChainIssuer["identifier"] as string})`)
        : undefined,
    ),
    ...field("Issued on", formatDate(content.awardedDate ?? content.validFrom)),
    ...field("Expires", content.validUntil === undefined ? "never" : formatDate(content.validUntil)),
    ...field(
      "Criteria",
      achievement.criteria?.narrative,
      achievement.criteria?.url === undefined ? undefined : h("span", {}, " ", link(achievement.criteria.url, "(details)")),
    ),
    ...field(
      "Skills and alignments",
      achievement.alignments.length === 0 && achievement.tags.length === 0
        ? undefined
        : h(
            "ul",
            { class: "tags" },
            ...achievement.alignments.map((alignment) =>
              h("li", {}, link(alignment.url, alignment.name), alignment.framework === undefined ? "" : h("span", { class: "muted" }, ` (${alignment.framework}${alignment.code === undefined ? "" : ` ${alignment.code}`})`)),
            ),
            ...achievement.tags.map((tag) => h("li", {}, tag)),
          ),
    ),
    ...field("Credential id", content.id),
  );

  return h(
    "article",
    { class: `certificate certificate-${verdict.kind}`, "aria-labelledby": "verdict-title" },
    verdictBanner(verdict),
    h(
      "div",
      { class: "award" },
      image === undefined
        ? h("div", { class: "badge badge-placeholder", role: "img", "aria-label": `Badge for ${title} (no image)` }, title.charAt(0).toUpperCase())
        : h("img", { class: "badge", src: image, alt: `Badge for ${title}` }),
      h(
        "div",
        { class: "award-text" },
        achievement.type === undefined ? undefined : h("p", { class: "kicker" }, achievement.type),
        h("h3", { class: "achievement", id: "achievement-name" }, title),
        achievement.description === undefined ? undefined : h("p", { class: "description" }, achievement.description),
      ),
    ),
    facts,
    // Where a stackable award's tree goes (pathways): filled by whoever renders stacks.
    h("section", { class: "stack", id: "stack", "data-slot": "stack-tree", hidden: "" }),
    checksBlock(report),
    historyBlock(timeline, report),
    input.share,
  );
}
