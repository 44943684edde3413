/**
 * Bearer-token authentication and scope checks. The authenticated token and its
 * institution live in `res.locals.auth` for the routes.
 */
import type { NextFunction, Request, Response } from "express";

import { ServiceError } from "../errors.ts";
import type { InstitutionRow, Store, TokenRow, TokenScope } from "../store/types.ts";
import type { TokenAuthenticator } from "../tokens.ts";

/** What a route knows about its caller. */
export type AuthContext = { readonly token: TokenRow; readonly institution: InstitutionRow };

/** The caller of a /v1 route (set by {@link authenticate}). */
export function authOf(res: Response): AuthContext {
  return res.locals.auth as AuthContext;
}

/** Throws 403 unless `token` has `scope` (also used by the proof fast path). */
export function requireTokenScope(token: TokenRow, scope: TokenScope): void {
  if (!token.scopes.includes(scope)) {
    throw new ServiceError({
      code: "CA_FORBIDDEN_SCOPE",
      message: `This request needs a token with the "${scope}" scope; this token has ${token.scopes.map((s) => `"${s}"`).join(", ")}.`,
    });
  }
}

/** Throws 403 unless the caller's token has `scope`. */
export function requireScope(res: Response, scope: TokenScope): AuthContext {
  const auth = authOf(res);
  requireTokenScope(auth.token, scope);
  return auth;
}

/** How long an institution's record (its status) is cached by the authenticator. */
export const INSTITUTION_TTL_MS = 2_000;

/** Resolves an Authorization header to its token and institution (shared with fastPath.ts). */
export type Authenticator = (header: string | undefined) => Promise<AuthContext>;

/**
 * 401 unless `header` is `Bearer <token>` naming a live token.
 *
 * @example
 * ```ts
 * const authenticateHeader = createAuthenticator({ tokens, store });
 * const { token, institution } = await authenticateHeader(req.headers.authorization);
 * ```
 */
export function createAuthenticator(parameters: { readonly tokens: TokenAuthenticator; readonly store: Store }): Authenticator {
  // Cached briefly, as tokens are: an operator disabling an institution (another process,
  // server/admin.ts) takes effect within INSTITUTION_TTL_MS.
  const institutions = new Map<number, { row: InstitutionRow; until: number }>();
  return async (header) => {
    if (header === undefined) {
      throw new ServiceError({ code: "CA_UNAUTHENTICATED", message: "Missing Authorization header." });
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null) {
      throw new ServiceError({ code: "CA_UNAUTHENTICATED", message: "The Authorization header must be `Bearer <token>`." });
    }
    const token = await parameters.tokens.authenticate(match[1]!);
    if (token === undefined) {
      throw new ServiceError({ code: "CA_UNAUTHENTICATED", message: "Unknown or revoked API token." });
    }
    const now = Date.now();
    let institution = institutions.get(token.institutionId);
    if (institution === undefined || institution.until <= now) {
      const row = await parameters.store.getInstitution(token.institutionId);
      if (row === undefined) throw new ServiceError({ code: "CA_UNAUTHENTICATED", message: "The token's institution is unknown." });
      institution = { row, until: now + INSTITUTION_TTL_MS };
      institutions.set(token.institutionId, institution);
    }
    if (institution.row.status === "disabled") {
      throw new ServiceError({ code: "CA_INSTITUTION_DISABLED", message: `Institution ${institution.row.id} (${institution.row.name}) is disabled in this service.` });
    }
    return { token, institution: institution.row };
  };
}

/**
 * Middleware: 401 unless `Authorization: Bearer <token>` names a live token.
 *
 * @example
 * ```ts
 * app.use("/v1", authenticate(createAuthenticator({ tokens, store })));
 * ```
 */
export function authenticate(authenticator: Authenticator) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    res.locals.auth = await authenticator(req.headers.authorization);
    next();
  };
}
