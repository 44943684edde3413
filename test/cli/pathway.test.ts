/**
 * The "Done when" scenario through the `credanchor` binary: a university defines the
 * Data Analytics Certificate (SQL Basics + Python for Data + one of {Tableau, Power BI}),
 * a holder's progress shows what is missing, the university awards it from credentials of
 * two institutions, an employer verifies the award and sees the stack, and, once the BI
 * academy revokes the Tableau badge, sees the revoked component and the policy applied.
 */
import { join } from "node:path";
import { readFile } from "node:fs/promises";

import { expect } from "chai";

import { eventually } from "../server/helpers/chain.ts";
import { startFixture, type Fixture } from "../server/helpers/fixture.ts";
import { dataAnalyticsBadge, dataAnalyticsPathway } from "../server/helpers/pathways.ts";
import { tempDir } from "../server/helpers/processes.ts";
import { type Cli, type CliResult, createCli, writeJson } from "./helpers.ts";

function expectCode(result: CliResult, code: number): CliResult {
  expect(result.code, `exit code; stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).to.equal(code);
  return result;
}

describe("credanchor pathway (Data Analytics Certificate, two institutions)", function () {
  let fixture: Fixture;
  let cli: Cli;
  let dir: string;
  const files: Record<string, string> = {};
  const ids: Record<string, string> = {};

  const badge = (issuer: { identifier: string; name: string }, key: string, name: string) =>
    dataAnalyticsBadge({ issuer, key, name, recipient: { email: "ada@learner.example" } });

  async function anchored(token: string, id: string): Promise<Record<string, unknown>> {
    return eventually(async () => {
      const { body } = await fixture.request("GET", `/v1/credentials/${id}`, { token });
      return body.status === "anchored" ? body.credential : undefined;
    }, 20_000, `credential ${id} anchored`);
  }

  before(async function () {
    fixture = await startFixture();
    dir = tempDir("credanchor-cli-pathway-");
    const { a, b } = fixture.institutions;
    const issued: [string, string, typeof a][] = [
      ["sql", "SQL Basics", a],
      ["python", "Python for Data", a],
      ["tableau", "Tableau", b],
    ];
    for (const [key, name, institution] of issued) {
      const token = institution === a ? fixture.tokens.a.all : fixture.tokens.b.all;
      const { body } = await fixture.request("POST", "/v1/credentials", { token, body: badge(institution, key, name) });
      ids[key] = body.id;
    }
    await fixture.request("POST", "/v1/batches/close");
    await fixture.request("POST", "/v1/batches/close", { token: fixture.tokens.b.all });
    for (const [key, , institution] of issued) {
      files[key] = writeJson(dir, `${key}.json`, await anchored(institution === a ? fixture.tokens.a.all : fixture.tokens.b.all, ids[key]!));
    }
    const chain = `eip155:${await fixture.client.getChainId()}`;
    files.definition = writeJson(
      dir,
      "data-analytics.json",
      dataAnalyticsPathway({
        id: "https://demo.example/pathways/data-analytics",
        revocationPolicy: "components-must-stay-valid",
        chain,
        registry: fixture.registry,
        university: a,
        academyId: b.id,
      }),
    );
    cli = createCli({ CREDANCHOR_RPC_URL: fixture.node.url, CREDANCHOR_REGISTRY_ADDRESS: fixture.registry, CREDANCHOR_SERVICE_URL: fixture.url, CREDANCHOR_TOKEN: fixture.tokens.a.all });
  });
  after(async function () {
    await fixture?.stop();
  });

  it("define checks the definition with the service and prints its hash and rules", async function () {
    const result = expectCode(await cli(["pathway", "define", files.definition!, "--check", "--json"]), 0);
    expect(result.json<{ hash: string }>().hash).to.match(/^0x[0-9a-f]{64}$/);
    const text = expectCode(await cli(["pathway", "define", files.definition!]), 0).stdout;
    expect(text).to.include("requires     all of SQL Basics, Python for Data, (one of Tableau, Power BI)");
  });

  it("progress says what the holder lacks, then that the pathway is met", async function () {
    const partial = expectCode(await cli(["pathway", "progress", files.definition!, files.sql!, files.python!, "--recipient-email", "ada@learner.example"]), 1);
    expect(partial.stdout).to.include("NOT MET");
    expect(partial.stdout).to.include("missing: Data Analytics Certificate: 2 of 3: one of Tableau, Power BI missing");
    const full = expectCode(await cli(["pathway", "progress", files.definition!, files.sql!, files.python!, files.tableau!, "--recipient-email", "ada@learner.example"]), 0);
    expect(full.stdout).to.include("Data Analytics Certificate, version 1: MET");
  });

  it("award issues through the service, and verify shows the stack; after a revocation it shows the revoked component", async function () {
    const out = join(dir, "awards");
    const awarded = expectCode(
      await cli(["pathway", "award", files.definition!, files.tableau!, "--component-id", ids.sql!, "--component-id", ids.python!, "--recipient-email", "ada@learner.example", "--wait", "--out", out, "--json"]),
      0,
    ).json<{ award: { file: string } }>();
    expect(await readFile(awarded.award.file, "utf8")).to.not.include("ada@learner.example");

    const valid = expectCode(await cli(["pathway", "verify", awarded.award.file, files.sql!, files.python!, files.tableau!]), 0);
    expect(valid.stdout).to.include("✔ Data Analytics Certificate (version 1)");
    expect(valid.stdout).to.include("├─ ✔ SQL Basics: verified");
    expect(valid.stdout).to.include("├─ ✔ Tableau: verified");
    expect(valid.stdout).to.include("policy: components-must-stay-valid");

    const revoked = await fixture.request("POST", "/v1/credentials/revoke", { token: fixture.tokens.b.all, body: { ids: [ids.tableau], reasonCode: "superseded" } });
    expect(revoked.status, JSON.stringify(revoked.body)).to.be.oneOf([200, 202]);
    await eventually(async () => {
      const { body } = await fixture.request("GET", `/v1/credentials/${ids.tableau}/status`, { token: fixture.tokens.b.all });
      return body.status === "revoked" ? body : undefined;
    }, 20_000, "tableau revoked");
    const after = expectCode(await cli(["pathway", "verify", awarded.award.file, files.sql!, files.python!, files.tableau!]), 1);
    expect(after.stdout).to.include("INVALID");
    expect(after.stdout).to.match(/✘ Tableau: invalid: status: revoked by the issuer/);
    expect(after.stdout).to.include("1 component is no longer valid and not counted");
  });
});
