/**
 * Reason codes carried by every on-chain status change (uint16 in the registry's events).
 *
 * 0-99 are credanchor's standard codes, modelled on the X.509 CRL reason codes that PKI
 * users already know; 100-65535 are free for institutions to define. The table is the
 * single source for the service, the CLI and the verifier's messages (docs/REASON_CODES.md
 * mirrors it for readers).
 */
export const reasonCodes = {
  0: { name: "unspecified", label: "no reason given" },
  1: { name: "issuedInError", label: "issued in error" },
  2: { name: "superseded", label: "superseded by a newer credential" },
  3: { name: "keyCompromise", label: "the issuing key was compromised" },
  4: { name: "affiliationChanged", label: "the holder's affiliation changed" },
  5: { name: "misconduct", label: "academic or professional misconduct" },
  6: { name: "holderRequest", label: "withdrawn at the holder's request" },
  7: { name: "requirementsNotMet", label: "the award's requirements were found not met" },
  8: { name: "underInvestigation", label: "under investigation" },
  9: { name: "administrativeHold", label: "administrative hold" },
  10: { name: "cleared", label: "cleared after review" },
} as const satisfies Record<number, { readonly name: string; readonly label: string }>;

/** A standard reason code's name, e.g. `"superseded"`. */
export type ReasonName = (typeof reasonCodes)[keyof typeof reasonCodes]["name"];

/** The largest value a reason code can take on-chain (uint16). */
export const MAX_REASON_CODE = 65_535;

/**
 * Human-readable text for a reason code.
 *
 * @example
 * describeReason(2) // "superseded by a newer credential (reason 2)"
 * describeReason(140) // "institution-defined reason 140"
 */
export function describeReason(code: number): string {
  const entry = (reasonCodes as Record<number, { name: string; label: string } | undefined>)[code];
  return entry === undefined ? `institution-defined reason ${code}` : `${entry.label} (reason ${code})`;
}

/**
 * Turns a reason given as a number or a standard name into its code, or undefined when it
 * is neither (callers report the error in their own terms: API field, CLI flag).
 *
 * @example
 * parseReason("superseded") // 2
 * parseReason("140") // 140
 */
export function parseReason(value: string | number): number | undefined {
  if (typeof value === "number" || /^\d+$/.test(value)) {
    const code = Number(value);
    return Number.isInteger(code) && code >= 0 && code <= MAX_REASON_CODE ? code : undefined;
  }
  for (const [code, entry] of Object.entries(reasonCodes)) {
    if (entry.name === value) return Number(code);
  }
  return undefined;
}
