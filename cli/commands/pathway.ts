/**
 * `credanchor pathway define|progress|award|verify`: stackable credentials. Every rule
 * lives in core/pathway/ (definition, evaluation, references, cascade); this module reads
 * files and flags, calls core or the service, and prints.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import type { Command } from "commander";

import { verifyPathwayAward } from "../../core/pathway/cascade.ts";
import { parsePathwayDefinition, type PathwayDefinition, type Requirement } from "../../core/pathway/definition.ts";
import { pathwayProgress } from "../../core/pathway/progress.ts";
import type { RecipientIdentity } from "../../core/pathway/recipient.ts";
import { formatStackTree, stackTree } from "../../core/pathway/tree.ts";
import { createClient } from "../lib/chain.ts";
import { type Runtime, action, parseIntFlag, withHelp } from "../lib/command.ts";
import { chainConfig, serviceConfig, verifyConfig } from "../lib/config.ts";
import { CliError, exitCodes, usageError } from "../lib/errors.ts";
import { readDocuments } from "../lib/inputs.ts";
import type { Output } from "../lib/output.ts";
import { createServiceClient } from "../lib/service.ts";
import { parseTime } from "../lib/time.ts";
import { resolveTrustedRegistries } from "../lib/trust.ts";

type RecipientFlags = { readonly recipientId?: string; readonly recipientEmail?: string; readonly recipientName?: string };
type VerifyFlags = RecipientFlags & {
  readonly rpc?: string;
  readonly chain?: string[];
  readonly registry?: string[];
  readonly confirmations?: string;
  readonly now?: string;
};

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function addVerifyOptions(command: Command): Command {
  return command
    .option("--rpc <url>", "JSON-RPC endpoint of the chain (env CREDANCHOR_RPC_URL)")
    .option("--chain <caip2>", "accept only these chains (repeatable or comma-separated)", collect)
    .option("--registry <address>", "trust only these registries (repeatable; default: deployments/*.json of the chain)", collect)
    .option("--confirmations <n>", "confirmations an anchoring needs (default 1)");
}

function addRecipientOptions(command: Command): Command {
  return command
    .option("--recipient-id <uri>", "the recipient's subject id (DID or URI)")
    .option("--recipient-email <email>", "the recipient's email, to match hashed identifiers (never written anywhere)")
    .option("--recipient-name <name>", "the recipient's name, to match hashed identifiers");
}

function recipientOf(flags: RecipientFlags): RecipientIdentity | undefined {
  const recipient = { id: flags.recipientId, email: flags.recipientEmail, name: flags.recipientName };
  return Object.values(recipient).every((value) => value === undefined) ? undefined : recipient;
}

/** One JSON document from a file (the definition, the award). */
async function readOne(file: string, what: string, runtime: Runtime): Promise<unknown> {
  const { documents, problems } = await readDocuments([file], runtime.io);
  if (problems.length > 0) throw usageError(`${what} ${problems[0]!.source}: ${problems[0]!.message}`);
  if (documents.length !== 1) throw usageError(`${what} ${file}: expected one JSON document, found ${documents.length}.`);
  return documents[0]!.value;
}

async function readMany(files: readonly string[], runtime: Runtime): Promise<{ values: unknown[]; sources: string[] }> {
  if (files.length === 0) return { values: [], sources: [] };
  const { documents, problems } = await readDocuments(files, runtime.io);
  if (problems.length > 0) throw usageError(`${problems[0]!.source}: ${problems[0]!.message}`);
  return { values: documents.map((document) => document.value), sources: documents.map((document) => document.source) };
}

async function chainOptions(flags: VerifyFlags) {
  const chain = chainConfig({ rpc: flags.rpc });
  const options = verifyConfig(flags);
  const client = createClient(chain.rpcUrl);
  const { trusted } = await resolveTrustedRegistries({ client, options, deploymentsDir: chain.deploymentsDir });
  return {
    client,
    allowedChains: options.allowedChains,
    trustedRegistries: trusted,
    requiredConfirmations: options.confirmations,
    now: flags.now === undefined ? undefined : parseTime(flags.now, "--now"),
  };
}

/** The requirements in words: "all of SQL Basics, Python for Data, one of (Tableau, Power BI)". */
function describeRequirement(definition: PathwayDefinition, node: Requirement): string {
  if (typeof node === "string") return definition.components.find((component) => component.key === node)?.name ?? node;
  const children = ("allOf" in node ? node.allOf : node.of).map((child) => {
    const text = describeRequirement(definition, child);
    return typeof child === "string" ? text : `(${text})`;
  });
  const head = "allOf" in node ? "all of" : node.nOf === 1 ? "one of" : `${node.nOf} of`;
  return `${node.name === undefined ? "" : `${node.name}: `}${head} ${children.join(", ")}`;
}

type DefineFlags = { readonly service?: string; readonly token?: string; readonly check?: boolean };

async function define(out: Output, runtime: Runtime, file: string, flags: DefineFlags): Promise<number> {
  const { definition, hash } = parsePathwayDefinition({ definition: await readOne(file, "definition", runtime) });
  let checkedBy: string | undefined;
  if (flags.check === true) {
    const config = serviceConfig(flags);
    const { body } = await createServiceClient(config).request<{ hash?: string }>("POST", "/v1/pathways/definitions", { body: { definition } });
    if (body.hash !== hash) throw new CliError({ code: "CA_CLI_SERVICE_ERROR", message: `The service hashes the definition to ${String(body.hash)}, not ${hash}.` });
    checkedBy = config.url;
  }
  out.result({ id: definition.id, version: definition.version, name: definition.name, hash, institution: definition.institution, revocationPolicy: definition.revocationPolicy, checkedBy: checkedBy ?? null });
  out.line(`${out.paint("green", "✔")} ${definition.name} (${definition.id}), version ${definition.version}`);
  out.line(`  hash         ${hash}`);
  out.line(`  awarded by   institution ${definition.institution.institutionId} of ${definition.institution.registry} on ${definition.institution.chain}`);
  out.line(`  requires     ${describeRequirement(definition, definition.requirements)}`);
  for (const component of definition.components) {
    const from = component.institution === undefined ? "" : ` from institution ${component.institution.institutionId}`;
    out.line(`    ${component.key.padEnd(12)} ${component.name}: ${component.achievement}${from}`);
  }
  if (definition.window !== undefined) out.line(`  window       components earned within ${definition.window.months} months before the award`);
  out.line(`  revocation   ${definition.revocationPolicy}`);
  if (checkedBy !== undefined) out.line(`  checked by   ${checkedBy} (the definition belongs to the token's institution)`);
  return exitCodes.ok;
}

async function progress(out: Output, runtime: Runtime, file: string, files: string[], flags: VerifyFlags): Promise<number> {
  const definition = await readOne(file, "definition", runtime);
  const { values, sources } = await readMany(files, runtime);
  const result = await pathwayProgress({ definition, credentials: values, recipient: recipientOf(flags), ...(await chainOptions(flags)) });
  const components = result.components.map((component) => ({
    key: component.key,
    name: component.name,
    state: component.state,
    reason: component.reason,
    source: component.source === undefined ? null : sources[component.source],
  }));
  out.result({ pathway: { id: result.definition.id, version: result.definition.version, hash: result.definitionHash }, met: result.met, missing: result.missing, recipient: result.recipient === undefined ? "not checked" : "checked", components });
  out.line(`${result.definition.name}, version ${result.definition.version}: ${result.met ? out.paint("green", "MET") : out.paint("red", "NOT MET")}`);
  for (const component of components) {
    const mark = component.state === "met" ? out.paint("green", "✔") : out.paint("red", "✘");
    out.line(`  ${mark} ${component.reason}${component.source === null ? "" : `  (${component.source})`}`);
  }
  for (const line of result.missing) out.line(`  missing: ${line}`);
  if (result.recipient === undefined) out.note("note: the recipient was not checked (the credentials share no subject id); give --recipient-email, --recipient-name or --recipient-id.");
  return result.met ? exitCodes.ok : exitCodes.invalid;
}

type AwardFlags = RecipientFlags & { service?: string; token?: string; componentId?: string[]; wait?: boolean; out: string; timeout: string; clientId?: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function award(out: Output, runtime: Runtime, file: string, files: string[], flags: AwardFlags): Promise<number> {
  const definition = await readOne(file, "definition", runtime);
  const { values } = await readMany(files, runtime);
  const components = [...values, ...(flags.componentId ?? []).map((id) => ({ id }))];
  if (components.length === 0) throw usageError("No components: give credential files and/or --component-id <service id>.");
  const config = serviceConfig(flags);
  if (config.token === undefined) throw usageError("Awarding through the service needs an API token with the issue scope.", "Pass --token or set CREDANCHOR_TOKEN.");
  const service = createServiceClient(config);
  let body: { award: { id: string; batch: number }; pathway: { id: string; version: number; hash: string }; components: { key: string; state: string; reason: string }[] };
  try {
    ({ body } = await service.request("POST", "/v1/pathways/awards", { body: { definition, components, recipient: recipientOf(flags), clientId: flags.clientId } }) as never);
  } catch (error) {
    if (error instanceof CliError && error.code === "CA_PATHWAY_REQUIREMENTS_NOT_MET") {
      const details = (error.details ?? []) as { message: string }[];
      out.result({ met: false, missing: details.map((detail) => detail.message) });
      out.line(`${out.paint("red", "✘")} not awarded: the pathway is not met`);
      for (const detail of details) out.line(`  ${detail.message}`);
      return exitCodes.invalid;
    }
    throw error;
  }
  if (flags.wait !== true) {
    out.result({ met: true, award: body.award, pathway: body.pathway, components: body.components });
    out.line(`${out.paint("green", "✔")} awarded: ${body.award.id} is queued in batch ${body.award.batch} (pathway hash ${body.pathway.hash})`);
    for (const component of body.components) out.line(`  ${component.state === "met" ? "✔" : "-"} ${component.reason}`);
    out.line(`It is anchored with the institution's next batch: GET /v1/credentials/${body.award.id} then, or award with --wait.`);
    return exitCodes.ok;
  }
  await service.request("POST", "/v1/batches/close");
  const deadline = Date.now() + parseIntFlag(flags.timeout, "--timeout", { min: 1 }) * 1000;
  let delay = 250;
  for (;;) {
    const { body: record } = await service.request<{ status?: string; credential?: Record<string, unknown> }>("GET", `/v1/credentials/${encodeURIComponent(body.award.id)}`);
    if (record.status === "anchored" && record.credential !== undefined) {
      await mkdir(flags.out, { recursive: true });
      const target = join(flags.out, `award-${body.award.id}.json`);
      await writeFile(target, `${JSON.stringify(record.credential, null, 2)}\n`);
      out.result({ met: true, award: { ...body.award, file: target }, pathway: body.pathway, components: body.components });
      out.line(`${out.paint("green", "✔")} awarded and anchored: wrote ${target}`);
      return exitCodes.ok;
    }
    if (Date.now() > deadline) {
      throw new CliError({ code: "CA_CLI_SERVICE_ERROR", message: `The award ${body.award.id} is still not anchored after ${flags.timeout} s.`, hints: ["Fetch it later with GET /v1/credentials/<id>."] });
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 5_000);
  }
}

async function verify(out: Output, runtime: Runtime, awardFile: string, files: string[], flags: VerifyFlags & { definition?: string }): Promise<number> {
  const awardDocument = await readOne(awardFile, "award", runtime);
  const { values, sources } = await readMany(files, runtime);
  const definition = flags.definition === undefined ? undefined : await readOne(flags.definition, "definition", runtime);
  const report = await verifyPathwayAward({ award: awardDocument, components: values, definition, recipient: recipientOf(flags), ...(await chainOptions(flags)) });
  const tree = stackTree({ report });
  out.result({ ...report, tree, sources });
  out.line(`${awardFile}: ${report.status.toUpperCase()}`);
  for (const line of formatStackTree(tree)) out.line(`  ${line}`);
  for (const check of report.checks) {
    if (check.outcome !== "valid") out.line(`  ${check.outcome === "skipped" ? "-" : "✘"} ${check.id}: ${check.reason}`);
  }
  if (report.policy !== undefined) out.line(`  policy: ${report.policy.name}: ${report.policy.applied}`);
  if (report.unreferenced.length > 0) out.note(`note: ${report.unreferenced.map((index) => sources[index]).join(", ")} not referenced by the award (ignored).`);
  return report.status === "valid" ? exitCodes.ok : report.status === "error" ? exitCodes.error : exitCodes.invalid;
}

export function registerPathwayCommands(program: Command, runtime: Runtime): void {
  const pathway = program.command("pathway").description("stackable credentials: define a pathway, check progress, award it, verify an award with its stack");

  const defineCommand = pathway
    .command("define <definition>")
    .description("check a credanchor-pathway-v1 definition and print its hash and rules")
    .option("--check", "also have the service check that it belongs to the token's institution")
    .option("--service <url>", "anchoring service URL (env CREDANCHOR_SERVICE_URL)")
    .option("--token <token>", "API token (env CREDANCHOR_TOKEN)");
  withHelp(defineCommand, {
    examples: ["credanchor pathway define data-analytics.json", "credanchor pathway define data-analytics.json --check --json"],
    notes: ["The hash is keccak256 of the definition's JCS form; every award carries the definition and this hash."],
    env: ["CREDANCHOR_SERVICE_URL", "CREDANCHOR_TOKEN"],
    exitCodes: "0 the definition is valid, 2 it is not (each problem named by JSON path) or the service could not be reached.",
  });
  defineCommand.action(action(runtime, async (out, file: string, flags: DefineFlags) => define(out, runtime, file, flags)));

  const progressCommand = addRecipientOptions(addVerifyOptions(pathway.command("progress <definition> [credentials...]")))
    .description("what a holder has towards a pathway and what is missing (verifies every credential)")
    .option("--now <time>", "judge windows and validity at this moment");
  withHelp(progressCommand, {
    examples: ["credanchor pathway progress data-analytics.json wallet/", "credanchor pathway progress data-analytics.json sql.json python.json --recipient-email ada@uni.example"],
    env: ["CREDANCHOR_RPC_URL", "CREDANCHOR_REGISTRY_ADDRESS", "CREDANCHOR_CHAIN_IDS", "CREDANCHOR_CONFIRMATIONS"],
    exitCodes: "0 the pathway is met, 1 something is missing, 2 a file or the chain could not be read.",
  });
  progressCommand.action(action(runtime, async (out, file: string, files: string[], flags: VerifyFlags) => progress(out, runtime, file, files, flags)));

  const awardCommand = addRecipientOptions(pathway.command("award <definition> [credentials...]"))
    .description("award a pathway through the service: it verifies the components, evaluates, and anchors the award")
    .option("--component-id <id>", "a component by its service id (your institution's credentials; repeatable)", collect)
    .option("--client-id <key>", "idempotency key of the award")
    .option("--service <url>", "anchoring service URL (env CREDANCHOR_SERVICE_URL)")
    .option("--token <token>", "API token with the issue scope (env CREDANCHOR_TOKEN)")
    .option("--wait", "close the open batch, wait until the award is anchored, write it to --out")
    .option("--out <dir>", "where --wait writes the award", "issued")
    .option("--timeout <seconds>", "with --wait: give up after this long", "600");
  withHelp(awardCommand, {
    examples: [
      "credanchor pathway award data-analytics.json tableau.json --component-id 0193… --component-id 0194… --recipient-email ada@uni.example --wait",
    ],
    notes: ["The recipient's email or name is only compared with the components' salted hashes; the award gets a fresh salted hash."],
    env: ["CREDANCHOR_SERVICE_URL", "CREDANCHOR_TOKEN"],
    exitCodes: "0 awarded, 1 the pathway is not met (what is missing is printed), 2 usage or service error.",
  });
  awardCommand.action(action(runtime, async (out, file: string, files: string[], flags: AwardFlags) => award(out, runtime, file, files, flags)));

  const verifyCommand = addRecipientOptions(addVerifyOptions(pathway.command("verify <award> [components...]")))
    .description("verify an award and, in the same pass, every component it references; print the stack")
    .option("--definition <file>", "the pathway definition you hold: it must be the one the award met")
    .option("--now <time>", "judge validity periods at this moment");
  withHelp(verifyCommand, {
    examples: ["credanchor pathway verify award.json sql.json python.json tableau.json", "credanchor pathway verify award.json wallet/ --definition data-analytics.json --json"],
    notes: ["The pathway's revocation policy decides whether a component revoked since the award still counts; the report names it."],
    env: ["CREDANCHOR_RPC_URL", "CREDANCHOR_REGISTRY_ADDRESS", "CREDANCHOR_CHAIN_IDS", "CREDANCHOR_CONFIRMATIONS"],
    exitCodes: "0 the award and its stack are valid, 1 invalid or pending, 2 a file or the chain could not be read.",
  });
  verifyCommand.action(action(runtime, async (out, file: string, files: string[], flags: VerifyFlags & { definition?: string }) => verify(out, runtime, file, files, flags)));
}

