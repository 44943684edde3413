/**
 * The registry's per-institution role bits (ICredentialRegistry ROLE_ADMIN, ROLE_ANCHORER,
 * ROLE_REVOKER) by name.
 */
import { usageError } from "./errors.ts";

/** Role bits as the registry defines them (constants of the contract's ABI). */
export const roleBits = { admin: 1, anchorer: 2, revoker: 4 } as const;

/** A role's name. */
export type RoleName = keyof typeof roleBits;

/** "admin|revoker" for a bit set; "none" for 0. */
export function describeRoles(roles: number): string {
  const names = (Object.keys(roleBits) as RoleName[]).filter((name) => (roles & roleBits[name]) !== 0);
  return names.length === 0 ? "none" : names.join("|");
}

/** Parses "anchorer", "admin,revoker" or "all" into a bit set; usage error otherwise. */
export function parseRoles(value: string, flag = "--role"): number {
  let bits = 0;
  for (const part of value.split(",").map((item) => item.trim().toLowerCase())) {
    if (part === "all") bits |= roleBits.admin | roleBits.anchorer | roleBits.revoker;
    else if (part in roleBits) bits |= roleBits[part as RoleName];
    else throw usageError(`${flag}: unknown role "${part}".`, "Roles are admin, anchorer, revoker (comma-separated), or all.");
  }
  return bits;
}
