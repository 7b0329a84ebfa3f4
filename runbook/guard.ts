/**
 * `npm run dr -- guard --stack <primary|secondary>`: the safety rule, run by every GitHub workflow
 * before any `pulumi up` or `pulumi preview`. It compares the phase a deployment of that stack would
 * apply with the phase authority (`phase.json` in the secondary's DR state store) and exits 1 when
 * they differ, so the job stops before Pulumi runs. The Pulumi program applies the same rule itself
 * (components/phaseAuthority.ts); the guard makes the refusal visible as its own failed step, and
 * also covers the primary's deployment against the secondary's DEPLOYED phase.
 *
 * What it compares:
 * - the repository's `b2b-dr:drPhase` in Pulumi.secondary.yaml (both stacks: the deploy workflow
 *   applies it to the secondary, and the primary follows the secondary);
 * - for `--stack primary`, also the secondary's deployed `drPhase` output (what the primary applies).
 *
 * Exit status: 0 the phases agree (or break-glass, logged); 1 they differ, or the authority cannot be
 * read; 2 invalid input (no Azure call made).
 */
import * as fs from "fs";
import * as path from "path";
import type { TokenCredential } from "@azure/core-auth";
import type { StorageSharedKeyCredential } from "@azure/storage-blob";
import { PROJECT, Role, parseStackConfig } from "../model/config";
import { azureAuthorityReader } from "../tools/authorityReader";
import {
  AuthorityReader,
  AuthorityRecord,
  BREAK_GLASS_ENV,
  PhaseVerdict,
  StoreLocation,
  authorityPhase,
  checkPhase,
} from "../model/phaseRule";
import { formatProblem } from "../model/problems";
import { readStackFile } from "../model/stackFile";
import { describeError } from "./arm";
import { fileAudit } from "./context";

/** For the storage emulator only (production stores have shared-key access off): its account key. */
export const STORAGE_KEY_ENV = "B2B_DR_STORAGE_KEY";

export interface GuardOptions {
  readonly stack: Role;
  readonly project: string;
  readonly secondaryStack: string;
  /** `pulumi stack output --json` of the secondary; else read with `readOutputs`. */
  readonly secondaryOutputs?: string;
  readonly json?: boolean;
  readonly auditLog?: string;
}

export interface GuardIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** Reads the secondary's outputs when no file is given (the Automation API), or undefined when it cannot. */
  readonly readOutputs?: () => Promise<Record<string, unknown>>;
  readonly credential?: () => Promise<TokenCredential>;
  /** Replaces the Azure reader (tests). */
  readonly reader?: AuthorityReader;
}

class GuardInputError extends Error {}

/** The secondary's published store and phase from its outputs; both absent before its first `up`. */
function secondaryFacts(
  outputs: Record<string, unknown>,
  source: string,
): { location?: StoreLocation; phase?: string } {
  const store = outputs.drStateStore as Partial<StoreLocation> | undefined;
  if (
    store !== undefined &&
    (typeof store.accountName !== "string" ||
      typeof store.blobEndpoint !== "string" ||
      typeof store.container !== "string")
  )
    throw new GuardInputError(
      `${source}: drStateStore is not { accountName, blobEndpoint, container }. Fix: use \`pulumi stack output --json\` of the secondary stack.`,
    );
  return {
    location: store as StoreLocation | undefined,
    phase: typeof outputs.drPhase === "string" ? outputs.drPhase : undefined,
  };
}

export async function guard(options: GuardOptions, io: GuardIo): Promise<number> {
  const env = io.env ?? process.env;
  const report = (t: string) => (options.json ? io.stderr(t) : io.stdout(t));
  // 1. Everything local first: the repository's declared phase and the secondary's outputs.
  let declared: ReturnType<typeof parseStackConfig>;
  let outputs: Record<string, unknown>;
  let outputsSource: string;
  try {
    const projectDir = path.resolve(options.project);
    const problems: Parameters<typeof readStackFile>[2] = [];
    const file = readStackFile(projectDir, "secondary", problems);
    if (file === undefined) throw new GuardInputError(problems.map(formatProblem).join("\n"));
    declared = parseStackConfig(file.raw, file.file);
    if (!declared.ok) throw new GuardInputError(declared.problems.map(formatProblem).join("\n"));
    if (options.secondaryOutputs !== undefined) {
      outputsSource = `--secondary-outputs ${options.secondaryOutputs}`;
      try {
        outputs = JSON.parse(fs.readFileSync(options.secondaryOutputs, "utf8")) as Record<string, unknown>;
      } catch (e) {
        throw new GuardInputError(
          `${outputsSource}: ${(e as Error).message}. Fix: write it with \`pulumi stack output --json --stack ${options.secondaryStack} > ${options.secondaryOutputs}\`.`,
        );
      }
    } else if (io.readOutputs !== undefined) {
      outputsSource = `stack ${options.secondaryStack}`;
      outputs = await io.readOutputs();
    } else {
      throw new GuardInputError(
        "the Pulumi CLI is not installed, so the secondary's outputs cannot be read. Fix: pass --secondary-outputs FILE " +
          `(pulumi stack output --json --stack ${options.secondaryStack} > FILE).`,
      );
    }
  } catch (e) {
    if (!(e instanceof GuardInputError)) throw e;
    io.stderr(`error: ${e.message}`);
    return 2;
  }
  const facts = (() => {
    try {
      return secondaryFacts(outputs, outputsSource);
    } catch (e) {
      io.stderr(`error: ${(e as Error).message}`);
      return undefined;
    }
  })();
  if (facts === undefined) return 2;
  const repoPhase = declared.config.drPhase ?? "normal";

  // 2. The authority, from the secondary's store (never the primary region).
  let record: AuthorityRecord | undefined;
  if (facts.location === undefined) {
    report(`The secondary has no DR state store yet (${outputsSource}): authority phase normal (first deployment).`);
  } else {
    try {
      const key = env[STORAGE_KEY_ENV];
      let credential: TokenCredential | StorageSharedKeyCredential | undefined;
      if (key) {
        const { StorageSharedKeyCredential } = await import("@azure/storage-blob");
        credential = new StorageSharedKeyCredential(facts.location.accountName, key);
      } else credential = await io.credential?.();
      record = await (io.reader ?? azureAuthorityReader({ credential })).read(facts.location);
    } catch (e) {
      io.stderr(
        `error: cannot read the phase authority (${facts.location.blobEndpoint}${facts.location.container}/phase.json): ${describeError(e)}. ` +
          "Refusing: a deployment never guesses the phase. Fix: give this identity Storage Blob Data Reader on the secondary's DR state store.",
      );
      return 1;
    }
  }

  // 3. The rule, for what this stack's deployment would apply.
  const checks: { what: string; verdict: PhaseVerdict }[] = [];
  const breakGlassReason = env[BREAK_GLASS_ENV];
  checks.push({
    what: `repository ${PROJECT}:drPhase`,
    verdict: checkPhase({
      stack: options.stack === "secondary" ? options.secondaryStack : options.stack,
      role: options.stack,
      declared: repoPhase,
      source: { file: "Pulumi.secondary.yaml", setting: `${PROJECT}:drPhase` },
      authority: record,
      breakGlassReason,
    }),
  });
  if (
    options.stack === "primary" &&
    (facts.phase === "normal" || facts.phase === "failover" || facts.phase === "failback")
  ) {
    checks.push({
      what: "secondary's deployed drPhase",
      verdict: checkPhase({
        stack: options.stack,
        role: "primary",
        declared: facts.phase,
        source: { file: `the outputs of ${options.secondaryStack}`, setting: "drPhase (deployed)" },
        authority: record,
        breakGlassReason,
      }),
    });
  }

  const audit = fileAudit(options.auditLog, () => new Date());
  for (const c of checks) {
    if (c.verdict.verdict === "refuse") io.stderr(c.verdict.message);
    if (c.verdict.verdict === "override") {
      io.stderr(`warning: ${c.verdict.warning}`);
      audit({
        command: "guard",
        account: "secondary",
        target: `deployment of stack ${options.stack}`,
        action: "break-glass override of the phase safety rule",
        before: authorityPhase(record),
        after: c.verdict.phase,
        result: "ok",
        error: c.verdict.warning,
      });
    }
  }
  const refused = checks.some((c) => c.verdict.verdict === "refuse");
  report(
    `Phase guard for stack ${options.stack}: authority ${authorityPhase(record)}` +
      `${record ? ` (epoch ${record.epoch}, ${record.operationId})` : " (no phase.json)"}; ` +
      checks
        .map(
          (c) =>
            `${c.what} ${c.verdict.verdict === "refuse" ? "DIFFERS" : c.verdict.verdict === "override" ? "differs (BREAK-GLASS)" : "agrees"}`,
        )
        .join("; ") +
      `. ${refused ? "REFUSED: do not deploy." : "OK to deploy."}`,
  );
  if (options.json) {
    io.stdout(
      JSON.stringify(
        {
          command: "guard",
          stack: options.stack,
          authority: record ?? null,
          authorityPhase: authorityPhase(record),
          repositoryPhase: repoPhase,
          secondaryDeployedPhase: facts.phase ?? null,
          checks: checks.map((c) => ({ what: c.what, ...c.verdict })),
          ok: !refused,
        },
        null,
        2,
      ),
    );
  }
  return refused ? 1 : 0;
}
