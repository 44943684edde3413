/**
 * The public verifier's figures: the page's JavaScript (gzipped), the time from opening a
 * share link to the verdict on screen (Chromium on localhost), and token-less
 * POST /v1/verify throughput. Prints them and rewrites the "Public verifier" section of
 * BENCHMARKS.md (between its markers).
 *
 *   node --import tsx scripts/bench/web.ts [--seconds 10] [--opens 15] [--no-write]
 *
 * Needs /usr/bin/chromium (Debian's chromium package). About a minute.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { availableParallelism, loadavg } from "node:os";
import { gzipSync } from "node:zlib";

import autocannon from "autocannon";

import { buildSite } from "../build-web.ts";
import { launchChromium } from "../../test/web/helpers.ts";
import { startScenario } from "../../test/web/scenario.ts";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const seconds = option("seconds", 10);
const opens = option("opens", 15);
const root = join(import.meta.dirname, "../..");
const fmt = (value: number, digits = 0) => value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// --- 1. page size ---------------------------------------------------------------------
const files = await buildSite();
const sizes = await Promise.all(
  files.map(async ({ file }) => ({ file, gzip: gzipSync(await readFile(join(root, file)), { level: 9 }).length })),
);
const entry = sizes.find((size) => size.file.endsWith("/verifier.js"))!;
const meta = await readFile(join(root, "web/dist/assets/verifier.js"), "utf8");
// What the served page loads: the entry and the chunks it imports statically.
const staticImports = [...meta.matchAll(/from"\.\/(chunk-[A-Z0-9]+\.js)"/g)].map((match) => match[1]!);
const initial = entry.gzip + sizes.filter((size) => staticImports.some((name) => size.file.endsWith(name))).reduce((sum, size) => sum + size.gzip, 0);
const total = sizes.reduce((sum, size) => sum + size.gzip, 0);
console.log(`page JavaScript, gzipped: ${fmt(initial / 1024, 1)} KiB loaded by the served page; ${fmt(total / 1024, 1)} KiB with the in-page verifier chunk (target <= 250 KB)`);

// --- 2. share link to verdict -----------------------------------------------------------
const scenario = await startScenario({ env: { CREDANCHOR_PUBLIC_VERIFY_PER_SECOND: "0" } });
const browser = await launchChromium();
const shareTimes: number[] = [];
let verify: autocannon.Result;
try {
  for (let i = 0; i < opens + 1; i++) {
    const page = await browser.newPage();
    const started = performance.now();
    await page.goto(scenario.issued.valid.shareLink);
    const verdict = await page.waitForSelector("#verdict", { timeout: 10_000 });
    const elapsed = performance.now() - started;
    if ((await verdict.getAttribute("data-verdict")) !== "valid") throw new Error("the share link did not verify as valid");
    if (i > 0) shareTimes.push(elapsed); // the first open warms the browser's process
    await page.close();
  }
  console.log(`share link opened -> verdict shown: median ${fmt(median(shareTimes))} ms, max ${fmt(Math.max(...shareTimes))} ms over ${opens} fresh tabs (target <= 1,000 ms)`);

  // --- 3. public verify throughput ------------------------------------------------------
  const bodies = Object.values(scenario.issued).map((issued) => JSON.stringify(issued.credential));
  let next = 0;
  const run = (duration: number) =>
    autocannon({
      url: `${scenario.fixture.url}/v1/verify`,
      method: "POST",
      connections: 16,
      duration,
      headers: { "content-type": "application/json" },
      requests: [{ setupRequest: (request: any) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
    });
  await run(2); // warm-up (JIT, read cache)
  verify = await run(seconds);
  const check = await fetch(`${scenario.fixture.url}/v1/verify`, { method: "POST", body: bodies[0], headers: { "content-type": "application/json" } });
  if (((await check.json()) as { status: string }).status !== "valid") throw new Error("the public API did not report the valid credential valid");
  console.log(
    `POST /v1/verify without a token: ${fmt(verify.requests.average)} verifications/s, p50 ${fmt(verify.latency.p50, 1)} ms, p99 ${fmt(verify.latency.p99, 1)} ms; ${fmt(verify["2xx"])} 2xx, ${fmt(verify.non2xx)} non-2xx, ${verify.errors} errors (target >= 1,000/s); load average ${loadavg().map((value) => fmt(value, 1)).join(", ")}`,
  );
  if (verify.non2xx > 0 || verify.errors > 0) throw new Error("some verifications failed");
} finally {
  await browser.close();
  await scenario.stop();
}

if (!args.includes("--no-write")) {
  const section = [
    "<!-- web:start -->",
    "## 6. Public verifier",
    "",
    "The page (web/, built by scripts/build-web.ts) and token-less `POST /v1/verify`, against the service in dev mode on a local",
    "`hardhat node`, four credentials of one anchored batch. Share links measured in Debian's Chromium (headless, fresh tab each).",
    "",
    "| What | Figure | Target |",
    "| --- | ---: | ---: |",
    `| page JavaScript loaded by the served page (gzipped) | ${fmt(initial / 1024, 1)} KiB | |`,
    `| all page JavaScript with the in-page (RPC) verifier chunk (gzipped) | ${fmt(total / 1024, 1)} KiB | <= 250 KB |`,
    `| share link opened -> verdict shown (median of ${opens}) | ${fmt(median(shareTimes))} ms (max ${fmt(Math.max(...shareTimes))} ms) | <= 1,000 ms |`,
    `| POST /v1/verify without a token, 16 connections, ${seconds} s | ${fmt(verify.requests.average)} verifications/s (p99 ${fmt(verify.latency.p99, 1)} ms) | >= 1,000/s |`,
    "",
    `Load average during the run: ${loadavg().map((value) => fmt(value, 1)).join(", ")} on ${availableParallelism()} cores shared with other work; service, browser and load generator share them.`,
    "",
    "Chain reads of the public endpoint go through a 1-second read cache (server/chain/readCache.ts): a status is at most 1 s old.",
    "",
    "Command: `node --import tsx scripts/bench/web.ts`",
    "<!-- web:end -->",
  ].join("\n");
  const file = join(root, "BENCHMARKS.md");
  const text = await readFile(file, "utf8");
  const marked = /<!-- web:start -->[\s\S]*<!-- web:end -->/;
  const updated = marked.test(text) ? text.replace(marked, section) : text.replace(/\n## Core targets/, `\n${section}\n\n## Core targets`);
  await writeFile(file, updated);
  console.log("BENCHMARKS.md: section 6 (Public verifier) rewritten");
}
