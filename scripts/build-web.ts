/**
 * Builds the verifier page (web/): web/src/main.ts + core/ bundled with esbuild for the
 * browser platform (a `node:*` import or other Node-only dependency in core fails this
 * build, which is why test/core/browser-bundle.test.ts runs it), split so the in-page
 * verifier (viem, zod, core/verify) is a chunk loaded only when the page verifies
 * against an RPC endpoint itself. Output: <outdir>/index.html and <outdir>/assets/.
 *
 *   node --import tsx scripts/build-web.ts                 # web/dist, served by the service
 *   node --import tsx scripts/build-web.ts --static --rpc https://rpc.example --chain eip155:11155111 \
 *        --registry 0xabc… [--public-url https://verify.example.edu/] [--outdir site/]
 *
 * `--static` also writes config.json, making a site that needs nothing but a static web
 * server and the RPC endpoint (the served site's config.json comes from the service).
 */
import { build, type BuildResult, type Metafile } from "esbuild";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The page's entry module, as written to assets/ (web/index.html loads it). */
export const PAGE_ENTRY_FILE = "verifier.js";

/**
 * The page entry's output in esbuild's metafile and every chunk it imports statically,
 * directly or through another chunk (what the page loads before it runs). Found by name:
 * the chunks the entry loads with import() are entry points of the metafile too, so "the
 * first output with an entryPoint" may be one of them.
 */
export function pageEntryOutput(metafile: Metafile): { file: string; staticImports: string[] } {
  const file = Object.keys(metafile.outputs).find((output) => basename(output) === PAGE_ENTRY_FILE);
  if (file === undefined) throw new Error(`build-web: the bundle has no ${PAGE_ENTRY_FILE}`);
  const loaded = new Set<string>();
  const visit = (output: string) => {
    for (const imported of metafile.outputs[output]?.imports ?? []) {
      if (imported.kind !== "import-statement" || loaded.has(imported.path)) continue;
      loaded.add(imported.path);
      visit(imported.path);
    }
  };
  visit(file);
  return { file, staticImports: [...loaded] };
}

/** Bundles `entry` for browsers; returns esbuild's result (with the metafile). */
export async function bundleForBrowser({
  entry = join(root, "web/src/main.ts"),
  outdir = join(root, "web/dist/assets"),
  write = true,
}: { entry?: string; outdir?: string; write?: boolean } = {}): Promise<BuildResult<{ metafile: true }>> {
  return build({
    entryPoints: { [PAGE_ENTRY_FILE.replace(/\.js$/, "")]: entry },
    outdir,
    bundle: true,
    splitting: true,
    chunkNames: "chunk-[hash]",
    write,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    sourcemap: write ? "linked" : false,
    metafile: true,
    legalComments: "none",
    logLevel: "silent",
  });
}

/** What {@link buildSite} writes when static. */
export type StaticSiteConfig = { chain: string; registries: string[]; rpcUrl: string; publicUrl?: string | undefined };

/**
 * Builds the whole page into `outdir` (index.html + assets/); with `staticConfig`, also
 * its config.json. Returns the JavaScript files written, with their sizes.
 */
export async function buildSite({
  outdir = join(root, "web/dist"),
  staticConfig,
}: { outdir?: string; staticConfig?: StaticSiteConfig | undefined } = {}): Promise<{ file: string; bytes: number }[]> {
  await rm(join(outdir, "assets"), { recursive: true, force: true });
  await mkdir(join(outdir, "assets"), { recursive: true });
  const result = await bundleForBrowser({ outdir: join(outdir, "assets") });
  // The chunks the entry imports statically are announced in the page, so the browser
  // fetches them with the entry rather than after parsing it (one round trip fewer
  // before the verdict).
  const preloads = pageEntryOutput(result.metafile).staticImports.map((path) => `<link rel="modulepreload" href="assets/${basename(path)}">`);
  const page = await readFile(join(root, "web/index.html"), "utf8");
  const script = `<script type="module" src="assets/${PAGE_ENTRY_FILE}"></script>`;
  if (!page.includes(script)) throw new Error(`build-web: web/index.html no longer loads ${script}`);
  await writeFile(join(outdir, "index.html"), page.replace(script, [...preloads, script].join("\n  ")));
  if (staticConfig !== undefined) await writeFile(join(outdir, "config.json"), `${JSON.stringify(staticConfig, null, 2)}\n`);
  return Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith(".js"))
    .map(([file, output]) => ({ file, bytes: output.bytes }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      static: { type: "boolean" },
      rpc: { type: "string" },
      chain: { type: "string" },
      registry: { type: "string", multiple: true },
      "public-url": { type: "string" },
      outdir: { type: "string" },
    },
  });
  let staticConfig: StaticSiteConfig | undefined;
  if (values.static === true) {
    if (values.rpc === undefined || values.chain === undefined || values.registry === undefined) {
      console.error("build-web: --static needs --rpc <url>, --chain <caip-2> and --registry <address> (repeatable).");
      process.exit(2);
    }
    staticConfig = { chain: values.chain, registries: values.registry, rpcUrl: values.rpc, publicUrl: values["public-url"] };
  }
  const outdir = values.outdir === undefined ? undefined : resolve(values.outdir);
  const files = await buildSite({ outdir, staticConfig });
  for (const { file, bytes } of files) console.log(`${file} ${(bytes / 1024).toFixed(1)} KiB`);
}
