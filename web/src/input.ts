/**
 * Turns what a visitor gives the page into a credential: a JSON file, a baked PNG or
 * SVG badge (Open Badges 3.0 baking, core/baking.ts), pasted JSON, or a pasted share
 * link (core/share.ts). Every failure is an Error whose message says what to do.
 */
import { imageKind, unbake } from "../../core/baking.ts";
import { decodeShareFragment } from "../../core/share.ts";

/** The credential in a dropped or picked file. */
export async function credentialFromFile(file: File): Promise<unknown> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (imageKind(bytes) !== undefined) return unbake({ image: bytes });
  return parseJson(new TextDecoder().decode(bytes), `the file ${file.name}`);
}

/** The credential in pasted text: JSON, or a share link. */
export async function credentialFromText(text: string): Promise<unknown> {
  const trimmed = text.trim();
  if (trimmed === "") throw new Error("Paste a credential (its JSON) or a share link first.");
  if (!trimmed.startsWith("{") && trimmed.includes("#")) {
    const shared = await decodeShareFragment({ fragment: trimmed });
    if (shared !== undefined) return shared;
  }
  return parseJson(trimmed, "the pasted text");
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new Error(`${capital(what)} is not a credential: it is not JSON (${(error as Error).message}). Give the credential's .json file, its badge image, or its share link.`);
  }
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
