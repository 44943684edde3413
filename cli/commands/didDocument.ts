/**
 * `credanchor did-document`: prints the did:web DID document for an institution that
 * publishes it on its own domain (at the URL `did:web` names, e.g.
 * https://example.edu/.well-known/did.json), from the same signing-keys file the service
 * reads. Only public keys are printed; every key of the DID (current and earlier) is
 * listed so credentials signed before a rotation keep verifying.
 */
import { readFile } from "node:fs/promises";

import type { Command } from "commander";

import { didDocumentForKeys, didWebUrl } from "../../core/index.ts";
import { type Runtime, action, withHelp } from "../lib/command.ts";
import { usageError } from "../lib/errors.ts";

type DidDocumentFlags = { readonly did: string; readonly keysFile: string };

export function registerDidDocumentCommand(program: Command, runtime: Runtime): void {
  const command = program
    .command("did-document")
    .description("print the did:web DID document for an institution's signing keys (to host on its own domain)")
    .requiredOption("--did <did>", "the institution's did:web DID, e.g. did:web:example.edu")
    .requiredOption("--keys-file <path>", 'the signing keys JSON the service reads ({"keys":[{id, controller, publicKeyMultibase, …}]})');
  withHelp(command, {
    examples: ["credanchor did-document --did did:web:example.edu --keys-file signing-keys.json > did.json   # serve at https://example.edu/.well-known/did.json"],
    notes: ["Secret keys in the file are read but never printed."],
    env: [],
  });
  command.action(
    action(runtime, async (out, flags: DidDocumentFlags) => {
      let url: string;
      try {
        url = didWebUrl({ did: flags.did });
      } catch {
        throw usageError(`--did: "${flags.did}" is not a did:web DID.`, "A did:web DID is did:web:<host>[:<path segment>]…");
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(flags.keysFile, "utf8"));
      } catch (error) {
        throw usageError(`--keys-file: cannot read ${flags.keysFile} as JSON (${(error as NodeJS.ErrnoException).code ?? "not JSON"}).`);
      }
      const entries = (parsed as { keys?: unknown }).keys;
      const keys = (Array.isArray(entries) ? entries : []).flatMap((entry: unknown) => {
        const key = entry as { id?: unknown; controller?: unknown; publicKeyMultibase?: unknown };
        return key.controller === flags.did && typeof key.id === "string" && typeof key.publicKeyMultibase === "string"
          ? [{ id: key.id, publicKeyMultibase: key.publicKeyMultibase }]
          : [];
      });
      if (keys.length === 0) throw usageError(`--keys-file: ${flags.keysFile} has no key whose controller is ${flags.did}.`);
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
