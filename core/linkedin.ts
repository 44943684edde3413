/**
 * LinkedIn's "Add to profile" link for a certification, built from the credential:
 * https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=…&organizationName=…
 * &issueYear=…&issueMonth=…&expirationYear=…&expirationMonth=…&certUrl=…&certId=…
 * (LinkedIn's documented add-to-profile parameters; months are 1-12).
 */
import { credentialContent } from "./content.ts";

/** LinkedIn's add-to-profile endpoint. */
export const LINKEDIN_ADD_TO_PROFILE_URL = "https://www.linkedin.com/profile/add";

/** Parameters of {@link linkedInAddToProfileUrl}. */
export type LinkedInAddToProfileUrlParameters = {
  readonly credential: unknown;
  /** The certificate URL shown on the profile: the credential's share link. */
  readonly certificateUrl?: string | undefined;
  /** LinkedIn's numeric organisation id, when the issuer has a LinkedIn page (else the name is used). */
  readonly organizationId?: string | undefined;
};

function yearMonth(value: string | undefined): { year: string; month: string } | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return undefined;
  return { year: String(date.getUTCFullYear()), month: String(date.getUTCMonth() + 1) };
}

/**
 * @example
 * ```ts
 * linkedInAddToProfileUrl({ credential, certificateUrl: "https://verify.example.edu/#c=…" });
 * // "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=Rust+101&…"
 * ```
 */
export function linkedInAddToProfileUrl(parameters: LinkedInAddToProfileUrlParameters): string {
  const content = credentialContent({ credential: parameters.credential });
  const query = new URLSearchParams({ startTask: "CERTIFICATION_NAME" });
  query.set("name", content.achievement.name ?? content.name ?? "Credential");
  if (parameters.organizationId !== undefined) query.set("organizationId", parameters.organizationId);
  else query.set("organizationName", content.issuer.name ?? content.issuer.id ?? "");
  const issued = yearMonth(content.awardedDate ?? content.validFrom);
  if (issued !== undefined) {
    query.set("issueYear", issued.year);
    query.set("issueMonth", issued.month);
  }
  const expires = yearMonth(content.validUntil);
  if (expires !== undefined) {
    query.set("expirationYear", expires.year);
    query.set("expirationMonth", expires.month);
  }
  if (parameters.certificateUrl !== undefined) query.set("certUrl", parameters.certificateUrl);
  if (content.id !== undefined) query.set("certId", content.id);
  return `${LINKEDIN_ADD_TO_PROFILE_URL}?${query.toString()}`;
}
