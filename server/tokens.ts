/**
 * API tokens: per institution, with scopes (issue, revoke, admin). A token is 32 random
 * bytes shown once (`ca_<base64url>`); the store keeps only its SHA-256.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";

import { invalidRequest } from "./errors.ts";
import { tokenScopes, type Store, type TokenRow, type TokenScope } from "./store/types.ts";

/** Parameters of {@link createApiToken}. */
export type CreateApiTokenParameters = {
  readonly store: Store;
  readonly institutionId: number;
  readonly scopes: readonly TokenScope[];
  /** A label for people ("ci pipeline", "registrar"). */
  readonly name: string;
  readonly now?: number | undefined;
};

/** Return type of {@link createApiToken}: the secret (shown once) and the stored record. */
export type CreateApiTokenReturnType = { readonly token: string; readonly record: TokenRow };

/** SHA-256 of a token: what the store keeps and looks tokens up by. */
export function hashToken(token: string): Uint8Array {
  return createHash("sha256").update(token, "utf8").digest();
}

/** Checks a scope list (API input), naming `path` when it is wrong. */
export function parseScopes(value: unknown, path: string): TokenScope[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidRequest(path, "must be a non-empty array of scopes", `array of ${tokenScopes.join(", ")}`);
  }
  const scopes = new Set<TokenScope>();
  value.forEach((scope, index) => {
    if (typeof scope !== "string" || !(tokenScopes as readonly string[]).includes(scope)) {
      throw invalidRequest(`${path}[${index}]`, `unknown scope ${JSON.stringify(scope)}`, tokenScopes.join(" | "));
    }
    scopes.add(scope as TokenScope);
  });
  return [...scopes];
}

/**
 * Creates a token for an institution. The CLI calls this; so does POST /v1/tokens.
 *
 * @example
 * ```ts
 * const { token } = await createApiToken({ store, institutionId: 1, scopes: ["issue"], name: "ci" });
 * // send `Authorization: Bearer ${token}`
 * ```
 */
export async function createApiToken(parameters: CreateApiTokenParameters): Promise<CreateApiTokenReturnType> {
  const token = `ca_${randomBytes(32).toString("base64url")}`;
  const record: TokenRow = {
    id: randomUUID(),
    institutionId: parameters.institutionId,
    name: parameters.name,
    scopes: [...new Set(parameters.scopes)],
    createdAt: parameters.now ?? Date.now(),
    revokedAt: null,
  };
  await parameters.store.createToken({ row: record, secretHash: hashToken(token) });
  return { token, record };
}

/** Resolves bearer tokens to their records, with a short cache (revocations apply at once locally). */
export type TokenAuthenticator = {
  authenticate(token: string): Promise<TokenRow | undefined>;
  invalidate(tokenId: string): void;
};

/**
 * @example
 * ```ts
 * const auth = createTokenAuthenticator({ store });
 * const record = await auth.authenticate(bearer);
 * ```
 */
export function createTokenAuthenticator(parameters: { readonly store: Store; readonly ttlMs?: number | undefined }): TokenAuthenticator {
  const ttl = parameters.ttlMs ?? 5_000;
  const cache = new Map<string, { record: TokenRow | undefined; until: number }>();
  return {
    async authenticate(token) {
      const hit = cache.get(token);
      const now = Date.now();
      if (hit !== undefined && hit.until > now) return hit.record;
      const found = await parameters.store.findTokenBySecretHash(hashToken(token));
      const record = found !== undefined && found.revokedAt === null ? found : undefined;
      if (cache.size > 10_000) cache.clear();
      cache.set(token, { record, until: now + ttl });
      return record;
    },
    invalidate(tokenId) {
      for (const [key, value] of cache) if (value.record?.id === tokenId) cache.delete(key);
    },
  };
}
