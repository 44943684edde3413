/**
 * The verifier page in a real browser (Debian's Chromium, playwright-core), against the
 * real service on a real Hardhat node: served site and static build, every verdict,
 * baked badges, the email check, a phone viewport, keyboard-only use and labels.
 * Screenshots go to test-artifacts/screenshots/ (gitignored).
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import type { Browser, Page } from "playwright-core";

import { bakePng, bakeSvg, imageKind, unbake } from "../../core/baking.ts";
import { decodeShareFragment } from "../../core/share.ts";
import { buildSite } from "../../scripts/build-web.ts";
import { freePort, tempDir } from "../server/helpers/processes.ts";
import { badgePng, launchChromium, screenshotPath, serveStatic } from "./helpers.ts";
import { recipients, startScenario, type Scenario } from "./scenario.ts";

const ACHIEVEMENT = "Introduction to Distributed Systems";

describe("verifier page in Chromium", function () {
  this.timeout(180_000);
  let scenario: Scenario;
  let browser: Browser;
  let site: string;
  let staticDir: string;
  const servers: { close(): Promise<void> }[] = [];

  before(async function () {
    [scenario, browser] = await Promise.all([startScenario(), launchChromium(), buildSite()]).then(([s, b]) => [s, b] as const);
    site = `${scenario.fixture.url}/`;
    staticDir = tempDir("credanchor-static-site-");
  });

  after(async function () {
    await browser?.close();
    for (const server of servers) await server.close();
    await scenario?.stop();
  });

  async function open(url = site, viewport = { width: 1100, height: 900 }): Promise<Page> {
    const page = await browser.newPage({ viewport });
    page.on("pageerror", (error) => console.error("page error:", error.message));
    await page.goto(url);
    await page.waitForSelector("html[data-ready=true], #problem");
    return page;
  }

  async function verdict(page: Page): Promise<string> {
    const banner = await page.waitForSelector("#verdict, #problem", { timeout: 30_000 });
    return (await banner.getAttribute("data-verdict")) ?? "problem";
  }

  async function dropFile(page: Page, name: string, bytes: Uint8Array, type: string): Promise<void> {
    await page.evaluate(
      ({ name, base64, type }) => {
        const binary = atob(base64);
        const data = new Uint8Array(binary.length);
        for (let i = 0; i < binary.length; i++) data[i] = binary.charCodeAt(i);
        const transfer = new DataTransfer();
        transfer.items.add(new File([data], name, { type }));
        document.getElementById("drop")!.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
      },
      { name, base64: Buffer.from(bytes).toString("base64"), type },
    );
  }

  const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, 2));

  it("shows a dropped valid credential as a certificate: achievement, recipient, issuer, dates, alignments, history", async function () {
    const page = await open();
    await dropFile(page, "ada.json", json(scenario.issued.valid.credential), "application/json");
    expect(await verdict(page)).to.equal("valid");
    const text = await page.locator("article.certificate").innerText();
    expect(text).to.contain(ACHIEVEMENT);
    expect(text).to.contain(recipients.valid.name);
    expect(text).to.contain("Demo University");
    expect(text).to.contain("confirmed in the registry as Demo University (did:web:demo.credanchor.local)");
    expect(text).to.contain("1 September 2025"); // issued
    expect(text).to.contain("1 September 2030"); // expires
    expect(text).to.contain("Distributed computing");
    expect(text).to.contain("Pass the final exam");
    expect(await page.locator("#history li[data-kind=anchored]").count()).to.equal(1);
    // The named checks are one click away.
    expect(await page.locator("#checks").getAttribute("open")).to.equal(null);
    await page.locator("#checks summary").click();
    expect(await page.locator("#checks li[data-outcome=valid]").count()).to.equal(8);
    await page.screenshot({ path: screenshotPath("valid-dropped"), fullPage: true });
    await page.close();
  });

  it("verifies pasted JSON", async function () {
    const page = await open();
    await page.getByLabel("Or paste the credential's JSON, or a share link").fill(JSON.stringify(scenario.issued.valid.credential));
    await page.getByRole("button", { name: "Verify" }).click();
    expect(await verdict(page)).to.equal("valid");
    await page.close();
  });

  it("opens a share link from the API: the credential comes from the URL fragment alone", async function () {
    const link = scenario.issued.valid.shareLink;
    expect(link.startsWith(`${site}#c=`)).to.equal(true);
    const page = await open(link);
    expect(await verdict(page)).to.equal("valid");
    expect(await page.locator("#achievement-name").innerText()).to.equal(ACHIEVEMENT);
    // The page offers a link to the same credential back (compressed by the browser's own
    // deflate, so not byte-equal), a QR code of it and LinkedIn's add-to-profile link,
    // right after the verdict.
    await page.waitForSelector("#share");
    const offered = await page.locator("#share-link").inputValue();
    expect(await decodeShareFragment({ fragment: offered })).to.deep.equal(scenario.issued.valid.credential);
    expect(await page.locator("svg.qr").count()).to.equal(1);
    const linkedIn = new URL((await page.locator("#linkedin-link").getAttribute("href"))!);
    expect(linkedIn.origin + linkedIn.pathname).to.equal("https://www.linkedin.com/profile/add");
    expect(linkedIn.searchParams.get("name")).to.equal(ACHIEVEMENT);
    expect(linkedIn.searchParams.get("organizationName")).to.equal("Demo University");
    expect(linkedIn.searchParams.get("certUrl")).to.equal(offered);
    expect(linkedIn.searchParams.get("issueYear")).to.equal("2025");
    expect(linkedIn.searchParams.get("expirationMonth")).to.equal("9");
    await page.screenshot({ path: screenshotPath("valid-share-link"), fullPage: true });
    await page.close();
  });

  it("accepts a baked PNG badge, and calls a baked PNG with an altered credential tampered", async function () {
    const baked = bakePng({ image: badgePng(), credential: scenario.issued.valid.credential });
    const page = await open();
    await page.locator("#file").setInputFiles({ name: "badge.png", mimeType: "image/png", buffer: Buffer.from(baked) });
    expect(await verdict(page)).to.equal("valid");
    await page.screenshot({ path: screenshotPath("baked-png"), fullPage: true });
    const altered = structuredClone(scenario.issued.valid.credential);
    altered.credentialSubject.achievement.name = "Advanced Distributed Systems";
    await dropFile(page, "badge.png", bakePng({ image: badgePng(), credential: altered }), "image/png");
    await page.waitForSelector("#verdict[data-verdict=tampered]");
    const svg = bakeSvg({ svg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>', credential: scenario.issued.valid.credential });
    await dropFile(page, "badge.svg", new TextEncoder().encode(svg), "image/svg+xml");
    await page.waitForSelector("#verdict[data-verdict=valid]");
    await page.close();
  });

  /** Clicks a download link of the page; the file the browser saved. */
  async function downloaded(page: Page, selector: string): Promise<{ name: string; bytes: Uint8Array }> {
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator(selector).click()]);
    return { name: download.suggestedFilename(), bytes: new Uint8Array(readFileSync((await download.path())!)) };
  }

  it("offers the credential shown as a baked badge: an SVG always, the dropped PNG baked again", async function () {
    const page = await open(scenario.issued.valid.shareLink);
    expect(await verdict(page)).to.equal("valid");
    await page.waitForSelector("#download-svg");
    expect(await page.locator("#download-png").count()).to.equal(0); // the credential names no image
    const svg = await downloaded(page, "#download-svg");
    expect(svg.name).to.equal("introduction-to-distributed-systems.svg");
    expect(imageKind(svg.bytes)).to.equal("svg");
    expect(unbake({ image: svg.bytes })).to.deep.equal(scenario.issued.valid.credential);
    await page.screenshot({ path: screenshotPath("download-badge"), fullPage: true });

    const baked = bakePng({ image: badgePng(48, [13, 107, 53]), credential: scenario.issued.valid.credential });
    await dropFile(page, "badge.png", baked, "image/png");
    await page.waitForSelector("#download-png");
    const png = await downloaded(page, "#download-png");
    expect(imageKind(png.bytes)).to.equal("png");
    expect(unbake({ image: png.bytes })).to.deep.equal(scenario.issued.valid.credential);
    // And the downloaded file verifies when dropped back.
    await dropFile(page, png.name, png.bytes, "image/png");
    await page.waitForSelector("#verdict[data-verdict=valid]");
    await page.close();
  });

  it("offers no sharing or download for a revoked credential", async function () {
    const page = await open(scenario.issued.revoked.shareLink);
    expect(await verdict(page)).to.equal("revoked");
    await page.waitForSelector("#result[data-state=done]");
    expect(await page.locator("#share, #download").count()).to.equal(0);
    await page.close();
  });

  it("hosted page /c/<id>: verifies the credential it serves; the holder's withdraw link takes it down (410)", async function () {
    const { id } = scenario.issued.expired; // a credential no other test needs a page of
    const { body: record } = await scenario.fixture.request("GET", `/v1/credentials/${id}`);
    const opened = await scenario.fixture.request("POST", `/v1/batches/${record.batch}/hosted-pages`);
    expect(opened.status).to.equal(200);
    const { body: withPage } = await scenario.fixture.request("GET", `/v1/credentials/${id}`);
    const page = await open(withPage.hostedPage.url);
    expect(await verdict(page)).to.equal("expired");
    expect(await page.locator("#achievement-name").innerText()).to.equal(ACHIEVEMENT);
    expect(await page.locator("#withdraw").count()).to.equal(0); // not without the secret
    await page.screenshot({ path: screenshotPath("hosted-page"), fullPage: true });

    await page.goto(withPage.hostedPage.withdrawLink);
    await page.reload(); // a fragment-only change does not reload the page
    await page.waitForSelector("#withdraw-button");
    expect(await verdict(page)).to.equal("expired");
    await page.getByRole("button", { name: "Withdraw this page" }).click();
    await page.waitForSelector("#withdraw-status[data-result=withdrawn]");
    await page.screenshot({ path: screenshotPath("hosted-page-withdrawn"), fullPage: true });
    const gone = await page.goto(withPage.hostedPage.url);
    expect(gone!.status()).to.equal(410);
    expect(await page.locator("#page-title").innerText()).to.equal("This credential page was withdrawn");
    await page.screenshot({ path: screenshotPath("hosted-page-410"), fullPage: true });
    await page.close();
  });

  it("says revoked, with the reason and the date, and lists the revocation in the history", async function () {
    const page = await open(scenario.issued.revoked.shareLink);
    expect(await verdict(page)).to.equal("revoked");
    const detail = await page.locator("#verdict-detail").innerText();
    expect(detail).to.contain("superseded by a newer credential");
    expect(detail).to.match(/^Revoked by the issuer on \d{4}-\d{2}-\d{2}: superseded/);
    expect(await page.locator("#history li[data-kind=revoked]").innerText()).to.contain("superseded");
    await page.screenshot({ path: screenshotPath("revoked"), fullPage: true });
    await page.close();
  });

  it("says suspended", async function () {
    const page = await open(scenario.issued.suspended.shareLink);
    expect(await verdict(page)).to.equal("suspended");
    expect(await page.locator("#history li[data-kind=suspended]").count()).to.equal(1);
    await page.screenshot({ path: screenshotPath("suspended"), fullPage: true });
    await page.close();
  });

  it("says expired", async function () {
    const page = await open(scenario.issued.expired.shareLink);
    expect(await verdict(page)).to.equal("expired");
    expect(await page.locator("#verdict-detail").innerText()).to.contain("2021-01-01");
    await page.screenshot({ path: screenshotPath("expired"), fullPage: true });
    await page.close();
  });

  it("says tampered when the credential's content was changed", async function () {
    const altered = structuredClone(scenario.issued.valid.credential);
    altered.credentialSubject.identifier[1].identityHash = "Someone Else";
    const page = await open();
    await dropFile(page, "altered.json", json(altered), "application/json");
    expect(await verdict(page)).to.equal("tampered");
    await page.screenshot({ path: screenshotPath("tampered"), fullPage: true });
    await page.close();
  });

  it("static build: verifies in the page against the RPC endpoint alone, and says untrusted registry for a registry it does not trust", async function () {
    const trusting = join(staticDir, "trusting");
    const distrusting = join(staticDir, "distrusting");
    const chain = "eip155:31337";
    await buildSite({ outdir: trusting, staticConfig: { chain, registries: [scenario.fixture.registry], rpcUrl: scenario.fixture.node.url } });
    await buildSite({ outdir: distrusting, staticConfig: { chain, registries: ["0x000000000000000000000000000000000000dEaD"], rpcUrl: scenario.fixture.node.url } });
    const [good, bad] = [await serveStatic(trusting), await serveStatic(distrusting)];
    servers.push(good, bad);
    const fragment = new URL(scenario.issued.revoked.shareLink).hash;
    const page = await open(`${good.url}${fragment}`);
    expect(await verdict(page)).to.equal("revoked");
    expect(await page.locator("#history li[data-kind=revoked]").count()).to.equal(1);
    await page.goto(`${bad.url}${new URL(scenario.issued.valid.shareLink).hash}`);
    await page.waitForSelector("#verdict[data-verdict=untrustedRegistry]");
    await page.screenshot({ path: screenshotPath("untrusted-registry"), fullPage: true });
    await page.close();
  });

  it("says the chain is unreachable (not invalid) when the RPC endpoint does not answer", async function () {
    const page = await open();
    await page.locator("#advanced summary").click();
    await page.getByLabel("Chain RPC endpoint").fill(`http://127.0.0.1:${await freePort()}`);
    await dropFile(page, "ada.json", json(scenario.issued.valid.credential), "application/json");
    expect(await verdict(page)).to.equal("chainUnreachable");
    await page.screenshot({ path: screenshotPath("chain-unreachable"), fullPage: true });
    await page.close();
  });

  it("checks a typed email against the hashed recipient identifier", async function () {
    const page = await open(scenario.issued.valid.shareLink);
    await verdict(page);
    const email = page.getByLabel("The holder's email address");
    await email.fill("grace@example.edu");
    await page.getByRole("button", { name: "Check email" }).click();
    expect(await page.locator("#email-result").getAttribute("data-result")).to.equal("noMatch");
    await email.fill("  Ada@Example.EDU ");
    await page.getByRole("button", { name: "Check email" }).click();
    expect(await page.locator("#email-result").getAttribute("data-result")).to.equal("match");
    await page.screenshot({ path: screenshotPath("email-check"), fullPage: true });
    await page.close();
  });

  it("fits a phone: no horizontal scrolling, the verdict on the first screen", async function () {
    const page = await open(scenario.issued.valid.shareLink, { width: 390, height: 844 });
    expect(await verdict(page)).to.equal("valid");
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
      wide: Array.from(document.querySelectorAll("body *"))
        .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map((element) => `${element.tagName.toLowerCase()}#${element.id}.${element.className}`),
    }));
    expect(widths.wide, "elements wider than the phone").to.deep.equal([]);
    expect(widths.scroll).to.be.at.most(widths.viewport);
    const box = await page.locator("#verdict").boundingBox();
    await page.evaluate(() => window.scrollTo(0, 0));
    expect(box!.x).to.be.at.least(0);
    expect(box!.x + box!.width).to.be.at.most(390);
    await page.screenshot({ path: screenshotPath("phone"), fullPage: true });
    await page.close();
  });

  it("works with the keyboard alone: paste, verify, land on the verdict, open the checks", async function () {
    const page = await open();
    // Tab from the top of the page until the paste field has focus.
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.id)) !== "json"; i++) await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("json");
    await page.keyboard.insertText(JSON.stringify(scenario.issued.valid.credential));
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("verify");
    await page.keyboard.press("Enter");
    expect(await verdict(page)).to.equal("valid");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("verdict-title");
    for (let i = 0; i < 30 && !(await page.evaluate(() => document.activeElement?.closest("#checks") !== null)); i++) await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    expect(await page.locator("#checks").getAttribute("open")).to.equal("");
    await page.screenshot({ path: screenshotPath("keyboard"), fullPage: true });
    await page.close();
  });

  it("labels every control", async function () {
    const page = await open(scenario.issued.valid.shareLink);
    await verdict(page);
    await page.locator("#advanced summary").click();
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll("input, textarea, select, button"))
        .filter((element) => {
          const control = element as HTMLInputElement;
          const named = (control.labels?.length ?? 0) > 0 || control.getAttribute("aria-label") || control.getAttribute("aria-labelledby");
          return element.tagName === "BUTTON" ? (element.textContent ?? "").trim() === "" : !named;
        })
        .map((element) => element.outerHTML.slice(0, 80)),
    );
    expect(unlabelled).to.deep.equal([]);
    expect(await page.locator("img:not([alt]), [role=img]:not([aria-label])").count()).to.equal(0);
    await page.close();
  });
});
