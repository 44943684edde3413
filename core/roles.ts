/**
 * Facts of the registry's on-chain interface that off-chain code needs as numbers: the
 * per-institution role bits (ICredentialRegistry ROLE_ADMIN, ROLE_ANCHORER, ROLE_REVOKER)
 * and the off-chain format version written with every anchored root. Defined here once;
 * the service, the CLI, the scripts and the tests import them.
 */

/** Role bits as the registry defines them (its ROLE_* constants). */
export const roleBits = { admin: 1, anchorer: 2, revoker: 4 } as const;

/** A role's name. */
export type RoleName = keyof typeof roleBits;

/** Every role bit set. */
export const ALL_ROLES = roleBits.admin | roleBits.anchorer | roleBits.revoker;

/**
 * Names of the roles in a bit set, in bit order.
 *
 * @example
 * roleNames(5) // ["admin", "revoker"]
 */
export function roleNames(roles: number): RoleName[] {
  return (Object.keys(roleBits) as RoleName[]).filter((name) => (roles & roleBits[name]) !== 0);
}

/**
 * A bit set as text: "admin|revoker", or "none" for 0.
 *
 * @example
 * describeRoles(6) // "anchorer|revoker"
 */
export function describeRoles(roles: number): string {
  const names = roleNames(roles);
  return names.length === 0 ? "none" : names.join("|");
}

/**
 * `formatVersion` of every anchored batch (AnchorRequest.formatVersion, BatchAnchored):
 * 1 = leaves and proofs as `credanchor-proof-v1` describes them.
 */
export const ANCHOR_FORMAT_VERSION = 1;
