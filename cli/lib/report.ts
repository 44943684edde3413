/**
 * Verification reports as people read them: one mark and reason per check, a verdict per
 * credential, a summary for many. The wording comes from core's checks; this module only
 * lays it out (and test/cli pins the layout of the common cases).
 */
import type { CheckId, CheckOutcome, VerificationReport, VerificationStatus } from "../../core/verify/types.ts";
import type { Output } from "./output.ts";

/** A credential's verdict, or why it could not be read at all. */
export type VerifyResult =
  | { readonly source: string; readonly status: VerificationStatus; readonly report: VerificationReport }
  | { readonly source: string; readonly status: "error"; readonly error: { readonly code: string; readonly message: string } };

const marks: Record<CheckOutcome, string> = { valid: "✔", invalid: "✘", pending: "…", skipped: "-", error: "!" };
const colours = { valid: "green", invalid: "red", pending: "yellow", skipped: "gray", error: "yellow" } as const;

const labels: Record<CheckId, string> = {
  format: "format",
  integrity: "integrity",
  signature: "signature",
  inclusion: "inclusion",
  validityPeriod: "validity period",
  anchored: "anchored",
  issuer: "issuer",
  status: "status",
  confirmations: "confirmations",
};
const labelWidth = Math.max(...Object.values(labels).map((label) => label.length));

function verdict(out: Output, status: VerificationStatus): string {
  return out.paint(colours[status], status.toUpperCase());
}

function headline(report: VerificationReport): string | undefined {
  const credential = report.credential;
  if (credential === undefined) return undefined;
  const parts = [
    credential.name === undefined ? undefined : `"${credential.name}"`,
    credential.issuer === undefined ? undefined : `issued by ${credential.issuer}`,
    credential.subject === undefined ? undefined : `to ${credential.subject}`,
  ].filter((part) => part !== undefined);
  return parts.length === 0 ? undefined : parts.join(" ");
}

/** Every check of one credential, with its mark and reason. */
export function printDetailed(out: Output, result: VerifyResult): void {
  out.line(`${result.source}: ${verdict(out, result.status)}`);
  if (!("report" in result)) {
    out.line(`  ${out.paint(colours.error, marks.error)} ${result.error.message}`);
    return;
  }
  const title = headline(result.report);
  if (title !== undefined) out.line(`  ${title}`);
  for (const check of result.report.checks) {
    const mark = out.paint(colours[check.outcome], marks[check.outcome]);
    out.line(`  ${mark} ${labels[check.id].padEnd(labelWidth)}  ${check.reason}`);
  }
}

/** One line per credential; the failing checks of a credential that is not valid. */
export function printCompact(out: Output, result: VerifyResult): void {
  const mark = out.paint(colours[result.status], marks[result.status]);
  const status = verdict(out, result.status).padEnd(7 + (verdict(out, result.status).length - result.status.length));
  if (!("report" in result)) {
    out.line(`${mark} ${status}  ${result.source}: ${result.error.message}`);
    return;
  }
  out.line(`${mark} ${status}  ${result.source}`);
  if (result.status === "valid") return;
  for (const check of result.report.checks) {
    if (check.outcome === "valid" || check.outcome === "skipped") continue;
    out.line(`    ${labels[check.id]}: ${check.reason}`);
  }
}

/** Counts by verdict. */
export function summarize(results: readonly VerifyResult[]) {
  const counts = { total: results.length, valid: 0, invalid: 0, pending: 0, error: 0 };
  const batches = new Set<string>();
  for (const result of results) {
    counts[result.status] += 1;
    if ("report" in result && result.report.anchor !== undefined) {
      batches.add(`${result.report.anchor.registry}:${result.report.anchor.batchId}`.toLowerCase());
    }
  }
  return { ...counts, batches: batches.size };
}

/** "3 credentials in 2 batches: 1 valid, 1 invalid, 0 pending, 1 error". */
export function printSummary(out: Output, results: readonly VerifyResult[]): void {
  const s = summarize(results);
  const parts = (["valid", "invalid", "pending", "error"] as const).map((status) => {
    const text = `${s[status]} ${status}`;
    return s[status] > 0 ? out.paint(colours[status], text) : text;
  });
  out.line(
    `${s.total} credential${s.total === 1 ? "" : "s"} in ${s.batches} batch${s.batches === 1 ? "" : "es"}: ${parts.join(", ")}`,
  );
}

/** 2 if anything could not be checked, else 1 if anything is invalid or pending, else 0. */
export function exitCodeOf(results: readonly VerifyResult[]): number {
  if (results.some((result) => result.status === "error")) return 2;
  if (results.some((result) => result.status === "invalid" || result.status === "pending")) return 1;
  return 0;
}
