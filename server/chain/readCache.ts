/**
 * A read-through cache in front of the chain for public verification: answers to the
 * same JSON-RPC read within `ttlMs` are shared (and concurrent identical reads make one
 * call). Verifying one credential takes about eight reads (chain id, code, batch,
 * institution, key, statuses, anchoring, head); an employer's page, a crawler and a
 * thousand recruiters asking about the same batch would otherwise each make them all.
 * A cached status is at most `ttlMs` old, less than one block on the chains we anchor on.
 * Failures are never cached.
 */
import { createPublicClient, custom, type PublicClient } from "viem";

/** Parameters of {@link createCachingClient}. */
export type CreateCachingClientParameters = {
  readonly client: PublicClient;
  /** How long an answer is reused (default 1000 ms). */
  readonly ttlMs?: number | undefined;
  /** Entries kept before the cache starts over (default 10,000). */
  readonly maxEntries?: number | undefined;
};

/**
 * @example
 * ```ts
 * const reads = createCachingClient({ client: chain.client, ttlMs: 1000 });
 * await verifyCredential({ credential, client: reads, trustedRegistries: [registry] });
 * ```
 */
export function createCachingClient(parameters: CreateCachingClientParameters): PublicClient {
  const { client } = parameters;
  const ttlMs = parameters.ttlMs ?? 1000;
  const maxEntries = parameters.maxEntries ?? 10_000;
  const entries = new Map<string, { at: number; answer: Promise<unknown> }>();
  const request = ({ method, params }: { method: string; params?: unknown }): Promise<unknown> => {
    const key = `${method}:${JSON.stringify(params ?? [])}`;
    const now = performance.now();
    const hit = entries.get(key);
    if (hit !== undefined && now - hit.at < ttlMs) return hit.answer;
    if (entries.size >= maxEntries) entries.clear();
    const answer = client.request({ method, params } as never) as Promise<unknown>;
    entries.set(key, { at: now, answer });
    answer.catch(() => {
      if (entries.get(key)?.answer === answer) entries.delete(key);
    });
    return answer;
  };
  return createPublicClient({ chain: client.chain, transport: custom({ request }, { retryCount: 0 }), cacheTime: 0 }) as PublicClient;
}
