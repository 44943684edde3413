/**
 * `credanchor signing-keys new|encrypt|show`: an institution's Ed25519 issuer signing
 * keys in the encrypted keystore the service reads (CREDANCHOR_SIGNING_KEYSTORE, format
 * in server/signing/keystore.ts). The password comes from
 * CREDANCHOR_SIGNING_KEYSTORE_PASSWORD only; secret keys are never printed.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

import type { Command } from "commander";

import { generateSigningKey, type SigningKey } from "../../core/vc/eddsa.ts";
import { signingKeystoreModule } from "../lib/admin.ts";
import { type Runtime, action, withHelp } from "../lib/command.ts";
import { signingKeystorePassword } from "../lib/config.ts";
import { usageError } from "../lib/errors.ts";
import type { Output } from "../lib/output.ts";

type NewFlags = { readonly did: string; readonly keystore: string; readonly lightKdf?: boolean };
type EncryptFlags = { readonly keysFile: string; readonly keystore: string; readonly lightKdf?: boolean };
type ShowFlags = { readonly keystore: string };

const passwordEnv = ["CREDANCHOR_SIGNING_KEYSTORE_PASSWORD"] as const;
/** scrypt cost with --light-kdf (as geth's --lightkdf): 2^12, for tests and throw-away keys only. */
const LIGHT_SCRYPT_N = 2 ** 12;
const LIGHT_KDF_HELP = "a much cheaper scrypt (N=2^12, like geth's --lightkdf): tests and throw-away keys only";
const scryptN = (flags: { readonly lightKdf?: boolean }) => (flags.lightKdf === true ? LIGHT_SCRYPT_N : undefined);

function readFile(path: string, flag: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw usageError(`${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"}).`);
  }
}

/** Writes through a temporary file and a rename, so a crash never leaves half a keystore. */
function writeKeystore(path: string, text: string): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

async function readKeys(path: string, password: string): Promise<SigningKey[]> {
  const tools = await signingKeystoreModule();
  const json = await tools.decryptSigningKeystore({ text: readFile(path, "--keystore"), password, source: path });
  tools.parseKeyring(json, `the signing keystore ${path}`); // validates
  return (JSON.parse(json) as { keys: SigningKey[] }).keys;
}

function printKeys(out: Output, keys: readonly { id: string; controller: string; publicKeyMultibase: string }[]): void {
  for (const key of keys) out.line(`${key.id}  ${key.publicKeyMultibase}`);
}

const publicView = (keys: readonly SigningKey[]) => keys.map(({ id, controller, publicKeyMultibase }) => ({ id, controller, publicKeyMultibase }));

export function registerSigningKeysCommands(program: Command, runtime: Runtime): void {
  const group = program.command("signing-keys").description("institutions' issuer signing keys (Ed25519) in an encrypted keystore the service reads");

  const create = group
    .command("new")
    .description("add a new signing key for a DID (creating the keystore if needed); the newest key of a DID signs")
    .requiredOption("--did <did>", "the institution's DID, e.g. did:web:example.edu")
    .requiredOption("--keystore <path>", "the encrypted keystore (CREDANCHOR_SIGNING_KEYSTORE of the service)")
    .option("--light-kdf", LIGHT_KDF_HELP);
  withHelp(create, {
    examples: [
      "CREDANCHOR_SIGNING_KEYSTORE_PASSWORD=… credanchor signing-keys new --did did:web:example.edu --keystore signing-keystore.json",
      "# rotation: run it again; earlier keys stay listed in the DID document so what they signed keeps verifying",
    ],
    notes: ["Prints the new key's id and public key, never the secret."],
    env: [...passwordEnv],
  });
  create.action(
    action(runtime, async (out, flags: NewFlags) => {
      if (!/^did:[a-z0-9]+:[^#\s]+$/.test(flags.did)) throw usageError(`--did: "${flags.did}" is not a DID.`, "e.g. did:web:example.edu");
      const password = signingKeystorePassword();
      const keys = existsSync(flags.keystore) ? await readKeys(flags.keystore, password) : [];
      const taken = new Set(keys.map((key) => key.id));
      let n = keys.filter((key) => key.controller === flags.did).length + 1;
      while (taken.has(`${flags.did}#key-${n}`)) n++;
      const key = await generateSigningKey({ controller: flags.did, id: `${flags.did}#key-${n}` });
      const { encryptSigningKeystore } = await signingKeystoreModule();
      writeKeystore(flags.keystore, await encryptSigningKeystore({ plaintext: JSON.stringify({ keys: [...keys, key] }), password, scryptN: scryptN(flags) }));
      out.result({ keystore: flags.keystore, key: publicView([key])[0] });
      printKeys(out, publicView([key]));
      out.note(`Wrote ${flags.keystore} (${keys.length + 1} key${keys.length === 0 ? "" : "s"}). Start the service with CREDANCHOR_SIGNING_KEYSTORE=${flags.keystore}.`);
      return 0;
    }),
  );

  const encrypt = group
    .command("encrypt")
    .description("encrypt a plain signing-keys JSON file (CREDANCHOR_SIGNING_KEYS_FILE) into a new keystore")
    .requiredOption("--keys-file <path>", 'the plain JSON {"keys":[{id, controller, publicKeyMultibase, secretKeyMultibase}]}')
    .requiredOption("--keystore <path>", "the keystore to write (must not exist)")
    .option("--light-kdf", LIGHT_KDF_HELP);
  withHelp(encrypt, {
    examples: ["CREDANCHOR_SIGNING_KEYSTORE_PASSWORD=… credanchor signing-keys encrypt --keys-file signing-keys.json --keystore signing-keystore.json && shred -u signing-keys.json"],
    notes: ["Then delete the plain file; the service reads the keystore instead."],
    env: [...passwordEnv],
  });
  encrypt.action(
    action(runtime, async (out, flags: EncryptFlags) => {
      if (existsSync(flags.keystore)) throw usageError(`--keystore: ${flags.keystore} exists; not overwriting it.`, "Use `signing-keys new` to add a key to an existing keystore.");
      const password = signingKeystorePassword();
      const plaintext = readFile(flags.keysFile, "--keys-file");
      const tools = await signingKeystoreModule();
      const keyring = tools.parseKeyring(plaintext, flags.keysFile);
      writeKeystore(flags.keystore, await tools.encryptSigningKeystore({ plaintext, password, scryptN: scryptN(flags) }));
      const described = tools.describeKeyring(keyring);
      out.result({ keystore: flags.keystore, dids: described });
      for (const entry of described) for (const key of entry.keys) out.line(`${key.id}  ${key.publicKeyMultibase}`);
      out.note(`Wrote ${flags.keystore}. Delete ${flags.keysFile} once the service starts with CREDANCHOR_SIGNING_KEYSTORE=${flags.keystore}.`);
      return 0;
    }),
  );

  const show = group
    .command("show")
    .description("decrypt a keystore and list its keys (ids and public keys only): checks the password")
    .requiredOption("--keystore <path>", "the encrypted keystore");
  withHelp(show, { examples: ["CREDANCHOR_SIGNING_KEYSTORE_PASSWORD=… credanchor signing-keys show --keystore signing-keystore.json"], env: [...passwordEnv] });
  show.action(
    action(runtime, async (out, flags: ShowFlags) => {
      const keys = publicView(await readKeys(flags.keystore, signingKeystorePassword()));
      out.result({ keystore: flags.keystore, keys });
      printKeys(out, keys);
      return 0;
    }),
  );
}
