/**
 * Pathways: POST /v1/pathways/definitions checks a definition and returns its hash (the
 * service keeps no copy: every award carries its definition and hash, anchored with it);
 * POST /v1/pathways/awards verifies the holder's components, evaluates the pathway with
 * core (core/pathway/), and submits the award to the ordinary intake, so it is anchored
 * with the institution's next batch like any other credential.
 */
import type { Express, Response } from "express";
import express from "express";

import { CredanchorError } from "../../core/errors.ts";
import { preparePathwayAward } from "../../core/pathway/award.ts";
import { parsePathwayDefinition, type PathwayDefinition, sameInstitution } from "../../core/pathway/definition.ts";
import type { RecipientIdentity } from "../../core/pathway/recipient.ts";
import { issuerMatches } from "../../core/verify/issuerMatches.ts";
import { invalidRequest, notFound, ServiceError } from "../errors.ts";
import { type AuthContext, requireScope } from "../http/auth.ts";
import { bodyObject, onlyKeys, uuidParam } from "../http/params.ts";
import { acceptSubmission } from "../intake.ts";
import type { RouteContext } from "./context.ts";

/** Most components one award (or public pathway verify) request may carry. */
export const MAX_COMPONENTS = 64;

/** Parses the definition and checks that it belongs to the token's institution on this service's chain and registry. */
function ownDefinition(context: RouteContext, auth: AuthContext, value: unknown, path: string): { definition: PathwayDefinition; hash: `0x${string}` } {
  const parsed = parsePathwayDefinition({ definition: value, path });
  const ours = { chain: `eip155:${context.chain.chainId}`, registry: context.chain.registry, institutionId: auth.institution.id };
  if (!sameInstitution(parsed.definition.institution, ours)) {
    throw invalidRequest(
      `${path}.institution`,
      `names institution ${parsed.definition.institution.institutionId} of ${parsed.definition.institution.registry} on ${parsed.definition.institution.chain}, not this token's institution`,
      JSON.stringify(ours),
    );
  }
  // The award is issued in the definition's issuer's name; the verifier's issuer check
  // would fail it later if that is not this institution, so refuse it now.
  if (!issuerMatches({ issuerId: parsed.definition.award.issuer.id, institutionIdentifier: auth.institution.identifier })) {
    throw invalidRequest(`${path}.award.issuer.id`, `is ${parsed.definition.award.issuer.id}, which does not name this institution`, auth.institution.identifier);
  }
  return parsed;
}

/** The optional `$.recipient` of a pathway request (award or public verify): the holder's plaintext identity. */
export function recipientOf(value: unknown): RecipientIdentity | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw invalidRequest("$.recipient", "must be an object", '{ "id"?, "email"?, "name"? }');
  const recipient = value as Record<string, unknown>;
  onlyKeys(recipient, ["id", "email", "name"], "$.recipient");
  for (const key of ["id", "email", "name"] as const) {
    if (recipient[key] !== undefined && (typeof recipient[key] !== "string" || recipient[key] === "")) throw invalidRequest(`$.recipient.${key}`, "must be a non-empty string", "string");
  }
  return recipient as RecipientIdentity;
}

/** Registers the pathway routes. */
export function registerPathwayRoutes(app: Express, context: RouteContext): void {
  const json = express.json({ limit: context.settings.limits.bodyLimitBytes, type: () => true });

  /** A component given as `{ id }`: the institution's own anchored credential, in portable form. */
  async function ownComponent(res: Response, id: unknown, path: string): Promise<Record<string, unknown>> {
    const credentialId = uuidParam(id, path);
    const credential = await context.store.getCredential({ institutionId: requireScope(res, "issue").institution.id, id: credentialId });
    if (credential === undefined) throw notFound("credential", credentialId);
    if (credential.batch.state !== "anchored") {
      throw new ServiceError({ code: "CA_CREDENTIAL_PENDING", message: `${path}: credential ${credentialId} is not anchored yet; a component must be anchored to count.` });
    }
    return context.proofs.portableOf(credential);
  }

  app.post("/v1/pathways/definitions", json, (req, res) => {
    const auth = requireScope(res, "issue");
    const body = bodyObject(req.body);
    onlyKeys(body, ["definition"]);
    const { definition, hash } = ownDefinition(context, auth, body.definition, "$.definition");
    res.json({ format: definition.format, id: definition.id, version: definition.version, hash, definition });
  });

  app.post("/v1/pathways/awards", json, async (req, res) => {
    const auth = requireScope(res, "issue");
    const body = bodyObject(req.body);
    onlyKeys(body, ["definition", "components", "recipient", "clientId"]);
    const { definition } = ownDefinition(context, auth, body.definition, "$.definition");
    if (!Array.isArray(body.components) || body.components.length === 0) throw invalidRequest("$.components", "must be a non-empty array", "portable credentials or { id } of this institution's credentials");
    if (body.components.length > MAX_COMPONENTS) throw invalidRequest("$.components", `has ${body.components.length} entries`, `at most ${MAX_COMPONENTS}`);
    if (body.clientId !== undefined && (typeof body.clientId !== "string" || body.clientId.length === 0 || body.clientId.length > 256)) {
      throw invalidRequest("$.clientId", "must be a string of 1..256 characters", "string");
    }
    const credentials = await Promise.all(
      body.components.map((component: unknown, index: number) => {
        const path = `$.components[${index}]`;
        if (component !== null && typeof component === "object" && !Array.isArray(component) && Object.keys(component).length === 1 && "id" in component) {
          return ownComponent(res, (component as { id: unknown }).id, `${path}.id`);
        }
        return component;
      }),
    );
    const prepared = await preparePathwayAward({
      definition,
      credentials,
      recipient: recipientOf(body.recipient),
      client: context.chain.client,
      allowedChains: context.settings.allowedChainIds?.map((id) => `eip155:${id}`),
      // Components of other institutions count only from this service's registry.
      trustedRegistries: context.chain.trustedRegistries ?? [context.chain.registry],
      requiredConfirmations: context.settings.confirmations,
    });
    const components = prepared.components.map(({ key, name, state, source, reason }) => ({ key, name, state, source: source ?? null, reason }));
    if (!prepared.met) {
      throw new CredanchorError({
        code: "CA_PATHWAY_REQUIREMENTS_NOT_MET",
        message: `The pathway is not met: ${prepared.missing.join("; ")}`,
        details: [
          ...prepared.missing.map((line) => ({ path: "$.components", message: line })),
          ...prepared.components.filter((component) => component.state === "unqualified").map((component) => ({ path: `$.components[${component.candidates[0]!.source}]`, message: component.reason })),
        ],
      });
    }
    const [award] = await acceptSubmission({
      store: context.store,
      pool: context.pool,
      institution: auth.institution,
      submission: { values: [prepared.credential], pathOf: () => "$.award", bulk: false, defaultClientId: body.clientId as string | undefined },
      maxSize: context.settings.batchMaxSize,
      onBatchesFilled: (ids) => context.batcher.notifyFilled(ids),
    });
    context.metrics.credentialsAccepted.inc(award!.existing === undefined ? 1 : 0);
    res.status(202).json({ award, pathway: { id: definition.id, version: definition.version, hash: prepared.definitionHash }, components });
  });
}
