/**
 * One plain verdict from a verification report: what a recruiter needs to read first.
 * The report's named checks stay one click away (certificate.ts); this only decides the
 * headline, by precedence: a credential that was altered says so even if the chain is
 * down; a revoked one says revoked even if it has also expired.
 */
import { describeReason } from "../../core/reasons.ts";
import type { TimelineEntry } from "../../core/timeline.ts";
import type { VerificationCheck, VerificationReport } from "../../core/verify/types.ts";

/** The verdicts the page can show. */
export type VerdictKind =
  | "valid"
  | "revoked"
  | "suspended"
  | "expired"
  | "notYetValid"
  | "tampered"
  | "unreadable"
  | "untrustedRegistry"
  | "notAnchored"
  | "issuerMismatch"
  | "chainUnreachable"
  | "pending";

/** The headline: a kind (for styling and tests), a title and one sentence. */
export type Verdict = { readonly kind: VerdictKind; readonly title: string; readonly detail: string; readonly good: boolean };

const find = (report: VerificationReport, id: VerificationCheck["id"]) => report.checks.find((check) => check.id === id);
const failed = (check: VerificationCheck | undefined) => check?.outcome === "invalid";
const day = (iso: string | undefined) => (iso === undefined ? undefined : iso.slice(0, 10));

/**
 * @example
 * ```ts
 * verdictOf({ report, timeline }) // { kind: "revoked", title: "Revoked", detail: "Revoked on 2026-11-02: superseded…" }
 * ```
 */
export function verdictOf({ report, timeline }: { report: VerificationReport; timeline: readonly TimelineEntry[] }): Verdict {
  const format = find(report, "format");
  if (failed(format)) {
    return { kind: "unreadable", good: false, title: "Not a verifiable credential", detail: `This file cannot be checked: ${format!.reason}.` };
  }
  const integrity = find(report, "integrity");
  const inclusion = find(report, "inclusion");
  if (failed(integrity) || failed(inclusion)) {
    return {
      kind: "tampered",
      good: false,
      title: "Altered: do not trust",
      detail: `This credential was changed after it was issued (${(integrity?.outcome === "invalid" ? integrity : inclusion)!.reason}).`,
    };
  }
  const anchored = find(report, "anchored");
  if (failed(anchored)) {
    const code = anchored!.details?.["code"];
    const untrusted = code === "CA_REGISTRY_UNTRUSTED" || anchored!.details?.["allowedChains"] !== undefined;
    return untrusted
      ? {
          kind: "untrustedRegistry",
          good: false,
          title: "Untrusted registry",
          detail: `It was recorded somewhere this site does not trust, where anyone could have recorded it: ${anchored!.reason}.`,
        }
      : { kind: "notAnchored", good: false, title: "Not on record", detail: `The registry has no record of it: ${anchored!.reason}.` };
  }
  const issuer = find(report, "issuer");
  if (failed(issuer)) {
    return { kind: "issuerMismatch", good: false, title: "Issuer not confirmed", detail: `${capital(issuer!.reason)}.` };
  }
  const status = find(report, "status");
  if (failed(status)) {
    const registryStatus = status!.details?.["registryStatus"];
    const code = status!.details?.["reasonCode"];
    const reason = typeof code === "number" ? describeReason(code) : undefined;
    const change = [...timeline].reverse().find((entry) => entry.kind !== "anchored" && entry.kind !== "reinstated");
    const when = day(change?.at);
    const suspended = registryStatus === "suspended" || registryStatus === "institutionSuspended";
    const what = suspended ? "Suspended" : "Revoked";
    return {
      kind: suspended ? "suspended" : "revoked",
      good: false,
      title: what,
      detail:
        reason === undefined
          ? `${capital(status!.reason)}${when === undefined ? "" : ` (${when})`}.`
          : `${what} by ${suspended && registryStatus === "institutionSuspended" ? "registry governance" : "the issuer"}${when === undefined ? "" : ` on ${when}`}: ${reason}.${suspended ? " A suspension can be lifted." : ""}`,
    };
  }
  const period = find(report, "validityPeriod");
  if (failed(period)) {
    const notYet = period!.details?.["validFrom"] !== undefined;
    return notYet
      ? { kind: "notYetValid", good: false, title: "Not yet valid", detail: `${capital(period!.reason)}.` }
      : { kind: "expired", good: false, title: "Expired", detail: `This credential ${period!.reason}.` };
  }
  const error = report.checks.find((check) => check.outcome === "error");
  if (error !== undefined) {
    return {
      kind: "chainUnreachable",
      good: false,
      title: "Could not check the chain",
      detail: `Nothing is known against this credential, but its status could not be read: ${error.reason}. Try again later.`,
    };
  }
  if (report.status === "pending") {
    const pending = report.checks.find((check) => check.outcome === "pending");
    return { kind: "pending", good: false, title: "Recorded, not yet final", detail: `${capital(pending?.reason ?? "check again later")}.` };
  }
  const by = issuer?.details?.["name"];
  return {
    kind: "valid",
    good: true,
    title: "Valid",
    detail: `Issued${typeof by === "string" ? ` by ${by}` : ""}, unaltered, and neither revoked nor suspended.`,
  };
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
