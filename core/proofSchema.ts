/**
 * The `credanchor-proof-v1` format, field by field: names, constants and zod schemas
 * (`credanchor-proof-v2` is in proofV2.ts).
 * A released format never changes (see proof.ts and test/fixtures/credanchor-proof-v1/).
 * Every check says what it expects, which issues.ts turns into field issues by path.
 */
import * as z from "zod/mini";

import { toChecksumAddress } from "./address.ts";
import { MAX_INSTITUTION_ID } from "./hash.ts";
import { getProofLength, MAX_LEAF_COUNT } from "./merkle.ts";
import type { Hex } from "./hex.ts";
import { isDateTimeStamp } from "./schema.ts";
import "./zodMessages.ts";

/** Formats this version of core reads, newest last. */
export const proofFormats = { v1: "credanchor-proof-v1", v2: "credanchor-proof-v2" } as const;
/** A known proof format name. */
export type ProofFormat = (typeof proofFormats)[keyof typeof proofFormats];

/** `proof.type` of a credanchor proof. */
export const PROOF_TYPE = "CredanchorMerkleProof";
/** `credentialStatus.type` of a credanchor status entry. */
export const STATUS_TYPE = "CredanchorRegistryStatus";
/** `credentialStatus.statusPurpose`: the registry holds both bits. */
export const STATUS_PURPOSES = ["revocation", "suspension"] as const;

/** A CAIP-2 EVM chain id, e.g. `eip155:31337`. */
export type Caip2ChainId = `eip155:${number}`;

/** Where a credential is anchored and the inclusion proof: the fields every anchor proof format carries. */
export type AnchorData = {
  /** ISO time of the anchoring block. */
  readonly created: string;
  readonly chain: Caip2ChainId;
  readonly registry: Hex;
  readonly institutionId: number;
  readonly batchId: Hex;
  readonly merkleRoot: Hex;
  readonly leafIndex: number;
  readonly leafCount: number;
  readonly salt: Hex;
  readonly credentialHash: Hex;
  readonly proofPath: readonly Hex[];
  readonly anchorTransaction: Hex;
  readonly anchorBlock: number;
};

const bytes32 = (what: string) =>
  z
    .string({ error: "expected 0x-prefixed hex of 32 bytes" })
    .check(
      z.refine((value) => /^0x[0-9a-fA-F]{64}$/.test(value), {
        error: `is not a 32-byte hex ${what}`,
        params: { expected: "0x-prefixed hex of 32 bytes" },
      }),
    );
const uint = (min: number, max: number, expected: string) =>
  z
    .number({ error: `expected ${expected}` })
    .check(
      z.refine((value) => Number.isInteger(value) && value >= min && value <= max, {
        error: "is out of range or not an integer",
        params: { expected },
      }),
    );
const chain = z
  .string({ error: "expected a CAIP-2 EVM chain id, e.g. eip155:31337" })
  .check(
    z.refine((value) => /^eip155:[1-9][0-9]{0,15}$/.test(value), {
      error: "is not a CAIP-2 EVM chain id",
      params: { expected: "eip155:<chain id>" },
    }),
  );
const registry = z
  .string({ error: "expected a 20-byte 0x address" })
  .check(
    z.refine((value) => toChecksumAddress({ address: value }) !== null, {
      error: "is not a 20-byte hex address",
      params: { expected: "a 20-byte 0x address" },
    }),
    z.refine((value) => value === value.toLowerCase() || toChecksumAddress({ address: value }) === value, {
      error: "has a wrong EIP-55 checksum (mixed case that is not the checksummed form)",
      params: { expected: "an EIP-55 checksummed or all-lowercase address" },
    }),
  );

/** `credanchor-proof-v1`, field by field. */
export const proofV1Schema = z
  .object({
    type: z.literal(PROOF_TYPE, { error: `expected "${PROOF_TYPE}"` }),
    format: z.literal(proofFormats.v1),
    proofPurpose: z.literal("assertionMethod", { error: 'expected "assertionMethod"' }),
    created: z.string({ error: "expected an ISO 8601 date-time" }).check(
      z.refine(isDateTimeStamp, {
        error: "is not an ISO 8601 date-time with time zone",
        params: { expected: "an ISO 8601 date-time with time zone, e.g. 2025-06-30T12:00:00Z" },
      }),
    ),
    chain,
    registry,
    institutionId: uint(1, MAX_INSTITUTION_ID, `an integer in 1..${MAX_INSTITUTION_ID}`),
    batchId: bytes32("batch id"),
    merkleRoot: bytes32("root"),
    leafIndex: uint(0, MAX_LEAF_COUNT - 1, "an integer below leafCount"),
    leafCount: uint(1, MAX_LEAF_COUNT, `an integer in 1..${MAX_LEAF_COUNT}`),
    salt: bytes32("salt"),
    credentialHash: bytes32("hash"),
    proofPath: z.array(bytes32("sibling hash"), { error: "expected an array of 0x-prefixed 32-byte hashes" }),
    anchorTransaction: bytes32("transaction hash"),
    anchorBlock: uint(0, Number.MAX_SAFE_INTEGER, "a block number (non-negative integer)"),
  })
  .check(
    z.superRefine((proof, context) => {
      if (proof.leafIndex >= proof.leafCount) {
        context.addIssue({
          code: "custom",
          path: ["leafIndex"],
          message: `is not below leafCount (${proof.leafCount})`,
          params: { expected: `an integer in 0..${proof.leafCount - 1}` },
        });
        return;
      }
      const length = getProofLength({ leafIndex: proof.leafIndex, leafCount: proof.leafCount });
      if (proof.proofPath.length !== length) {
        context.addIssue({
          code: "custom",
          path: ["proofPath"],
          message: `has ${proof.proofPath.length} hashes; leaf ${proof.leafIndex} of ${proof.leafCount} needs ${length}`,
          params: { expected: `${length} sibling hashes` },
        });
      }
    }),
  );

/** `CredanchorRegistryStatus`, field by field (the id is checked against the fields in proof.ts). */
export const statusSchema = z.object({
  id: z.string({ error: "expected a string" }),
  type: z.literal(STATUS_TYPE, { error: `expected "${STATUS_TYPE}"` }),
  statusPurpose: z.tuple([z.literal("revocation"), z.literal("suspension")], {
    error: 'expected ["revocation", "suspension"]',
  }),
  chain,
  registry,
  batchId: bytes32("batch id"),
  leafIndex: uint(0, MAX_LEAF_COUNT - 1, "a leaf index (non-negative integer)"),
});
