/**
 * `credanchor did-document`: prints the did:web DID document for an institution that
 * publishes it on its own domain (at the URL `did:web` names, e.g.
 * https://example.edu/.well-known/did.json), from the same signing-keys file or encrypted
 * keystore the service reads. Only public keys are printed; every key of the DID (current and earlier) is
 * listed so credentials signed before a rotation keep verifying.
 */
import { readFile } from "node:fs/promises";

import type { Command } from "commander";

import { didDocumentForKeys, didWebUrl } from "../../core/index.ts";
import { signingKeystoreModule } from "../lib/admin.ts";
import { type Runtime, action, withHelp } from "../lib/command.ts";
import { signingKeystorePassword } from "../lib/config.ts";
import { usageError } from "../lib/errors.ts";

type DidDocumentFlags = { readonly did: string; readonly keysFile?: string; readonly keystore?: string };

/** The keys JSON text from --keys-file, or decrypted from --keystore (exactly one of them). */
async function keysText(flags: DidDocumentFlags): Promise<{ text: string; source: string }> {
  if ((flags.keysFile === undefined) === (flags.keystore === undefined)) {
    throw usageError("Give exactly one of --keys-file and --keystore.");
  }
  const path = (flags.keysFile ?? flags.keystore)!;
  const flag = flags.keysFile !== undefined ? "--keys-file" : "--keystore";
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw usageError(`${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"}).`);
  }
  if (flags.keystore === undefined) return { text, source: `--keys-file: ${path}` };
  const { decryptSigningKeystore } = await signingKeystoreModule();
  return { text: await decryptSigningKeystore({ text, password: signingKeystorePassword(), source: path }), source: `--keystore: ${path}` };
}

export function registerDidDocumentCommand(program: Command, runtime: Runtime): void {
  const command = program
    .command("did-document")
    .description("print the did:web DID document for an institution's signing keys (to host on its own domain)")
    .requiredOption("--did <did>", "the institution's did:web DID, e.g. did:web:example.edu")
    .option("--keys-file <path>", 'the signing keys JSON the service reads ({"keys":[{id, controller, publicKeyMultibase, …}]})')
    .option("--keystore <path>", "or the encrypted signing keystore (password in CREDANCHOR_SIGNING_KEYSTORE_PASSWORD)");
  withHelp(command, {
    examples: [
      "credanchor did-document --did did:web:example.edu --keys-file signing-keys.json > did.json   # serve at https://example.edu/.well-known/did.json",
      "credanchor did-document --did did:web:example.edu --keystore signing-keystore.json > did.json",
    ],
    notes: ["Secret keys in the file are read but never printed."],
    env: ["CREDANCHOR_SIGNING_KEYSTORE_PASSWORD"],
  });
  command.action(
    action(runtime, async (out, flags: DidDocumentFlags) => {
      let url: string;
      try {
        url = didWebUrl({ did: flags.did });
      } catch {
        throw usageError(`--did: "${flags.did}" is not a did:web DID.`, "A did:web DID is did:web:<host>[:<path segment>]…");
      }
      const { text, source } = await keysText(flags);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw usageError(`${source} is not JSON.`);
      }
      const entries = (parsed as { keys?: unknown }).keys;
      const keys = (Array.isArray(entries) ? entries : []).flatMap((entry: unknown) => {
        const key = entry as { id?: unknown; controller?: unknown; publicKeyMultibase?: unknown };
        return key.controller === flags.did && typeof key.id === "string" && typeof key.publicKeyMultibase === "string"
          ? [{ id: key.id, publicKeyMultibase: key.publicKeyMultibase }]
          : [];
      });
      if (keys.length === 0) throw usageError(`${source} has no key whose controller is ${flags.did}.`);
      const document = didDocumentForKeys({ did: flags.did, keys });
      if (out.json) out.result(document);
      else {
        out.line(JSON.stringify(document, null, 2));
        out.note(`Serve this at ${url} (Content-Type application/did+json).`);
      }
      return 0;
    }),
  );
}
