/**
 * The static browser verifier: drop a portable credential, get the core's report. It
 * talks to nothing but the chain RPC endpoint typed into the page (no issuer server).
 */
import { createPublicClient, http } from "viem";

import { verifyCredential } from "../../core/verify/verifyCredentials.ts";
import type { VerificationReport } from "../../core/verify/types.ts";

const marks: Record<string, string> = { valid: "✔", invalid: "✘", pending: "…", skipped: "–", error: "!" };

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`missing #${id}`);
  return found as T;
}

function render(report: VerificationReport): void {
  const out = element<HTMLDivElement>("report");
  out.replaceChildren();
  const heading = document.createElement("h2");
  heading.className = report.status;
  heading.textContent = `${marks[report.status] ?? ""} ${report.status.toUpperCase()}${
    report.credential?.name ? `: ${report.credential.name}` : ""
  }`;
  out.append(heading);
  const list = document.createElement("ul");
  for (const check of report.checks) {
    const item = document.createElement("li");
    item.className = check.outcome;
    item.textContent = `${marks[check.outcome] ?? ""} ${check.id}: ${check.reason}`;
    list.append(item);
  }
  out.append(list);
}

async function verifyText(text: string): Promise<void> {
  let credential: unknown;
  try {
    credential = JSON.parse(text);
  } catch (error) {
    element("report").textContent = `Not JSON: ${(error as Error).message}`;
    return;
  }
  const rpc = element<HTMLInputElement>("rpc").value.trim();
  const chains = element<HTMLInputElement>("chains").value.split(",").map((value) => value.trim()).filter(Boolean);
  const registries = element<HTMLInputElement>("registries").value.split(",").map((value) => value.trim()).filter(Boolean);
  const client = createPublicClient({ transport: http(rpc, { retryCount: 1, timeout: 10_000 }) });
  element("report").textContent = "Verifying…";
  render(
    await verifyCredential({
      credential,
      client,
      allowedChains: chains.length > 0 ? chains : undefined,
      trustedRegistries: registries.length === 1 && registries[0]!.toLowerCase() === "any" ? "any" : registries,
    }),
  );
}

element<HTMLInputElement>("file").addEventListener("change", async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file) await verifyText(await file.text());
});
const drop = element<HTMLDivElement>("drop");
drop.addEventListener("dragover", (event) => event.preventDefault());
drop.addEventListener("drop", async (event) => {
  event.preventDefault();
  const file = event.dataTransfer?.files[0];
  if (file) await verifyText(await file.text());
});
element<HTMLButtonElement>("verify").addEventListener("click", () =>
  verifyText(element<HTMLTextAreaElement>("json").value),
);
