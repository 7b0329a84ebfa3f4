/**
 * The runbook commands: failover, fallback and bump. Each prints its plan, stops there on
 * `--dry-run`, asks before changing anything (unless `--yes`), records its progress in Azure, and
 * can be run again: a finished run changes nothing, an interrupted one resumes.
 */
import type { DrPhase, Role } from "../components/config";
import { AccountApi, describeError } from "./arm";
import { BumpPlan, applyBumps, bumpDetails, completeOperation, describeBump, planBumps } from "./bumps";
import type { OperationResult, OperationStatus, RunbookContext } from "./context";
import { parseGeneratedSession, readControlNumber, ticksOf } from "./controlNumbers";
import { openFailoverEpoch, operationId, readMarker } from "./marker";
import { switchIngress } from "./ingress";
import { pulumiCommands } from "./pulumi";

class Run {
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

function bumpLines(plan: BumpPlan): string[] {
  const lines = plan.bumps.map((b) => `     ${describeBump(b)}`);
  return lines.length > 0 ? lines : ["     (no generated control-number sessions yet: nothing to bump)"];
}

/** Plans and, unless refused, asks; returns a result to stop with, or undefined to go on. */
async function gate(
  run: Run,
  plan: BumpPlan | undefined,
  title: string,
  steps: string[],
): Promise<OperationResult | undefined> {
  const { ctx } = run;
  printPlan(ctx, title, steps);
  if (plan !== undefined) {
    plan.warnings.forEach((w) => run.warn(w));
    if (plan.refused.length > 0) {
      for (const r of plan.refused) run.errors.push(`${r.session}: ${r.reason}. Fix: ${r.fix}.`);
      run.errors.forEach((e) => ctx.out.line(`  refused: ${e}`));
      ctx.out.line("Nothing was changed.");
      return run.result("failed");
    }
  }
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
async function setWorkflows(
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

/**
 * The partner-ingress switch (runbook/ingress.ts): enable `to`'s business workflows, move the Front
 * Door origin to `to`, wait for propagation. The `pulumi up` that follows declares the same states.
 * Returns a result to stop with, or undefined to go on (also when there is no ingress).
 */
async function movePartnerTraffic(run: Run, to: Role): Promise<OperationResult | undefined> {
  const { ctx } = run;
  if (ctx.ingress === undefined) return undefined;
  run.step("Partner traffic");
  const failures = await setWorkflows(run, ctx.accounts[to], ctx.outputs[to].drManifest.workflows.business, true);
  if (failures.length > 0) return run.fail(`could not enable the ${to}'s business workflows: ${failures.join("; ")}`);
  const error = await switchIngress(ctx, to);
  return error === undefined ? undefined : run.fail(error);
}

/** Sets the phase and runs `pulumi up`, or prints the commands when the Pulumi CLI is not here. */
async function pulumiStep(run: Run, step: { setPhase?: DrPhase; up: readonly Role[] }): Promise<boolean> {
  const { ctx } = run;
  const commands = pulumiCommands(ctx.names, step);
  if (!ctx.driver.available) {
    run.commands.push(...commands);
    ctx.out.line("  The Pulumi CLI is not available here. Run these, then run this command again:");
    commands.forEach((c) => ctx.out.line(`    ${c}`));
    return false;
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

// ---------------------------------------------------------------------------------------------

/**
 * Failover: the secondary region takes over. Steps: disable the primary's workflows (best effort,
 * time-boxed: the primary may be down or hang), disable primary → secondary replication, bump the
 * secondary's generated control numbers, set the phase to `failover` and `pulumi up` the secondary.
 * With a partner ingress (docs/ingress.md) the primary's workflows are disabled last: after the bump,
 * enable the secondary's business workflows, move the Front Door origin, wait for propagation, then
 * disable the primary's.
 */
export async function failover(ctx: RunbookContext): Promise<OperationResult> {
  const { primary, secondary } = ctx.accounts;
  const phase = ctx.outputs.secondary.drPhase;
  const run = new Run(ctx, phase);
  if (phase === "failback")
    return run.fail("a fallback is in progress (phase failback); finish it with `npm run dr -- fallback`");
  const marker = await readMarker(secondary);
  const epoch = openFailoverEpoch(marker) ?? marker.epoch + 1;
  const opId = operationId.failover(epoch);
  const record = marker.operations[opId];
  run.details.epoch = epoch;
  if (record?.status === "completed") {
    ctx.out.line(`Failover ${epoch} is complete: the secondary is active (phase ${phase}). Nothing to do.`);
    return run.result("nothing-to-do");
  }
  if (record?.status === "bumped" && phase === "failover") {
    await completeOperation(ctx, secondary, opId);
    ctx.out.line(`Failover ${epoch}: control numbers were bumped and the phase is failover. Recorded as complete.`);
    return run.result("done");
  }

  const primaryWorkflows = [
    ...ctx.outputs.primary.drManifest.workflows.business,
    ...ctx.outputs.primary.drManifest.workflows.replication,
  ];
  const replication = ctx.outputs.secondary.drManifest.workflows.replication;
  const plan = await planBumps(ctx, secondary, ctx.outputs.secondary.drManifest, record);
  run.details.bumps = bumpDetails(plan);
  // With a partner ingress the old region's workflows are disabled last, once traffic has moved.
  const disablePrimaryStep = ctx.options.skipPrimary
    ? "Leave the primary's workflows alone (--no-primary: no call to the primary region)."
    : `Disable the primary's workflows, best effort, each call time-boxed: ${primaryWorkflows.join(", ") || "(none)"}.`;
  const stop = await gate(
    run,
    plan,
    `Failover ${epoch}${record ? " (resuming)" : ""}: make ${ctx.outputs.secondary.drManifest.region} the active region.`,
    [
      ...(ctx.ingress ? [] : [disablePrimaryStep]),
      `Disable primary -> secondary replication: ${replication.join(", ") || "(none)"}.`,
      `Bump the generated control numbers of ${secondary.location.integrationAccountName}:\n${bumpLines(plan).join("\n")}`,
      ...(ctx.ingress
        ? [
            `Enable the secondary's business workflows, move partner traffic to the secondary's Front Door origin, wait for propagation (at most ${Math.round(ctx.ingress.propagationTimeoutMs / 1000)} s).`,
            disablePrimaryStep,
          ]
        : []),
      "Set b2b-dr:drPhase = failover and run pulumi up on the secondary stack.",
    ],
  );
  if (stop) return stop;

  const disablePrimary = async () => {
    run.step("Primary workflows");
    if (ctx.options.skipPrimary) ctx.out.line("  skipped (--no-primary)");
    else {
      const failures = await setWorkflows(run, primary, primaryWorkflows, false);
      failures.forEach((f) =>
        run.warn(`primary ${f} (best effort: the failover goes on; disable it by hand when the region answers)`),
      );
    }
  };
  if (!ctx.ingress) await disablePrimary();
  run.step("Replication workflows");
  const replicationFailures = await setWorkflows(run, secondary, replication, false);
  if (replicationFailures.length > 0)
    return run.fail(`could not disable replication: ${replicationFailures.join("; ")}. Run the command again.`);
  run.step("Control numbers");
  const errors = await applyBumps(ctx, secondary, opId, plan, (m) => void (m.epoch = epoch));
  if (errors.length > 0) return run.fail(errors.join("\n"));
  if (ctx.ingress) {
    const stopped = await movePartnerTraffic(run, "secondary");
    if (stopped) return stopped;
    await disablePrimary();
  }
  run.step("Phase and deployment");
  if (!(await pulumiStep(run, { setPhase: "failover", up: ["secondary"] }))) return run.result("waiting-for-pulumi");
  await completeOperation(ctx, secondary, opId);
  ctx.out.line(
    `Failover ${epoch} complete. When the primary region answers again, run: pulumi up --stack ${ctx.names.primary}`,
  );
  return run.result("done");
}

// ---------------------------------------------------------------------------------------------

interface CatchUp {
  readonly behind: string[];
  readonly total: number;
}

/** Which generated sessions of the secondary the primary has not caught up with. */
async function catchUp(ctx: RunbookContext): Promise<CatchUp> {
  const names = ctx.outputs.secondary.drManifest.agreements.filter((a) => a.protocol !== "AS2").map((a) => a.name);
  const [s, p] = await Promise.all([ctx.accounts.secondary.listSessions(), ctx.accounts.primary.listSessions()]);
  const generated = s.filter((x) => parseGeneratedSession(x.name, names));
  const behind: string[] = [];
  for (const session of generated) {
    const sv = readControlNumber(session.content);
    const peer = p.find((x) => x.name.toLowerCase() === session.name.toLowerCase());
    const pv = peer === undefined ? undefined : readControlNumber(peer.content);
    if (sv === undefined) continue;
    if (pv === undefined || (ticksOf(pv.changedTime) ?? 0n) < (ticksOf(sv.changedTime) ?? 0n)) {
      behind.push(
        `${session.name} (secondary ${sv.controlNumber} at ${sv.changedTime}, primary ${pv ? `${pv.controlNumber} at ${pv.changedTime}` : "missing"})`,
      );
    }
  }
  return { behind, total: generated.length };
}

/**
 * Fallback: the primary region takes over again. Steps: set the phase to `failback` and deploy
 * (reverse replication secondary → primary), stop accepting in the secondary, wait until the primary
 * has caught up, bump the primary to max(primary, secondary) + bump, set the phase back to `normal`
 * and deploy both stacks, verify that primary → secondary replication is enabled again. With a
 * partner ingress, after the bump: enable the primary's business workflows, move the Front Door
 * origin back, wait for propagation.
 */
export async function fallback(ctx: RunbookContext): Promise<OperationResult> {
  const { primary, secondary } = ctx.accounts;
  const phase = ctx.outputs.secondary.drPhase;
  const run = new Run(ctx, phase);
  const sMarker = await readMarker(secondary);
  const epoch = openFailoverEpoch(sMarker);
  if (epoch === undefined) {
    const last = sMarker.operations[operationId.fallback(sMarker.epoch)];
    if (last?.status === "completed") {
      ctx.out.line(`Fallback ${sMarker.epoch} is complete: the primary is active (phase ${phase}). Nothing to do.`);
      return run.result("nothing-to-do");
    }
    return run.fail("there is no failover to fall back from (the runbook record of the secondary has none open)");
  }
  run.details.epoch = epoch;
  const opId = operationId.fallback(epoch);

  if (phase === "normal") {
    // After the switch back: finish by verifying forward replication.
    const pMarker = await readMarker(primary);
    if (pMarker.operations[opId]?.status !== "bumped" && pMarker.operations[opId]?.status !== "completed") {
      return run.fail(
        `the phase is normal but the primary's control numbers were not bumped for failover ${epoch}; run \`npm run dr -- bump --account primary --id fallback-${epoch}\` first`,
      );
    }
    run.step("Verify primary -> secondary replication");
    const states = await Promise.all(
      ctx.outputs.secondary.drManifest.workflows.replication.map(
        async (n) => [n, await secondary.getWorkflowState(n)] as const,
      ),
    );
    states.forEach(([n, s]) => ctx.out.line(`  ${n}: ${s ?? "missing"}`));
    const off = states.filter(([, s]) => s !== "Enabled").map(([n]) => n);
    if (off.length > 0)
      return run.fail(`replication is not enabled: ${off.join(", ")}. Run pulumi up --stack ${ctx.names.secondary}.`);
    await completeOperation(ctx, primary, opId);
    await completeOperation(ctx, secondary, opId);
    ctx.out.line(`Fallback ${epoch} complete: primary active, replication primary -> secondary enabled.`);
    return run.result("done");
  }

  const stop = await gate(
    run,
    undefined,
    `Fallback ${epoch}: make ${ctx.outputs.primary.drManifest.region} the active region again.`,
    [
      phase === "failover"
        ? "Set b2b-dr:drPhase = failback; pulumi up the secondary, then the primary (reverse replication secondary -> primary)."
        : "Phase is failback: reverse replication is deployed.",
      `Stop accepting in the secondary: disable ${ctx.outputs.secondary.drManifest.workflows.business.join(", ") || "(no business workflows)"}.`,
      `Wait until the primary has caught up (at most ${Math.round(ctx.options.waitTimeoutMs / 1000)} s).`,
      "Bump the primary's generated control numbers to max(primary, secondary) + bump.",
      ...(ctx.ingress
        ? [
            `Enable the primary's business workflows, move partner traffic to the primary's Front Door origin, wait for propagation (at most ${Math.round(ctx.ingress.propagationTimeoutMs / 1000)} s).`,
          ]
        : []),
      "Set b2b-dr:drPhase = normal; pulumi up the primary and the secondary; verify primary -> secondary replication.",
    ],
  );
  if (stop) return stop;

  if (phase === "failover") {
    run.step("Reverse replication");
    if (!(await pulumiStep(run, { setPhase: "failback", up: ["secondary", "primary"] })))
      return run.result("waiting-for-pulumi");
    if (ctx.reloadOutputs) Object.assign(ctx.outputs, await ctx.reloadOutputs());
  }
  run.step("Reverse replication is running");
  const reverse = ctx.outputs.primary.drManifest.workflows.replication;
  if (reverse.length === 0)
    return run.fail(
      "the primary stack publishes no replication workflows: run pulumi up on it in phase failback first",
    );
  for (const name of reverse) {
    const state = await primary.getWorkflowState(name);
    ctx.out.line(`  ${name}: ${state ?? "missing"}`);
    if (state !== "Enabled")
      return run.fail(
        `reverse replication ${name} is ${state ?? "missing"}; run pulumi up --stack ${ctx.names.primary}`,
      );
  }
  run.step("Stop accepting in the secondary");
  const failures = await setWorkflows(run, secondary, ctx.outputs.secondary.drManifest.workflows.business, false);
  if (failures.length > 0) return run.fail(`could not disable: ${failures.join("; ")}`);

  run.step("Wait for the primary to catch up");
  const deadline = Date.now() + ctx.options.waitTimeoutMs;
  for (;;) {
    const state = await catchUp(ctx);
    ctx.out.progress(
      `waiting for the primary to catch up: ${state.total - state.behind.length}/${state.total} sessions current`,
    );
    if (state.behind.length === 0) {
      ctx.out.line(`  caught up: ${state.total} sessions`);
      break;
    }
    if (Date.now() >= deadline) {
      run.details.behind = state.behind;
      return run.fail(
        `the primary has not caught up after ${Math.round(ctx.options.waitTimeoutMs / 1000)} s; still behind:\n    ${state.behind.join("\n    ")}\n  Check the reverse replication runs, then run the command again.`,
      );
    }
    await ctx.sleep(ctx.options.pollIntervalMs);
  }

  run.step("Bump the primary");
  const pMarker = await readMarker(primary);
  const plan = await planBumps(
    ctx,
    primary,
    ctx.outputs.primary.drManifest,
    pMarker.operations[opId],
    await secondary.listSessions(),
  );
  plan.warnings.forEach((w) => run.warn(w));
  if (plan.refused.length > 0)
    return run.fail(plan.refused.map((r) => `${r.session}: ${r.reason}. Fix: ${r.fix}.`).join("\n"));
  const errors = await applyBumps(ctx, primary, opId, plan);
  if (errors.length > 0) return run.fail(errors.join("\n"));
  // The secondary stopped accepting above; the primary's workflows take partner traffic again.
  const stopped = await movePartnerTraffic(run, "primary");
  if (stopped) return stopped;

  run.step("Switch back");
  if (!(await pulumiStep(run, { setPhase: "normal", up: ["primary", "secondary"] })))
    return run.result("waiting-for-pulumi");
  if (ctx.reloadOutputs) Object.assign(ctx.outputs, await ctx.reloadOutputs());
  return fallback(ctx);
}

// ---------------------------------------------------------------------------------------------

/** Bumps one account's generated control numbers, once per `id`. */
export async function bump(ctx: RunbookContext, role: Role, id: string): Promise<OperationResult> {
  const account = ctx.accounts[role];
  const run = new Run(ctx, ctx.outputs.secondary.drPhase);
  const opId = operationId.bump(id);
  const marker = await readMarker(account);
  if (marker.operations[opId]?.status === "completed") {
    ctx.out.line(`Bump ${id} of ${account.location.integrationAccountName} is complete. Nothing to do.`);
    return run.result("nothing-to-do");
  }
  const plan = await planBumps(ctx, account, ctx.outputs[role].drManifest, marker.operations[opId]);
  run.details.bumps = bumpDetails(plan);
  const stop = await gate(
    run,
    plan,
    `Bump ${id}: the generated control numbers of ${account.location.integrationAccountName} (${role}).`,
    [`Bump:\n${bumpLines(plan).join("\n")}`],
  );
  if (stop) return stop;
  run.step("Control numbers");
  const errors = await applyBumps(ctx, account, opId, plan);
  if (errors.length > 0) return run.fail(errors.join("\n"));
  await completeOperation(ctx, account, opId);
  return run.result("done");
}
