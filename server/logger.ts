/**
 * Structured logs (pino): JSON lines on stdout, or, in dev mode on a terminal, lines for
 * people (pino-pretty). Secrets never reach them: nothing logs headers or keys, the
 * redaction list is a second line of defence, and texts given in `conceal` (the RPC URL,
 * whose path or query usually holds a provider API key) are replaced in every line,
 * error messages included (viem puts the request URL in its errors).
 */
import { pino, type Logger } from "pino";
import PinoPretty from "pino-pretty";

/** Parameters of {@link createLogger}. */
export type CreateLoggerParameters = {
  readonly level: string;
  readonly destination?: NodeJS.WritableStream | undefined;
  /** Human-readable lines instead of JSON (dev mode on a terminal). */
  readonly pretty?: boolean | undefined;
  /** Texts never to write, each with what to write instead. */
  readonly conceal?: ReadonlyArray<{ readonly text: string; readonly replacement: string }> | undefined;
};

/**
 * Whether logs should be for people: only in dev mode with stdout a terminal (production
 * and pipes get JSON, for log collectors).
 */
export function prettyLogs(parameters: { readonly dev: boolean; readonly isTTY: boolean | undefined }): boolean {
  return parameters.dev && parameters.isTTY === true;
}

/**
 * @example
 * ```ts
 * const logger = createLogger({ level: "info", pretty: prettyLogs({ dev: config.dev, isTTY: process.stdout.isTTY }) });
 * ```
 */
export function createLogger(parameters: CreateLoggerParameters): Logger {
  const conceal = (parameters.conceal ?? []).filter((entry) => entry.text.length > 0 && entry.text !== entry.replacement);
  const destination =
    parameters.pretty === true
      ? PinoPretty({ destination: parameters.destination ?? 1, colorize: true, sync: true, ignore: "pid,hostname,service" })
      : parameters.destination;
  return pino(
    {
      level: parameters.level,
      base: { service: "credanchor" },
      redact: {
        paths: [
          "req.headers.authorization",
          "headers.authorization",
          "authorization",
          "*.authorization",
          "token",
          "*.token",
          "key",
          "*.key",
          "privateKey",
          "*.privateKey",
          "password",
          "*.password",
        ],
        censor: "[redacted]",
      },
      ...(conceal.length === 0
        ? {}
        : {
            hooks: {
              streamWrite: (line: string) =>
                conceal.reduce((text, { text: secret, replacement }) => text.split(secret).join(replacement), line),
            },
          }),
    },
    destination as never,
  );
}
