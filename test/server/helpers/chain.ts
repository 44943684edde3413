/**
 * Chain-side assertions for the service tests: a portable credential's proof checks out
 * with core (root recomputed) and with the registry itself (`verify`).
 */
import { expect } from "chai";
import type { PublicClient } from "viem";

import { computeRootFromProof, credentialHash } from "../../../core/index.ts";
import { registryAbi } from "../../../server/chain/registryAbi.ts";

/**
 * Asserts that `portable` (a credential with its credanchor proof) is anchored: core
 * recomputes the root from the proof, and the registry's verify() returns valid.
 *
 * @example
 * ```ts
 * await expectVerifiesOnChain({ client, registry, portable });
 * ```
 */
export async function expectVerifiesOnChain(parameters: {
  readonly client: PublicClient;
  readonly registry: `0x${string}`;
  readonly portable: Record<string, any>;
  /** Expected registry status (default "valid", i.e. verify() returns true). */
  readonly status?: number | undefined;
}): Promise<void> {
  const { client, registry, portable } = parameters;
  const proof = portable.proof;
  expect(proof, "portable credential has a proof").to.be.an("object");
  const { proof: _p, credentialStatus: _s, ...credential } = portable;
  expect(credentialHash({ credential, salt: proof.salt })).to.equal(proof.credentialHash);
  const root = computeRootFromProof({
    leafIndex: proof.leafIndex,
    leafCount: proof.leafCount,
    credentialHash: proof.credentialHash,
    proof: proof.proofPath,
  });
  expect(root).to.equal(proof.merkleRoot);
  const [valid, status] = (await client.readContract({
    address: registry,
    abi: registryAbi,
    functionName: "verify",
    args: [proof.batchId, BigInt(proof.leafIndex), proof.credentialHash, proof.proofPath],
  })) as [boolean, number];
  expect(status, "registry status").to.equal(parameters.status ?? 2);
  expect(valid).to.equal((parameters.status ?? 2) === 2);
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
