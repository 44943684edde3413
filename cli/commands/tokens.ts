/**
 * `credanchor tokens create|list|revoke`: the service's API tokens. Through the service's
 * API with an admin-scoped token (for the token's own institution), or with --db straight
 * in the service's SQLite database (the way to make the first token of an institution,
 * with the service running or not), through the service's admin module (server/admin.ts).
 */
import type { Command } from "commander";

import { withAdmin } from "../lib/admin.ts";
import { type Runtime, action, withHelp } from "../lib/command.ts";
import { institutionId as institutionFromConfig, serviceConfig } from "../lib/config.ts";
import { usageError } from "../lib/errors.ts";
import type { Output } from "../lib/output.ts";
import { createServiceClient } from "../lib/service.ts";

type TokenFlags = {
  readonly service?: string;
  readonly token?: string;
  readonly db?: string;
  readonly institution?: string;
  readonly scopes: string;
  readonly name?: string;
};

/** A token as listed (never its secret). */
type TokenView = { id: string; institutionId?: number; name: string; scopes: readonly string[]; createdAt: string; revokedAt: string | null };

const scopeNames = ["read", "issue", "revoke", "admin"] as const;
type Scope = (typeof scopeNames)[number];

function parseScopes(value: string): Scope[] {
  const scopes = value.split(",").map((item) => item.trim().toLowerCase()).filter((item) => item !== "");
  const unknown = scopes.filter((scope) => !(scopeNames as readonly string[]).includes(scope));
  if (scopes.length === 0 || unknown.length > 0) {
    throw usageError(`--scopes: ${unknown.length > 0 ? `unknown scope "${unknown[0]}"` : "empty"}.`, `Scopes: ${scopeNames.join(", ")} (comma-separated).`);
  }
  return [...new Set(scopes)] as Scope[];
}

export function registerTokensCommands(program: Command, runtime: Runtime): void {
  const group = program.command("tokens").description("create, list and revoke the service's API tokens");
  const common = (command: Command) =>
    command
      .option("--db <file>", "the service's SQLite database (e.g. data/credanchor.db): manage tokens directly")
      .option("--institution <id>", "with --db: the institution (env CREDANCHOR_INSTITUTION_ID)")
      .option("--service <url>", "anchoring service URL (env CREDANCHOR_SERVICE_URL)")
      .option("--token <token>", "an admin-scoped API token of the institution (env CREDANCHOR_TOKEN)");
  const create = common(
    group
      .command("create")
      .description("create a token; its secret is printed once, never stored in clear")
      .option("--scopes <list>", "read, issue, revoke, admin (comma-separated; read: every GET and verify)", "read,issue")
      .option("--name <label>", "a label to recognise the token by", "cli"),
  );
  const list = common(group.command("list").description("list tokens (never their secrets)"));
  const revoke = common(group.command("revoke <tokenId>").description("revoke a token at once"));
  const env = ["CREDANCHOR_SERVICE_URL", "CREDANCHOR_TOKEN", "CREDANCHOR_INSTITUTION_ID"] as const;
  withHelp(create, {
    examples: [
      "credanchor tokens create --db data/credanchor.db --institution 1 --scopes admin --name registrar  # the first token",
      "credanchor tokens create --scopes issue,revoke --name ci      # through the service, with an admin token",
      "credanchor tokens create --scopes issue --json | jq -r .token",
    ],
    env: [...env],
  });
  withHelp(list, { examples: ["credanchor tokens list", "credanchor tokens list --db data/credanchor.db --json"], env: [...env] });
  withHelp(revoke, { examples: ["credanchor tokens revoke 6f1c2d0e-…", "credanchor tokens revoke 6f1c2d0e-… --db data/credanchor.db --institution 1"], env: [...env] });

  create.action(
    action(runtime, async (out, flags: TokenFlags) => {
      const scopes = parseScopes(flags.scopes);
      const name = flags.name ?? "cli";
      const created =
        flags.db !== undefined
          ? await withAdmin(flags.db, async (admin) => {
              const { token, record } = await admin.createToken({ institutionId: institutionFromConfig(flags.institution)!, scopes, name });
              return { ...viewOf(record), token };
            })
          : (await client(flags).request<TokenView & { token: string }>("POST", "/v1/tokens", { body: { name, scopes } })).body;
      out.result(created);
      out.line(`${out.paint("green", "✔")} Token "${created.name}" (${created.scopes.join(", ")}) created: ${created.id}`);
      out.line(`  ${created.token}`);
      out.line("This secret is shown once; store it now (e.g. as CREDANCHOR_TOKEN in your CI's secrets).");
    }),
  );
  list.action(
    action(runtime, async (out, flags: TokenFlags) => {
      const tokens =
        flags.db !== undefined
          ? (await withAdmin(flags.db, (admin) => admin.listTokens({ institutionId: institutionFromConfig(flags.institution, { required: false }) }))).map(viewOf)
          : (await client(flags).request<{ tokens: TokenView[] }>("GET", "/v1/tokens")).body.tokens;
      printTokens(out, tokens);
    }),
  );
  revoke.action(
    action(runtime, async (out, id: string, flags: TokenFlags) => {
      if (flags.db !== undefined) {
        await withAdmin(flags.db, (admin) => admin.revokeToken({ institutionId: institutionFromConfig(flags.institution)!, id }));
      } else {
        await client(flags).request("DELETE", `/v1/tokens/${encodeURIComponent(id)}`);
      }
      out.result({ id, revoked: true });
      out.line(`${out.paint("green", "✔")} Token ${id} revoked.`);
    }),
  );
}

function client(flags: TokenFlags) {
  const config = serviceConfig(flags);
  if (config.token === undefined) {
    throw usageError("Managing tokens through the service needs an admin-scoped token (--token or CREDANCHOR_TOKEN).", "Or use --db <the service's database file>.");
  }
  return createServiceClient(config);
}

function viewOf(row: { id: string; institutionId: number; name: string; scopes: readonly string[]; createdAt: number; revokedAt: number | null }): TokenView {
  return {
    id: row.id,
    institutionId: row.institutionId,
    name: row.name,
    scopes: row.scopes,
    createdAt: new Date(row.createdAt).toISOString(),
    revokedAt: row.revokedAt === null ? null : new Date(row.revokedAt).toISOString(),
  };
}

function printTokens(out: Output, tokens: readonly TokenView[]): void {
  out.result({ tokens });
  out.line(`${tokens.length} token${tokens.length === 1 ? "" : "s"}`);
  for (const token of tokens) {
    const state = token.revokedAt === null ? "active" : `revoked ${token.revokedAt}`;
    out.line(`  ${token.id}  ${token.name.padEnd(16)} ${token.scopes.join(",").padEnd(18)} ${token.institutionId === undefined ? "" : `institution ${token.institutionId}  `}${state}`);
  }
}
