#!/usr/bin/env node
// The `credanchor` command. A plain-JS shim so `npx credanchor` works without a build
// step. It runs the bundle (cli/dist, `npm run build:cli`, scripts/build-cli.ts) when one
// is present and none of the files it was built from changed since; otherwise the source.
// Node >= 22.18 strips TypeScript types natively (the code base uses only erasable
// syntax), which starts ~0.4 s faster than a loader; older Node registers tsx's loader.
import { readFileSync, statSync } from "node:fs";
import { enableCompileCache } from "node:module";

// A reader that went away (`credanchor verify issued/ | head`) ends the command quietly,
// with the status of a process killed by SIGPIPE (128 + 13), as other Unix tools end;
// without this, the next write dies with an EPIPE stack trace.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(141);
  throw error;
});

// `service` and `tokens` open the service's store: server/ code, not in the bundle.
const SOURCE_ONLY_COMMANDS = ["service", "tokens"];

/** The bundle's entry URL, or undefined when the source must run. */
function freshBundle() {
  if (process.env.CREDANCHOR_CLI_SOURCE === "1") return undefined;
  const command = process.argv.slice(2).find((arg) => !arg.startsWith("-"));
  if (SOURCE_ONLY_COMMANDS.includes(command)) return undefined;
  const root = new URL("../", import.meta.url);
  try {
    const { builtAt, files } = JSON.parse(readFileSync(new URL("cli/dist/inputs.json", root), "utf8"));
    // One stat per source file (~200, about a millisecond): an edit since the build runs the source.
    for (const file of files) if (statSync(new URL(file, root)).mtimeMs > builtAt) return undefined;
    return new URL("cli/dist/main.mjs", root);
  } catch {
    return undefined; // no bundle, or one of its inputs is gone
  }
}

const bundle = freshBundle();
// Compiled code cached on disk (Node's compile cache, in the OS temp folder): later runs
// skip most of the parsing of the bundle's few MB.
if (bundle !== undefined) enableCompileCache?.();
if (bundle === undefined && !process.features.typescript) {
  const { register } = await import("tsx/esm/api");
  register();
}
const { main } = await import(bundle?.href ?? "./main.ts");
process.exitCode = await main(process.argv);
