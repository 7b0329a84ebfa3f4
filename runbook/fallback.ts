/**
 * `fallback`: the primary region takes over again. Explicit phase steps, each resumable:
 * - in `failover`: set the primary's `replicationStartSyncTime` to the failover's start (the reverse
 *   replication copies everything written since, not only what changes after it is created), set the
 *   phase to `failback`, `pulumi up` the secondary then the primary;
 * - in `failback`: check the reverse replication runs, stop accepting in the secondary, wait until the
 *   primary has caught up (generated and received control-number sessions changed since the failover's
 *   start, and a successful or skipped run of every reverse workflow — AS2 MIC values included — that
 *   started after the secondary stopped accepting), bump the primary from max(primary, secondary),
 *   remove the start time, set the phase to `normal` and `pulumi up` both stacks;
 * - in `normal`: verify primary → secondary replication and record the fallback completed.
 * The run record `runs/fallback-<epoch>.json` lives in the secondary's state store, next to the
 * failover's.
 */
import { describeError } from "./arm";
import { bumpSessions } from "./bumpRun";
import type { OperationResult, RunbookContext } from "./context";
import { readControlNumber, ticksOf } from "../model/controlNumbers";
import { accountSessions } from "./failover";
import { RecordHandle, latestEpoch, operationId, readRecord } from "./record";
import { Run, gate, movePartnerTraffic, pulumiStep, setWorkflows, saveRecord } from "./steps";
import { authorityStep } from "./authority";

/** Config key of the reverse workflows' `startSyncTime` (components/config.ts). */
export const START_SYNC_TIME_KEY = "replicationStartSyncTime";

interface CatchUp {
  readonly behind: string[];
  readonly total: number;
}

/**
 * What the primary has not caught up with: sessions the secondary changed since `since` (generated:
 * the primary's ControlNumberChangedTime is older or missing; received: missing), and reverse
 * workflows without a successful or skipped run started at or after `stoppedAt`.
 */
async function catchUp(
  ctx: RunbookContext,
  outputs: RunbookContext["outputs"],
  since: string,
  stoppedAt: Date,
): Promise<CatchUp> {
  const { primary, secondary } = ctx.accounts;
  const [s, p] = await Promise.all([
    secondary.listSessionsChangedSince(since),
    primary.listSessionsChangedSince(since),
  ]);
  const mine = new Map<string, { name: string; content: unknown } | undefined>(p.map((x) => [x.name.toLowerCase(), x]));
  // A session the primary has not changed since then: read it by name (only these, usually few).
  const unchanged = s.filter((x) => !mine.has(x.name.toLowerCase()));
  const read = await Promise.all(unchanged.map((x) => primary.getSession(x.name)));
  unchanged.forEach((x, i) => mine.set(x.name.toLowerCase(), read[i]));
  const behind: string[] = [];
  for (const session of s) {
    const peer = mine.get(session.name.toLowerCase());
    const sv = readControlNumber(session.content);
    const pv = peer === undefined ? undefined : readControlNumber(peer.content);
    if (peer === undefined) behind.push(`${session.name} (missing in the primary)`);
    else if (
      sv !== undefined &&
      (pv === undefined || (ticksOf(pv.changedTime) ?? 0n) < (ticksOf(sv.changedTime) ?? 0n))
    )
      behind.push(
        `${session.name} (secondary ${sv.controlNumber} at ${sv.changedTime}, primary ${pv ? `${pv.controlNumber} at ${pv.changedTime}` : "unreadable"})`,
      );
  }
  const workflows = outputs.primary.drManifest.workflows.replication;
  const runs = await Promise.all(workflows.map(async (w) => [w, await primary.latestRuns(w, 5)] as const));
  for (const [w, list] of runs) {
    const ok = list.some(
      (r) =>
        (r.status === "Succeeded" || r.status === "Skipped") &&
        r.startTime !== undefined &&
        Date.parse(r.startTime) >= stoppedAt.getTime(),
    );
    if (!ok)
      behind.push(`${w} (no successful run since the secondary stopped accepting at ${stoppedAt.toISOString()})`);
  }
  return { behind, total: s.length + workflows.length };
}

export async function fallback(ctx: RunbookContext): Promise<OperationResult> {
  const { primary, secondary } = ctx.accounts;
  // The stack outputs change with each `pulumi up` this command runs: a local copy, re-read after it.
  let outputs = ctx.outputs;
  const reload = async () => {
    if (ctx.reloadOutputs) outputs = await ctx.reloadOutputs();
  };
  const phase = ctx.outputs.secondary.drPhase;
  const run = new Run(ctx, phase);
  const store = ctx.stores.secondary;
  const latest = await latestEpoch(store);
  if (latest.epoch === 0 || latest.fallbackCompleted) {
    if (latest.fallbackCompleted) {
      ctx.out.line(`Fallback ${latest.epoch} is complete: the primary is active (phase ${phase}). Nothing to do.`);
      return run.result("nothing-to-do");
    }
    return run.fail("there is no failover to fall back from (the secondary's state store records none)");
  }
  const epoch = latest.epoch;
  run.details.epoch = epoch;
  const failoverRecord = await readRecord(store, operationId.failover(epoch));
  const since = failoverRecord!.value.startedAt;
  run.details.startSyncTime = since;
  const handle = await RecordHandle.open(store, operationId.fallback(epoch), ctx.now, epoch);

  if (phase === "normal") return verify(run, handle, epoch, outputs);

  const stop = await gate(
    run,
    `Fallback ${epoch}: make ${ctx.outputs.primary.drManifest.region} the active region again.`,
    [
      phase === "failover"
        ? `Set ${START_SYNC_TIME_KEY} = ${since} (the failover's start) on the primary stack; record phase failback in the phase authority; b2b-dr:drPhase = failback; pulumi up the secondary, then the primary (reverse replication secondary -> primary).`
        : "Phase is failback: reverse replication is deployed.",
      `Stop accepting in the secondary: disable ${ctx.outputs.secondary.drManifest.workflows.business.join(", ") || "(no business workflows)"}.`,
      `Wait until the primary has caught up: control-number sessions changed since ${since}, and a run of every reverse workflow (AS2 MIC values too) after the stop (at most ${Math.round(ctx.options.waitTimeoutMs / 1000)} s).`,
      "Bump the primary's generated control numbers to max(primary, secondary) + bump, each from a read made then.",
      ...(ctx.ingress
        ? [
            `Enable the primary's business workflows, move partner traffic to the primary's Front Door origin, wait for propagation (at most ${Math.round(ctx.ingress.propagationTimeoutMs / 1000)} s).`,
          ]
        : []),
      `Remove ${START_SYNC_TIME_KEY}; set b2b-dr:drPhase = normal; record phase normal in the phase authority; disable reverse replication; pulumi up the secondary, then the primary; verify primary -> secondary replication.`,
    ],
  );
  if (stop) return stop;
  const unsaved = await saveRecord(run, handle);
  if (unsaved) return unsaved;

  if (phase === "failover") {
    run.step("Reverse replication from the failover's start");
    const authorityStop = await authorityStep(run, { phase: "failback", epoch, operationId: handle.opId });
    if (authorityStop) return authorityStop;
    if (
      !(await pulumiStep(run, {
        config: [["primary", START_SYNC_TIME_KEY, since]],
        setPhase: "failback",
        up: ["secondary", "primary"],
      }))
    )
      return run.result("waiting-for-pulumi");
    await reload();
  }
  run.step("Reverse replication is running");
  const reverse = outputs.primary.drManifest.workflows.replication;
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
  const failures = await setWorkflows(run, secondary, outputs.secondary.drManifest.workflows.business, false);
  if (failures.length > 0) return run.fail(`could not disable: ${failures.join("; ")}`);
  const stoppedAt = ctx.now();

  run.step("Wait for the primary to catch up");
  const deadline = ctx.now().getTime() + ctx.options.waitTimeoutMs;
  for (;;) {
    let state: CatchUp;
    try {
      state = await catchUp(ctx, outputs, since, stoppedAt);
    } catch (e) {
      return run.fail(`could not compare the accounts: ${describeError(e)}. Run the command again.`);
    }
    ctx.out.progress(
      `waiting for the primary to catch up: ${state.total - state.behind.length}/${state.total} current`,
    );
    if (state.behind.length === 0) {
      ctx.out.line(`  caught up: ${state.total} sessions and reverse workflows`);
      break;
    }
    if (ctx.now().getTime() >= deadline) {
      run.details.behind = state.behind;
      return run.fail(
        `the primary has not caught up after ${Math.round(ctx.options.waitTimeoutMs / 1000)} s; still behind:\n    ${state.behind.slice(0, 50).join("\n    ")}${state.behind.length > 50 ? `\n    … ${state.behind.length - 50} more` : ""}\n  Check the reverse replication runs, then run the command again.`,
      );
    }
    await ctx.sleep(ctx.options.pollIntervalMs);
  }

  run.step("Bump the primary");
  const sessions = await accountSessions(run, primary, outputs.primary.drManifest.agreements);
  const outcome = await bumpSessions(ctx, primary, handle, sessions, { peer: secondary });
  run.report(outcome);
  if (run.errors.length > 0) return run.failed();
  handle.record.status = "bumped";
  await handle.save();
  // The secondary stopped accepting above; the primary's workflows take partner traffic again.
  const moved = await movePartnerTraffic(run, "primary");
  if (moved) return moved;

  run.step("Switch back");
  const switchStop = await authorityStep(run, { phase: "normal", epoch, operationId: handle.opId });
  if (switchStop) return switchStop;
  // The primary deploys the secondary's deployed phase, which the phase authority must confirm: the
  // secondary goes first. Reverse replication is disabled before, so both directions are never on.
  const reverseOff = await setWorkflows(run, primary, ctx.outputs.primary.drManifest.workflows.replication, false);
  if (reverseOff.length > 0) return run.fail(`could not disable reverse replication: ${reverseOff.join("; ")}`);
  if (
    !(await pulumiStep(run, {
      config: [["primary", START_SYNC_TIME_KEY, undefined]],
      setPhase: "normal",
      up: ["secondary", "primary"],
    }))
  )
    return run.result("waiting-for-pulumi");
  await reload();
  return verify(run, handle, epoch, outputs);
}

/** Phase `normal` after a fallback: forward replication must be enabled again; then the record is completed. */
async function verify(
  run: Run,
  handle: RecordHandle,
  epoch: number,
  outputs: RunbookContext["outputs"],
): Promise<OperationResult> {
  const { ctx } = run;
  if (handle.record.status !== "bumped" && handle.record.status !== "completed")
    return run.fail(
      `the phase is normal but the primary's control numbers were not bumped for failover ${epoch}; run \`npm run dr -- bump --account primary --id fallback-${epoch}\` first`,
    );
  run.step("Verify primary -> secondary replication");
  const states = await Promise.all(
    outputs.secondary.drManifest.workflows.replication.map(
      async (n) => [n, await ctx.accounts.secondary.getWorkflowState(n)] as const,
    ),
  );
  states.forEach(([n, s]) => ctx.out.line(`  ${n}: ${s ?? "missing"}`));
  const off = states.filter(([, s]) => s !== "Enabled").map(([n]) => n);
  if (off.length > 0)
    return run.fail(`replication is not enabled: ${off.join(", ")}. Run pulumi up --stack ${ctx.names.secondary}.`);
  handle.record.status = "completed";
  await handle.save();
  ctx.out.line(`Fallback ${epoch} complete: primary active, replication primary -> secondary enabled.`);
  return run.result("done");
}
