/**
 * Where portable credentials say they are anchored, for commands that act on them
 * (revoke, status): read with core's parser, grouped by batch.
 */
import { type Address, type Hex, getAddress } from "viem";

import { CredanchorError, splitPortableCredential } from "../../core/index.ts";
import { CliError } from "./errors.ts";
import type { InputDocument } from "./inputs.ts";

/** A credential's anchor: chain, registry, batch and leaf. */
export type CredentialAnchor = {
  readonly source: string;
  readonly id: string | undefined;
  readonly chain: string;
  readonly registry: Address;
  readonly institutionId: number;
  readonly batchId: Hex;
  readonly leafIndex: number;
};

/** The anchor of each document; a document that is not a portable credential is an error naming it. */
export function anchorsOf(documents: readonly InputDocument[]): CredentialAnchor[] {
  return documents.map(({ source, value }) => {
    try {
      const { credential, proof } = splitPortableCredential({ portableCredential: value });
      return {
        source,
        id: typeof credential["id"] === "string" ? credential["id"] : undefined,
        chain: proof.chain,
        registry: getAddress(proof.registry),
        institutionId: proof.institutionId,
        batchId: proof.batchId.toLowerCase() as Hex,
        leafIndex: proof.leafIndex,
      };
    } catch (error) {
      if (!(error instanceof CredanchorError)) throw error;
      throw new CliError({
        code: "CA_CLI_FILE_INVALID",
        message: `${source}: not a portable credential: ${error.message}`,
        hints: [...error.hints],
        details: error.details,
      });
    }
  });
}

/** Groups anchors by batch id, each group's indices sorted and distinct. */
export function groupByBatch(anchors: readonly CredentialAnchor[]): Map<Hex, number[]> {
  const groups = new Map<Hex, Set<number>>();
  for (const anchor of anchors) {
    const set = groups.get(anchor.batchId) ?? new Set<number>();
    set.add(anchor.leafIndex);
    groups.set(anchor.batchId, set);
  }
  return new Map([...groups].map(([batchId, set]) => [batchId, [...set].sort((a, b) => a - b)]));
}

/** The one registry (and chain) a set of anchors names, or a usage error if they mix. */
export function singleRegistry(anchors: readonly CredentialAnchor[]): { registry: Address; chain: string } {
  const keys = new Set(anchors.map((anchor) => `${anchor.chain} ${anchor.registry}`));
  if (keys.size > 1) {
    throw new CliError({
      code: "CA_CLI_USAGE",
      message: `The credentials name ${keys.size} different registries or chains: ${[...keys].join("; ")}.`,
      hints: ["Run the command once per registry."],
    });
  }
  const first = anchors[0]!;
  return { registry: first.registry, chain: first.chain };
}
