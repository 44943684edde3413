/**
 * The OpenAPI 3.1 document served at /openapi.json, written by hand.
 * test/server/openapi.test.ts checks that every route registered in the express app is
 * documented here and that nothing here is missing from the app.
 */
import { tokenScopes, type TokenScope } from "./store/types.ts";

const error = { $ref: "#/components/responses/Error" };
const hex32 = { type: "string", pattern: "^0x[0-9a-fA-F]{64}$" };
const idParam = (name: string, description: string, schema: Record<string, unknown> = { type: "string", format: "uuid" }) => ({
  name,
  in: "path",
  required: true,
  description,
  schema,
});
const json = (schema: Record<string, unknown>) => ({ content: { "application/json": { schema } } });
const ok = (description: string, schema: Record<string, unknown> = { type: "object" }) => ({ description, ...json(schema) });
/** The scope an operation needs (OpenAPI 3.1 lets a bearer scheme list role names). */
const scoped = (scope: TokenScope) => [{ bearer: [scope] }];
const errors = { "400": error, "401": error, "403": error, "404": error, "429": error };

const statusChangeBody = {
  required: true,
  ...json({
    oneOf: [
      {
        type: "object",
        required: ["ids"],
        additionalProperties: false,
        properties: { ids: { type: "array", items: { type: "string", format: "uuid" }, maxItems: 10000 }, reasonCode: { $ref: "#/components/schemas/ReasonCode" } },
      },
      {
        type: "object",
        required: ["batchId", "leafIndices"],
        additionalProperties: false,
        properties: {
          batchId: { type: "integer", minimum: 1 },
          leafIndices: { type: "array", items: { type: "integer", minimum: 0 }, maxItems: 10000 },
          reasonCode: { $ref: "#/components/schemas/ReasonCode" },
        },
      },
    ],
  }),
};

const statusChange = (action: string) => ({
  post: {
    operationId: `${action}Credentials`,
    summary: `${action[0]!.toUpperCase()}${action.slice(1)} credentials on chain (one transaction per batch touched)`,
    security: scoped("revoke"),
    requestBody: statusChangeBody,
    responses: { "200": ok("Transactions sent and the new statuses", { $ref: "#/components/schemas/StatusChange" }), ...errors, "409": error, "503": error },
  },
});

/** The document. */
export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "credanchor anchoring service",
    version: "1.0.0",
    description:
      "Submit W3C VC 2.0 / Open Badges 3.0 credentials, have them batched and anchored in the CredentialRegistry, and query proofs and live status. Errors are `{ error: { code, message, hints, details? } }`. See server/README.md.",
  },
  servers: [{ url: "http://127.0.0.1:8787" }],
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API token of one institution. Each operation names the scope it needs: read (every GET and POST /v1/verify), issue, revoke or admin; a token holds only the scopes it was created with." } },
    responses: {
      Error: { description: "Error", ...json({ $ref: "#/components/schemas/Error" }) },
    },
    schemas: {
      Error: {
        type: "object",
        required: ["error"],
        properties: {
          error: {
            type: "object",
            required: ["code", "message", "hints"],
            properties: {
              code: { type: "string", examples: ["CA_CREDENTIALS_INVALID"] },
              message: { type: "string" },
              hints: { type: "array", items: { type: "string" } },
              details: {
                type: "array",
                items: {
                  type: "object",
                  properties: { path: { type: "string" }, message: { type: "string" }, expected: { type: "string" }, position: { type: "integer" } },
                },
              },
            },
          },
        },
      },
      CredentialStatus: {
        type: "object",
        required: ["id", "batch", "leafIndex", "lifecycle", "status", "reason", "history", "chainBatchId"],
        properties: {
          id: { type: "string", format: "uuid" },
          batch: { type: "integer" },
          leafIndex: { type: "integer" },
          lifecycle: { type: "string" },
          status: {
            enum: ["pending", "unknownBatch", "valid", "revoked", "suspended", "batchRevoked", "institutionSuspended", "anchoringKeyCompromised"],
            description: "pending before the batch is mined; unknownBatch while the index has not read its anchoring yet",
          },
          reason: {
            type: ["object", "null"],
            description: "The history entry that decided a status other than valid",
            properties: { code: { type: "integer" }, text: { type: "string" }, transactionHash: { type: "string" }, blockNumber: { type: "string" } },
          },
          history: {
            type: "array",
            description: "Every indexed change that bears on the credential, oldest first, whoever sent it",
            items: {
              type: "object",
              required: ["event", "reason", "actor", "at", "blockNumber", "transactionHash"],
              properties: {
                event: { enum: ["revoked", "suspended", "reinstated", "batchRevoked", "institutionSuspended", "institutionReinstated", "anchoringKeyCompromised"] },
                reason: { type: "object", properties: { code: { type: "integer" }, text: { type: "string" } } },
                actor: { type: "string", description: "The account that sent the change" },
                at: { type: "string", format: "date-time", description: "Block time" },
                blockNumber: { type: "integer" },
                transactionHash: { type: "string" },
              },
            },
          },
          chainBatchId: { type: ["string", "null"] },
          confirmations: { type: ["integer", "null"] },
          indexedThrough: { type: ["integer", "null"], description: "The last block the index has read" },
        },
      },
      ReasonCode: { oneOf: [{ type: "integer", minimum: 0, maximum: 65535 }, { type: "string", examples: ["superseded"] }] },
      Credential: {
        type: "object",
        description:
          "A VC 2.0 credential (Open Badges 3.0 OpenBadgeCredential by default), without proof and credentialStatus: when the service signs it, it adds one BitstringStatusListEntry (statusPurpose revocation, a random index in the institution's current status list) before signing. A credential signed elsewhere keeps its own proof and status entry.",
      },
      Envelope: {
        type: "object",
        required: ["credential"],
        additionalProperties: false,
        properties: { clientId: { type: "string", maxLength: 256 }, credential: { $ref: "#/components/schemas/Credential" } },
      },
      Accepted: {
        type: "object",
        description:
          "A stored credential. One the service signs (credanchor-proof-v2) is signed after the 202, before its batch closes: it is answered with status `signing` and without credentialHash and leafHash, which GET /v1/credentials/{id} shows once it is signed.",
        required: ["id", "clientId", "batch", "leafIndex", "status"],
        properties: {
          id: { type: "string", format: "uuid" },
          clientId: { type: ["string", "null"] },
          credentialHash: { ...hex32, description: "Absent while status is `signing`." },
          batch: { type: "integer" },
          leafIndex: { type: "integer" },
          leafHash: { ...hex32, description: "Absent while status is `signing`." },
          status: { enum: ["signing", "queued", "anchoring", "anchored"] },
          existing: { const: true },
        },
      },
      CredentialRecord: {
        type: "object",
        properties: {
          id: { type: "string" },
          status: { enum: ["signing", "queued", "anchoring", "anchored"] },
          batch: { type: "integer" },
          leafIndex: { type: "integer" },
          credentialHash: { type: ["string", "null"], pattern: "^0x[0-9a-f]{64}$", description: "Null while status is `signing` (not signed yet)." },
          leafHash: { type: ["string", "null"], pattern: "^0x[0-9a-f]{64}$", description: "Null while status is `signing`." },
          anchor: { type: ["object", "null"] },
          credential: { type: "object", description: "The portable credential (with proof and credentialStatus) once anchored." },
          shareLink: { type: "string", description: "Once anchored: the verifier page's URL with the whole credential in its fragment (`#c=`, deflate + base64url)." },
        },
      },
      Batch: {
        type: "object",
        properties: {
          id: { type: "integer" },
          state: { enum: ["open", "full", "closed", "sending", "sent", "mined", "anchored"] },
          size: { type: "integer" },
          merkleRoot: { type: ["string", "null"] },
          chainBatchId: { type: ["string", "null"] },
          transaction: { type: ["object", "null"] },
          block: { type: ["object", "null"] },
          confirmations: { type: ["integer", "null"] },
        },
      },
      StatusChange: {
        type: "object",
        properties: {
          action: { type: "string" },
          reasonCode: { type: "integer" },
          transactions: { type: "array", items: { type: "object" } },
          credentials: { type: "array", items: { type: "object" } },
        },
      },
      Token: {
        type: "object",
        properties: {
          id: { type: "string" },
          name: { type: "string" },
          scopes: { type: "array", items: { enum: [...tokenScopes] } },
          token: { type: "string", description: "Only in the creation response." },
        },
      },
    },
  },
  paths: {
    "/healthz": { get: { operationId: "healthz", summary: "The process is up", responses: { "200": ok("Up") } } },
    "/readyz": {
      get: { operationId: "readyz", summary: "Database and RPC reachable", responses: { "200": ok("Ready"), "503": ok("Not ready") } },
    },
    "/metrics": {
      get: { operationId: "metrics", summary: "Prometheus metrics", responses: { "200": { description: "Prometheus text", content: { "text/plain": {} } } } },
    },
    "/openapi.json": { get: { operationId: "openapi", summary: "This document", responses: { "200": ok("OpenAPI 3.1") } } },
    "/.well-known/did.json": {
      get: {
        operationId: "didDocument",
        summary: "did:web DID document of the institution named by the Host header",
        description: "Current and earlier signing keys (public parts) of the did:web DID `did:web:<Host>`, for verifiers resolving issuer signatures. 404 when the service holds no key for that DID.",
        responses: { "200": { description: "DID document", content: { "application/did+json": {} } }, "404": ok("No such DID here") },
      },
    },
    "/{path}/did.json": {
      get: {
        operationId: "pathDidDocument",
        summary: "did:web DID document of a path DID (did:web:<Host>:<segment>:…)",
        description: "`path` is one or more segments joined by `/`, as the did:web method maps the DID's colon-separated path.",
        parameters: [{ name: "path", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "DID document", content: { "application/did+json": {} } }, "404": ok("No such DID here") },
      },
    },
    "/status-lists/{institution}/{list}": {
      get: {
        operationId: "statusList",
        summary: "An institution's W3C Bitstring Status List credential (public, no token)",
        description:
          "The BitstringStatusListCredential (VC 2.0, signed by the institution with eddsa-rdfc-2022) that credentials' `credentialStatus.statusListCredential` names: 131,072 revocation bits, GZIP + multibase base64url in `credentialSubject.encodedList`. The bits mirror the registry event index (a revocation sent by anyone shows up within seconds); suspensions are not in it (credanchor's verifier reads them from the chain). Carries ETag (If-None-Match answers 304) and Cache-Control max-age (CREDANCHOR_STATUS_LIST_MAX_AGE_SECONDS).",
        parameters: [
          { name: "institution", in: "path", required: true, description: "The registry institution id.", schema: { type: "integer", minimum: 0 } },
          { name: "list", in: "path", required: true, description: "The list number (0, 1, …; a full list is followed by the next).", schema: { type: "integer", minimum: 0 } },
        ],
        responses: {
          "200": { description: "The signed status list credential", content: { "application/vc": {} } },
          "304": { description: "Not modified (If-None-Match matched the ETag)" },
          "404": error,
          "503": error,
        },
      },
    },
    "/v1/credentials": {
      post: {
        operationId: "submitCredentials",
        summary: "Submit one credential, a bulk list, or an NDJSON stream",
        description:
          "All or nothing: if any credential is invalid, the request is rejected (422) with the position and JSON path of every problem and nothing is stored. Idempotency key per credential: the envelope's clientId, else the credential's id (single submissions may also send an Idempotency-Key header).",
        security: scoped("issue"),
        parameters: [{ name: "Idempotency-Key", in: "header", required: false, schema: { type: "string" } }],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                oneOf: [
                  { $ref: "#/components/schemas/Credential" },
                  { $ref: "#/components/schemas/Envelope" },
                  {
                    type: "object",
                    required: ["credentials"],
                    additionalProperties: false,
                    properties: {
                      credentials: { type: "array", items: { oneOf: [{ $ref: "#/components/schemas/Credential" }, { $ref: "#/components/schemas/Envelope" }] } },
                    },
                  },
                ],
              },
            },
            "application/x-ndjson": { schema: { type: "string", description: "One credential or envelope per line." } },
          },
        },
        responses: {
          "202": {
            description: "Stored (on disk) and queued; credentials the service signs are answered `signing`, without hashes",
            content: {
              "application/json": { schema: { oneOf: [{ $ref: "#/components/schemas/Accepted" }, { type: "object", properties: { credentials: { type: "array", items: { $ref: "#/components/schemas/Accepted" } } } }] } },
              "application/x-ndjson": { schema: { type: "string" } },
            },
          },
          ...errors,
          "409": error,
          "413": error,
          "415": error,
          "422": error,
        },
      },
    },
    "/v1/credentials/{id}": {
      get: {
        operationId: "getCredential",
        summary: "A credential: portable (with embedded proof) once anchored, else its pending state",
        security: scoped("read"),
        parameters: [idParam("id", "Credential id")],
        responses: { "200": ok("The credential", { $ref: "#/components/schemas/CredentialRecord" }), ...errors },
      },
    },
    "/v1/credentials/by-hash/{hash}": {
      get: {
        operationId: "getCredentialByHash",
        summary: "A credential by its credential hash or leaf hash",
        security: scoped("read"),
        parameters: [idParam("hash", "Credential hash or leaf hash", hex32)],
        responses: { "200": ok("The credential", { $ref: "#/components/schemas/CredentialRecord" }), ...errors },
      },
    },
    "/v1/credentials/{id}/proof": {
      get: {
        operationId: "getCredentialProof",
        summary: "The credanchor-proof-v1 proof and credentialStatus entry of an anchored credential",
        security: scoped("read"),
        parameters: [idParam("id", "Credential id")],
        responses: { "200": ok("Proof"), ...errors, "409": error },
      },
    },
    "/v1/credentials/{id}/status": {
      get: {
        operationId: "getCredentialStatus",
        summary: "Status with its history (actor, reason, time, transaction), from the service's index of the registry's events",
        security: scoped("read"),
        parameters: [idParam("id", "Credential id")],
        responses: { "200": ok("Status", { $ref: "#/components/schemas/CredentialStatus" }), ...errors, "503": error },
      },
    },
    "/v1/credentials/revoke": statusChange("revoke"),
    "/v1/credentials/suspend": statusChange("suspend"),
    "/v1/credentials/reinstate": statusChange("reinstate"),
    "/v1/batches": {
      get: {
        operationId: "listBatches",
        summary: "The institution's batches, newest first",
        security: scoped("read"),
        parameters: [
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 } },
          { name: "before", in: "query", schema: { type: "integer", minimum: 1 } },
        ],
        responses: { "200": ok("Batches", { type: "object", properties: { batches: { type: "array", items: { $ref: "#/components/schemas/Batch" } }, next: { type: ["string", "null"] } } }), ...errors },
      },
    },
    "/v1/batches/{id}": {
      get: {
        operationId: "getBatch",
        summary: "One batch: root, size, state, transaction, block, confirmations",
        security: scoped("read"),
        parameters: [idParam("id", "Batch id", { type: "integer", minimum: 1 })],
        responses: { "200": ok("Batch", { $ref: "#/components/schemas/Batch" }), ...errors },
      },
    },
    "/v1/batches/close": {
      post: {
        operationId: "closeBatch",
        summary: "Close the institution's open batch now",
        security: scoped("issue"),
        responses: { "202": ok("Closed; anchoring follows"), "200": ok("Nothing to close"), ...errors },
      },
    },
    "/v1/batches/{id}/revoke": {
      post: {
        operationId: "revokeBatch",
        summary: "Revoke a whole batch on chain",
        security: scoped("revoke"),
        parameters: [idParam("id", "Batch id", { type: "integer", minimum: 1 })],
        requestBody: { required: false, ...json({ type: "object", additionalProperties: false, properties: { reasonCode: { $ref: "#/components/schemas/ReasonCode" } } }) },
        description:
          "On registry v2 a batch revocation is scheduled: `scheduled.executeAfter` (ISO 8601) says from when it can be executed, and until then an admin of the institution or governance can cancel it (`credanchor cancel batch-revocation`); verifiers report the batch's credentials as pending. It is executed at once when the registry's delay is already over (dev mode).",
        responses: { "200": ok("Transaction and new status (and `scheduled` on registry v2)"), ...errors, "409": error, "503": error },
      },
    },
    "/v1/verify": {
      post: {
        operationId: "verifyCredential",
        summary: "Core's verification report for a portable credential (the CLI's report); no token needed",
        description:
          "Open to anyone: without a token, each client address is rate limited (CREDANCHOR_PUBLIC_VERIFY_PER_SECOND / _BURST); with one, the token's limit applies. The body is bounded by CREDANCHOR_PUBLIC_VERIFY_BODY_BYTES. `?history=1` adds `history`, the credential's status changes read from the registry's events.",
        security: [{}, { bearer: [] }],
        parameters: [{ name: "history", in: "query", required: false, schema: { enum: ["1", "true"] }, description: "Add the status history" }],
        requestBody: { required: true, ...json({ type: "object" }) },
        responses: { "200": ok("Verification report"), ...errors, "413": error },
      },
    },
    "/v1/pathways/verify": {
      post: {
        operationId: "verifyPathwayAward",
        summary: "Core's pathway award report with its stack tree (what `credanchor pathway verify --json` prints); no token needed",
        description:
          "The page's stacked-credentials panel uses it when the site names no RPC endpoint. Same gate as /v1/verify: without a token the client address's bucket (shared with /v1/verify) pays, with one the token's limit applies; the body is bounded by CREDANCHOR_PUBLIC_VERIFY_BODY_BYTES. Only this deployment's registry is trusted. A failing award is a 200 with `status` other than valid; a malformed request is a 400 naming the field.",
        security: [{}, { bearer: [] }],
        requestBody: {
          required: true,
          ...json({
            type: "object",
            required: ["award", "components"],
            additionalProperties: false,
            properties: {
              award: { type: "object", description: "the portable pathway award" },
              components: { type: "array", maxItems: 64, items: { type: "object" }, description: "the portable component credentials it stacks" },
              definition: { type: "object", description: "the pathway definition as the verifier has it (optional): it must be the one the award met" },
              recipient: { type: "object", properties: { id: { type: "string" }, email: { type: "string" }, name: { type: "string" } }, additionalProperties: false, description: "the holder's plaintext identity, to check hashed identifiers (optional)" },
            },
          }),
        },
        responses: { "200": ok("Pathway award report and its stack tree"), ...errors, "413": error },
      },
    },
    "/v1/pathways/progress": {
      post: {
        operationId: "pathwayProgress",
        summary: "Core's progress report for a holder's credentials towards a pathway definition (`missing`: \"2 of 3: SQL Basics missing\"); no token needed",
        description:
          "The page's stacked-credentials panel uses it when the site names no RPC endpoint. Same gate, body cap and trusted registries as /v1/pathways/verify. A credential that does not count (revoked, untrusted registry, other recipient) is a 200 with that component not met; a malformed body is a 400 naming the field, a malformed definition a 422 CA_PATHWAY_DEFINITION_INVALID naming it.",
        security: [{}, { bearer: [] }],
        requestBody: {
          required: true,
          ...json({
            type: "object",
            required: ["definition", "credentials"],
            additionalProperties: false,
            properties: {
              definition: { type: "object", description: "the credanchor-pathway-v1 definition" },
              credentials: { type: "array", maxItems: 64, items: { type: "object" }, description: "the holder's portable credentials" },
              recipient: { type: "object", properties: { id: { type: "string" }, email: { type: "string" }, name: { type: "string" } }, additionalProperties: false, description: "the holder's plaintext identity, to match hashed identifiers (optional; default the subject id all credentials share)" },
            },
          }),
        },
        responses: { "200": ok("Progress report: met, missing, each component's state and reason"), ...errors, "413": error },
      },
    },
    "/v1/pathways/definitions": {
      post: {
        operationId: "checkPathwayDefinition",
        summary: "Check a credanchor-pathway-v1 definition of your institution and answer its hash (awards carry the definition)",
        security: scoped("issue"),
        requestBody: { required: true, ...json({ type: "object", required: ["definition"], additionalProperties: false, properties: { definition: { type: "object" } } }) },
        responses: { "200": ok("The definition, its id, version and hash"), ...errors },
      },
    },
    "/v1/pathways/awards": {
      post: {
        operationId: "awardPathway",
        summary: "Verify a holder's components, evaluate the pathway and queue the award for anchoring; 422 says what is missing",
        security: scoped("issue"),
        requestBody: {
          required: true,
          ...json({
            type: "object",
            required: ["definition", "components"],
            additionalProperties: false,
            properties: {
              definition: { type: "object" },
              components: { type: "array", items: { type: "object" }, description: "portable credentials, or { id } of your institution's anchored credentials" },
              recipient: { type: "object", properties: { id: { type: "string" }, email: { type: "string" }, name: { type: "string" } }, additionalProperties: false },
              clientId: { type: "string" },
            },
          }),
        },
        responses: { "202": ok("The queued award (as POST /v1/credentials answers), the pathway hash and each component's state"), ...errors },
      },
    },
    "/": {
      get: {
        operationId: "verifierPage",
        summary: "The public verifier page (HTML; its scripts are under /assets/)",
        security: [],
        responses: { "200": { description: "The page", content: { "text/html": {} } }, "503": error },
      },
    },
    "/config.json": {
      get: {
        operationId: "verifierConfig",
        summary: "The verifier page's configuration: chain (CAIP-2), trusted registries (v1 and v2), the anchoring registry, verify endpoint, public URL",
        security: [],
        responses: { "200": ok("Site configuration") },
      },
    },
    "/v1/tokens": {
      post: {
        operationId: "createToken",
        summary: "Create an API token for your institution (admin scope); the secret is shown once",
        security: scoped("admin"),
        requestBody: {
          required: true,
          ...json({
            type: "object",
            required: ["name", "scopes"],
            additionalProperties: false,
            properties: { name: { type: "string" }, scopes: { type: "array", items: { enum: [...tokenScopes] } } },
          }),
        },
        responses: { "201": ok("Created", { $ref: "#/components/schemas/Token" }), ...errors },
      },
      get: {
        operationId: "listTokens",
        summary: "Your institution's tokens (no secrets)",
        security: scoped("admin"),
        responses: { "200": ok("Tokens"), ...errors },
      },
    },
    "/v1/tokens/{id}": {
      delete: {
        operationId: "revokeToken",
        summary: "Revoke a token",
        security: scoped("admin"),
        parameters: [idParam("id", "Token id")],
        responses: { "204": { description: "Revoked" }, ...errors },
      },
    },
    "/v1/batches/{id}/hosted-pages": {
      post: {
        operationId: "enableHostedPages",
        summary: "Open a batch's credentials to hosted public pages (/c/{id}); GET /v1/credentials/{id} then gives each page and its holder's withdraw link",
        security: scoped("issue"),
        parameters: [idParam("id", "Batch id", { type: "integer", minimum: 1 })],
        responses: { "200": ok("The batch, now open to hosted pages"), ...errors },
      },
    },
    "/c/{id}": {
      get: {
        operationId: "hostedCredentialPage",
        summary: "A credential's hosted page: the verifier page, verifying it in the browser; 404 without a page, 410 once its holder withdrew it",
        security: [],
        parameters: [idParam("id", "Credential id")],
        responses: { "200": { description: "The page", content: { "text/html": {} } }, "404": { description: "No such page", content: { "text/html": {} } }, "410": { description: "Withdrawn", content: { "text/html": {} } } },
      },
    },
    "/c/{id}/credential.json": {
      get: {
        operationId: "hostedCredential",
        summary: "The portable credential a hosted page shows, as { credential }",
        security: [],
        parameters: [idParam("id", "Credential id")],
        responses: { "200": ok("The portable credential"), "404": error, "410": error },
      },
    },
    "/c/{id}/withdraw": {
      post: {
        operationId: "withdrawHostedPage",
        summary: "The holder takes their hosted page down for good, with the secret of their withdraw link (#withdraw=…)",
        security: [],
        parameters: [idParam("id", "Credential id")],
        requestBody: { required: true, ...json({ type: "object", required: ["secret"], properties: { secret: { type: "string" } } }) },
        responses: { "200": ok("Withdrawn (again: the first time is kept)"), "403": error, "404": error },
      },
    },
  },
} as const;
