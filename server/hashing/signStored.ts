/**
 * The CPU-heavy part of signing after intake (server/signing/signer.ts), as one pure
 * function that runs in a hashing worker or inline: sign each stored unsigned credential
 * with the institution's key (prepare.ts signToCanonical, the same step intake used to
 * run), hash the signed credential with its stored salt and its leaf at its stored index
 * (core).
 */
import { credentialHashFromCanonical, hexToBytes } from "../../core/index.ts";
import { hashLeaf } from "../../core/hash.ts";
import type { SigningKey } from "../../core/vc/eddsa.ts";
import { signToCanonical } from "./prepare.ts";

/** Items signed concurrently (the Ed25519 operations run off the thread, as in prepare.ts). */
const SIGNING_WINDOW = 64;

/** Parameters of {@link signStoredItems}. */
export type SignStoredItemsParameters = {
  /** The stored unsigned credentials (JCS, status entry included). */
  readonly bodies: readonly string[];
  /** n × 32 bytes: each credential's stored salt. */
  readonly salts: Uint8Array;
  /** Each credential's leaf index in its batch (the leaf hash binds it). */
  readonly leafIndices: readonly number[];
  /** The key that signs (the institution's newest). */
  readonly key: SigningKey;
};

/** Return type of {@link signStoredItems}: item i signed, or why not. */
export type SignStoredItemsReturnType = {
  /** Signed credential JCS of each item ("" for a failed one). */
  readonly bodies: readonly string[];
  /** n × 32 bytes of credential hash. */
  readonly hashes: Uint8Array;
  /** n × 32 bytes of leaf hash. */
  readonly leafHashes: Uint8Array;
  /** Items that could not be signed, with the reason. */
  readonly failures: readonly { readonly index: number; readonly message: string }[];
};

/**
 * @example
 * ```ts
 * const { bodies, hashes, leafHashes, failures } = await signStoredItems({ bodies, salts, leafIndices, key });
 * ```
 */
export async function signStoredItems(parameters: SignStoredItemsParameters): Promise<SignStoredItemsReturnType> {
  const { salts, leafIndices, key } = parameters;
  const count = parameters.bodies.length;
  const bodies: string[] = new Array(count).fill("");
  const hashes = new Uint8Array(count * 32);
  const leafHashes = new Uint8Array(count * 32);
  const failures: { index: number; message: string }[] = [];
  const signOne = async (index: number) => {
    try {
      const canonical = await signToCanonical(JSON.parse(parameters.bodies[index]!) as Record<string, unknown>, key);
      const hash = hexToBytes({ hex: credentialHashFromCanonical({ canonical, salt: salts.subarray(index * 32, index * 32 + 32) }), size: 32 });
      hashes.set(hash, index * 32);
      leafHashes.set(hashLeaf(leafIndices[index]!, hash), index * 32);
      bodies[index] = canonical;
    } catch (error) {
      failures.push({ index, message: error instanceof Error ? error.message : String(error) });
    }
  };
  for (let start = 0; start < count; start += SIGNING_WINDOW) {
    await Promise.all(Array.from({ length: Math.min(SIGNING_WINDOW, count - start) }, (_, k) => signOne(start + k)));
  }
  return { bodies, hashes, leafHashes, failures };
}
