/**
 * The deployment's configuration, read from `config.json` beside the page: which chain,
 * which registries are trusted, and how to verify. The service writes it from its own
 * settings (server/routes/site.ts); a static build writes it at build time
 * (scripts/build-web.ts --static). Visitors never have to type any of it; the page's
 * "advanced" panel may override it for one visit.
 */

/** What `config.json` holds. */
export type SiteConfig = {
  /** CAIP-2 chain the deployment's credentials are anchored on, e.g. "eip155:11155111". */
  readonly chain: string;
  /** Trusted registry addresses (the root of trust). */
  readonly registries: readonly string[];
  /** The service's public verify endpoint, relative to the page (served site only). */
  readonly verifyUrl?: string | undefined;
  /** The service's public pathway-award verify endpoint, relative to the page (served site only). */
  readonly pathwayVerifyUrl?: string | undefined;
  /** The service's public pathway-progress endpoint, relative to the page (served site only). */
  readonly pathwayProgressUrl?: string | undefined;
  /** A JSON-RPC endpoint browsers may use (static builds: required; served site: optional). */
  readonly rpcUrl?: string | undefined;
  /** The page's public URL, the base of share links (default: where the page was loaded from). */
  readonly publicUrl?: string | undefined;
  /** Shown in the page header. */
  readonly siteName?: string | undefined;
};

/** How one verification runs: through the service, or in the page against an RPC endpoint. */
export type VerifyRoute =
  | { readonly kind: "service"; readonly url: string }
  | { readonly kind: "rpc"; readonly rpcUrl: string; readonly chain: string; readonly registries: readonly string[] };

/** Loads `config.json`; a page without one cannot verify, so the failure is shown. */
export async function loadSiteConfig(): Promise<SiteConfig> {
  const response = await fetch("config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  const config = (await response.json()) as Partial<SiteConfig>;
  if (typeof config.chain !== "string" || !Array.isArray(config.registries)) {
    throw new Error("config.json must name a chain and its trusted registries");
  }
  return config as SiteConfig;
}

/** Advanced-panel values; empty strings mean "the deployment's". */
export type Overrides = { readonly rpcUrl: string; readonly chain: string; readonly registries: string };

/**
 * The route for one verification: an RPC endpoint typed in the advanced panel (or a
 * static build's) verifies in the page; otherwise the service's endpoint does.
 */
export function routeFor(config: SiteConfig, overrides: Overrides): VerifyRoute {
  const registries = overrides.registries.trim()
    ? overrides.registries.split(",").map((value) => value.trim()).filter(Boolean)
    : config.registries;
  const chain = overrides.chain.trim() || config.chain;
  const overridden = overrides.rpcUrl.trim() !== "" || overrides.chain.trim() !== "" || overrides.registries.trim() !== "";
  const rpcUrl = overrides.rpcUrl.trim() || config.rpcUrl;
  if (config.verifyUrl !== undefined && !overridden) return { kind: "service", url: config.verifyUrl };
  if (rpcUrl === undefined) {
    throw new Error(
      overridden
        ? "checking against another chain or registry happens in this page: give an RPC endpoint in the advanced panel too"
        : "this deployment names no RPC endpoint: give one in the advanced panel",
    );
  }
  return { kind: "rpc", rpcUrl, chain, registries };
}
