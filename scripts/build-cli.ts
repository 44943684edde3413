/**
 * Bundles the `credanchor` command (cli/main.ts, core and the dependencies it uses) with
 * esbuild into cli/dist/, which cli/bin.js runs when present and up to date. Why: from
 * source, Node resolves and type-strips some 1,500 modules before `verify` can start
 * (~0.7 s); one bundle, split per command so `verify` parses only what it uses, starts in
 * well under half of that. The source stays the reference: test/cli/bundle.test.ts runs
 * both and compares their output.
 *
 *   node --import tsx scripts/build-cli.ts        (npm run build:cli)
 *
 * Output: cli/dist/main.mjs + chunk-*.mjs, and cli/dist/inputs.json (the repository files
 * the bundle was built from, with the build time), which cli/bin.js reads to fall back to
 * the source when any of them changed since.
 *
 * Not bundled: the service's modules (server/), which `service`, `tokens`, `db`,
 * `signing-keys` and `did-document` load to open the service's store or keystore (with
 * worker threads found beside their source files); bin.js runs those commands from source.
 */
import { build, type Plugin } from "esbuild";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Where cli/bin.js looks for the bundle. */
export const CLI_BUNDLE_DIR = join(root, "cli/dist");

/**
 * The service's code stays out of the bundle: imports of server/ stay imports of its
 * source files (at the same relative path: cli/dist is as deep as cli/commands). Only
 * the commands that open the service's own store or keystore reach them, and cli/bin.js
 * runs those from source, so no process mixes bundled and source copies of core.
 */
const serverStaysSource: Plugin = {
  name: "server-stays-source",
  setup(context) {
    context.onResolve({ filter: /\/server\// }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      if (!relative(root, target).startsWith(`server${sep}`)) return undefined;
      return { path: relative(CLI_BUNDLE_DIR, target), external: true };
    });
  },
};

/**
 * Builds the bundle; returns the files written with their sizes.
 *
 * @example
 * ```ts
 * await buildCli(); // cli/dist/main.mjs, chunk-*.mjs, inputs.json
 * ```
 */
export async function buildCli(): Promise<{ file: string; bytes: number }[]> {
  // Always cli/dist: the CLI finds files next to the repository (artifacts/, the Hardhat
  // project) relative to its own modules, and cli/dist sits as deep as cli/commands.
  const outdir = CLI_BUNDLE_DIR;
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const builtAt = Date.now();
  const result = await build({
    // The signature threads of `credanchor verify` (cli/lib/signaturePool.ts) load their own entry.
    entryPoints: { main: join(root, "cli/main.ts"), signatureWorker: join(root, "cli/lib/signatureWorker.ts") },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: ["node22"],
    outExtension: { ".js": ".mjs" },
    // ES module builds first (as for browsers): they tree-shake, where a package's CommonJS/UMD
    // "main" comes whole (hash-wasm's holds every algorithm's WebAssembly; we use keccak).
    mainFields: ["module", "main"],
    chunkNames: "chunk-[hash]",
    // CommonJS dependencies call require(); an ES module has none of its own.
    banner: { js: 'import { createRequire as __credanchorRequire } from "node:module"; const require = __credanchorRequire(import.meta.url);' },
    plugins: [serverStaysSource],
    metafile: true,
    legalComments: "none",
    logLevel: "silent",
  });
  const inputs = Object.keys(result.metafile.inputs)
    .map((file) => relative(root, resolve(process.cwd(), file)))
    .filter((file) => !file.split(/[\\/]/).includes("node_modules"));
  // A changed dependency changes the lock file; a changed source file is one of the inputs.
  await writeFile(join(outdir, "inputs.json"), `${JSON.stringify({ builtAt, files: [...inputs, "package-lock.json"] }, null, 1)}\n`);
  return Object.entries(result.metafile.outputs).map(([file, output]) => ({ file: relative(root, resolve(process.cwd(), file)), bytes: output.bytes }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = await buildCli();
  const total = files.reduce((sum, { bytes }) => sum + bytes, 0);
  console.log(`cli bundle: ${files.length} files, ${(total / 1024 / 1024).toFixed(1)} MiB in ${relative(root, CLI_BUNDLE_DIR)}`);
}
