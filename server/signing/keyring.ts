/**
 * The institutions' Ed25519 signing keys (Multikey), by issuer DID. Several keys per DID:
 * the last one signs, the earlier ones stay in the DID document so credentials they
 * signed keep verifying. Keys come from `CREDANCHOR_SIGNING_KEYS` (JSON), the file
 * `CREDANCHOR_SIGNING_KEYS_FILE`, or the encrypted keystore `CREDANCHOR_SIGNING_KEYSTORE`
 * with its password (./keystore.ts); dev mode makes one for the demo institution in
 * data/signing-keys.json. A secret key is never logged: {@link describeKeyring} shows
 * only public parts.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

import { z } from "zod";

import { generateSigningKey, type SigningKey } from "../../core/vc/eddsa.ts";
import { ConfigError } from "../errors.ts";
import { decryptSigningKeystore } from "./keystore.ts";

const multibase = z.string().regex(/^z[1-9A-HJ-NP-Za-km-z]+$/, "must be a base58btc multibase value (z…)");
const keySchema = z.object({
  id: z.string().regex(/^did:[a-z0-9]+:[^#\s]+#[^\s]+$/, "must be a DID URL with a fragment, e.g. did:web:example.edu#key-1"),
  controller: z.string().regex(/^did:[a-z0-9]+:[^#\s]+$/, "must be the issuer DID"),
  publicKeyMultibase: multibase,
  secretKeyMultibase: multibase,
});
const fileSchema = z.object({ keys: z.array(keySchema).min(1) });

/** Signing keys by issuer DID. */
export type Keyring = {
  /** Every key of a DID, oldest first (the last one signs); empty when none. */
  keysOf(did: string): readonly SigningKey[];
  /** The DIDs that have keys. */
  dids(): readonly string[];
};

/** A keyring over `keys` (file order: for each DID the last one signs). */
export function createKeyring(keys: readonly SigningKey[]): Keyring {
  const byDid = new Map<string, SigningKey[]>();
  for (const key of keys) {
    const list = byDid.get(key.controller) ?? [];
    list.push(key);
    byDid.set(key.controller, list);
  }
  return { keysOf: (did) => byDid.get(did) ?? [], dids: () => [...byDid.keys()] };
}

/** Parses the keyring JSON `{ "keys": [{ id, controller, publicKeyMultibase, secretKeyMultibase }] }`. */
export function parseKeyring(text: string, source: string): Keyring {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError({ message: `${source} is not JSON.`, hints: ['Expected { "keys": [{ "id", "controller", "publicKeyMultibase", "secretKeyMultibase" }] }.'] });
  }
  const result = fileSchema.safeParse(value);
  if (!result.success) {
    // Never echo the input: it holds secret keys.
    const issue = result.error.issues[0]!;
    throw new ConfigError({ message: `${source}: ${issue.path.join(".") || "(root)"} ${issue.message}.` });
  }
  for (const key of result.data.keys) {
    if (!key.id.startsWith(`${key.controller}#`)) {
      throw new ConfigError({ message: `${source}: key ${key.id} is not a key of its controller ${key.controller}.` });
    }
  }
  return createKeyring(result.data.keys);
}

/** Parameters of {@link loadKeyring}. */
export type LoadKeyringParameters = {
  readonly json?: string | undefined;
  readonly file?: string | undefined;
  /** An encrypted keystore (./keystore.ts) and its password. */
  readonly keystore?: { readonly path: string; readonly password: string } | undefined;
  /** Dev mode: the demo institution's DID and where its generated key is kept. */
  readonly dev?: { readonly did: string; readonly file: string } | undefined;
};

/**
 * Loads the signing keys: JSON text, else a file, else an encrypted keystore, else (dev
 * mode) the demo institution's key, created on first start.
 *
 * @example
 * ```ts
 * const keyring = await loadKeyring({ keystore: { path: "/etc/credanchor/signing-keystore.json", password } });
 * keyring.keysOf("did:web:example.edu").at(-1); // the key that signs
 * ```
 */
export async function loadKeyring(parameters: LoadKeyringParameters): Promise<Keyring> {
  if (parameters.json !== undefined) return parseKeyring(parameters.json, "CREDANCHOR_SIGNING_KEYS");
  if (parameters.file !== undefined) return parseKeyring(readText(parameters.file, "CREDANCHOR_SIGNING_KEYS_FILE"), parameters.file);
  if (parameters.keystore !== undefined) {
    const { path, password } = parameters.keystore;
    const json = await decryptSigningKeystore({ text: readText(path, "CREDANCHOR_SIGNING_KEYSTORE"), password, source: path });
    return parseKeyring(json, `the signing keystore ${path}`);
  }
  if (parameters.dev === undefined) return createKeyring([]);
  const { did, file } = parameters.dev;
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const key = await generateSigningKey({ controller: did, id: `${did}#key-1` });
    writeFileSync(file, `${JSON.stringify({ keys: [key] }, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return parseKeyring(readFileSync(file, "utf8"), file);
}

function readText(path: string, variable: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (cause) {
    throw new ConfigError({
      message: `Cannot read the signing keys at ${path}: ${(cause as NodeJS.ErrnoException).code ?? "error"}.`,
      hints: [`Check ${variable}.`],
    });
  }
}

/** What may be logged about a keyring: DIDs and public keys only. */
export function describeKeyring(keyring: Keyring): { did: string; keys: { id: string; publicKeyMultibase: string }[] }[] {
  return keyring.dids().map((did) => ({ did, keys: keyring.keysOf(did).map(({ id, publicKeyMultibase }) => ({ id, publicKeyMultibase })) }));
}
