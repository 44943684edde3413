/**
 * Hosted credential pages (`/c/<id>`, served by the service, server/routes/hostedPages.ts):
 * the page fetches the credential from beside itself and verifies it like a share link;
 * a holder who opens their withdraw link (`/c/<id>#withdraw=<secret>`) gets a button
 * that takes the page down for good.
 */
import { h } from "./dom.ts";

const HOSTED_PATH = /\/c\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

/** The credential id when this is a hosted page, else undefined. */
export function hostedCredentialId(): string | undefined {
  return HOSTED_PATH.exec(location.pathname)?.[1]?.toLowerCase();
}

/** The withdraw secret in the fragment (`#withdraw=…`), if any. */
export function withdrawSecret(): string | undefined {
  const member = location.hash.slice(1).split("&").find((part) => part.startsWith("withdraw="));
  return member?.slice("withdraw=".length) || undefined;
}

async function errorMessage(response: Response, fallback: string): Promise<string> {
  const body = (await response.json().catch(() => undefined)) as { error?: { message?: string; hints?: string[] } } | undefined;
  return [body?.error?.message ?? fallback, ...(body?.error?.hints ?? [])].join(" ");
}

/** The hosted credential (relative URLs resolve against the site: the page sets `<base href="../">`). */
export async function fetchHostedCredential(id: string): Promise<unknown> {
  const response = await fetch(`c/${id}/credential.json`, { cache: "no-store", headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(await errorMessage(response, `this page's credential could not be read (${response.status})`));
  return ((await response.json()) as { credential: unknown }).credential;
}

/**
 * @example
 * ```ts
 * result.append(withdrawPanel({ id, secret }));
 * ```
 */
export function withdrawPanel({ id, secret }: { id: string; secret: string }): HTMLElement {
  const status = h("p", { id: "withdraw-status", role: "status", "aria-live": "polite" });
  const button = h("button", { type: "button", id: "withdraw-button" }, "Withdraw this page");
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "Withdrawing…";
    try {
      const response = await fetch(`c/${id}/withdraw`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ secret }),
      });
      if (!response.ok) throw new Error(await errorMessage(response, `the service answered ${response.status}`));
      status.dataset["result"] = "withdrawn";
      status.textContent = "Withdrawn. This page's address now answers that the page was withdrawn; your credential itself is unchanged and still verifies from its file or a share link.";
    } catch (error) {
      button.disabled = false;
      status.dataset["result"] = "failed";
      status.textContent = `Not withdrawn: ${(error as Error).message}`;
    }
  });
  return h(
    "section",
    { class: "share withdraw", id: "withdraw", "aria-labelledby": "withdraw-heading" },
    h("h3", { id: "withdraw-heading" }, "Withdraw this public page"),
    h("p", {}, "You opened this page with your withdraw link. Withdrawing takes this page down for everyone, for good; your credential stays valid, and you can still share it as a file or a share link."),
    button,
    status,
  );
}
