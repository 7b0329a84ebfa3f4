/**
 * `npm run catalog -- <command>`: catalog tools. `import` reads a live integration account and writes
 * it as a catalog directory (docs/import.md).
 *
 * Exit status: 0 catalog written (or already up to date); 1 the import failed, or something would be
 * lost and --accept-lossy was not given (nothing written); 2 invalid command or input (no Azure call
 * made); 3 the existing catalog differs: the diff is shown and nothing is written (--force overwrites).
 */
import * as fs from "fs";
import * as path from "path";
import { Command } from "commander";
import * as YAML from "yaml";
import { loadCatalog } from "../model/catalog";
import { keyVaultIdProblem } from "../model/catalog/files";
import { InputError } from "../model/problems";
import { DEFAULT_ARM_ENDPOINT, logicClient } from "../tools/azure";
import { UsageError, armEndpointOption, runMain } from "../tools/cli";
import { CredentialError, runbookCredential } from "../tools/azureCredential";
import { ContentError, Converted, Loss, convert } from "./convert";
import { CatalogDiff, diffCatalogs } from "./diff";
import { LiveAccount, ReadError, accountIdText, parseAccountId, readAccount } from "./live";
import { roundTripLosses } from "./verify";

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(`${t}\n`),
  stderr: (t) => process.stderr.write(`${t}\n`),
};

interface ImportOptions {
  account: string;
  out: string;
  armEndpoint: string;
  workflows?: boolean;
  force?: boolean;
  acceptLossy?: boolean;
  secondaryKeyVault?: string;
  timeout: string;
  json?: boolean;
}

/** What `import --json` prints. */
export interface ImportResult {
  readonly account: string;
  readonly out: string;
  /** `written`, `up-to-date`, `differs` (not written), `lossy` (not written) or `failed`. */
  readonly outcome: "written" | "up-to-date" | "differs" | "lossy" | "failed";
  readonly counts?: Readonly<Record<string, number>>;
  readonly losses: readonly Loss[];
  readonly notes: readonly string[];
  readonly diff?: readonly string[];
  /** Stack config that adopts the account (docs/import.md). */
  readonly adoption?: Readonly<Record<string, string>>;
  readonly error?: string;
}

/** Runs the CLI; returns the exit status. */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  let code: number | undefined;
  const program = new Command()
    .name("npm run catalog --")
    .description("Catalog tools of b2b-dr.")
    .exitOverride()
    .configureOutput({ writeOut: (t) => io.stdout(t.trimEnd()), writeErr: (t) => io.stderr(t.trimEnd()) });
  program
    .command("import")
    .description("read a live integration account and write it as a catalog directory (docs/import.md)")
    .requiredOption(
      "--account <id>",
      "ARM id of the integration account: /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Logic/integrationAccounts/<name>",
    )
    .requiredOption(
      "--out <dir>",
      "catalog directory to write (an existing catalog is diffed, not overwritten, unless --force)",
    )
    .option("--arm-endpoint <url>", "Azure Resource Manager endpoint (sovereign clouds differ)", DEFAULT_ARM_ENDPOINT)
    .option("--workflows", "also export the business workflows linked to the account into workflows.yaml")
    .option("--force", "overwrite an existing catalog that differs from the account")
    .option("--accept-lossy", "write the catalog even though some fields cannot be represented (they are listed)")
    .option("--secondary-key-vault <id>", "Key Vault resource id holding the private keys for the secondary region")
    .option("--timeout <seconds>", "time box of each call to Azure", "60")
    .option("--json", "print the result as JSON on stdout (the report goes to stderr)")
    .addHelpText(
      "after",
      "\nCredentials: AZURE_ACCESS_TOKEN as a bearer token when set, otherwise DefaultAzureCredential.\n" +
        "Exit status: 0 written or up to date; 1 failed, or fields would be lost without --accept-lossy (nothing written);\n" +
        "2 invalid command or input (no Azure call made); 3 the existing catalog differs (diff shown, nothing written; --force).",
    )
    .action(async (opts: ImportOptions) => {
      code = await runImport(opts, io);
    });
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    const exit = (e as { exitCode?: number }).exitCode;
    if (exit !== undefined) return exit === 0 ? 0 : 2;
    throw e;
  }
  if (code === undefined) {
    io.stderr(program.helpInformation());
    return 2;
  }
  return code;
}

function checkOptions(o: ImportOptions): { endpoint: string; outDir: string; timeoutMs: number } {
  const id = parseAccountId(o.account);
  if (id === undefined) {
    throw new UsageError(
      `--account ${JSON.stringify(o.account)} is not the ARM id of an integration account. Fix: copy it from the portal (the account's Properties → Resource ID), /subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.Logic/integrationAccounts/<name>`,
    );
  }
  const endpoint = armEndpointOption(o.armEndpoint);
  const timeoutMs = Number(o.timeout) * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new UsageError(`--timeout ${JSON.stringify(o.timeout)} is not a positive number of seconds`);
  if (o.secondaryKeyVault !== undefined) {
    const bad = keyVaultIdProblem(o.secondaryKeyVault);
    if (bad !== undefined) throw new UsageError(`--secondary-key-vault ${JSON.stringify(o.secondaryKeyVault)} ${bad}`);
  }
  const outDir = path.resolve(o.out);
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory())
    throw new UsageError(`--out ${o.out} is a file, not a directory. Fix: name a directory`);
  if (!fs.existsSync(path.dirname(outDir)))
    throw new UsageError(
      `--out ${o.out}: the parent directory ${path.dirname(outDir)} does not exist. Fix: create it first`,
    );
  return { endpoint: endpoint.toString().replace(/\/$/, ""), outDir, timeoutMs };
}

/** The stack config that adopts the imported account with the primary stack (docs/import.md). */
export function adoptionConfig(live: LiveAccount, catalogPath: string): Record<string, string> {
  return {
    "azure-native:subscriptionId": live.id.subscriptionId,
    "b2b-dr:region": live.location.replace(/\s+/g, "").toLowerCase(),
    "b2b-dr:integrationAccountSku": live.sku ?? "Standard",
    "b2b-dr:resourceGroupName": live.id.resourceGroupName,
    "b2b-dr:integrationAccountName": live.id.integrationAccountName,
    "b2b-dr:catalogPath": catalogPath,
    "b2b-dr:adopt": "true",
  };
}

function writeFiles(dir: string, converted: Converted): void {
  for (const [rel, content] of converted.files) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

const isEmptyDir = (dir: string) => fs.existsSync(dir) && fs.readdirSync(dir).length === 0;

async function runImport(o: ImportOptions, io: CliIo): Promise<number> {
  const report = (t: string) => (o.json ? io.stderr(t) : io.stdout(t));
  const finish = (code: number, result: ImportResult) => {
    if (o.json) io.stdout(JSON.stringify(result, null, 2));
    return code;
  };
  let checked: ReturnType<typeof checkOptions>;
  try {
    checked = checkOptions(o);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`error: ${e.message}`);
    return finish(2, { account: o.account, out: o.out, outcome: "failed", losses: [], notes: [], error: e.message });
  }
  const id = parseAccountId(o.account)!;
  const base = { account: accountIdText(id), out: checked.outDir };
  const fail = (message: string, losses: readonly Loss[] = []) => {
    io.stderr(`error: ${message}`);
    return finish(1, { ...base, outcome: "failed", losses, notes: [], error: message });
  };

  let live: LiveAccount;
  try {
    const cred = await runbookCredential({ env: process.env, armEndpoint: new URL(checked.endpoint) });
    const client = logicClient(cred, id.subscriptionId, { endpoint: checked.endpoint, maxRetries: 3 });
    live = await readAccount(client, id, {
      workflows: Boolean(o.workflows),
      progress: io.stderr,
      timeoutMs: checked.timeoutMs,
    });
  } catch (e) {
    if (e instanceof ReadError) return fail(`${e.message} Nothing was written.`);
    if (e instanceof CredentialError) {
      io.stderr(`error: ${e.message}`);
      return finish(2, { ...base, outcome: "failed", losses: [], notes: [], error: e.message });
    }
    throw e;
  }

  let converted: Converted;
  try {
    converted = convert(live, {
      secondaryKeyVault: o.secondaryKeyVault,
      previousTraffic: previousTraffic(checked.outDir),
    });
  } catch (e) {
    if (e instanceof ContentError) return fail(`${e.message} Nothing was written.`);
    throw e;
  }

  // Everything is written to a temporary directory next to --out and renamed at the end.
  const temp = fs.mkdtempSync(path.join(path.dirname(checked.outDir), `.${path.basename(checked.outDir)}.import-`));
  try {
    writeFiles(temp, converted);
    let losses = [...converted.losses];
    try {
      const catalog = loadCatalog(temp, { displayRoot: temp });
      losses = [...losses, ...roundTripLosses(live, catalog, losses)];
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      return fail(
        `the imported account does not make a valid catalog:\n${e.message}\n${losses.map(lossLine).join("\n")}\nFix: correct these in the account (or import with --workflows when an AS2 agreement sends its MDNs to a business workflow). Nothing was written.`,
        losses,
      );
    }
    const adoption = adoptionConfig(live, o.out);
    const summary = { ...base, counts: converted.counts, losses, notes: converted.notes, adoption };
    if (losses.length > 0) {
      io.stderr(`${losses.length} field(s) cannot be represented in the catalog:`);
      for (const l of losses) io.stderr(lossLine(l));
      if (!o.acceptLossy) {
        io.stderr(
          "Nothing was written. Fix: change these in the account, or pass --accept-lossy to write the catalog without them.",
        );
        return finish(1, { ...summary, outcome: "lossy" });
      }
    }
    let diff: CatalogDiff | undefined;
    if (fs.existsSync(checked.outDir) && !isEmptyDir(checked.outDir)) {
      diff = diffCatalogs(checked.outDir, temp);
      if (diff.lines.length === 0) {
        report(`${o.out} is up to date with ${live.id.integrationAccountName}: nothing to write.`);
        return finish(0, { ...summary, outcome: "up-to-date", diff: [] });
      }
      report(
        `${o.out} differs from ${live.id.integrationAccountName} (${diff.added} added, ${diff.removed} removed, ${diff.changed} changed):`,
      );
      for (const line of diff.lines) report(line);
      if (!o.force) {
        io.stderr(`Nothing was written. Review the diff, then run again with --force to replace ${o.out}.`);
        return finish(3, { ...summary, outcome: "differs", diff: diff.lines });
      }
      const old = `${temp}.old`;
      fs.renameSync(checked.outDir, old);
      fs.renameSync(temp, checked.outDir);
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      if (isEmptyDir(checked.outDir)) fs.rmdirSync(checked.outDir);
      fs.renameSync(temp, checked.outDir);
    }
    const c = converted.counts;
    report(
      `Imported ${live.id.integrationAccountName} into ${o.out}: ${c.partners} partners, ${c.schemas} schemas, ${c.maps} maps, ${c.certificates} certificates, ${c.agreements} agreements${o.workflows ? `, ${c.workflows} workflows` : ""}.`,
    );
    for (const n of converted.notes) report(`  note: ${n}`);
    report("To adopt the account with the primary stack (docs/import.md):");
    for (const [k, v] of Object.entries(adoption)) report(`  pulumi config set ${k} ${v} --stack primary`);
    return finish(0, { ...summary, outcome: "written", diff: diff?.lines });
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

/** `traffic` of each agreement in an existing catalog at `dir` (Azure does not know it; re-import keeps it). */
function previousTraffic(dir: string): Map<string, unknown> {
  const file = path.join(dir, "agreements.yaml");
  if (!fs.existsSync(file)) return new Map();
  try {
    const doc = YAML.parse(fs.readFileSync(file, "utf8")) as {
      agreements?: { name?: string; traffic?: unknown }[];
    } | null;
    return new Map(
      (doc?.agreements ?? []).filter((a) => a.traffic !== undefined).map((a) => [String(a.name), a.traffic]),
    );
  } catch {
    return new Map();
  }
}

function lossLine(l: Loss): string {
  return `  ${l.artifact}: ${l.field} ${l.reason}`;
}

if (require.main === module) {
  runMain(main);
}
