/**
 * Structured logs (pino, JSON lines on stdout). Secrets never reach them: nothing logs
 * headers or keys, and the redaction list is a second line of defence.
 */
import { pino, type Logger } from "pino";

/**
 * @example
 * ```ts
 * const logger = createLogger({ level: "info" });
 * ```
 */
export function createLogger(parameters: { readonly level: string; readonly destination?: NodeJS.WritableStream | undefined }): Logger {
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
    },
    parameters.destination as never,
  );
}
