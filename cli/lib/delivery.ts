/**
 * What `issue` hands holders besides the JSON files: with --bake <image>, the badge
 * image with the credential baked in (Open Badges 3.0, core/baking.ts) beside each
 * JSON; with --mail-merge <file>, a CSV of recipient, email, share link and LinkedIn
 * add-to-profile link, one row per credential, for a mail merge; with --hosted-pages
 * also the hosted page (which then is LinkedIn's certificate URL: short and stable) and
 * the holder's withdraw link.
 */
import { readFile, writeFile } from "node:fs/promises";
import { extname } from "node:path";

import { bakePng, bakeSvg, imageKind } from "../../core/baking.ts";
import { credentialContent } from "../../core/content.ts";
import { linkedInAddToProfileUrl } from "../../core/linkedin.ts";
import { shareLink } from "../../core/share.ts";
import { CliError, usageError } from "./errors.ts";
import type { Recipe } from "./recipes.ts";

/** The flags. */
export type DeliveryFlags = { readonly bake?: string; readonly mailMerge?: string; readonly shareUrl?: string; readonly hostedPages?: boolean };

/** A hosted page as the service's credential record gives it. */
export type HostedPage = { readonly url: string; readonly withdrawLink: string };

/** One delivered credential. */
type Row = {
  readonly recipient: string;
  readonly email: string;
  readonly file: string;
  readonly shareLink: string;
  readonly linkedIn: string;
  readonly hostedPage?: HostedPage | undefined;
};

/** Collects rows while credentials are written; {@link Delivery.finish} writes the CSV. */
export type Delivery = {
  /** Bakes and records one written credential; returns the image file written, if any. */
  add(parameters: {
    readonly file: string;
    readonly credential: Record<string, unknown>;
    readonly key: string;
    readonly shareLink?: string | undefined;
    readonly hostedPage?: HostedPage | undefined;
  }): Promise<string | undefined>;
  /** Writes the mail-merge CSV (when asked for); returns its path. */
  finish(): Promise<string | undefined>;
};

function csvCell(value: string): string {
  // Quote everything; a leading = + - @ would be a formula to spreadsheet programs.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/**
 * Reads and checks the badge image up front (before anything is anchored).
 *
 * @example
 * const delivery = await prepareDelivery(flags, recipes, { defaultShareUrl: `${serviceUrl}/` });
 */
export async function prepareDelivery(
  flags: DeliveryFlags,
  recipes: readonly Recipe[],
  options: { readonly defaultShareUrl?: string | undefined } = {},
): Promise<Delivery> {
  let image: { kind: "png"; bytes: Uint8Array } | { kind: "svg"; text: string } | undefined;
  if (flags.bake !== undefined) {
    let bytes: Buffer;
    try {
      bytes = await readFile(flags.bake);
    } catch (error) {
      throw usageError(`--bake ${flags.bake}: cannot read the image (${(error as NodeJS.ErrnoException).code ?? "error"}).`);
    }
    const kind = imageKind(bytes);
    if (kind === undefined) throw usageError(`--bake ${flags.bake}: not a PNG or SVG image; Open Badges 3.0 bakes credentials into those two.`);
    image = kind === "png" ? { kind, bytes } : { kind, text: bytes.toString("utf8") };
  }
  const shareBase = flags.shareUrl ?? options.defaultShareUrl;
  if (flags.mailMerge !== undefined && shareBase === undefined) {
    throw usageError("--mail-merge needs --share-url <verifier page URL> with --local (share links point at a verifier page).");
  }
  const recipients = new Map(recipes.map((recipe) => [recipe.key, recipe.recipient]));
  const rows: Row[] = [];
  return {
    async add({ file, credential, key, shareLink: given, hostedPage }) {
      let written: string | undefined;
      if (image !== undefined) {
        written = file.slice(0, file.length - extname(file).length) + (image.kind === "png" ? ".png" : ".svg");
        await writeFile(written, image.kind === "png" ? bakePng({ image: image.bytes, credential }) : bakeSvg({ svg: image.text, credential }));
      }
      if (flags.mailMerge !== undefined) {
        const link = flags.shareUrl === undefined && given !== undefined ? given : await shareLink({ baseUrl: shareBase!, credential });
        const recipient = recipients.get(key);
        const content = credentialContent({ credential });
        rows.push({
          recipient: recipient?.name ?? content.recipient.name ?? recipient?.id ?? content.recipient.id ?? "",
          email: recipient?.email ?? "",
          file,
          shareLink: link,
          linkedIn: linkedInAddToProfileUrl({ credential, certificateUrl: hostedPage?.url ?? link }),
          hostedPage,
        });
      }
      return written;
    },
    async finish() {
      if (flags.mailMerge === undefined) return undefined;
      const hosted = flags.hostedPages === true;
      const lines = [["recipient", "email", "file", "share_link", "linkedin_add_to_profile", ...(hosted ? ["hosted_page", "withdraw_link"] : [])].join(",")];
      for (const row of rows) {
        const cells = [row.recipient, row.email, row.file, row.shareLink, row.linkedIn, ...(hosted ? [row.hostedPage?.url ?? "", row.hostedPage?.withdrawLink ?? ""] : [])];
        lines.push(cells.map(csvCell).join(","));
      }
      try {
        await writeFile(flags.mailMerge, `${lines.join("\r\n")}\r\n`);
      } catch (error) {
        throw new CliError({ code: "CA_CLI_FILE_UNREADABLE", message: `Cannot write ${flags.mailMerge}: ${(error as NodeJS.ErrnoException).code ?? "error"}.` });
      }
      return flags.mailMerge;
    },
  };
}
