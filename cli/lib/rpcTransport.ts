/**
 * JSON-RPC over node:http(s) for the CLI's reads, as a viem transport. Why not viem's
 * `http()`: it goes through `fetch`, and the first fetch in a process makes Node load
 * and compile its undici, about 50 ms of CPU: a sixth of a whole cold
 * `credanchor verify` (scripts/bench/cli-start.ts). Failures become viem's own
 * errors (HttpRequestError, TimeoutError, RpcRequestError), so core tells an endpoint
 * that does not answer from a revert exactly as with `http()`.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

import { HttpRequestError, RpcRequestError, TimeoutError, custom, type Transport } from "viem";

/** Options of {@link nodeHttpTransport}. */
export type NodeHttpTransportOptions = { readonly timeoutMs: number; readonly retryCount?: number | undefined };

let nextId = 1;

function post(url: URL, body: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const request = send(
      url,
      { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) }, timeout: timeoutMs },
      (response: IncomingMessage) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(Object.assign(new Error("timed out"), { timedOut: true })));
    request.on("error", reject);
    request.end(body);
  });
}

/**
 * @example
 * ```ts
 * createPublicClient({ transport: nodeHttpTransport("http://127.0.0.1:8545", { timeoutMs: 15_000 }) });
 * ```
 */
export function nodeHttpTransport(rpcUrl: string, options: NodeHttpTransportOptions): Transport {
  const url = new URL(rpcUrl);
  const transport = custom(
    {
      async request({ method, params }: { method: string; params?: unknown }) {
        const body = { jsonrpc: "2.0", id: nextId++, method, params: params ?? [] };
        let answer: { status: number; text: string };
        try {
          answer = await post(url, JSON.stringify(body), options.timeoutMs);
        } catch (error) {
          if ((error as { timedOut?: boolean }).timedOut === true) throw new TimeoutError({ body, url: rpcUrl });
          throw new HttpRequestError({ body, url: rpcUrl, details: (error as Error).message, cause: error as Error });
        }
        let data: { result?: unknown; error?: { code: number; message: string; data?: unknown } } | undefined;
        try {
          data = JSON.parse(answer.text) as typeof data;
        } catch {
          data = undefined;
        }
        if (data?.error !== undefined) throw new RpcRequestError({ body, error: data.error, url: rpcUrl });
        if (answer.status < 200 || answer.status >= 300 || data === undefined) {
          throw new HttpRequestError({ body, url: rpcUrl, status: answer.status, details: answer.text.slice(0, 200) || `HTTP ${answer.status}` });
        }
        return data.result;
      },
    },
    { retryCount: options.retryCount ?? 1 },
  );
  // Keep the URL on the transport, where core reads it for its "RPC endpoint … unavailable" message.
  return ((config) => {
    const made = transport(config);
    return { ...made, value: { ...made.value, url: rpcUrl } };
  }) as Transport;
}
