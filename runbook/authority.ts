/**
 * The runbook's side of the phase authority: read and write `phase.json` in the SECONDARY's DR
 * state store (runbook/stateStore.ts), ETag-guarded and audit-logged. Only `failover` and
 * `fallback` write it, each time BEFORE the `pulumi up` that applies the new phase, so the deployment
 * they start agrees with the authority, and every other deployment is checked against it.
 */
import * as os from "os";
import type { DrPhase } from "../model/config";
import { AUTHORITY_BLOB, AuthorityRecord, authorityPhase, parseAuthority } from "../model/phaseRule";
import type { AuditEntry, OperationResult } from "./context";
import { ConcurrentWriteError, JsonStore } from "./stateStore";
import { describeError } from "./arm";
import type { Run } from "./steps";

/** The phases the runbook moves through; a write that is not one of these steps is refused. */
const ALLOWED: ReadonlyArray<readonly [DrPhase, DrPhase]> = [
  ["normal", "failover"],
  ["failover", "failback"],
  ["failback", "normal"],
];

export interface AuthorityState {
  readonly record: AuthorityRecord | undefined;
  /** ETag of the blob read, undefined when absent. */
  readonly etag: string | undefined;
}

/** Reads `phase.json`; absent means phase `normal`. An unreadable record throws (never read as normal). */
export async function readAuthority(store: JsonStore): Promise<AuthorityState> {
  const doc = await store.read<unknown>(AUTHORITY_BLOB);
  if (doc === undefined) return { record: undefined, etag: undefined };
  return { record: parseAuthority(JSON.stringify(doc.value), `${store.url}/${AUTHORITY_BLOB}`), etag: doc.etag };
}

/** Who changes the phase, as recorded: `B2B_DR_OPERATOR`, the GitHub actor, or user@host. */
export function operatorName(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.B2B_DR_OPERATOR ||
    (env.GITHUB_ACTOR ? `github:${env.GITHUB_ACTOR}` : undefined) ||
    `${os.userInfo().username}@${os.hostname()}`
  );
}

export interface PhaseWrite {
  readonly phase: DrPhase;
  readonly epoch: number;
  readonly operationId: string;
}

export interface PhaseWriteContext {
  readonly store: JsonStore;
  readonly command: string;
  readonly now: () => Date;
  readonly audit: (entry: AuditEntry) => void;
  readonly changedBy?: string;
}

/**
 * Sets the authority's phase. Idempotent: a record that already holds this phase and epoch is left
 * alone ("unchanged"). Guarded: only the runbook's own steps are allowed, and the write replaces
 * exactly the version read (ETag), so two operators never both win: the loser gets
 * `ConcurrentWriteError` and nothing is overwritten.
 */
export async function recordPhase(ctx: PhaseWriteContext, next: PhaseWrite): Promise<"written" | "unchanged"> {
  const current = await readAuthority(ctx.store);
  const from = authorityPhase(current.record);
  if (current.record?.phase === next.phase && current.record.epoch === next.epoch) return "unchanged";
  if (from === next.phase && current.record === undefined) return "unchanged"; // absent = normal already
  if (!ALLOWED.some(([a, b]) => a === from && b === next.phase)) {
    throw new Error(
      `The phase authority (${ctx.store.url}/${AUTHORITY_BLOB}) says ${from}` +
        `${current.record ? ` (epoch ${current.record.epoch}, ${current.record.operationId})` : ""}; ` +
        `${next.operationId} cannot move it to ${next.phase}. Fix: check \`npm run dr -- status\`; the runbook moves ` +
        "normal -> failover -> failback -> normal only.",
    );
  }
  const record: AuthorityRecord = {
    phase: next.phase,
    epoch: next.epoch,
    changedAt: ctx.now().toISOString(),
    changedBy: ctx.changedBy ?? operatorName(),
    operationId: next.operationId,
  };
  await ctx.store.write(
    AUTHORITY_BLOB,
    record,
    current.etag === undefined ? { ifNoneMatch: "*" } : { ifMatch: current.etag },
  );
  ctx.audit({
    command: ctx.command,
    operation: next.operationId,
    account: "secondary",
    target: `phase authority ${ctx.store.url}/${AUTHORITY_BLOB}`,
    action: "set phase",
    before: current.record ?? null,
    after: record,
    result: "ok",
  });
  return "written";
}

/**
 * The runbook step that records the phase in the authority, BEFORE the `pulumi up` (or the printed
 * `pulumi` commands) that applies it: the deployment it starts then agrees with the authority, and
 * any other deployment of the old phase is refused. Returns a result to stop with, or undefined.
 */
export async function authorityStep(run: Run, next: PhaseWrite): Promise<OperationResult | undefined> {
  const { ctx } = run;
  try {
    const outcome = await recordPhase(
      { store: ctx.stores.secondary, command: ctx.command, now: ctx.now, audit: ctx.audit },
      next,
    );
    ctx.out.line(
      `  phase authority: ${next.phase} (epoch ${next.epoch}, ${next.operationId}) ${outcome === "written" ? "recorded" : "already recorded"} in ${ctx.stores.secondary.url}/${AUTHORITY_BLOB}`,
    );
    ctx.out.line(
      `  commit b2b-dr:drPhase: ${next.phase} in Pulumi.secondary.yaml: until the repository agrees, the deploy workflow's phase guard refuses to deploy.`,
    );
    run.details.authority = { ...next, outcome };
    return undefined;
  } catch (e) {
    return run.fail(
      e instanceof ConcurrentWriteError
        ? e.message
        : `could not record the phase ${next.phase} in the phase authority: ${describeError(e)}. Nothing was deployed; run the command again.`,
    );
  }
}

/** One phase as each place holds it, for `dr status`. */
export interface PhaseAgreement {
  readonly authority: AuthorityRecord | undefined;
  readonly authorityPhase: DrPhase;
  readonly secondaryDeployed: DrPhase;
  readonly primaryDeployed: DrPhase;
  /** `b2b-dr:drPhase` in the repository's Pulumi.secondary.yaml (undefined: not known here). */
  readonly repository: DrPhase | undefined;
  readonly agree: boolean;
  /** One line per place that differs from the authority, with the fix. */
  readonly differences: readonly string[];
}

/**
 * The authority's phase next to each stack's deployed `drPhase` output and the file in git; they
 * agree when all equal the authority's. Throws when the authority cannot be read.
 */
export async function phaseAgreement(
  store: JsonStore,
  deployed: { readonly primary: DrPhase; readonly secondary: DrPhase },
  repository: DrPhase | undefined,
  names: { readonly primary: string; readonly secondary: string },
): Promise<PhaseAgreement> {
  const { record } = await readAuthority(store);
  const authority = authorityPhase(record);
  const differences: string[] = [];
  if (repository !== undefined && repository !== authority)
    differences.push(
      `Pulumi.secondary.yaml says b2b-dr:drPhase: ${repository}; fix: commit drPhase: ${authority} (deploys are refused until then)`,
    );
  if (deployed.secondary !== authority)
    differences.push(
      `stack ${names.secondary} is deployed in ${deployed.secondary}; fix: run the runbook command that is in progress again, or pulumi up --stack ${names.secondary}`,
    );
  if (deployed.primary !== authority)
    differences.push(
      `stack ${names.primary} is deployed in ${deployed.primary}; fix: pulumi up --stack ${names.primary} once its region answers`,
    );
  return {
    authority: record,
    authorityPhase: authority,
    secondaryDeployed: deployed.secondary,
    primaryDeployed: deployed.primary,
    repository,
    agree: differences.length === 0,
    differences,
  };
}
