/**
 * Ed25519 signers and verifiers for eddsa-rdfc-2022 with the key imported once, where
 * the Multikey library re-imports the key for every signature (most of its cost per
 * credential). In Node: native synchronous Ed25519 (nativeCrypto.ts) on a KeyObject
 * cached per key, with no thread-pool round trip. In browsers: Web Crypto
 * (`crypto.subtle`) with a CryptoKey cached per key. Where neither has Ed25519, the
 * Multikey library's own signer and verifier. The bytes signed and the signatures are the
 * same either way (Ed25519 is deterministic), as test/core/fastSign.test.ts checks.
 */
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";

import { nativeCrypto } from "./nativeCrypto.ts";

/** What Data Integrity calls with the bytes to sign. */
export type Ed25519Signer = { readonly id: string; readonly algorithm: "Ed25519"; sign(options: { data: Uint8Array }): Promise<Uint8Array> };
/** What Data Integrity calls with the bytes and the signature to check. */
export type Ed25519Verifier = { readonly id: string; readonly algorithm: "Ed25519"; verify(options: { data: Uint8Array; signature: Uint8Array }): Promise<boolean> };

/** PKCS#8 DER prefix of an Ed25519 private key (RFC 8410), followed by the 32-byte seed. */
const PKCS8_ED25519_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);
/** SPKI DER prefix of an Ed25519 public key (RFC 8410), followed by the 32-byte key. */
const SPKI_ED25519_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

function der(prefix: Uint8Array, key: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(prefix.length + 32);
  out.set(prefix);
  out.set(key.subarray(0, 32), prefix.length);
  return out;
}
const ED25519 = { name: "Ed25519" } as const;

const subtle = (): SubtleCrypto | undefined => globalThis.crypto?.subtle;

type KeyMaterial = { readonly id: string; readonly publicKeyMultibase: string; readonly secretKeyMultibase?: string | undefined; readonly controller?: string | undefined };

const signers = new Map<string, Promise<Ed25519Signer>>();
const verifiers = new Map<string, Promise<Ed25519Verifier>>();
/** Bounded: a verifier meets keys from many issuers. */
const MAX_CACHED_KEYS = 1024;

function remember<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let found = cache.get(key);
  if (found === undefined) {
    if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value!);
    found = make();
    cache.set(key, found);
    found.catch(() => cache.delete(key));
  }
  return found;
}

/** A signer for a Multikey key pair, its key imported once. */
export function ed25519Signer(key: KeyMaterial & { readonly secretKeyMultibase: string }): Promise<Ed25519Signer> {
  return remember(signers, `${key.id} ${key.secretKeyMultibase}`, async () => {
    const pair = await Ed25519Multikey.from({ type: "Multikey", ...key });
    const native = nativeCrypto;
    if (native !== undefined && pair.secretKey !== undefined) {
      try {
        const keyObject = native.createPrivateKey({ key: der(PKCS8_ED25519_PREFIX, pair.secretKey), format: "der", type: "pkcs8" });
        return { id: key.id, algorithm: "Ed25519", sign: async ({ data }) => new Uint8Array(native.sign(null, data, keyObject)) };
      } catch {
        // No Ed25519 in this runtime's native crypto: Web Crypto below.
      }
    }
    const webCrypto = subtle();
    if (webCrypto !== undefined && pair.secretKey !== undefined) {
      try {
        const cryptoKey = await webCrypto.importKey("pkcs8", der(PKCS8_ED25519_PREFIX, pair.secretKey), ED25519, false, ["sign"]);
        return { id: key.id, algorithm: "Ed25519", sign: async ({ data }) => new Uint8Array(await webCrypto.sign(ED25519, cryptoKey, data as BufferSource)) };
      } catch {
        // No Ed25519 in this Web Crypto: the library's signer below.
      }
    }
    const library = pair.signer();
    return { id: key.id, algorithm: "Ed25519", sign: (options) => library.sign(options) };
  });
}

/** A verifier for a Multikey verification method (as the DID document lists it), its key imported once. */
export function ed25519Verifier(method: Readonly<Record<string, unknown>> & { readonly id: string }): Promise<Ed25519Verifier> {
  return remember(verifiers, JSON.stringify(method), async () => {
    const pair = await Ed25519Multikey.from(method);
    const native = nativeCrypto;
    if (native !== undefined) {
      try {
        const keyObject = native.createPublicKey({ key: der(SPKI_ED25519_PREFIX, pair.publicKey), format: "der", type: "spki" });
        return { id: method.id, algorithm: "Ed25519", verify: async ({ data, signature }) => native.verify(null, data, keyObject, signature) };
      } catch {
        // No Ed25519 in this runtime's native crypto: Web Crypto below.
      }
    }
    const webCrypto = subtle();
    if (webCrypto !== undefined) {
      try {
        const cryptoKey = await webCrypto.importKey("raw", pair.publicKey as BufferSource, ED25519, false, ["verify"]);
        return {
          id: method.id,
          algorithm: "Ed25519",
          verify: ({ data, signature }) => webCrypto.verify(ED25519, cryptoKey, signature as BufferSource, data as BufferSource),
        };
      } catch {
        // No Ed25519 in this Web Crypto: the library's verifier below.
      }
    }
    const library = pair.verifier();
    return { id: method.id, algorithm: "Ed25519", verify: (options) => library.verify(options) };
  });
}
