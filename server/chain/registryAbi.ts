/**
 * The registry's ABI and creation bytecode, behind one module so the source can change
 * without touching callers. The ABI is core's generated `as const` (core/abi); the
 * bytecode (only needed to deploy in dev mode) comes from the Hardhat artifact.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { credentialRegistryAbi } from "../../core/abi/credentialRegistryAbi.ts";

export { credentialRegistryAbi as registryAbi };

/** Path of the compiled artifact under a repository root. */
export function registryArtifactPath(repoRoot: string): string {
  return join(repoRoot, "artifacts/contracts/CredentialRegistry.sol/CredentialRegistry.json");
}

/**
 * The registry's creation bytecode from artifacts/ (run `npx hardhat build` first).
 *
 * @example
 * ```ts
 * const bytecode = readRegistryBytecode({ repoRoot });
 * ```
 */
export function readRegistryBytecode(parameters: { readonly repoRoot: string }): `0x${string}` {
  const path = registryArtifactPath(parameters.repoRoot);
  if (!existsSync(path)) throw new Error(`No compiled registry at ${path}; run \`npx hardhat build\`.`);
  const artifact = JSON.parse(readFileSync(path, "utf8")) as { bytecode?: string };
  if (typeof artifact.bytecode !== "string" || !artifact.bytecode.startsWith("0x")) {
    throw new Error(`The artifact at ${path} has no bytecode.`);
  }
  return artifact.bytecode as `0x${string}`;
}
