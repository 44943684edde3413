/**
 * The encrypted keystore for issuer signing keys (`CREDANCHOR_SIGNING_KEYSTORE` +
 * `CREDANCHOR_SIGNING_KEYSTORE_PASSWORD`): the keyring JSON the service otherwise reads
 * from `CREDANCHOR_SIGNING_KEYS(_FILE)`, encrypted under a password, as the chain keys are
 * in their JSON keystores (v3). Same recipe as the v3 keystore (scrypt with geth's
 * standard cost, a random salt, the parameters in the file), with an authenticated cipher
 * (AES-256-GCM) so a wrong password is told apart from a readable file:
 *
 *   { "format": "credanchor-signing-keystore-v1",
 *     "kdf": "scrypt", "kdfparams": { "n": 131072, "r": 8, "p": 1, "dklen": 32, "salt": "<hex>" },
 *     "cipher": "aes-256-gcm", "cipherparams": { "iv": "<hex>" },
 *     "ciphertext": "<hex>", "tag": "<hex>" }
 *
 * Node's own crypto (OpenSSL) does the work; nothing here is logged, and no error echoes
 * the password or the decrypted text. `credanchor signing-keys` writes these files.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback } from "node:crypto";
import { promisify } from "node:util";

import { z } from "zod";

import { ConfigError } from "../errors.ts";

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

/** The `format` member of a signing keystore. */
export const SIGNING_KEYSTORE_FORMAT = "credanchor-signing-keystore-v1";
/** geth's standard scrypt cost (N = 2^17, r = 8, p = 1): about 128 MiB and a fraction of a second. */
export const STANDARD_SCRYPT_N = 2 ** 17;
/** The largest cost a file may ask for (2^20: 1 GiB), so a damaged file cannot exhaust memory. */
const MAX_SCRYPT_N = 2 ** 20;

const hex = (length?: number) => z.string().regex(length === undefined ? /^([0-9a-f]{2})+$/ : new RegExp(`^[0-9a-f]{${length * 2}}$`), "must be lowercase hex");
const keystoreSchema = z.object({
  format: z.literal(SIGNING_KEYSTORE_FORMAT),
  kdf: z.literal("scrypt"),
  kdfparams: z.object({
    n: z.number().int().min(2).max(MAX_SCRYPT_N).refine((n) => (n & (n - 1)) === 0, "must be a power of two"),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
    dklen: z.literal(32),
    salt: hex(),
  }),
  cipher: z.literal("aes-256-gcm"),
  cipherparams: z.object({ iv: hex(12) }),
  ciphertext: hex(),
  tag: hex(16),
});

/** A signing keystore, as parsed. */
export type SigningKeystore = z.infer<typeof keystoreSchema>;

function deriveKey(password: string, params: SigningKeystore["kdfparams"]): Promise<Buffer> {
  return scrypt(password, Buffer.from(params.salt, "hex"), params.dklen, { N: params.n, r: params.r, p: params.p, maxmem: 256 * params.n * params.r + 1024 * 1024 });
}

/** Parameters of {@link encryptSigningKeystore}. */
export type EncryptSigningKeystoreParameters = {
  /** The keyring JSON (`{"keys":[…]}`) to protect. */
  readonly plaintext: string;
  readonly password: string;
  /** scrypt cost (default {@link STANDARD_SCRYPT_N}; tests use less to run fast). */
  readonly scryptN?: number | undefined;
};

/**
 * Encrypts a keyring JSON into keystore text (pretty JSON with a final newline).
 *
 * @example
 * ```ts
 * const text = await encryptSigningKeystore({ plaintext: JSON.stringify({ keys: [key] }), password });
 * writeFileSync("signing-keystore.json", text, { mode: 0o600 });
 * ```
 */
export async function encryptSigningKeystore(parameters: EncryptSigningKeystoreParameters): Promise<string> {
  const kdfparams = { n: parameters.scryptN ?? STANDARD_SCRYPT_N, r: 8, p: 1, dklen: 32 as const, salt: randomBytes(32).toString("hex") };
  const key = await deriveKey(parameters.password, kdfparams);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(parameters.plaintext, "utf8"), cipher.final()]);
  const keystore: SigningKeystore = {
    format: SIGNING_KEYSTORE_FORMAT,
    kdf: "scrypt",
    kdfparams,
    cipher: "aes-256-gcm",
    cipherparams: { iv: iv.toString("hex") },
    ciphertext: ciphertext.toString("hex"),
    tag: cipher.getAuthTag().toString("hex"),
  };
  return `${JSON.stringify(keystore, null, 2)}\n`;
}

/** Parameters of {@link decryptSigningKeystore}. */
export type DecryptSigningKeystoreParameters = {
  readonly text: string;
  readonly password: string;
  /** Where the text came from (a path), for messages. */
  readonly source: string;
  /** The variable or flag that gave the password, named when it is wrong. */
  readonly passwordSource?: string | undefined;
};

/**
 * Decrypts keystore text back into the keyring JSON. Throws a {@link ConfigError} naming
 * the file (not a keystore) or the password variable (wrong password or damaged file).
 *
 * @example
 * ```ts
 * const json = await decryptSigningKeystore({ text, password, source: path });
 * ```
 */
export async function decryptSigningKeystore(parameters: DecryptSigningKeystoreParameters): Promise<string> {
  const { source } = parameters;
  const passwordSource = parameters.passwordSource ?? "CREDANCHOR_SIGNING_KEYSTORE_PASSWORD";
  let value: unknown;
  try {
    value = JSON.parse(parameters.text);
  } catch {
    throw new ConfigError({ message: `The signing keystore ${source} is not JSON.`, hints: ["Write it with `credanchor signing-keys new` or `credanchor signing-keys encrypt`."] });
  }
  const parsed = keystoreSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError({
      message: `The signing keystore ${source} is not a ${SIGNING_KEYSTORE_FORMAT} file: ${issue.path.join(".") || "(root)"} ${issue.message}.`,
      hints: ["Write it with `credanchor signing-keys new` or `credanchor signing-keys encrypt` (docs/SIGNATURES.md)."],
    });
  }
  const keystore = parsed.data;
  const key = await deriveKey(parameters.password, keystore.kdfparams);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(keystore.cipherparams.iv, "hex"));
    decipher.setAuthTag(Buffer.from(keystore.tag, "hex"));
    return Buffer.concat([decipher.update(Buffer.from(keystore.ciphertext, "hex")), decipher.final()]).toString("utf8");
  } catch {
    throw new ConfigError({
      message: `Cannot decrypt the signing keystore ${source}: wrong password in ${passwordSource}, or a damaged file.`,
      hints: [`Check ${passwordSource} (the password the keystore was written with).`],
    });
  }
}
