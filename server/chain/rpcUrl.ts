/**
 * What the service may say about its RPC URL. Provider URLs usually carry an API key in
 * the path (`/v3/<key>`), the query (`?apikey=`) or the user info, so logs and messages
 * show scheme, host and port only.
 */

/**
 * `https://eth-sepolia.example.com/v2/SECRET?x=1` → `https://eth-sepolia.example.com`;
 * `http://user:pass@127.0.0.1:8545/` → `http://127.0.0.1:8545`.
 *
 * @example
 * ```ts
 * logger.info({ rpc: describeRpcUrl(config.rpcUrl) }, "connecting");
 * ```
 */
export function describeRpcUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(unparseable URL)";
  }
  return `${parsed.protocol}//${parsed.hostname}${parsed.port === "" ? "" : `:${parsed.port}`}`;
}

/** True when the URL names this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackUrl(url: string | URL): boolean {
  let parsed: URL;
  try {
    parsed = typeof url === "string" ? new URL(url) : url;
  } catch {
    return false;
  }
  const host = parsed.hostname;
  return host === "localhost" || host === "[::1]" || host === "::1" || /^127(?:\.\d{1,3}){3}$/.test(host);
}
