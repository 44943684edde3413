/**
 * Shared fixtures and assertion helpers for the core tests.
 */
import { expect } from "chai";
import { decodeAbiParameters, decodeFunctionData, deploylessCallViaBytecodeBytecode, multicall3Abi } from "viem";

import { CredanchorError, type ErrorCode, type Hex } from "../../core/index.ts";
import { keccak256 } from "../../core/keccak.ts";

/**
 * fast-check runs per property: few by default, more with PROPERTY_RUNS=1000 for a
 * deeper search (e.g. `PROPERTY_RUNS=2000 npx hardhat test mocha test/core/merkle.test.ts`).
 */
export const propertyRuns = Number(process.env.PROPERTY_RUNS ?? 40);

const utf8 = new TextEncoder();

/** keccak256(utf8(text)) as 0x hex: a reproducible 32-byte test value. */
export function label(text: string): Hex {
  const bytes = keccak256(utf8.encode(text));
  return `0x${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/** Reproducible credential hashes for an n-leaf tree. */
export function credentialHashesFor(leafCount: number, tag = "tree"): Hex[] {
  return Array.from({ length: leafCount }, (_, i) => label(`${tag} ${leafCount} ${i}`));
}

/** `hex` with bit `bit` (0 = lowest bit of the last byte) flipped. */
export function flipBit(hex: Hex, bit: number): Hex {
  const digits = hex.slice(2).split("");
  const position = digits.length - 1 - Math.floor(bit / 4);
  digits[position] = (Number.parseInt(digits[position]!, 16) ^ (1 << (bit % 4))).toString(16);
  return `0x${digits.join("")}`;
}

/** A valid, fully deterministic Open Badges 3.0 credential. */
export function sampleOpenBadge(n = 1): Record<string, unknown> {
  return {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    id: `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    name: "Rust 101",
    issuer: { id: "did:web:example.edu", type: ["Profile"], name: "Example University" },
    validFrom: "2025-06-30T12:00:00Z",
    credentialSubject: {
      id: `did:example:learner-${n}`,
      type: ["AchievementSubject"],
      achievement: {
        id: "https://example.edu/badges/rust-101",
        type: ["Achievement"],
        name: "Rust 101",
        description: "Completed Rust 101.",
        criteria: { narrative: "Pass the final project." },
      },
    },
  };
}

/** A valid plain VC 2.0 credential (not an Open Badge). */
export function sampleVerifiableCredential(): Record<string, unknown> {
  return {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    type: ["VerifiableCredential", "ExampleDegreeCredential"],
    issuer: "did:web:example.org",
    credentialSubject: { id: "did:example:ebfeb1f712ebc6f1c276e12ec21", degree: { type: "BachelorDegree" } },
  };
}

/** Runs `action`, expects a CredanchorError with `code`, and returns it for further checks. */
export function expectCredanchorError(action: () => unknown, code: ErrorCode): CredanchorError {
  try {
    action();
  } catch (error) {
    expect(error, `expected a CredanchorError ${code}, got ${String(error)}`).to.be.instanceOf(CredanchorError);
    expect((error as CredanchorError).code).to.equal(code);
    return error as CredanchorError;
  }
  expect.fail(`expected ${code} to be thrown`);
}

/** Expects `error.details` to contain an issue at `path` (whose expectation mentions `expected`, if given). */
export function expectIssueAt(error: CredanchorError, path: string, expected?: string): void {
  const issue = error.details?.find((candidate) => candidate.path === path);
  expect(issue, `no issue at ${path}; issues: ${JSON.stringify(error.details)}`).to.not.equal(undefined);
  if (expected !== undefined) expect(issue!.expected ?? "").to.contain(expected);
}

/**
 * The registry function selectors one `eth_call` carries: the call's own, or, for viem's
 * deployless Multicall3 (the verifier's combined read per registry, core/registrySnapshot.ts),
 * those of every sub-call inside it.
 */
export function registrySelectorsOf(data: string): string[] {
  if (!data.startsWith(deploylessCallViaBytecodeBytecode)) return [data.slice(0, 10)];
  const [, callData] = decodeAbiParameters([{ type: "bytes" }, { type: "bytes" }], `0x${data.slice(deploylessCallViaBytecodeBytecode.length)}`);
  const { args } = decodeFunctionData({ abi: multicall3Abi, data: callData });
  return (args[0] as readonly { callData: string }[]).map((call) => call.callData.slice(0, 10));
}
