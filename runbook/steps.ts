/**
 * The steps every runbook command is made of: the run (report, warnings, errors, result), the plan
 * and confirmation gate, workflow switching and the Pulumi step.
 */
import type { DrPhase, Role } from "../model/config";
import { AccountApi, describeError } from "./arm";
import type { BumpOutcome } from "./bumpRun";
import type { OperationResult, OperationStatus, RunbookContext } from "./context";
import { pulumiCommands } from "./pulumi";
import { switchIngress } from "./ingress";
import type { RecordHandle } from "./record";
import { ConcurrentWriteError } from "./stateStore";

export interface PulumiStep {
  /** Stack config to set (a value) or remove (undefined) first. */
  readonly config?: readonly (readonly [Role, string, string | undefined])[];
  readonly setPhase?: DrPhase;
  readonly up: readonly Role[];
}

export class Run {
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  readonly commands: string[] = [];
  readonly details: Record<string, unknown> = {};
  private stepNo = 0;
  constructor(
    readonly ctx: RunbookContext,
    readonly phase: DrPhase,
  ) {}
  step(title: string): void {
    this.ctx.out.line(`${++this.stepNo}. ${title}`);
  }
  warn(text: string): void {
    this.warnings.push(text);
    this.ctx.out.line(`  warning: ${text}`);
  }
  fail(text: string): OperationResult {
    this.errors.push(text);
    this.ctx.out.line(`  error: ${text}`);
    return this.result("failed");
  }
  /** A problem with one item: the run goes on, then fails (exit 1). */
  problem(text: string, fix: string): void {
    const line = `${text}. Fix: ${fix}.`;
    this.errors.push(line);
    this.ctx.out.line(`  error: ${line}`);
  }
  failed(): OperationResult {
    this.ctx.out.line(
      `${this.errors.length} problem(s): fix them and run the command again; it resumes where it stopped.`,
    );
    return this.result("failed");
  }
  /** Reports a bump outcome: counts, warnings (summarised when many), problems. */
  report(outcome: BumpOutcome): void {
    const o = outcome;
    this.ctx.out.line(
      `  ${o.total} sessions: ${o.bumped} bumped (${o.created.length} created), ${o.alreadyDone} already bumped, ${o.skipped.length} skipped, ${o.notApplicable} acknowledgement sessions not in use, ${o.problems.length} not bumped`,
    );
    this.details.bumped = o.bumped;
    this.details.alreadyBumped = o.alreadyDone;
    this.details.created = o.created;
    this.details.skipped = o.skipped;
    const many = o.warnings.length > 20;
    (many ? o.warnings.slice(0, 20) : o.warnings).forEach((w) => this.warn(w));
    if (many) this.warn(`… ${o.warnings.length - 20} more warnings (--json lists them all)`);
    if (many) this.warnings.push(...o.warnings.slice(20));
    for (const p of o.problems) this.problem(`${p.session}: ${p.reason}`, p.fix);
    if (this.ctx.pool) this.details.calls = this.ctx.pool.stats;
  }
  result(status: OperationStatus): OperationResult {
    return {
      command: this.ctx.command,
      status,
      phase: this.phase,
      commands: this.commands,
      warnings: this.warnings,
      errors: this.errors,
      details: this.details,
    };
  }
}

function printPlan(ctx: RunbookContext, title: string, steps: readonly string[]): void {
  ctx.out.line(title);
  steps.forEach((s, i) => ctx.out.line(`  ${i + 1}. ${s}`));
}

/** Prints the plan and, unless a dry run or refused, asks; returns a result to stop with, or undefined to go on. */
export async function gate(run: Run, title: string, steps: string[]): Promise<OperationResult | undefined> {
  const { ctx } = run;
  printPlan(ctx, title, steps);
  if (ctx.options.dryRun) {
    ctx.out.line("Dry run: nothing was changed.");
    return run.result("dry-run");
  }
  if (!(await ctx.confirm("Proceed?"))) {
    ctx.out.line("Not confirmed: nothing was changed.");
    return run.result("declined");
  }
  return undefined;
}

/** Disables or enables workflows that are not yet in that state; returns the failures. */
export async function setWorkflows(
  run: Run,
  account: AccountApi,
  names: readonly string[],
  enabled: boolean,
): Promise<string[]> {
  const want = enabled ? "Enabled" : "Disabled";
  const results = await Promise.allSettled(
    names.map(async (name) => {
      const state = await account.getWorkflowState(name);
      if (state === undefined) throw new Error("it does not exist");
      if (state === want) return `${name}: already ${want}`;
      await account.setWorkflowEnabled(name, enabled);
      run.ctx.audit({
        command: run.ctx.command,
        account: account.role,
        target: `workflow ${name}`,
        action: enabled ? "enable" : "disable",
        before: state,
        after: want,
        result: "ok",
      });
      return `${name}: ${want}`;
    }),
  );
  const failures: string[] = [];
  results.forEach((r, i) => {
    if (r.status === "fulfilled") run.ctx.out.line(`  ${r.value}`);
    else {
      const error = describeError(r.reason);
      failures.push(`${names[i]}: ${error}`);
      run.ctx.audit({
        command: run.ctx.command,
        account: account.role,
        target: `workflow ${names[i]}`,
        action: enabled ? "enable" : "disable",
        result: "failed",
        error,
      });
    }
  });
  return failures;
}

/** Sets the phase and runs `pulumi up`, or prints the commands when the Pulumi CLI is not here. */
export async function pulumiStep(run: Run, step: PulumiStep): Promise<boolean> {
  const { ctx } = run;
  const commands = pulumiCommands(ctx.names, step);
  if (!ctx.driver.available) {
    run.commands.push(...commands);
    ctx.out.line("  The Pulumi CLI is not available here. Run these, then run this command again:");
    commands.forEach((c) => ctx.out.line(`    ${c}`));
    return false;
  }
  for (const [stack, key, value] of step.config ?? []) {
    await ctx.driver.setConfig(stack, key, value);
    ctx.audit({
      command: ctx.command,
      account: stack,
      target: `config ${key}`,
      action: value === undefined ? "remove" : "set",
      after: value,
      result: "ok",
    });
  }
  if (step.setPhase !== undefined) {
    await ctx.driver.setPhase(step.setPhase);
    ctx.audit({
      command: ctx.command,
      account: "secondary",
      target: "config b2b-dr:drPhase",
      action: "set",
      after: step.setPhase,
      result: "ok",
    });
  }
  for (const stack of step.up) {
    ctx.out.line(`  pulumi up --stack ${ctx.names[stack]}`);
    await ctx.driver.up(stack, (line) => ctx.out.progress(`[${stack}] ${line}`));
    ctx.audit({
      command: ctx.command,
      account: stack,
      target: `stack ${ctx.names[stack]}`,
      action: "pulumi up",
      result: "ok",
    });
  }
  return true;
}

/**
 * The partner-ingress switch (runbook/ingress.ts, docs/ingress.md): enable `to`'s business workflows,
 * move the Front Door origin to `to`, wait for propagation. The `pulumi up` that follows declares the
 * same states. Returns a result to stop with, or undefined to go on (also when there is no ingress).
 */
export async function movePartnerTraffic(run: Run, to: Role): Promise<OperationResult | undefined> {
  const { ctx } = run;
  if (ctx.ingress === undefined) return undefined;
  run.step("Partner traffic");
  const failures = await setWorkflows(run, ctx.accounts[to], ctx.outputs[to].drManifest.workflows.business, true);
  if (failures.length > 0) return run.fail(`could not enable the ${to}'s business workflows: ${failures.join("; ")}`);
  const error = await switchIngress(ctx, to);
  return error === undefined ? undefined : run.fail(error);
}

/**
 * Saves the run's record; another operator's concurrent write (ETag conflict) stops the command with
 * its message. Returns a result to stop with, or undefined to go on.
 */
export async function saveRecord(run: Run, handle: RecordHandle): Promise<OperationResult | undefined> {
  try {
    await handle.save();
    return undefined;
  } catch (e) {
    if (e instanceof ConcurrentWriteError) return run.fail(e.message);
    throw e;
  }
}
