/**
 * The page's pathway panel: an employer drops an award with the credentials it stacks and
 * sees the stack (stack.ts); a holder drops a pathway definition with their credentials
 * and sees what is missing. On the served site both are checked by the service
 * (pathwayService.ts, `POST /v1/pathways/verify` and `/v1/pathways/progress`), so the
 * visitor types nothing; with an RPC endpoint (a static build's, or the advanced panel's)
 * they are checked in this browser against the chain (pathwayVerify.ts), by the same rule
 * as single credentials (siteConfig.ts routeFor). Both are chunks loaded on first use. The
 * main page only mounts it (main.ts).
 */
import { h } from "./dom.ts";
import { credentialFromFile } from "./input.ts";
import type { Overrides, SiteConfig } from "./siteConfig.ts";
import { renderProgress, renderStack, stackStyles } from "./stack.ts";

/** What the panel needs from the page. */
export type MountPathwaysParameters = {
  /** Where the panel goes (the page's main). */
  readonly parent: HTMLElement;
  /** The site's configuration (loaded once by the page). */
  readonly siteConfig: () => Promise<SiteConfig>;
  /** The advanced panel's values. */
  readonly overrides: () => Overrides;
};

/** The RPC endpoint, chain and registries a pathway check uses; throws when there is no endpoint. */
export function pathwayRouteFor(config: SiteConfig, overrides: Overrides): { rpcUrl: string; chain: string; registries: string[] } {
  const rpcUrl = overrides.rpcUrl.trim() || config.rpcUrl;
  if (rpcUrl === undefined) {
    throw new Error("Pathway stacks are checked in this browser against the chain, and this site names no RPC endpoint: give one in the advanced panel above.");
  }
  const registries = overrides.registries.trim() ? overrides.registries.split(",").map((value) => value.trim()).filter(Boolean) : [...config.registries];
  return { rpcUrl, chain: overrides.chain.trim() || config.chain, registries };
}

/**
 * The service endpoints that check an award and a holder's progress, when the site offers
 * them and the visitor overrode nothing (routeFor's rule); each undefined otherwise.
 */
export function pathwayServiceFor(config: SiteConfig, overrides: Overrides): { readonly award?: string | undefined; readonly progress?: string | undefined } {
  const overridden = overrides.rpcUrl.trim() !== "" || overrides.chain.trim() !== "" || overrides.registries.trim() !== "";
  return overridden ? {} : { award: config.pathwayVerifyUrl, progress: config.pathwayProgressUrl };
}

/**
 * Adds the panel to the page.
 *
 * @example
 * ```ts
 * mountPathways({ parent: document.querySelector("main")!, siteConfig: loadSiteConfig, overrides: () => ({ rpcUrl: "", chain: "", registries: "" }) });
 * ```
 */
export function mountPathways(parameters: MountPathwaysParameters): void {
  document.head.append(h("style", {}, stackStyles));
  const input = h("input", { id: "pathway-files", type: "file", multiple: "", accept: ".json,.jsonld,.png,.svg,application/json,image/png,image/svg+xml" });
  const drop = h(
    "div",
    { class: "drop", id: "pathway-drop" },
    h("p", {}, "Drop a pathway ", h("strong", {}, "award"), " with the credentials it stacks, or a pathway ", h("strong", {}, "definition"), " with your credentials, all at once."),
    h("label", { for: "pathway-files" }, "Or choose the files"),
    input,
  );
  const result = h("div", { id: "pathway-result", "aria-live": "polite" });
  parameters.parent.append(
    h("section", { class: "pathways", id: "pathways", "aria-labelledby": "pathways-heading" }, h("h2", { id: "pathways-heading" }, "Stacked credentials: an award and its components"), drop, result),
  );

  const check = async (files: readonly File[]): Promise<void> => {
    result.dataset["state"] = "busy";
    result.replaceChildren(h("p", {}, `Checking ${files.length} file${files.length === 1 ? "" : "s"}…`));
    try {
      const documents = await Promise.all(files.map((file) => credentialFromFile(file)));
      const config = await parameters.siteConfig();
      const service = pathwayServiceFor(config, parameters.overrides());
      const { sortPathwayDocuments } = await import("./pathwayDocuments.ts");
      const sorted = sortPathwayDocuments(documents);
      // An award is checked as an award even when a definition comes with it (checkPathwayDocuments' order).
      const outcome =
        sorted.award !== undefined && service.award !== undefined
          ? await (await import("./pathwayService.ts")).checkAwardViaService({ url: service.award, documents: sorted })
          : sorted.award === undefined && sorted.definition !== undefined && service.progress !== undefined
            ? await (await import("./pathwayService.ts")).checkProgressViaService({ url: service.progress, documents: sorted })
            : await (await import("./pathwayVerify.ts")).checkPathwayDocuments({ route: pathwayRouteFor(config, parameters.overrides()), documents });
      result.replaceChildren(outcome.kind === "award" ? renderStack(outcome) : renderProgress(outcome));
      result.dataset["state"] = "done";
      result.querySelector<HTMLElement>("h3")?.focus();
    } catch (error) {
      result.replaceChildren(h("div", { class: "problem", role: "alert", id: "pathway-problem" }, h("h3", {}, "Cannot check these"), h("p", {}, (error as Error).message)));
      result.dataset["state"] = "problem";
    }
  };
  input.addEventListener("change", () => {
    if (input.files !== null && input.files.length > 0) void check(Array.from(input.files));
  });
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (files.length > 0) void check(files);
  });
}
