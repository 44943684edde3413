/**
 * Bundles the browser verifier (web/src/main.ts + core/) into web/dist/verifier.js with
 * esbuild, for the browser platform: a `node:*` import or other Node-only dependency in
 * core fails this build, which is why test/core/browser-bundle.test.ts runs it.
 *
 *   node --import tsx scripts/build-web.ts [--outdir web/dist]
 */
import { build, type BuildResult } from "esbuild";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Bundles `entry` for browsers; returns esbuild's result (with the metafile). */
export async function bundleForBrowser({
  entry = join(root, "web/src/main.ts"),
  outfile = join(root, "web/dist/verifier.js"),
  write = true,
}: { entry?: string; outfile?: string; write?: boolean } = {}): Promise<BuildResult<{ metafile: true }>> {
  return build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    write,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    sourcemap: write,
    metafile: true,
    logLevel: "silent",
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await bundleForBrowser();
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  console.log(`web/dist/verifier.js written (${(bytes / 1024).toFixed(0)} KiB with source map)`);
}
