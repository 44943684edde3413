/**
 * A small RFC 4180 CSV reader (quoted fields, "" escapes, CRLF or LF, a UTF-8 BOM), enough
 * for recipient lists exported from spreadsheets and learning platforms.
 */
import { CliError } from "./errors.ts";

/** One data row: its 1-based line number and its cells by (trimmed) header name. */
export type CsvRow = { readonly line: number; readonly cells: Readonly<Record<string, string>> };

/** Splits CSV text into records of raw fields, with the line each record starts on. */
function records(text: string, source: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        if (char === "\n") line++;
        field += char;
      }
    } else if (char === '"' && field === "") {
      quoted = true;
    } else if (char === ",") {
      fields.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      fields.push(field);
      out.push({ line: start, fields });
      fields = [];
      field = "";
      line++;
      start = line;
    } else {
      field += char;
    }
  }
  if (quoted) {
    throw new CliError({ code: "CA_CLI_FILE_INVALID", message: `${source}:${start}: a quoted field is never closed.` });
  }
  if (field !== "" || fields.length > 0) {
    fields.push(field);
    out.push({ line: start, fields });
  }
  return out.filter((record) => !(record.fields.length === 1 && record.fields[0]!.trim() === ""));
}

/** Parses CSV with a header row into rows keyed by header. */
export function parseCsv(text: string, source: string): { headers: string[]; rows: CsvRow[] } {
  const [header, ...data] = records(text, source);
  if (header === undefined) throw new CliError({ code: "CA_CLI_FILE_INVALID", message: `${source} is empty.` });
  const headers = header.fields.map((name) => name.trim());
  const rows = data.map((record) => {
    if (record.fields.length > headers.length) {
      throw new CliError({
        code: "CA_CLI_FILE_INVALID",
        message: `${source}:${record.line}: ${record.fields.length} fields, but the header has ${headers.length}.`,
        hints: ["Quote fields that contain commas."],
      });
    }
    const cells: Record<string, string> = {};
    headers.forEach((name, i) => {
      cells[name] = (record.fields[i] ?? "").trim();
    });
    return { line: record.line, cells };
  });
  return { headers, rows };
}
