/**
 * The verifier page: a credential comes in (dropped, picked, pasted, or in the share
 * link's fragment), is verified by the deployment's route (siteConfig.ts) and shown as a
 * certificate (certificate.ts) with one plain verdict (verdict.ts).
 */
import { renderCertificate } from "./certificate.ts";
import { byId, h } from "./dom.ts";
import { downloadPanel } from "./download.ts";
import { fetchHostedCredential, hostedCredentialId, withdrawPanel, withdrawSecret } from "./hosted.ts";
import { credentialFromFile, credentialFromText } from "./input.ts";
import { mountPathways } from "./pathways.ts";
import { sharePanel } from "./share.ts";
import { loadSiteConfig, routeFor, type SiteConfig } from "./siteConfig.ts";
import { verdictOf } from "./verdict.ts";
import { runVerification } from "./verifiers.ts";
import { imageKind } from "../../core/baking.ts";
import { decodeShareFragment } from "../../core/share.ts";

/** Performance mark set once a verdict has been painted. */
const VERDICT_SHOWN_MARK = "credanchor:verdict-shown";

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
  // The site's folder: on a hosted page (/c/<id>, whose <base> is the site) as on the page itself.
  return new URL(".", document.baseURI).href;
}

/** The bytes of a dropped or picked badge image, to bake the download from (download.ts). */
async function imageBytes(file: File | undefined): Promise<Uint8Array | undefined> {
  if (file === undefined) return undefined;
  const bytes = new Uint8Array(await file.arrayBuffer());
  return imageKind(bytes) === undefined ? undefined : bytes;
}

async function verify(obtain: () => Promise<unknown>, source?: File): Promise<void> {
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
    const certificate = renderCertificate({ credential, report, timeline, verdict });
    result.replaceChildren(certificate);
    byId("verdict-title").focus();
    // The benchmark (scripts/bench/web.ts) reads when the verdict reached the screen.
    requestAnimationFrame(() => setTimeout(() => performance.mark(VERDICT_SHOWN_MARK), 0));
    // Sharing tools for credentials worth sharing; a revoked or altered one gets none.
    // They come after the verdict is on screen: compressing the link and drawing its QR
    // code take longer than the rest of the page's work.
    if (verdict.good || verdict.kind === "pending") {
      // Let the browser paint the verdict before the main thread is busy with the QR code.
      await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 0)));
      try {
        certificate.append(await sharePanel({ credential, baseUrl: shareBase(config) }));
        certificate.append(await downloadPanel({ credential, image: await imageBytes(source) }));
      } catch {
        // An extra that fails (no CompressionStream, say) must not take the verdict away.
      }
    }
    result.dataset["state"] = "done";
  } catch (error) {
    showProblem((error as Error).message);
  }
}

// --- inputs -------------------------------------------------------------------------
const fileInput = byId<HTMLInputElement>("file");
fileInput.addEventListener("change", () => {
  const file = fileInput.files?.[0];
  if (file !== undefined) void verify(() => credentialFromFile(file), file);
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
  if (file !== undefined) void verify(() => credentialFromFile(file), file);
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
  const hosted = hostedCredentialId();
  if (hosted === undefined) {
    await openShareLink();
    return;
  }
  await verify(() => fetchHostedCredential(hosted));
  const secret = withdrawSecret();
  if (secret !== undefined) result.append(withdrawPanel({ id: hosted, secret }));
})();
