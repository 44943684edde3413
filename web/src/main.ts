/**
 * The verifier page: a credential comes in (dropped, picked, pasted, or in the share
 * link's fragment), is verified by the deployment's route (siteConfig.ts) and shown as a
 * certificate (certificate.ts) with one plain verdict (verdict.ts).
 */
import { renderCertificate } from "./certificate.ts";
import { byId, h } from "./dom.ts";
import { credentialFromFile, credentialFromText } from "./input.ts";
import { mountPathways } from "./pathways.ts";
import { sharePanel } from "./share.ts";
import { loadSiteConfig, routeFor, type SiteConfig } from "./siteConfig.ts";
import { verdictOf } from "./verdict.ts";
import { runVerification } from "./verifiers.ts";
import { decodeShareFragment } from "../../core/share.ts";

const result = byId<HTMLElement>("result");
const advanced = { rpcUrl: byId<HTMLInputElement>("rpc"), chain: byId<HTMLInputElement>("chain"), registries: byId<HTMLInputElement>("registries") };
let config: SiteConfig | undefined;

function showProblem(message: string): void {
  result.hidden = false;
  result.dataset["state"] = "problem";
  result.replaceChildren(h("div", { class: "problem", role: "alert", id: "problem" }, h("h2", { tabindex: "-1" }, "Cannot check this"), h("p", {}, message)));
  result.querySelector("h2")?.focus();
}

function shareBase(site: SiteConfig): string {
  if (site.publicUrl !== undefined) return site.publicUrl;
  return `${location.origin}${location.pathname}`;
}

async function verify(obtain: () => Promise<unknown>): Promise<void> {
  result.hidden = false;
  result.dataset["state"] = "busy";
  result.replaceChildren(h("p", { class: "busy" }, "Checking…"));
  let credential: unknown;
  try {
    credential = await obtain();
    if (config === undefined) config = await loadSiteConfig();
    const route = routeFor(config, {
      rpcUrl: advanced.rpcUrl.value,
      chain: advanced.chain.value,
      registries: advanced.registries.value,
    });
    const { report, timeline } = await runVerification(route, credential);
    const verdict = verdictOf({ report, timeline });
    // Sharing tools for credentials worth sharing; a revoked or altered one gets none.
    const share = verdict.good || verdict.kind === "pending" ? await sharePanel({ credential, baseUrl: shareBase(config) }) : undefined;
    result.replaceChildren(renderCertificate({ credential, report, timeline, verdict, share }));
    result.dataset["state"] = "done";
    byId("verdict-title").focus();
  } catch (error) {
    showProblem((error as Error).message);
  }
}

// --- inputs -------------------------------------------------------------------------
const fileInput = byId<HTMLInputElement>("file");
fileInput.addEventListener("change", () => {
  const file = fileInput.files?.[0];
  if (file !== undefined) void verify(() => credentialFromFile(file));
});
const drop = byId<HTMLElement>("drop");
drop.addEventListener("dragover", (event) => {
  event.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  const file = event.dataTransfer?.files[0];
  if (file !== undefined) void verify(() => credentialFromFile(file));
});
byId<HTMLFormElement>("paste-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = byId<HTMLTextAreaElement>("json").value;
  void verify(() => credentialFromText(text));
});

// Award stacks and pathway progress: their own panel (pathways.ts).
mountPathways({
  parent: document.querySelector("main")!,
  siteConfig: async () => (config ??= await loadSiteConfig()),
  overrides: () => ({ rpcUrl: advanced.rpcUrl.value, chain: advanced.chain.value, registries: advanced.registries.value }),
});

// --- configuration and share links --------------------------------------------------
async function openShareLink(): Promise<void> {
  if (!location.hash.includes("c=")) return;
  await verify(async () => decodeShareFragment({ fragment: location.hash }));
}
window.addEventListener("hashchange", () => void openShareLink());

void (async () => {
  try {
    config = await loadSiteConfig();
    byId("deployment").textContent = `Checks credentials anchored on ${config.chain} in registr${config.registries.length === 1 ? "y" : "ies"} ${config.registries.join(", ")}${config.verifyUrl === undefined ? ", reading the chain from this browser" : ""}.`;
    if (config.siteName !== undefined) byId("site-name").textContent = config.siteName;
    advanced.chain.placeholder = config.chain;
    advanced.registries.placeholder = config.registries.join(", ");
    advanced.rpcUrl.placeholder = config.rpcUrl ?? "https://… (optional: verify in this browser)";
  } catch (error) {
    showProblem(`This site is not configured: ${(error as Error).message}.`);
    return;
  }
  document.documentElement.dataset["ready"] = "true";
  await openShareLink();
})();
