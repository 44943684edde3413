/**
 * The "Data Analytics Certificate" scenario on a real chain (Hardhat's in-process EDR
 * network): one registry, two institutions (a university and a BI academy), components
 * issued and anchored in batches through the real registry, and a definition
 * "SQL Basics + Python for Data + one of {Tableau, Power BI}".
 */
import { network } from "hardhat";
import { type PublicClient, createPublicClient, custom } from "viem";

import { buildBatch } from "../../core/batch.ts";
import { createOpenBadgeCredential, type RecipientInput } from "../../core/openbadge.ts";
import { attachProof } from "../../core/proof.ts";

export const UNIVERSITY = { id: "did:web:uni.example", name: "Example University" };
export const ACADEMY = { id: "did:web:bi.example", name: "BI Academy" };

export const ACHIEVEMENTS = {
  sql: { id: "https://uni.example/badges/sql-basics", name: "SQL Basics", description: "Queries and joins.", criteria: { narrative: "Passed the SQL exam." } },
  python: { id: "https://uni.example/badges/python-data", name: "Python for Data", description: "pandas and plots.", criteria: { narrative: "Passed the project." } },
  tableau: { id: "https://bi.example/badges/tableau", name: "Tableau", description: "Dashboards in Tableau.", criteria: { narrative: "Built a dashboard." } },
  powerbi: { id: "https://bi.example/badges/power-bi", name: "Power BI", description: "Reports in Power BI.", criteria: { narrative: "Built a report." } },
} as const;

export const { ethers, networkHelpers, provider } = await network.create();
const [governor, uniAdmin, academyAdmin, anchorer, revoker] = await ethers.getSigners();
export const client = createPublicClient({ transport: custom(provider) }) as PublicClient;

/** Registry with the university as institution 1 and the academy as institution 2. */
export async function deployPathwayFixture() {
  const registry = await (await ethers.getContractFactory("CredentialRegistry")).deploy(governor!.address, 0);
  await registry.registerInstitution(UNIVERSITY.name, UNIVERSITY.id, "", ethers.ZeroHash, uniAdmin!.address);
  await registry.registerInstitution(ACADEMY.name, ACADEMY.id, "", ethers.ZeroHash, academyAdmin!.address);
  await registry.connect(uniAdmin).grantRoles(1, anchorer!.address, 2);
  await registry.connect(uniAdmin).grantRoles(1, revoker!.address, 4);
  await registry.connect(academyAdmin).grantRoles(2, anchorer!.address, 2);
  await registry.connect(academyAdmin).grantRoles(2, revoker!.address, 4);
  const address = (await registry.getAddress()) as `0x${string}`;
  const institution = (institutionId: number) => ({ chain: "eip155:31337", registry: address, institutionId });
  return { registry, address, institution };
}
export type PathwayFixture = Awaited<ReturnType<typeof deployPathwayFixture>>;

/** The definition of the scenario (policy and window adjustable). */
export function dataAnalyticsDefinition(fixture: PathwayFixture, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format: "credanchor-pathway-v1",
    id: "https://uni.example/pathways/data-analytics",
    version: 1,
    name: "Data Analytics Certificate",
    institution: fixture.institution(1),
    award: {
      issuer: UNIVERSITY,
      achievement: {
        id: "https://uni.example/badges/data-analytics",
        name: "Data Analytics Certificate",
        description: "SQL, Python and one BI tool.",
        criteria: { narrative: "SQL Basics, Python for Data, and Tableau or Power BI." },
      },
    },
    components: [
      { key: "sql", name: "SQL Basics", achievement: ACHIEVEMENTS.sql.id },
      { key: "python", name: "Python for Data", achievement: ACHIEVEMENTS.python.id },
      { key: "tableau", name: "Tableau", achievement: ACHIEVEMENTS.tableau.id, institution: fixture.institution(2) },
      { key: "powerbi", name: "Power BI", achievement: ACHIEVEMENTS.powerbi.id, institution: fixture.institution(2) },
    ],
    requirements: { allOf: ["sql", "python", { nOf: 1, of: ["tableau", "powerbi"] }] },
    revocationPolicy: "award-stands",
    ...overrides,
  };
}

type Recipe = { readonly achievement: keyof typeof ACHIEVEMENTS | Record<string, unknown>; readonly recipient: RecipientInput; readonly validFrom?: string };

/** Anchors `credentials` (built from recipes, or given) as one batch of `institutionId`; returns the portable ones and the batch id. */
export async function anchorBatch(fixture: PathwayFixture, institutionId: 1 | 2, items: readonly (Recipe | Record<string, unknown>)[]) {
  const issuer = institutionId === 1 ? UNIVERSITY : ACADEMY;
  const credentials = items.map((item) =>
    "recipient" in item && !("credentialSubject" in item)
      ? createOpenBadgeCredential({
          issuer,
          achievement: typeof item.achievement === "string" ? ACHIEVEMENTS[item.achievement as keyof typeof ACHIEVEMENTS] : (item.achievement as never),
          recipient: item.recipient as RecipientInput,
          validFrom: (item as Recipe).validFrom ?? "2026-01-05T00:00:00Z",
        })
      : (item as Record<string, unknown>),
  ) as Record<string, unknown>[];
  const batch = buildBatch({ credentials });
  const tx = await fixture.registry
    .connect(anchorer)
    .anchor(institutionId, { merkleRoot: batch.merkleRoot, leafCount: batch.leafCount, formatVersion: 1, manifestHash: ethers.ZeroHash });
  const receipt = (await tx.wait())!;
  const block = (await ethers.provider.getBlock(receipt.blockNumber))!;
  const portable = batch.entries.map((entry, i) =>
    attachProof({
      credential: credentials[i]!,
      anchor: {
        chain: 31337,
        registry: fixture.address,
        institutionId,
        merkleRoot: batch.merkleRoot,
        leafCount: batch.leafCount,
        ...entry,
        anchorTransaction: receipt.hash as `0x${string}`,
        anchorBlock: receipt.blockNumber,
        created: new Date(block.timestamp * 1000),
      },
    }) as Record<string, unknown>,
  );
  const batchId = (await fixture.registry.batchIdOf(institutionId, batch.merkleRoot)) as string;
  return { portable, batchId };
}

/** Revokes leaf `leafIndex` of `batchId` (reason 2, superseded). */
export async function revoke(fixture: PathwayFixture, batchId: string, leafIndex: number): Promise<void> {
  await (await fixture.registry.connect(revoker).revokeCredentials(batchId, [leafIndex], 2)).wait();
}
