/**
 * Open Badges 3.0 baking: the credential travels inside its badge image.
 *
 * - PNG: an `iTXt` chunk with keyword `openbadgecredential`, uncompressed, the JSON as
 *   its UTF-8 text; at most one such chunk per image (a re-bake replaces it).
 * - SVG: an `<openbadges:credential>` element (namespace
 *   `https://purl.imsglobal.org/ob/v3p0`) right inside the root `<svg>`, with the JSON
 *   in a CDATA section.
 *
 * A baked image verifies like its JSON would: {@link unbake} hands back the credential
 * exactly as baked, and verification then hashes it; an altered credential fails.
 */
import { CredanchorError } from "./errors.ts";

/** The PNG iTXt keyword of OB 3.0 baking. */
export const PNG_KEYWORD = "openbadgecredential";
/** The XML namespace of OB 3.0 SVG baking. */
export const SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const utf8 = new TextEncoder();
const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes);

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as PNG chunks use it (ISO 3309, over chunk type and data). */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function invalid(message: string): CredanchorError {
  return new CredanchorError({ code: "CA_BAKED_IMAGE_INVALID", message });
}

/** Which kind of image `bytes` is, by its first bytes; undefined for anything else. */
export function imageKind(bytes: Uint8Array): "png" | "svg" | undefined {
  if (PNG_SIGNATURE.every((byte, i) => bytes[i] === byte)) return "png";
  const head = new TextDecoder().decode(bytes.subarray(0, 2048)).replace(/^\uFEFF/, "").trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/i.test(head)) return "svg";
  return undefined;
}

type PngChunk = { readonly type: string; readonly data: Uint8Array; readonly start: number; readonly end: number };

function* pngChunks(bytes: Uint8Array): Generator<PngChunk> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const end = offset + 12 + length;
    if (end > bytes.length) throw invalid(`The PNG is truncated: a chunk at byte ${offset} runs past the end of the file.`);
    const type = latin1(bytes.subarray(offset + 4, offset + 8));
    yield { type, data: bytes.subarray(offset + 8, offset + 8 + length), start: offset, end };
    offset = end;
    if (type === "IEND") return;
  }
  throw invalid("The PNG has no IEND chunk: the file is truncated.");
}

/** The credential text of an `iTXt` chunk with our keyword, or undefined for other iTXt chunks. */
function credentialText(data: Uint8Array): string | undefined {
  const keywordEnd = data.indexOf(0);
  if (keywordEnd === -1 || keywordEnd > 79 || latin1(data.subarray(0, keywordEnd)) !== PNG_KEYWORD) return undefined;
  const compressed = data[keywordEnd + 1];
  if (compressed !== 0) throw invalid("The PNG's openbadgecredential chunk is compressed; OB 3.0 baking stores it uncompressed.");
  let at = keywordEnd + 3; // compression flag, compression method
  const languageEnd = data.indexOf(0, at);
  const translatedEnd = languageEnd === -1 ? -1 : data.indexOf(0, languageEnd + 1);
  if (translatedEnd === -1) throw invalid("The PNG's openbadgecredential chunk is malformed (missing separators).");
  at = translatedEnd + 1;
  return new TextDecoder("utf-8", { fatal: true }).decode(data.subarray(at));
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(utf8.encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Parameters of {@link bakePng}. */
export type BakePngParameters = { readonly image: Uint8Array; readonly credential: unknown };

/**
 * The PNG with the credential baked in (an existing openbadgecredential chunk is
 * replaced; every other chunk is kept as it was).
 *
 * @example
 * ```ts
 * const baked = bakePng({ image: await readFile("badge.png"), credential });
 * ```
 */
export function bakePng(parameters: BakePngParameters): Uint8Array {
  const { image } = parameters;
  if (imageKind(image) !== "png") throw invalid("The image to bake is not a PNG (its first bytes are not the PNG signature).");
  const text = utf8.encode(JSON.stringify(parameters.credential));
  const keyword = utf8.encode(PNG_KEYWORD);
  // keyword NUL, compression flag 0, method 0, language "" NUL, translated keyword "" NUL, text.
  const data = new Uint8Array(keyword.length + 5 + text.length);
  data.set(keyword, 0);
  data.set(text, keyword.length + 5);
  const parts: Uint8Array[] = [image.subarray(0, 8)];
  for (const part of pngChunks(image)) {
    if (part.type === "iTXt" && credentialText(part.data) !== undefined) continue;
    if (part.type === "IEND") parts.push(chunk("iTXt", data));
    parts.push(image.subarray(part.start, part.end));
  }
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Parameters of {@link bakeSvg}. */
export type BakeSvgParameters = { readonly svg: string; readonly credential: unknown };

const SVG_ELEMENT = /<openbadges:credential\b[^>]*?(?:\/>|>([\s\S]*?)<\/openbadges:credential>)/;

/**
 * The SVG with the credential baked in, right after the root `<svg …>` tag (an existing
 * `<openbadges:credential>` is replaced).
 *
 * @example
 * ```ts
 * const baked = bakeSvg({ svg: await readFile("badge.svg", "utf8"), credential });
 * ```
 */
export function bakeSvg(parameters: BakeSvgParameters): string {
  const svg = parameters.svg.replace(new RegExp(SVG_ELEMENT.source, "g"), "");
  const root = /<svg\b[^>]*>/.exec(svg);
  if (root === null) throw invalid("The image to bake is not an SVG (no <svg> element).");
  // "]]>" cannot appear inside CDATA; JSON can only contain it inside a string, where "\u005d" means the same.
  const json = JSON.stringify(parameters.credential).replace(/\]\]>/g, "]]\\u003e");
  let tag = root[0];
  if (!/\sxmlns:openbadges\s*=/.test(tag)) tag = tag.replace(/^<svg\b/, `<svg xmlns:openbadges="${SVG_NAMESPACE}"`);
  const element = `<openbadges:credential><![CDATA[${json}]]></openbadges:credential>`;
  return svg.slice(0, root.index) + tag + element + svg.slice(root.index + root[0].length);
}

/** Parameters of {@link unbake}. */
export type UnbakeParameters = { readonly image: Uint8Array };

/**
 * The credential baked into a PNG or SVG badge (parsed JSON). Throws
 * `CA_BAKED_IMAGE_INVALID` when the image is neither, carries no credential, or its
 * credential is not JSON.
 *
 * @example
 * ```ts
 * const credential = unbake({ image: new Uint8Array(await file.arrayBuffer()) });
 * ```
 */
export function unbake(parameters: UnbakeParameters): unknown {
  const { image } = parameters;
  const kind = imageKind(image);
  let text: string | undefined;
  if (kind === "png") {
    for (const part of pngChunks(image)) {
      if (part.type !== "iTXt") continue;
      text = credentialText(part.data);
      if (text !== undefined) break;
    }
    if (text === undefined) throw invalid("The PNG carries no credential (no iTXt chunk with keyword openbadgecredential).");
  } else if (kind === "svg") {
    const match = SVG_ELEMENT.exec(new TextDecoder().decode(image));
    const body = match?.[1]?.trim();
    if (body === undefined || body === "") throw invalid("The SVG carries no credential (no <openbadges:credential> element with content).");
    const cdata = /^<!\[CDATA\[([\s\S]*)\]\]>$/.exec(body);
    text = cdata ? cdata[1]! : decodeXmlText(body);
  } else {
    throw invalid("The file is neither a PNG nor an SVG image.");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw invalid("The credential baked into the image is not JSON: the image was altered.");
  }
}

function decodeXmlText(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&amp;/g, "&");
}
