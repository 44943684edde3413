/**
 * `credanchor service institution add|list|disable|enable`: the operator of an anchoring
 * service onboards the institutions it issues for, in the service's database (running or
 * not), through the service's admin module (server/admin.ts).
 */
import type { Command } from "commander";

import type { InstitutionRow } from "../../server/admin.ts";
import { withAdmin } from "../lib/admin.ts";
import { connect, resolveRegistry } from "../lib/chain.ts";
import { type ChainFlags, type Runtime, action, addChainOptions, addressArg, parseIntFlag, withHelp } from "../lib/command.ts";
import { chainConfig, serviceDbPath } from "../lib/config.ts";
import type { Output } from "../lib/output.ts";

type DbFlags = { readonly db?: string };
type AddFlags = DbFlags & ChainFlags & { readonly anchorer?: string; readonly revoker?: string };

/** An institution as the commands print it. */
type InstitutionView = {
  id: number;
  name: string;
  identifier: string;
  status: string;
  keys: { anchorer: string | null; revoker: string | null; signingKey: string | null };
  onboardedAt: string;
};

function viewOf(row: InstitutionRow): InstitutionView {
  return {
    id: row.id,
    name: row.name,
    identifier: row.identifier,
    status: row.status,
    keys: { ...row.keys },
    onboardedAt: new Date(row.createdAt).toISOString(),
  };
}

function institutionArg(value: string): number {
  return parseIntFlag(value, "institution id", { min: 1, max: 0xffffff });
}

export function registerServiceCommands(program: Command, runtime: Runtime): void {
  const group = program.command("service").description("operate an anchoring service: the institutions it issues for");
  const institution = group.command("institution").description("onboard, list, disable and enable the service's institutions");
  const dbOption = (command: Command) =>
    command.option("--db <file>", "the service's SQLite database (env CREDANCHOR_DB_PATH, default data/credanchor.db)");
  const env = ["CREDANCHOR_DB_PATH", "CREDANCHOR_RPC_URL", "CREDANCHOR_REGISTRY_ADDRESS"] as const;

  const add = dbOption(
    addChainOptions(
      institution
        .command("add <id>")
        .description("onboard an institution registered on chain: checks the service's keys hold their roles in it")
        .option("--anchorer <address>", "the service's anchorer address (default: recorded by the service at start-up)")
        .option("--revoker <address>", "the service's revoker address (default: recorded by the service at start-up)"),
    ),
  );
  withHelp(add, {
    examples: [
      "credanchor service institution add 2 --db /var/lib/credanchor/credanchor.db --rpc https://rpc.example.org",
      "credanchor tokens create --db /var/lib/credanchor/credanchor.db --institution 2 --scopes admin   # then its first token",
    ],
    env: [...env],
  });
  add.action(
    action(runtime, async (out, id: string, flags: AddFlags) => {
      const institutionId = institutionArg(id);
      const anchorer = flags.anchorer === undefined ? undefined : addressArg(flags.anchorer, "--anchorer");
      const revoker = flags.revoker === undefined ? undefined : addressArg(flags.revoker, "--revoker");
      const dbPath = serviceDbPath(flags.db);
      const { institution: row, created } = await withAdmin(dbPath, async (admin) => {
        const config = chainConfig(flags);
        const chain = await connect(config);
        // The database names its registry once the service has started on it.
        const bound = await admin.chainIdentity();
        const registry = flags.registry === undefined && bound !== undefined ? bound.registryAddress : (await resolveRegistry(chain, config)).address;
        return admin.addInstitution({ client: chain.client, registry, institutionId, anchorer, revoker });
      });
      out.result({ institution: viewOf(row), created });
      out.line(`${out.paint("green", "✔")} Institution ${row.id} (${row.name}, ${row.identifier}) ${created ? "onboarded" : "refreshed from its on-chain record"}.`);
      out.line(`  anchorer ${row.keys.anchorer} holds ROLE_ANCHORER`);
      out.line(row.keys.revoker === null ? "  no revoker key: status changes through the API answer 503" : `  revoker  ${row.keys.revoker} holds ROLE_REVOKER`);
      if (created) out.line(`Next: its first token, \`credanchor tokens create --db ${dbPath} --institution ${row.id} --scopes admin\`.`);
    }),
  );

  const list = dbOption(institution.command("list").description("list the institutions the service serves"));
  withHelp(list, { examples: ["credanchor service institution list --db data/credanchor.db --json"], env: ["CREDANCHOR_DB_PATH"] });
  list.action(
    action(runtime, async (out, flags: DbFlags) => {
      const rows = await withAdmin(serviceDbPath(flags.db), (admin) => admin.listInstitutions());
      printInstitutions(out, rows.map(viewOf));
    }),
  );

  for (const verb of ["disable", "enable"] as const) {
    const command = dbOption(
      institution
        .command(`${verb} <id>`)
        .description(
          verb === "disable"
            ? "stop serving an institution: its tokens are refused (credentials already queued are still anchored)"
            : "serve a disabled institution again",
        ),
    );
    withHelp(command, { examples: [`credanchor service institution ${verb} 2 --db data/credanchor.db`], env: ["CREDANCHOR_DB_PATH"] });
    command.action(
      action(runtime, async (out, id: string, flags: DbFlags) => {
        const row = await withAdmin(serviceDbPath(flags.db), (admin) =>
          admin.setInstitutionStatus({ institutionId: institutionArg(id), status: verb === "disable" ? "disabled" : "active" }),
        );
        out.result({ institution: viewOf(row) });
        out.line(`${out.paint("green", "✔")} Institution ${row.id} (${row.name}) is ${row.status === "active" ? "served again" : "disabled: its tokens are refused"}.`);
      }),
    );
  }
}

function printInstitutions(out: Output, rows: readonly InstitutionView[]): void {
  out.result({ institutions: rows });
  out.line(`${rows.length} institution${rows.length === 1 ? "" : "s"}`);
  for (const row of rows) {
    out.line(`  ${String(row.id).padStart(4)}  ${row.status.padEnd(8)}  ${row.identifier}  ${row.name}  (anchorer ${row.keys.anchorer ?? "?"}, revoker ${row.keys.revoker ?? "none"})`);
  }
}
