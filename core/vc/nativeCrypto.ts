/**
 * Node's crypto module where the runtime has it, reached through `process.getBuiltinModule`
 * (Node >= 22.3) so that core keeps no `node:` import and bundles for the browser unchanged
 * (there it is `undefined` and callers use Web Crypto or @noble). Synchronous native
 * SHA-256 and Ed25519 skip the thread-pool round trip of `crypto.subtle` and the JS hash,
 * which on the short inputs of a signature cost more than the work itself.
 */

/** The part of node:crypto core uses. */
export type NativeCrypto = {
  createHash(algorithm: "sha256"): { update(text: string, encoding: "utf8"): { digest(): Uint8Array; digest(encoding: "hex"): string } };
  createPrivateKey(options: { key: Uint8Array; format: "der"; type: "pkcs8" }): unknown;
  createPublicKey(options: { key: Uint8Array; format: "der"; type: "spki" }): unknown;
  sign(algorithm: null, data: Uint8Array, key: unknown): Uint8Array;
  verify(algorithm: null, data: Uint8Array, key: unknown, signature: Uint8Array): boolean;
};

/** node:crypto, or undefined outside Node (or in a Node without `getBuiltinModule`). */
export const nativeCrypto: NativeCrypto | undefined = (() => {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  try {
    const crypto = runtime?.getBuiltinModule?.("node:crypto") as NativeCrypto | undefined;
    return typeof crypto?.createHash === "function" && typeof crypto.sign === "function" ? crypto : undefined;
  } catch {
    return undefined;
  }
})();
