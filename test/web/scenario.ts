/**
 * The credentials the browser tests and the page benchmark look at, issued through the
 * real service on a real Hardhat node: one valid, one revoked (superseded), one
 * suspended, one expired, all in one anchored batch, each with the share link the API
 * returns.
 */
import { createOpenBadgeCredential } from "../../core/openbadge.ts";
import { eventually } from "../server/helpers/chain.ts";
import { startFixture, type Fixture } from "../server/helpers/fixture.ts";

/** The recipients, by role in the tests. */
export const recipients = {
  valid: { name: "Ada Lovelace", email: "ada@example.edu" },
  revoked: { name: "Alan Turing", email: "alan@example.edu" },
  suspended: { name: "Grace Hopper", email: "grace@example.edu" },
  expired: { name: "Edsger Dijkstra", email: "edsger@example.edu" },
} as const;

/** One issued credential. */
export type Issued = { readonly id: string; readonly credential: Record<string, any>; readonly shareLink: string };

/** The running scenario. */
export type Scenario = { readonly fixture: Fixture; readonly issued: Record<keyof typeof recipients, Issued>; stop(): Promise<void> };

function credentialFor(role: keyof typeof recipients): Record<string, unknown> {
  const { name, email } = recipients[role];
  const credential = createOpenBadgeCredential({
    issuer: { id: "did:web:demo.credanchor.local", name: "Demo University", url: "https://demo.credanchor.local/" },
    achievement: {
      id: "https://demo.credanchor.local/achievements/cs-101",
      name: "Introduction to Distributed Systems",
      achievementType: "Course",
      description: "Awarded for completing the 6-ECTS course on consensus, replication and fault tolerance.",
      criteria: { narrative: "Pass the final exam with at least 60% and complete three graded labs." },
      alignment: [
        { type: ["Alignment"], targetName: "Distributed computing", targetUrl: "https://example.org/esco/distributed-computing", targetFramework: "ESCO" },
      ],
      tag: ["consensus", "replication"],
    },
    recipient: { email },
    validFrom: role === "expired" ? "2020-01-01T00:00:00Z" : "2025-09-01T00:00:00Z",
    validUntil: role === "expired" ? "2021-01-01T00:00:00Z" : "2030-09-01T00:00:00Z",
  }) as Record<string, any>;
  // The name in the clear (an IdentityObject with hashed: false), the email only hashed.
  credential.credentialSubject.identifier.push({ type: "IdentityObject", identityType: "name", hashed: false, identityHash: name });
  return credential;
}

/**
 * @example
 * ```ts
 * const scenario = await startScenario();
 * await page.goto(scenario.issued.valid.shareLink);
 * await scenario.stop();
 * ```
 */
export async function startScenario(parameters: { readonly env?: Record<string, string> } = {}): Promise<Scenario> {
  const fixture = await startFixture({ secondInstitution: false, env: parameters.env });
  try {
    const roles = Object.keys(recipients) as (keyof typeof recipients)[];
    const accepted = await fixture.request("POST", "/v1/credentials", {
      body: { credentials: roles.map((role) => ({ clientId: role, credential: credentialFor(role) })) },
    });
    if (accepted.status !== 202) throw new Error(`submitting failed: ${accepted.text}`);
    const ids = accepted.body.credentials.map((entry: { id: string }) => entry.id) as string[];
    await fixture.request("POST", "/v1/batches/close");
    const batch = accepted.body.credentials[0].batch as number;
    await eventually(async () => {
      const { body } = await fixture.request("GET", `/v1/batches/${batch}`);
      return body.state === "anchored" ? true : undefined;
    }, 60_000, "the batch to be anchored");
    const byRole = Object.fromEntries(roles.map((role, i) => [role, ids[i]!])) as Record<keyof typeof recipients, string>;
    const revoke = await fixture.request("POST", "/v1/credentials/revoke", { body: { ids: [byRole.revoked], reasonCode: "superseded" } });
    if (revoke.status !== 200) throw new Error(`revoking failed: ${revoke.text}`);
    const suspend = await fixture.request("POST", "/v1/credentials/suspend", { body: { ids: [byRole.suspended] } });
    if (suspend.status !== 200) throw new Error(`suspending failed: ${suspend.text}`);
    const issued = {} as Record<keyof typeof recipients, Issued>;
    for (const role of roles) {
      const { body } = await fixture.request("GET", `/v1/credentials/${byRole[role]}`);
      issued[role] = { id: byRole[role], credential: body.credential, shareLink: body.shareLink };
    }
    return { fixture, issued, stop: () => fixture.stop() };
  } catch (error) {
    await fixture.stop();
    throw error;
  }
}
