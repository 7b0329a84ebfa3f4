/**
 * `npm run dr -- <status|failover|fallback|bump> [options]`: the DR runbook.
 *
 * Exit status: 0 done, nothing to do, dry run, or only `pulumi` commands left to run (printed);
 * 1 not ready (status) or a step failed (rerun to resume); 2 invalid command or input (no Azure call
 * made); 3 not confirmed (nothing changed).
 */
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";
import { Command, Option } from "commander";
import { PROJECT_DIR, readStackFile } from "../model/stackFile";
import { loadProgramInputs } from "../model/inputs";
import { InputError, Problem, formatProblem } from "../model/problems";
import type { Role } from "../model/config";
import { azureAccount, describeError } from "./arm";
import { DEFAULT_ARM_ENDPOINT } from "../tools/azure";
import { CredentialError, runbookCredential } from "../tools/azureCredential";
import { OperationResult, Reporter, RunbookContext, exitCodeOf, fileAudit } from "./context";
import { bumpSize, bumpSizing } from "../model/controlNumbers";
import { RecordError } from "./record";
import { CallPool } from "./pool";
import { blobJsonStore, stateStoreContainer } from "./stateStore";
import { StorageSharedKeyCredential } from "@azure/storage-blob";
import { bump, failover, fallback } from "./operations";
import {
  PulumiDriver,
  StackNames,
  StackOutputs,
  automationDriver,
  manualDriver,
  pulumiCliAvailable,
  stackOutputsSchema,
} from "./pulumi";
import { status } from "./status";
import { IngressRuntime, azureFrontDoor, httpsProbe, ingressFromOutputs } from "./ingress";
import { guard } from "./guard";
import { notifierFromEnv, withAnnouncements } from "./notify";
import { latestEpoch } from "./record";
import { UsageError, armEndpointOption } from "../tools/cli";

export { DEFAULT_ARM_ENDPOINT };

interface GlobalOptions {
  primaryOutputs?: string;
  secondaryOutputs?: string;
  armEndpoint: string;
  project: string;
  primaryStack: string;
  secondaryStack: string;
  dryRun?: boolean;
  yes?: boolean;
  auditLog?: string;
  json?: boolean;
  primaryTimeout: string;
  timeout: string;
  primary: boolean;
  waitTimeout: string;
  pollInterval: string;
  partnerUrl?: string;
  propagationTimeout: string;
  propagationPoll: string;
  deadline: string;
  batchSize: string;
}

function seconds(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`${option} ${JSON.stringify(value)} is not a positive number of seconds`);
  return n * 1000;
}

function readOutputsFile(file: string, role: Role): StackOutputs {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(
      `--${role}-outputs ${file}: ${(e as Error).message}. Fix: write it with \`pulumi stack output --json --stack ${role} > ${file}\`.`,
    );
  }
  return parseOutputs(raw, `--${role}-outputs ${file}`, role);
}

function parseOutputs(raw: unknown, source: string, role: Role): StackOutputs {
  const parsed = stackOutputsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `${source}: ${issue?.path.join(".") || "(top level)"}: ${issue?.message}. Fix: use the outputs of the ${role} stack (pulumi stack output --json).`,
    );
  }
  if (parsed.data.drManifest.role !== role) {
    throw new UsageError(
      `${source} holds the outputs of the ${parsed.data.drManifest.role} stack, not the ${role} one. Fix: swap the files.`,
    );
  }
  return parsed.data;
}

function askOnTerminal(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) =>
    rl.question(`${question} [y/N] `, (answer) => {
      rl.close();
      resolve(/^y(es)?$/i.test(answer.trim()));
    }),
  );
}

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly driver?: PulumiDriver;
  readonly confirm?: (question: string) => Promise<boolean>;
  readonly isTTY?: boolean;
  /** Environment variables (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(`${t}\n`),
  stderr: (t) => process.stderr.write(`${t}\n`),
};

/** Runs the CLI; returns the exit status. */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  let result: OperationResult | undefined;
  let usageCode: number | undefined;
  let guardCode: number | undefined;
  const program = new Command()
    .name("npm run dr --")
    .description("The b2b-dr runbook: readiness, failover, fallback and control-number bumps of the DR pair.")
    .option(
      "--primary-outputs <file>",
      "primary stack outputs (pulumi stack output --json); default: read with the Automation API",
    )
    .option(
      "--secondary-outputs <file>",
      "secondary stack outputs (pulumi stack output --json); default: read with the Automation API",
    )
    .option("--arm-endpoint <url>", "Azure Resource Manager endpoint (sovereign clouds differ)", DEFAULT_ARM_ENDPOINT)
    .option("--project <dir>", "the b2b-dr project (stack config files and catalog, for bump sizes)", PROJECT_DIR)
    .option("--primary-stack <name>", "Pulumi stack of the primary", "primary")
    .option("--secondary-stack <name>", "Pulumi stack of the secondary", "secondary")
    .option("--dry-run", "print the plan and stop")
    .option("--yes", "do not ask for confirmation")
    .option("--audit-log <file>", "append every change as a JSON line (before and after)")
    .option("--json", "print the result as JSON on stdout (the report goes to stderr)")
    .option("--primary-timeout <seconds>", "time box of each call to the primary region", "15")
    .option("--timeout <seconds>", "time box of each call to the secondary region", "60")
    .option("--no-primary", "failover: make no call at all to the primary region")
    .option("--wait-timeout <seconds>", "fallback: how long to wait for the primary to catch up", "1200")
    .option("--poll-interval <seconds>", "fallback: time between catch-up checks", "30")
    .option(
      "--partner-url <url>",
      "probe this partner URL instead of the stack outputs' (e.g. through a custom domain)",
    )
    .option(
      "--propagation-timeout <seconds>",
      "failover/fallback: how long to wait for Front Door to propagate the origin switch (two back-to-back changes: up to about 40 min)",
      "2700",
    )
    .option("--propagation-poll <seconds>", "failover/fallback: time between propagation checks", "15")
    .option(
      "--deadline <seconds>",
      "overall deadline of the command: throttled calls are retried (after their Retry-After) until then",
      "3600",
    )
    .option("--batch-size <n>", "control-number sessions per batch (two run-record writes per batch)", "250")
    .addHelpText(
      "after",
      "\nExit status: 0 done (or only pulumi commands left, printed); 1 not ready / a step failed (rerun resumes);\n2 invalid command or input (no Azure call made); 3 not confirmed (nothing changed).",
    )
    .exitOverride()
    .configureOutput({ writeOut: (t) => io.stdout(t.trimEnd()), writeErr: (t) => io.stderr(t.trimEnd()) });

  const runWith =
    (name: string, op: (ctx: RunbookContext, sub: Record<string, string | undefined>) => Promise<OperationResult>) =>
    async (sub: Record<string, string | undefined>) => {
      const g = program.opts<GlobalOptions>();
      result = await execute(name, g, sub, op, io).catch((e: unknown) => {
        if (e instanceof UsageError || e instanceof InputError || e instanceof CredentialError) {
          usageCode = 2;
          io.stderr(e instanceof InputError ? e.message : `error: ${e.message}`);
          return undefined;
        }
        throw e;
      });
    };

  program
    .command("status")
    .description(
      "readiness: artifact parity, replication runs, workflow states, phase (exit 1 when not ready); --deep: every session",
    )
    .option(
      "--deep",
      "also compare every generated control-number session and count received ones (slow on big accounts)",
    )
    .action(runWith("status", (ctx) => status(ctx)));
  program
    .command("failover")
    .description("make the secondary region active: disable the primary, bump the secondary, switch the phase")
    .action(runWith("failover", (ctx) => announced("failover", ctx, failover, io.env)));
  program
    .command("fallback")
    .description("make the primary region active again: reverse replication, catch up, bump the primary, switch back")
    .action(runWith("fallback", (ctx) => announced("fallback", ctx, fallback, io.env)));
  program
    .command("bump")
    .description("bump one account's generated control numbers, once per --id")
    .addOption(new Option("--account <role>", "which account").choices(["primary", "secondary"]).makeOptionMandatory())
    .requiredOption("--id <id>", "a change id (e.g. a ticket number): the same id never bumps twice")
    .option("--size <n>", "bump size for every agreement (default: computed per agreement)")
    .action(runWith("bump", (ctx, sub) => bump(ctx, sub.account as Role, sub.id!)));

  program
    .command("guard")
    .description(
      "the phase safety rule before a deployment: exit 1 when the stack's phase differs from the authority's",
    )
    .addOption(
      new Option("--stack <role>", "the stack about to be deployed")
        .choices(["primary", "secondary"])
        .makeOptionMandatory(),
    )
    .action(async (sub: { stack: Role }) => {
      const g = program.opts<GlobalOptions>();
      const names = { primary: g.primaryStack, secondary: g.secondaryStack };
      const cli = g.secondaryOutputs === undefined && pulumiCliAvailable();
      guardCode = await guard(
        { ...g, stack: sub.stack },
        {
          ...io,
          credential: () => runbookCredential({ env: process.env, armEndpoint: new URL(g.armEndpoint) }),
          readOutputs: cli ? () => automationDriver(path.resolve(g.project), names).outputs("secondary") : undefined,
        },
      );
    });

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    if (code !== undefined) return code === 0 ? 0 : 2;
    if (e instanceof RecordError) {
      io.stderr(`error: ${e.message}`);
      return 1;
    }
    io.stderr(`error: ${describeError(e)}`);
    return 1;
  }
  if (guardCode !== undefined) return guardCode;
  if (usageCode !== undefined) return usageCode;
  if (result === undefined) {
    io.stderr(program.helpInformation());
    return 2;
  }
  const g = program.opts<GlobalOptions>();
  if (g.json) io.stdout(JSON.stringify(result, null, 2));
  return exitCodeOf(result);
}

async function execute(
  name: string,
  g: GlobalOptions,
  sub: Record<string, string | undefined>,
  op: (ctx: RunbookContext, sub: Record<string, string | undefined>) => Promise<OperationResult>,
  io: CliIo,
): Promise<OperationResult> {
  // Everything is checked before the first Azure call.
  const mutating = name !== "status";
  const primaryTimeoutMs = seconds(g.primaryTimeout, "--primary-timeout");
  const timeoutMs = seconds(g.timeout, "--timeout");
  const waitTimeoutMs = seconds(g.waitTimeout, "--wait-timeout");
  const pollIntervalMs = seconds(g.pollInterval, "--poll-interval");
  const propagationTimeoutMs = seconds(g.propagationTimeout, "--propagation-timeout");
  const propagationPollMs = seconds(g.propagationPoll, "--propagation-poll");
  if (g.partnerUrl !== undefined && !/^https:\/\/[^/\s]+/.test(g.partnerUrl))
    throw new UsageError(
      `--partner-url ${JSON.stringify(g.partnerUrl)} is not an https URL. Fix: e.g. https://b2b.contoso.com/as2`,
    );
  const deadlineMs = seconds(g.deadline, "--deadline");
  if (!/^[1-9]\d*$/.test(g.batchSize) || Number(g.batchSize) > 5000)
    throw new UsageError(`--batch-size ${JSON.stringify(g.batchSize)} is not a whole number from 1 to 5000`);
  const endpoint = armEndpointOption(g.armEndpoint);
  if (sub.size !== undefined && !/^[1-9]\d*$/.test(sub.size))
    throw new UsageError(`--size ${JSON.stringify(sub.size)} is not a positive whole number`);
  if (sub.id !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(sub.id))
    throw new UsageError(`--id ${JSON.stringify(sub.id)}: use 1-64 letters, digits, '.', '_' or '-'`);
  const interactive = io.isTTY ?? Boolean(process.stdin.isTTY);
  if (mutating && !g.dryRun && !g.yes && !interactive && io.confirm === undefined) {
    throw new UsageError("there is no terminal to confirm on. Fix: pass --yes (or --dry-run to only see the plan)");
  }
  if ((g.primaryOutputs === undefined) !== (g.secondaryOutputs === undefined)) {
    throw new UsageError(
      "give both --primary-outputs and --secondary-outputs, or neither (then the Automation API reads them)",
    );
  }

  const projectDir = path.resolve(g.project);
  const problems: Problem[] = [];
  const stackFile = readStackFile(projectDir, "secondary", problems);
  if (stackFile === undefined) throw new InputError(problems);
  const inputs = loadProgramInputs(stackFile.raw, stackFile.file, projectDir);
  const sizing = bumpSizing(inputs.config);
  const defaultBump = sub.size !== undefined ? Number(sub.size) : sizing.minimum;
  const missingSessions = new Map(
    inputs.catalog.agreements
      .filter((a) => a.protocol !== "AS2")
      .map((a) => [a.name, a.missingControlNumbers ?? "create"] as const),
  );
  const bumpSizes = new Map(
    inputs.catalog.agreements
      .filter((a) => a.protocol !== "AS2")
      .map((a) => [a.name, sub.size !== undefined ? Number(sub.size) : bumpSize(a.peakMessagesPerMinute, sizing)]),
  );

  const names: StackNames = { primary: g.primaryStack, secondary: g.secondaryStack };
  const driver = io.driver ?? (pulumiCliAvailable() ? automationDriver(projectDir, names) : manualDriver);
  const outputsFromPulumi = async (): Promise<Record<Role, StackOutputs>> => ({
    primary: parseOutputs(await driver.outputs("primary"), `stack ${names.primary}`, "primary"),
    secondary: parseOutputs(await driver.outputs("secondary"), `stack ${names.secondary}`, "secondary"),
  });
  let outputs: Record<Role, StackOutputs>;
  if (g.primaryOutputs !== undefined && g.secondaryOutputs !== undefined) {
    outputs = {
      primary: readOutputsFile(g.primaryOutputs, "primary"),
      secondary: readOutputsFile(g.secondaryOutputs, "secondary"),
    };
  } else if (driver.available) {
    outputs = await outputsFromPulumi();
  } else {
    throw new UsageError(
      "the Pulumi CLI is not installed, so the stack outputs cannot be read. Fix: pass --primary-outputs and --secondary-outputs " +
        "(pulumi stack output --json --stack <stack> > <file>, on any machine with access to the state backend)",
    );
  }

  const json = Boolean(g.json);
  const out: Reporter = {
    line: (t) => (json ? io.stderr(t) : io.stdout(t)),
    progress: (t) => io.stderr(t),
  };
  // Signing in asks Microsoft Entra ID (or the Azure CLI) for a token, never Resource Manager: with no
  // credential this stops with how to log in (exit 2) before the first ARM call.
  const cred = await runbookCredential({ env: process.env, armEndpoint: endpoint });
  const ingressOutputs = ingressFromOutputs(outputs.secondary, outputs.secondary.drManifest.subscriptionId);
  const ingress: IngressRuntime | undefined = ingressOutputs && {
    frontDoor: azureFrontDoor(ingressOutputs.location, cred, {
      endpoint: endpoint.toString().replace(/\/$/, ""),
      timeoutMs,
      maxRetries: 3,
    }),
    partnerUrls: g.partnerUrl !== undefined ? [g.partnerUrl] : ingressOutputs.partnerUrls,
    probe: httpsProbe(timeoutMs),
    propagationTimeoutMs,
    propagationPollMs,
    consecutive: 3,
  };
  const now = () => new Date();
  const pool = new CallPool({
    deadline: now().getTime() + deadlineMs,
    maxRetries: 3,
    now: () => now().getTime(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  });
  // The primary may hang: its calls get one retry and their own short time box.
  const primaryPool = new CallPool({ ...pool.options, maxRetries: 1 });
  // B2BDR_STATE_STORE_SHARED_KEY (`<account>:<key>`) is for the storage emulator (Azurite) only: the
  // stacks' accounts have shared-key access off, so in Azure only Entra ID (the credential) works.
  const sharedKey = process.env.B2BDR_STATE_STORE_SHARED_KEY;
  const colon = sharedKey?.indexOf(":") ?? -1;
  const storeCredential =
    sharedKey === undefined || colon < 1
      ? cred
      : new StorageSharedKeyCredential(sharedKey.slice(0, colon), sharedKey.slice(colon + 1));
  const store = (role: Role) =>
    blobJsonStore(stateStoreContainer(outputs[role].drStateStore, storeCredential), { timeoutMs });
  const account = (role: Role) =>
    azureAccount(
      role,
      {
        subscriptionId: outputs[role].drManifest.subscriptionId,
        resourceGroupName: outputs[role].drManifest.resourceGroupName,
        integrationAccountName: outputs[role].drManifest.integrationAccount.name,
      },
      cred,
      {
        endpoint: endpoint.toString().replace(/\/$/, ""),
        timeoutMs: role === "primary" ? primaryTimeoutMs : timeoutMs,
        pool: role === "primary" ? primaryPool : pool,
      },
    );
  const ctx: RunbookContext = {
    command: name,
    accounts: { primary: account("primary"), secondary: account("secondary") },
    outputs,
    names,
    driver,
    bumpSizes,
    defaultBump,
    missingSessions,
    stores: { primary: store("primary"), secondary: store("secondary") },
    repositoryPhase: inputs.config.drPhase,
    pool,
    audit: fileAudit(g.auditLog, now),
    out,
    now,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    confirm: g.yes ? async () => true : (io.confirm ?? askOnTerminal),
    options: {
      dryRun: Boolean(g.dryRun),
      skipPrimary: !g.primary,
      waitTimeoutMs,
      pollIntervalMs,
      batchSize: Number(g.batchSize),
      deep: Boolean(sub.deep),
    },
    reloadOutputs: driver.available ? outputsFromPulumi : undefined,
    ingress,
  };
  return op(ctx, sub);
}

/** A switch command with its announcements (runbook/notify.ts); bad notification settings are input errors. */
async function announced(
  command: "failover" | "fallback",
  ctx: RunbookContext,
  op: (ctx: RunbookContext) => Promise<OperationResult>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<OperationResult> {
  let notifier;
  try {
    notifier = notifierFromEnv(env);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return withAnnouncements(command, ctx, notifier, op, async () => {
    const latest = await latestEpoch(ctx.stores.secondary);
    if (command === "fallback") return latest.epoch;
    return latest.epoch > 0 && !latest.fallbackCompleted ? latest.epoch : latest.epoch + 1;
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`error: ${formatProblemOrError(e)}\n`);
      process.exit(1);
    },
  );
}

function formatProblemOrError(e: unknown): string {
  if (e instanceof InputError) return e.problems.map(formatProblem).join("\n");
  return describeError(e);
}
