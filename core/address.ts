/**
 * EIP-55 checksummed Ethereum addresses (the registry address in a proof).
 */
import { keccak256 } from "./keccak.ts";

const utf8 = new TextEncoder();
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Parameters of {@link toChecksumAddress}. */
export type ToChecksumAddressParameters = { readonly address: string };
/** Return type of {@link toChecksumAddress}: the EIP-55 form, or null if `address` is not 20 bytes of hex. */
export type ToChecksumAddressReturnType = `0x${string}` | null;

/**
 * The EIP-55 mixed-case form of an address (case of the input ignored).
 *
 * @example
 * ```ts
 * toChecksumAddress({ address: "0x5fbdb2315678afecb367f032d93f642f64180aa3" });
 * // "0x5FbDB2315678afecb367f032d93F642f64180aa3"
 * ```
 */
export function toChecksumAddress(parameters: ToChecksumAddressParameters): ToChecksumAddressReturnType {
  const { address } = parameters;
  if (!ADDRESS.test(address)) return null;
  const lower = address.slice(2).toLowerCase();
  const hash = keccak256(utf8.encode(lower));
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const nibble = (hash[i >>> 1]! >>> (i % 2 === 0 ? 4 : 0)) & 0x0f;
    out += nibble >= 8 ? lower[i]!.toUpperCase() : lower[i]!;
  }
  return out as `0x${string}`;
}

/** Parameters of {@link isChecksumAddress}. */
export type IsChecksumAddressParameters = { readonly address: unknown };
/** Return type of {@link isChecksumAddress}. */
export type IsChecksumAddressReturnType = boolean;

/**
 * True if `address` is 20 bytes of hex written exactly in its EIP-55 form.
 *
 * @example
 * ```ts
 * isChecksumAddress({ address: "0x5FbDB2315678afecb367f032d93F642f64180aa3" }); // true
 * ```
 */
export function isChecksumAddress(parameters: IsChecksumAddressParameters): IsChecksumAddressReturnType {
  const { address } = parameters;
  return typeof address === "string" && toChecksumAddress({ address }) === address;
}
