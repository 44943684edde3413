/**
 * The holder's sharing tools under a result: the share link (the whole credential in
 * the URL fragment, core/share.ts), a QR code of it, and LinkedIn's "Add to profile".
 */
import qrcode from "qrcode-generator";

import { linkedInAddToProfileUrl } from "../../core/linkedin.ts";
import { shareLink } from "../../core/share.ts";
import { h } from "./dom.ts";

/** A QR code of `text` as an SVG element, or undefined when it does not fit one (> ~2.9 KB). */
export function qrSvg(text: string): SVGSVGElement | undefined {
  const code = qrcode(0, "L");
  try {
    code.addData(text, "Byte");
    code.make();
  } catch {
    return undefined;
  }
  const count = code.getModuleCount();
  const margin = 4;
  const size = count + 2 * margin;
  let path = "";
  for (let row = 0; row < count; row++) {
    for (let column = 0; column < count; column++) {
      if (code.isDark(row, column)) path += `M${column + margin} ${row + margin}h1v1h-1z`;
    }
  }
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "QR code of the share link");
  svg.setAttribute("class", "qr");
  svg.setAttribute("shape-rendering", "crispEdges");
  const background = document.createElementNS(ns, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("fill", "#fff");
  const modules = document.createElementNS(ns, "path");
  modules.setAttribute("d", path);
  modules.setAttribute("fill", "#000");
  svg.append(background, modules);
  return svg;
}

/**
 * @example
 * ```ts
 * result.append(await sharePanel({ credential, baseUrl: "https://verify.example.edu/" }));
 * ```
 */
export async function sharePanel({ credential, baseUrl }: { credential: unknown; baseUrl: string }): Promise<HTMLElement> {
  const link = await shareLink({ baseUrl, credential });
  const linkedIn = linkedInAddToProfileUrl({ credential, certificateUrl: link });
  const field = h("input", { id: "share-link", type: "text", readonly: "", value: link });
  const copied = h("span", { id: "share-copied", role: "status", "aria-live": "polite", class: "muted" });
  const copy = h("button", { type: "button", id: "share-copy" }, "Copy link");
  copy.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(link);
      copied.textContent = "Copied.";
    } catch {
      copied.textContent = "Select the link and copy it (Ctrl+C).";
    }
  });
  const qr = qrSvg(link);
  return h(
    "section",
    { class: "share", id: "share", "aria-labelledby": "share-heading" },
    h("h3", { id: "share-heading" }, "Share this credential"),
    h("p", { class: "muted" }, "The link carries the whole credential after the #, which browsers never send to a server: whoever opens it checks the credential in their own browser."),
    h("label", { for: "share-link" }, "Share link"),
    h("div", { class: "row" }, field, copy),
    copied,
    h(
      "p",
      {},
      h("a", { id: "linkedin-link", href: linkedIn, rel: "noopener noreferrer", target: "_blank", class: "button-link" }, "Add to LinkedIn profile"),
    ),
    qr === undefined ? h("p", { class: "muted" }, "This credential is too large for a QR code; share the link instead.") : h("figure", { class: "qr-figure" }, qr, h("figcaption", {}, "Scan to open the share link")),
  );
}
