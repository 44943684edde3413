/**
 * Share links: a URL whose fragment carries the whole portable credential, compressed
 * (raw DEFLATE, RFC 1951) and base64url-encoded, so nothing is stored on any server
 * and the fragment never reaches one (browsers do not send it). The verifier page
 * (web/) decodes it; the CLI and the service write it.
 *
 * Fragment: `#c=<base64url(deflate-raw(utf8(JSON)))>`. The credential's hash covers
 * its canonical (JCS) form, so the JSON's whitespace and key order do not matter.
 * Compression uses the platform's CompressionStream (every current browser, Node >= 18):
 * no library in the page.
 */
import { CredanchorError } from "./errors.ts";

/** The fragment key a share link's credential is stored under. */
export const SHARE_FRAGMENT_KEY = "c";

/**
 * Decompressed size a share link may expand to (a portable credential is a few KB; a
 * generous bound keeps a crafted link from inflating into gigabytes in the page).
 */
export const MAX_SHARED_CREDENTIAL_BYTES = 1024 * 1024;

const utf8 = new TextEncoder();

async function pipe(bytes: Uint8Array, transform: CompressionStream | DecompressionStream, limit: number): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(transform);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new CredanchorError({
        code: "CA_SHARE_LINK_INVALID",
        message: `The shared credential expands to more than ${limit} bytes.`,
      });
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Inverse of {@link toBase64Url}; throws `CA_SHARE_LINK_INVALID` on other characters. */
export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) {
    throw new CredanchorError({
      code: "CA_SHARE_LINK_INVALID",
      message: "The share link's credential is not base64url text (A-Z, a-z, 0-9, - and _ only).",
    });
  }
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Parameters of {@link encodeShareFragment}. */
export type EncodeShareFragmentParameters = { readonly credential: unknown };

/**
 * The fragment (without `#`) that carries `credential`: `c=<base64url(deflate-raw(JSON))>`.
 *
 * @example
 * ```ts
 * const fragment = await encodeShareFragment({ credential }); // "c=q1YqSs3JLS…"
 * ```
 */
export async function encodeShareFragment(parameters: EncodeShareFragmentParameters): Promise<string> {
  const json = utf8.encode(JSON.stringify(parameters.credential));
  const compressed = await pipe(json, new CompressionStream("deflate-raw"), Number.MAX_SAFE_INTEGER);
  return `${SHARE_FRAGMENT_KEY}=${toBase64Url(compressed)}`;
}

/** Parameters of {@link shareLink}. */
export type ShareLinkParameters = {
  /** The verifier page, e.g. `https://verify.example.edu/` (any existing fragment is replaced). */
  readonly baseUrl: string;
  readonly credential: unknown;
};

/**
 * A share link: the verifier page's URL with the credential in its fragment.
 *
 * @example
 * ```ts
 * await shareLink({ baseUrl: "https://verify.example.edu/", credential }); // "https://verify.example.edu/#c=…"
 * ```
 */
export async function shareLink(parameters: ShareLinkParameters): Promise<string> {
  const base = parameters.baseUrl.split("#")[0]!;
  return `${base}#${await encodeShareFragment({ credential: parameters.credential })}`;
}

/** Parameters of {@link decodeShareFragment}. */
export type DecodeShareFragmentParameters = {
  /** `location.hash` (with or without `#`), or a whole share link. */
  readonly fragment: string;
};

/**
 * The credential a share link carries, or undefined when the fragment has no `c=`
 * member. Throws `CA_SHARE_LINK_INVALID` when it has one that does not decode to JSON.
 *
 * @example
 * ```ts
 * const credential = await decodeShareFragment({ fragment: location.hash });
 * ```
 */
export async function decodeShareFragment(parameters: DecodeShareFragmentParameters): Promise<unknown> {
  const hashAt = parameters.fragment.indexOf("#");
  const fragment = hashAt === -1 ? parameters.fragment : parameters.fragment.slice(hashAt + 1);
  const member = fragment.split("&").find((part) => part.startsWith(`${SHARE_FRAGMENT_KEY}=`));
  if (member === undefined) return undefined;
  const bytes = fromBase64Url(member.slice(SHARE_FRAGMENT_KEY.length + 1));
  let json: Uint8Array;
  try {
    json = await pipe(bytes, new DecompressionStream("deflate-raw"), MAX_SHARED_CREDENTIAL_BYTES);
  } catch (cause) {
    if (cause instanceof CredanchorError) throw cause;
    throw new CredanchorError({
      code: "CA_SHARE_LINK_INVALID",
      message: "The share link's credential does not decompress: the link is incomplete or was altered.",
      cause,
    });
  }
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
  } catch (cause) {
    throw new CredanchorError({
      code: "CA_SHARE_LINK_INVALID",
      message: "The share link's credential is not JSON: the link was altered.",
      cause,
    });
  }
}
