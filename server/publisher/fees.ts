/**
 * Fees of a replacement transaction. Nodes accept a transaction with the nonce of a
 * pending one only if both fees rise by at least 10% (geth's default price bump); +25%
 * leaves room, and the node's current estimate is the floor when the market moved more.
 */
import type { Fees } from "./anchorChain.ts";

/** Percent added to each fee of a stuck transaction. */
export const FEE_BUMP_PERCENT = 25n;

function bump(value: bigint | undefined, floor: bigint): bigint {
  const bumped = ((value ?? 0n) * (100n + FEE_BUMP_PERCENT)) / 100n + 1n;
  return bumped > floor ? bumped : floor;
}

/**
 * @example
 * ```ts
 * replacementFees({ stuck: { maxFeePerGas: 100n, maxPriorityFeePerGas: 10n }, estimate: {} })
 * // { maxFeePerGas: 126n, maxPriorityFeePerGas: 13n }
 * ```
 */
export function replacementFees(parameters: { readonly stuck: Fees; readonly estimate: Fees }): Required<{ [K in keyof Fees]: bigint }> {
  const { stuck, estimate } = parameters;
  const maxPriorityFeePerGas = bump(stuck.maxPriorityFeePerGas, estimate.maxPriorityFeePerGas ?? 0n);
  const maxFeePerGas = bump(stuck.maxFeePerGas, estimate.maxFeePerGas ?? 0n);
  // maxFeePerGas below the tip is invalid: never lower than the tip.
  return { maxFeePerGas: maxFeePerGas > maxPriorityFeePerGas ? maxFeePerGas : maxPriorityFeePerGas, maxPriorityFeePerGas };
}
