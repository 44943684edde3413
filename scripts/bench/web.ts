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

import autocannon from "autocannon";

import { buildSite } from "../build-web.ts";
import { measureWebSize } from "../web-size.ts";
import { launchChromium } from "../../test/web/helpers.ts";
import { sampleCredential } from "../../test/server/helpers/credentials.ts";
import { eventually } from "../../test/server/helpers/chain.ts";
import { startScenario, type Scenario } from "../../test/web/scenario.ts";

/** Issues `count` more credentials in one batch; their portable JSON once anchored. */
async function issueMany(scenario: Scenario, count: number): Promise<string[]> {
  const { fixture } = scenario;
  const ids: string[] = [];
  let batch = 0;
  for (let start = 0; start < count; start += 1000) {
    const credentials = Array.from({ length: Math.min(1000, count - start) }, (_, i) => ({ credential: sampleCredential({ n: 100_000 + start + i }) }));
    const accepted = await fixture.request("POST", "/v1/credentials", { body: { credentials } });
    if (accepted.status !== 202) throw new Error(`submitting failed: ${accepted.text}`);
    for (const entry of accepted.body.credentials as { id: string; batch: number }[]) {
      ids.push(entry.id);
      batch = Math.max(batch, entry.batch);
    }
  }
  await fixture.request("POST", "/v1/batches/close");
  await eventually(async () => ((await fixture.request("GET", `/v1/batches/${batch}`)).body.state === "anchored" ? true : undefined), 120_000, "the batch to be anchored");
  const bodies: string[] = new Array(ids.length);
  for (let start = 0; start < ids.length; start += 32) {
    await Promise.all(
      ids.slice(start, start + 32).map(async (id, i) => {
        const { body } = await fixture.request("GET", `/v1/credentials/${id}`);
        bodies[start + i] = JSON.stringify(body.credential);
      }),
    );
  }
  return bodies;
}

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const seconds = option("seconds", 10);
/** Distinct credentials for the uncached throughput figure (more than a second's worth). */
const DISTINCT_CREDENTIALS = option("distinct", 3000);
const opens = option("opens", 15);
const root = join(import.meta.dirname, "../..");
const fmt = (value: number, digits = 0) => value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// --- 1. page size ---------------------------------------------------------------------
await buildSite();
const { initialGzip: initial, totalGzip: total } = await measureWebSize();
console.log(`page JavaScript, gzipped: ${fmt(initial / 1024, 1)} KiB loaded by the served page; ${fmt(total / 1024, 1)} KiB with the in-page verifier chunk (target <= 250 KB)`);

// --- 2. share link to verdict -----------------------------------------------------------
const scenario = await startScenario({ env: { CREDANCHOR_PUBLIC_VERIFY_PER_SECOND: "0" } });
const browser = await launchChromium();
const shareTimes: number[] = [];
const paintTimes: number[] = [];
let verify: autocannon.Result;
let distinct: autocannon.Result;
let distinctCount = 0;
try {
  for (let i = 0; i < opens + 1; i++) {
    const page = await browser.newPage();
    const started = performance.now();
    await page.goto(scenario.issued.valid.shareLink);
    const verdict = await page.waitForSelector("#verdict", { timeout: 10_000 });
    const elapsed = performance.now() - started;
    if ((await verdict.getAttribute("data-verdict")) !== "valid") throw new Error("the share link did not verify as valid");
    // The page's own clock: navigation start to the frame after the verdict was drawn (web/src/main.ts).
    const painted = await page.evaluate(async () => {
      for (let i = 0; i < 200 && performance.getEntriesByName("credanchor:verdict-shown").length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      return performance.getEntriesByName("credanchor:verdict-shown")[0]?.startTime;
    });
    if (painted === undefined) throw new Error("the page set no credanchor:verdict-shown mark");
    if (i > 0) {
      // the first open warms the browser's process
      shareTimes.push(elapsed);
      paintTimes.push(painted);
    }
    await page.close();
  }
  console.log(
    `share link opened -> verdict shown: median ${fmt(median(paintTimes))} ms (page clock, navigation start -> verdict painted), ${fmt(median(shareTimes))} ms (goto -> verdict seen by the test driver), max ${fmt(Math.max(...paintTimes))} / ${fmt(Math.max(...shareTimes))} ms over ${opens} fresh tabs (target <= 1,000 ms)`,
  );

  // --- 3. public verify throughput ------------------------------------------------------
  // (a) the scenario's four credentials asked again and again (a shared credential that
  // many open: mostly answered from the result cache); (b) a different credential each
  // request, cycling through a batch of DISTINCT_CREDENTIALS, which at the measured rate
  // come back after the cache's 1 s, so every request is verified.
  const bodies = Object.values(scenario.issued).map((issued) => JSON.stringify(issued.credential));
  const distinctBodies = await issueMany(scenario, DISTINCT_CREDENTIALS);
  distinctCount = distinctBodies.length;
  const run = (duration: number, pool: readonly string[]) => {
    let next = 0;
    return autocannon({
      url: `${scenario.fixture.url}/v1/verify`,
      method: "POST",
      connections: 16,
      duration,
      headers: { "content-type": "application/json" },
      requests: [{ setupRequest: (request: any) => ({ ...request, body: pool[next++ % pool.length] }) }],
    });
  };
  const expectValid = async (body: string) => {
    const check = await fetch(`${scenario.fixture.url}/v1/verify`, { method: "POST", body, headers: { "content-type": "application/json" } });
    if (((await check.json()) as { status: string }).status !== "valid") throw new Error("the public API did not report a valid credential valid");
  };
  await run(2, bodies); // warm-up (JIT, read cache)
  verify = await run(seconds, bodies);
  await expectValid(bodies[0]!);
  console.log(
    `POST /v1/verify without a token, 4 credentials asked again and again: ${fmt(verify.requests.average)} verifications/s, p50 ${fmt(verify.latency.p50, 1)} ms, p99 ${fmt(verify.latency.p99, 1)} ms; ${fmt(verify["2xx"])} 2xx, ${fmt(verify.non2xx)} non-2xx, ${verify.errors} errors (target >= 1,000/s); load average ${loadavg().map((value) => fmt(value, 1)).join(", ")}`,
  );
  if (verify.non2xx > 0 || verify.errors > 0) throw new Error("some verifications failed");
  distinct = await run(seconds, distinctBodies);
  await expectValid(distinctBodies[distinctBodies.length - 1]!);
  const cycleSeconds = distinctBodies.length / Math.max(1, distinct.requests.average);
  console.log(
    `POST /v1/verify without a token, ${fmt(distinctBodies.length)} distinct credentials in turn: ${fmt(distinct.requests.average)} verifications/s, p50 ${fmt(distinct.latency.p50, 1)} ms, p99 ${fmt(distinct.latency.p99, 1)} ms; each credential came back every ${fmt(cycleSeconds, 1)} s (the result cache keeps 1 s); ${fmt(distinct.non2xx)} non-2xx, ${distinct.errors} errors; load average ${loadavg().map((value) => fmt(value, 1)).join(", ")}`,
  );
  if (distinct.non2xx > 0 || distinct.errors > 0) throw new Error("some verifications failed");
  if (cycleSeconds < 1) console.warn("warning: the distinct credentials came back within the result cache's 1 s; raise DISTINCT_CREDENTIALS");
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
    `| all page JavaScript with the in-page (RPC) verifier chunk (gzipped; \`node --import tsx scripts/web-size.ts\`) | ${fmt(total / 1024, 1)} KiB | <= 250 KB |`,
    `| share link opened -> verdict seen by the test driver (playwright goto -> selector; median of ${opens}) | ${fmt(median(shareTimes))} ms (max ${fmt(Math.max(...shareTimes))} ms) | <= 1,000 ms |`,
    `| share link opened -> verdict painted, the page's own clock from navigation start (median of ${opens}) | ${fmt(median(paintTimes))} ms (max ${fmt(Math.max(...paintTimes))} ms) | <= 1,000 ms |`,
    `| POST /v1/verify without a token, the same 4 credentials again and again, 16 connections, ${seconds} s | ${fmt(verify.requests.average)} verifications/s (p99 ${fmt(verify.latency.p99, 1)} ms) | >= 1,000/s |`,
    `| POST /v1/verify without a token, ${fmt(distinctCount)} distinct credentials in turn (each verified anew), 16 connections, ${seconds} s | ${fmt(distinct.requests.average)} verifications/s (p99 ${fmt(distinct.latency.p99, 1)} ms) | >= 1,000/s |`,
    "",
    `Load average during the run: ${loadavg().map((value) => fmt(value, 1)).join(", ")} on ${availableParallelism()} cores shared with other work; service, browser and load generator share them.`,
    "",
    "Sizes from `node --import tsx scripts/web-size.ts` (independent of load): every .js output of the page bundle gzipped at level 9; the first row is the entry",
    "and every chunk it imports statically, directly or through another chunk (what index.html preloads).",
    "",
    "Chain reads of the public endpoint go through a 1-second read cache (server/chain/readCache.ts), and a report is reused for the same body",
    "bytes within the same second (server/verifyResultCache.ts): a status is at most 1 s old either way. The page's share and download",
    "panels (QR code, baked badge) are drawn after the verdict is painted; the driver's figure includes them when they block its polling.",
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
