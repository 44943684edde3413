/**
 * A hosted page's links and its holder's withdraw secret. The secret is derived, not
 * stored: HMAC-SHA-256 of the credential id under the store's key, so the API can hand
 * it out again (GET /v1/credentials/:id, the mail-merge file) and the page checks it in
 * constant time. It travels in the withdraw link's fragment (`#withdraw=…`), which
 * browsers never send to a server, so it stays out of access logs.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

import { toBase64Url } from "../../core/share.ts";

/** Where hosted pages live under the site's base URL. */
export const HOSTED_PAGE_PATH = "c/";

const domain = "credanchor hosted page withdraw v1:";

/** The holder's withdraw secret for `credentialId` (43 base64url characters). */
export function withdrawSecretOf({ key, credentialId }: { key: Uint8Array; credentialId: string }): string {
  return toBase64Url(new Uint8Array(createHmac("sha256", key).update(domain + credentialId).digest()));
}

/** Whether `secret` is the withdraw secret of `credentialId` (constant time). */
export function isWithdrawSecret({ key, credentialId, secret }: { key: Uint8Array; credentialId: string; secret: string }): boolean {
  const expected = Buffer.from(withdrawSecretOf({ key, credentialId }));
  const given = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The hosted page's links, as the API and the mail-merge file give them. */
export type HostedPageLinks = { readonly url: string; readonly withdrawLink: string };

/**
 * @example
 * ```ts
 * hostedPageLinks({ baseUrl: "https://verify.example.edu/", credentialId: id, secret });
 * // { url: "https://verify.example.edu/c/0193…", withdrawLink: "https://verify.example.edu/c/0193…#withdraw=…" }
 * ```
 */
export function hostedPageLinks({ baseUrl, credentialId, secret }: { baseUrl: string; credentialId: string; secret: string }): HostedPageLinks {
  const url = new URL(`${HOSTED_PAGE_PATH}${credentialId}`, baseUrl.split("#")[0]).href;
  return { url, withdrawLink: `${url}#withdraw=${secret}` };
}
