/**
 * The registry's ABI and creation bytecode per version, behind one module so the source can
 * change without touching callers. The ABIs are core's generated `as const` (core/abi); the
 * bytecode (only needed to deploy in dev mode) comes from the Hardhat artifacts.
 *
 * `registryAbi` (version 1) also serves version 2 for what both share with the same
 * signature: anchoring (`anchor`, `anchorMany`), the status calls and their events, and the
 * errors of version 1. Calls whose arguments or results differ, and version 2's own
 * functions and errors, need {@link registryAbiFor}.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { credentialRegistryAbi } from "../../core/abi/credentialRegistryAbi.ts";
import { credentialRegistryV2Abi } from "../../core/abi/credentialRegistryV2Abi.ts";
import { registryContracts } from "../../core/deployment.ts";
import type { RegistryVersion } from "../../core/registry.ts";

export { credentialRegistryAbi as registryAbi };

/** The ABI of a registry version. */
export function registryAbiFor(version: RegistryVersion): typeof credentialRegistryAbi | typeof credentialRegistryV2Abi {
  return version === 2 ? credentialRegistryV2Abi : credentialRegistryAbi;
}

/** Path of a version's compiled artifact under a repository root (default version 1). */
export function registryArtifactPath(repoRoot: string, version: RegistryVersion = 1): string {
  const contract = registryContracts[version];
  return join(repoRoot, `artifacts/contracts/${contract}.sol/${contract}.json`);
}

/**
 * A registry version's creation bytecode from artifacts/ (run `npx hardhat build` first).
 *
 * @example
 * ```ts
 * const bytecode = readRegistryBytecode({ repoRoot, version: 2 });
 * ```
 */
export function readRegistryBytecode(parameters: { readonly repoRoot: string; readonly version?: RegistryVersion | undefined }): `0x${string}` {
  const path = registryArtifactPath(parameters.repoRoot, parameters.version ?? 1);
  if (!existsSync(path)) throw new Error(`No compiled registry at ${path}; run \`npx hardhat build\`.`);
  const artifact = JSON.parse(readFileSync(path, "utf8")) as { bytecode?: string };
  if (typeof artifact.bytecode !== "string" || !artifact.bytecode.startsWith("0x")) {
    throw new Error(`The artifact at ${path} has no bytecode.`);
  }
  return artifact.bytecode as `0x${string}`;
}
