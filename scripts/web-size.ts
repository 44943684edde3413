/**
 * The page's JavaScript size: every .js output of the browser bundle (the entry, the chunks
 * it loads at once and the in-page verifier chunk loaded on demand), each gzipped at level 9.
 * scripts/bench/web.ts prints it in BENCHMARKS.md section 6; run alone to see where the bytes
 * come from:
 *
 *   node --import tsx scripts/web-size.ts [--by-package]
 */
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import { bundleForBrowser, pageEntryOutput } from "./build-web.ts";

/** One .js output of the bundle. */
export type WebOutputSize = { file: string; bytes: number; gzip: number };

/** What {@link measureWebSize} returns. */
export type WebSize = {
  outputs: WebOutputSize[];
  /** Sum of the gzipped sizes of every .js output. */
  totalGzip: number;
  /** Gzipped size of what the served page loads at once: the entry and the chunks it imports statically. */
  initialGzip: number;
  /** Minified bytes in the outputs per package (node_modules) or source folder, largest first. */
  byPackage: [string, number][];
};

/** Bundles the page in memory and measures every .js output. */
export async function measureWebSize(): Promise<WebSize> {
  const result = await bundleForBrowser({ write: false });
  const outputs = (result.outputFiles ?? [])
    .filter((output) => output.path.endsWith(".js"))
    .map((output) => ({ file: output.path, bytes: output.contents.length, gzip: gzipSync(output.contents, { level: 9 }).length }));
  // The entry and its static imports, as buildSite announces them with modulepreload.
  const entry = pageEntryOutput(result.metafile);
  const initialFiles = new Set([entry.file, ...entry.staticImports].map((path) => basename(path)));
  const perPackage = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const owner = inPackage?.[1] ?? input.split("/").slice(0, 2).join("/");
      perPackage.set(owner, (perPackage.get(owner) ?? 0) + bytesInOutput);
    }
  }
  return {
    outputs,
    totalGzip: outputs.reduce((sum, output) => sum + output.gzip, 0),
    initialGzip: outputs.filter((output) => initialFiles.has(basename(output.file))).reduce((sum, output) => sum + output.gzip, 0),
    byPackage: [...perPackage].sort((a, b) => b[1] - a[1]),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const size = await measureWebSize();
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  for (const output of size.outputs) console.log(`${output.file.split("/").pop()}  ${kib(output.bytes)} minified, ${kib(output.gzip)} gzipped`);
  console.log(`loaded by the served page, gzipped: ${kib(size.initialGzip)} (${size.initialGzip} bytes)`);
  console.log(`all page JavaScript, gzipped: ${kib(size.totalGzip)} (${size.totalGzip} bytes)`);
  if (process.argv.includes("--by-package")) for (const [owner, bytes] of size.byPackage) if (bytes > 1024) console.log(`  ${owner}  ${kib(bytes)}`);
}
