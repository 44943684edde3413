/**
 * Random status list indices, assigned in O(1) per credential.
 *
 * Each list has a 32-byte random seed (node:crypto randomBytes, stored with the list).
 * The seed keys AES-256-CTR, whose keystream drives a Fisher–Yates shuffle of
 * 0..length-1 (unbiased: rejection sampling): a uniformly random permutation, for anyone
 * without the seed. The n-th credential put in the list gets `permutation[n]`, so indices
 * are random, unique within the list and drawn without replacement, and intake only bumps
 * a counter (the permutation is computed once per list per process, ~14 ms of CPU for 131,072
 * entries, and kept: 512 KiB). The seed makes the assignment reproducible after a
 * restart without storing the permutation itself.
 *
 * Why not a Feistel network over the index bits: on a 17-bit domain the known security
 * bounds of Feistel permutations are weak (they degrade with the half-width), while a
 * shuffle driven by a cipher's keystream is as random as the cipher; the table is small.
 */
import { createCipheriv, randomBytes } from "node:crypto";

/** Bytes of a list seed. */
export const STATUS_LIST_SEED_BYTES = 32;

/** A fresh list seed (cryptographic randomness). */
export function newStatusListSeed(): Uint8Array {
  return new Uint8Array(randomBytes(STATUS_LIST_SEED_BYTES));
}

/** Parameters of {@link statusListPermutation}. */
export type StatusListPermutationParameters = {
  readonly seed: Uint8Array;
  readonly length: number;
};

/**
 * The permutation of 0..length-1 a seed stands for: `result[n]` is the index of the n-th
 * credential put in the list.
 *
 * @example
 * ```ts
 * const permutation = statusListPermutation({ seed, length: 131_072 });
 * permutation[0]; // e.g. 94567
 * ```
 */
export function statusListPermutation(parameters: StatusListPermutationParameters): Uint32Array {
  const { seed, length } = parameters;
  if (seed.length !== STATUS_LIST_SEED_BYTES) throw new RangeError(`a status list seed has ${STATUS_LIST_SEED_BYTES} bytes`);
  const cipher = createCipheriv("aes-256-ctr", seed, new Uint8Array(16));
  const zeros = new Uint8Array(4 * 4096);
  let words = new Uint32Array(0);
  let next = 0;
  const random32 = (): number => {
    if (next === words.length) {
      const block = cipher.update(zeros);
      words = new Uint32Array(block.buffer, block.byteOffset, block.byteLength / 4);
      next = 0;
    }
    return words[next++]!;
  };
  const permutation = new Uint32Array(length);
  for (let i = 0; i < length; i++) permutation[i] = i;
  for (let i = length - 1; i > 0; i--) {
    // Uniform j in 0..i: reject the top partial range of 2^32 so every j is equally likely.
    const range = i + 1;
    const limit = 2 ** 32 - (2 ** 32 % range);
    let value = random32();
    while (value >= limit) value = random32();
    const j = value % range;
    const swap = permutation[i]!;
    permutation[i] = permutation[j]!;
    permutation[j] = swap;
  }
  return permutation;
}
