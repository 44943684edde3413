/**
 * The registry's per-institution role bits (ICredentialRegistry ROLE_ADMIN, ROLE_ANCHORER,
 * ROLE_REVOKER) by name; the bits themselves are core's (core/roles.ts).
 */
import { ALL_ROLES, type RoleName, describeRoles, roleBits } from "../../core/roles.ts";
import { usageError } from "./errors.ts";

export { describeRoles, roleBits, type RoleName };

/** Parses "anchorer", "admin,revoker" or "all" into a bit set; usage error otherwise. */
export function parseRoles(value: string, flag = "--role"): number {
  let bits = 0;
  for (const part of value.split(",").map((item) => item.trim().toLowerCase())) {
    if (part === "all") bits |= ALL_ROLES;
    else if (part in roleBits) bits |= roleBits[part as RoleName];
    else throw usageError(`${flag}: unknown role "${part}".`, "Roles are admin, anchorer, revoker (comma-separated), or all.");
  }
  return bits;
}
