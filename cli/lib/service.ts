/**
 * The anchoring service's HTTP API (/v1), as the CLI uses it. Errors the service answers
 * with `{ error: { code, message, hints } }` keep their code; a service that does not
 * answer is an infrastructure error (exit 2), never "invalid".
 */
import type { ServiceConfig } from "./config.ts";
import { CliError } from "./errors.ts";

/** A JSON object as the service returns it. */
export type Json = Record<string, unknown>;

type RequestOptions = {
  readonly body?: unknown;
  readonly query?: Record<string, string | number | undefined>;
  /** Answer statuses that are not errors (besides 2xx), e.g. 404 for "not found" lookups. */
  readonly accept?: readonly number[];
};

/** The service client: one method per route the CLI calls. */
export type ServiceClient = ReturnType<typeof createServiceClient>;

export function createServiceClient(config: ServiceConfig) {
  async function request<T extends Json>(method: string, path: string, options: RequestOptions = {}): Promise<{ status: number; body: T }> {
    const url = new URL(`${config.url}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: "application/json" };
    if (config.token !== undefined) headers.authorization = `Bearer ${config.token}`;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (error) {
      throw new CliError({
        code: "CA_CLI_SERVICE_UNAVAILABLE",
        message: `The anchoring service at ${config.url} did not answer (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}).`,
        hints: ["Check --service (or CREDANCHOR_SERVICE_URL) and that the service runs (`npm start`)."],
        cause: error,
      });
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text === "" ? {} : JSON.parse(text);
    } catch {
      body = { raw: text.slice(0, 200) };
    }
    if (response.ok || options.accept?.includes(response.status)) return { status: response.status, body: body as T };
    const error = (body as { error?: { code?: unknown; message?: unknown; hints?: unknown; details?: unknown } }).error;
    const hints = Array.isArray(error?.hints) ? error.hints.map(String) : [];
    if (response.status === 401 && config.token === undefined) {
      hints.unshift("Give an API token with --token or CREDANCHOR_TOKEN (create one with `credanchor tokens create`).");
    }
    throw new CliError({
      code: typeof error?.code === "string" ? error.code : "CA_CLI_SERVICE_ERROR",
      message:
        typeof error?.message === "string"
          ? `Service: ${error.message}`
          : `The service answered ${response.status} ${response.statusText} to ${method} ${url.pathname}.`,
      hints,
      details: error?.details,
    });
  }

  return { url: config.url, request };
}
