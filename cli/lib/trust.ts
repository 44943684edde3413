/**
 * Which registries a verifying command trusts: the ones given (--registry or
 * CREDANCHOR_REGISTRY_ADDRESS), else every registry (v1 and v2) the deployments/*.json
 * records for the RPC's chain list; none recorded means none trusted (fail closed), never "whatever the credential
 * names". If the RPC does not answer, verification reports that per credential.
 */
import { getAddress, type PublicClient } from "viem";

import { registriesOf } from "../../core/deployment.ts";
import { readChainId } from "../../core/registry.ts";
import { deploymentsFor } from "./chain.ts";
import type { VerifyConfig } from "./config.ts";

/** The trusted registries, and whether they came from deployments/ (for the "none trusted" note). */
export async function resolveTrustedRegistries(parameters: {
  readonly client: PublicClient;
  readonly options: VerifyConfig;
  readonly deploymentsDir: string;
}): Promise<{ readonly trusted: readonly string[] | "any"; readonly fromDeployments: boolean }> {
  if (parameters.options.trustedRegistries !== undefined) return { trusted: parameters.options.trustedRegistries, fromDeployments: false };
  const caip2 = await readChainId({ client: parameters.client }).catch(() => undefined);
  const records = caip2 === undefined ? [] : await deploymentsFor({ chainId: Number(caip2.slice("eip155:".length)) }, parameters.deploymentsDir);
  // Both registry versions of every record: credentials anchored in v1 keep verifying.
  const addresses = records.flatMap((record) => registriesOf({ record }).map((entry) => getAddress(entry.address)));
  return { trusted: [...new Set(addresses)], fromDeployments: true };
}
