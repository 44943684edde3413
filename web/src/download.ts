/**
 * "Download the badge": the credential shown, baked into an image (Open Badges 3.0
 * baking, core/baking.ts) the holder can post or attach, and that any OB 3.0 verifier
 * (this page, `credanchor verify`) reads back. The image is, in order: the badge image
 * the visitor dropped, the credential's own PNG or SVG image (a data: URL, or a URL its
 * host lets this page fetch), else an SVG drawn here from the achievement's name. An SVG
 * is always offered; a PNG when the image is one.
 */
import { bakePng, bakeSvg, imageKind } from "../../core/baking.ts";
import { credentialContent } from "../../core/content.ts";
import { h, safeUrl } from "./dom.ts";

/** How long the credential's image may take to download before the drawn SVG alone is offered. */
const IMAGE_FETCH_TIMEOUT_MS = 5_000;

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plain round badge with the achievement's name and the issuer's, as SVG text. */
export function drawnBadgeSvg({ title, issuer }: { title: string; issuer: string }): string {
  const words = title.split(/\s+/);
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.at(-1);
    if (last !== undefined && `${last} ${word}`.length <= 18) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  const shown = lines.slice(0, 4);
  const top = 200 - (shown.length - 1) * 16;
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" role="img">',
    `<title>${escapeXml(title)}</title>`,
    '<circle cx="200" cy="200" r="190" fill="#eef3fb" stroke="#1a4fa0" stroke-width="14"/>',
    ...shown.map((line, i) => `<text x="200" y="${top + i * 32}" text-anchor="middle" font-family="sans-serif" font-size="28" font-weight="700" fill="#1d1d1f">${escapeXml(line)}</text>`),
    `<text x="200" y="${top + shown.length * 32 + 16}" text-anchor="middle" font-family="sans-serif" font-size="18" fill="#5b5b66">${escapeXml(issuer.slice(0, 40))}</text>`,
    "</svg>",
  ].join("");
}

/** The bytes of the credential's image, when it is a PNG or SVG this page may read. */
async function credentialImage(url: string | undefined): Promise<Uint8Array | undefined> {
  const safe = safeUrl(url);
  if (safe === undefined) return undefined;
  try {
    const response = await fetch(safe, { signal: AbortSignal.timeout(IMAGE_FETCH_TIMEOUT_MS), credentials: "omit", referrerPolicy: "no-referrer" });
    if (!response.ok) return undefined;
    const bytes = new Uint8Array(await response.arrayBuffer());
    return imageKind(bytes) === undefined ? undefined : bytes;
  } catch {
    return undefined; // no CORS, offline, too slow: the drawn badge is still offered
  }
}

function fileStem(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "credential";
}

function downloadLink(id: string, label: string, name: string, blob: Blob): HTMLAnchorElement {
  return h("a", { id, class: "button-link", href: URL.createObjectURL(blob), download: name }, label);
}

/**
 * @example
 * ```ts
 * certificate.append(await downloadPanel({ credential, image: droppedBytes }));
 * ```
 */
export async function downloadPanel({ credential, image }: { credential: unknown; image?: Uint8Array | undefined }): Promise<HTMLElement> {
  const content = credentialContent({ credential });
  const title = content.achievement.name ?? content.name ?? "Credential";
  const stem = fileStem(title);
  const source = image ?? (await credentialImage(content.image));
  const links: HTMLElement[] = [];
  const kind = source === undefined ? undefined : imageKind(source);
  if (source !== undefined && kind === "png") {
    links.push(downloadLink("download-png", "Download badge image (PNG)", `${stem}.png`, new Blob([bakePng({ image: source, credential }) as BlobPart], { type: "image/png" })));
  }
  const svg = source !== undefined && kind === "svg" ? new TextDecoder().decode(source) : drawnBadgeSvg({ title, issuer: content.issuer.name ?? content.issuer.id ?? "" });
  links.push(downloadLink("download-svg", "Download badge image (SVG)", `${stem}.svg`, new Blob([bakeSvg({ svg, credential })], { type: "image/svg+xml" })));
  return h(
    "section",
    { class: "share download", id: "download", "aria-labelledby": "download-heading" },
    h("h3", { id: "download-heading" }, "Download the badge"),
    h("p", { class: "muted" }, "The image carries the whole credential inside it (Open Badges 3.0 baking): drop it on this page, or give it to any Open Badges verifier, and it checks like the credential itself."),
    h("p", { class: "row" }, ...links),
  );
}
