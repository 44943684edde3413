/**
 * What commands print. Human text goes to stdout, notes and progress to stderr; with
 * --json a command prints exactly one JSON document on stdout (bigints as strings) and
 * nothing else there, so `credanchor ... --json | jq` always works.
 */
import { styleText } from "node:util";

import { useColor } from "./config.ts";
import type { ErrorView } from "./errors.ts";

/** The streams a command runs with (the real process's, or a test's). */
export type Io = {
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean | undefined };
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean | undefined };
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean | undefined };
};

type Style = Parameters<typeof styleText>[0];

/** One command's printer. */
export type Output = {
  readonly json: boolean;
  readonly io: Io;
  /** A line of human output (stdout); dropped in --json mode. */
  line(text?: string): void;
  /** A note for people (stderr), in both modes: warnings, "wrote 3 files". */
  note(text: string): void;
  /** The command's result in --json mode (stdout); dropped in human mode. */
  result(value: unknown): void;
  /** Colours `text` when stdout is a terminal and NO_COLOR is unset. */
  paint(style: Style, text: string): string;
  /** Prints an error in the current mode. */
  error(view: ErrorView): void;
};

/** JSON with bigints as decimal strings and Uint8Arrays as 0x hex. */
export function toJson(value: unknown, space: number | undefined = 2): string {
  return JSON.stringify(
    value,
    (_key, item: unknown) => {
      if (typeof item === "bigint") return item.toString();
      if (item instanceof Uint8Array) return `0x${Buffer.from(item).toString("hex")}`;
      return item;
    },
    space,
  );
}

/** A printer for one command run. */
export function createOutput({ json, io }: { readonly json: boolean; readonly io: Io }): Output {
  const color = useColor(io.stdout);
  const errColor = useColor(io.stderr);
  return {
    json,
    io,
    line(text = "") {
      if (!json) io.stdout.write(`${text}\n`);
    },
    note(text) {
      io.stderr.write(`${text}\n`);
    },
    result(value) {
      if (json) io.stdout.write(`${toJson(value)}\n`);
    },
    paint(style, text) {
      return color ? styleText(style, text, { validateStream: false }) : text;
    },
    error(view) {
      if (json) {
        io.stdout.write(`${toJson({ error: view })}\n`);
        return;
      }
      const paint = (style: Style, text: string) => (errColor ? styleText(style, text, { validateStream: false }) : text);
      io.stderr.write(`${paint("red", "Error:")} ${view.message}\n`);
      for (const hint of view.hints) io.stderr.write(`${paint("dim", "  hint:")} ${hint}\n`);
    },
  };
}

/** Aligns `rows` of label/value into "label  value" lines. */
export function table(rows: readonly (readonly [string, string])[], indent = "  "): string[] {
  const width = Math.max(0, ...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value}`);
}
