/**
 * The scenario, shared by the server, CLI and browser pathway tests: "Data Analytics
 * Certificate = SQL Basics + Python for Data + one of {Tableau, Power BI}", awarded by the
 * university (institution a) from its own courses and the academy's (institution b) BI badges.
 */
import { createOpenBadgeCredential } from "../../../core/openbadge.ts";

/** Each component's achievement id: the badge a test issues and the definition names. */
export const dataAnalyticsAchievement = (key: string): string => `https://courses.example/${key}`;

/** A component badge of the scenario, for a recipient (a subject id or an email, hashed by core). */
export function dataAnalyticsBadge(parameters: {
  readonly issuer: { readonly identifier: string; readonly name: string };
  readonly key: string;
  readonly name?: string | undefined;
  readonly recipient: { readonly id: string } | { readonly email: string };
}) {
  const { issuer, key, recipient } = parameters;
  const name = parameters.name ?? key;
  return createOpenBadgeCredential({
    issuer: { id: issuer.identifier, name: issuer.name },
    achievement: { id: dataAnalyticsAchievement(key), name, description: `${name}.`, criteria: { narrative: "Passed." } },
    recipient,
    validFrom: "2026-01-05T00:00:00Z",
  });
}

/** The pathway definition (credanchor-pathway-v1) of the scenario. */
export function dataAnalyticsPathway(parameters: {
  readonly id: string;
  readonly revocationPolicy: "components-must-stay-valid" | "award-stands";
  readonly chain: string;
  readonly registry: string;
  readonly university: { readonly id: number; readonly identifier: string; readonly name: string };
  readonly academyId: number;
}) {
  const { id, revocationPolicy, chain, registry, university, academyId } = parameters;
  const academy = { chain, registry, institutionId: academyId };
  return {
    format: "credanchor-pathway-v1",
    id,
    version: 1,
    name: "Data Analytics Certificate",
    institution: { chain, registry, institutionId: university.id },
    award: {
      issuer: { id: university.identifier, name: university.name },
      achievement: { id: "https://demo.example/badges/data-analytics", name: "Data Analytics Certificate", description: "SQL, Python, a BI tool." },
    },
    components: [
      { key: "sql", name: "SQL Basics", achievement: dataAnalyticsAchievement("sql") },
      { key: "python", name: "Python for Data", achievement: dataAnalyticsAchievement("python") },
      { key: "tableau", name: "Tableau", achievement: dataAnalyticsAchievement("tableau"), institution: academy },
      { key: "powerbi", name: "Power BI", achievement: dataAnalyticsAchievement("powerbi"), institution: academy },
    ],
    requirements: { allOf: ["sql", "python", { nOf: 1, of: ["tableau", "powerbi"] }] },
    revocationPolicy,
  };
}
