/**
 * `failover`: the secondary region takes over. Explicit steps:
 * 1. claim the run record `runs/failover-<epoch>.json` in the secondary's state store (ETag: a second
 *    operator running the same command stops here, before changing anything);
 * 2. disable the primary's workflows (best effort, time-boxed: the primary may be down or hang);
 * 3. disable primary → secondary replication (must succeed);
 * 4. list the secondary's agreements (paged) and bump every generated control-number session, each
 *    new value computed from a read made now, after replication is off (runbook/bumpRun.ts);
 * 5. set the phase to `failover` and `pulumi up` the secondary; record the run completed.
 */
import type { AccountApi } from "./arm";
import { describeError } from "./arm";
import { bumpSessions } from "./bumpRun";
import type { OperationResult, RunbookContext } from "./context";
import { expectedSessions, ExpectedSession } from "./generated";
import { RecordHandle, latestEpoch, operationId } from "./record";
import { ConcurrentWriteError } from "./stateStore";
import { Run, gate, movePartnerTraffic, pulumiStep, setWorkflows, saveRecord } from "./steps";
import { authorityStep } from "./authority";

/**
 * The generated sessions of every X12/EDIFACT agreement in `account`. Agreements the catalog does not
 * name are bumped too (with the configured minimum bump), and listed in a warning; catalog agreements
 * missing from the account are problems.
 */
export async function accountSessions(
  run: Run,
  account: AccountApi,
  catalogAgreements: readonly { name: string; protocol: string }[],
): Promise<ExpectedSession[]> {
  const live = await account.listAgreements();
  const liveNames = new Set(live.map((a) => a.name.toLowerCase()));
  const catalogNames = new Set(catalogAgreements.map((a) => a.name.toLowerCase()));
  const missing = catalogAgreements.filter((a) => a.protocol !== "AS2" && !liveNames.has(a.name.toLowerCase()));
  for (const a of missing)
    run.problem(
      `agreement ${a.name} is in the catalog but not in ${account.location.integrationAccountName}`,
      `deploy the ${account.role} stack (pulumi up), then run the command again`,
    );
  const sessions = live.flatMap((a) => expectedSessions(a.name, a.content));
  const extra = [
    ...new Set(sessions.filter((s) => !catalogNames.has(s.agreement.toLowerCase())).map((s) => s.agreement)),
  ];
  if (extra.length > 0)
    run.warn(
      `${extra.length} agreement(s) in ${account.location.integrationAccountName} are not in the catalog; their control numbers are bumped too, ` +
        `by the configured minimum bump (${run.ctx.defaultBump}): ${extra.slice(0, 10).join(", ")}${extra.length > 10 ? `, … (${extra.length - 10} more)` : ""}.`,
    );
  return sessions.sort((a, b) => a.name.localeCompare(b.name));
}

export async function failover(ctx: RunbookContext): Promise<OperationResult> {
  const { primary, secondary } = ctx.accounts;
  const phase = ctx.outputs.secondary.drPhase;
  const run = new Run(ctx, phase);
  if (phase === "failback")
    return run.fail("a fallback is in progress (phase failback); finish it with `npm run dr -- fallback`");
  const store = ctx.stores.secondary;
  const latest = await latestEpoch(store);
  const epoch = latest.epoch > 0 && !latest.fallbackCompleted ? latest.epoch : latest.epoch + 1;
  const handle = await RecordHandle.open(store, operationId.failover(epoch), ctx.now, epoch);
  run.details.epoch = epoch;
  run.details.startedAt = handle.record.startedAt;
  if (handle.record.status === "completed") {
    ctx.out.line(`Failover ${epoch} is complete: the secondary is active (phase ${phase}). Nothing to do.`);
    return run.result("nothing-to-do");
  }
  if (handle.record.status === "bumped" && phase === "failover") {
    handle.record.status = "completed";
    await handle.save();
    ctx.out.line(`Failover ${epoch}: control numbers were bumped and the phase is failover. Recorded as complete.`);
    return run.result("done");
  }
  const primaryWorkflows = [
    ...ctx.outputs.primary.drManifest.workflows.business,
    ...ctx.outputs.primary.drManifest.workflows.replication,
  ];
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
  /** The last step of a failover, fresh or resumed: the phase authority, then the secondary's deployment. */
  const switchPhase = async (done: string) => {
    run.step("Phase and deployment");
    const authorityStop = await authorityStep(run, { phase: "failover", epoch, operationId: handle.opId });
    if (authorityStop) return authorityStop;
    if (!(await pulumiStep(run, { setPhase: "failover", up: ["secondary"] }))) return run.result("waiting-for-pulumi");
    handle.record.status = "completed";
    await handle.save();
    ctx.out.line(done);
    return run.result("done");
  };
  if (handle.record.status === "bumped") {
    // No session is read or written again. With a partner ingress the traffic switch may not have
    // finished (a propagation timeout): it is idempotent, so it runs again before the Pulumi step.
    ctx.out.line(`Failover ${epoch}: the control numbers are already bumped; the phase is still ${phase}.`);
    if (ctx.ingress) {
      const moved = await movePartnerTraffic(run, "secondary");
      if (moved) return moved;
      if (!ctx.options.skipPrimary) await disablePrimary();
    }
    return switchPhase(`Failover ${epoch} complete.`);
  }

  const replication = ctx.outputs.secondary.drManifest.workflows.replication;
  const catalog = ctx.outputs.secondary.drManifest.agreements;
  const sizes = [...new Set(catalog.filter((a) => a.protocol !== "AS2").map((a) => ctx.bumpSizes.get(a.name)))];
  const disablePrimaryStep = ctx.options.skipPrimary
    ? "Leave the primary's workflows alone (--no-primary: no call to the primary region)."
    : `Disable the primary's workflows, best effort, each call time-boxed: ${primaryWorkflows.join(", ") || "(none)"}.`;
  const stop = await gate(
    run,
    `Failover ${epoch}${handle.exists ? " (resuming)" : ""}: make ${ctx.outputs.secondary.drManifest.region} the active region.`,
    [
      // With a partner ingress the old region's workflows are disabled last, once traffic has moved.
      ...(ctx.ingress ? [] : [disablePrimaryStep]),
      `Disable primary -> secondary replication: ${replication.join(", ") || "(none)"}.`,
      `Bump every generated control number of ${secondary.location.integrationAccountName} (X12/EDIFACT agreements: ` +
        `${catalog.filter((a) => a.protocol !== "AS2").length} in the catalog, plus any other found in the account), ` +
        `each by its agreement's bump (${sizes.join(", ") || "-"}; ${ctx.defaultBump} for agreements not in the catalog), ` +
        `each computed from a read made after replication is off.`,
      ...(ctx.ingress
        ? [
            `Enable the secondary's business workflows, move partner traffic to the secondary's Front Door origin, wait for propagation (at most ${Math.round(ctx.ingress.propagationTimeoutMs / 1000)} s).`,
            disablePrimaryStep,
          ]
        : []),
      "Record phase failover in the phase authority (phase.json), set b2b-dr:drPhase = failover and run pulumi up on the secondary stack.",
    ],
  );
  if (stop) {
    if (ctx.options.dryRun) {
      // Show the values a run would write now (a real run re-reads after replication is off).
      const sessions = await accountSessions(run, secondary, catalog);
      const preview = await bumpSessions(ctx, secondary, handle, sessions, { dryRun: true });
      run.details.bumps = preview.planned;
      preview.planned.slice(0, 50).forEach((p) => ctx.out.line(`     ${p.session}: ${p.from ?? "missing"} -> ${p.to}`));
      if (preview.planned.length > 50)
        ctx.out.line(`     … ${preview.planned.length - 50} more (--json lists them all)`);
    }
    return stop;
  }

  run.step("Run record");
  const unsaved = await saveRecord(run, handle);
  if (unsaved) return unsaved;
  ctx.out.line(`  ${store.url}/runs/${handle.opId}.json`);

  if (!ctx.ingress) await disablePrimary();
  run.step("Replication workflows");
  const replicationFailures = await setWorkflows(run, secondary, replication, false);
  if (replicationFailures.length > 0)
    return run.fail(`could not disable replication: ${replicationFailures.join("; ")}. Run the command again.`);

  run.step("Control numbers");
  let sessions: ExpectedSession[];
  try {
    sessions = await accountSessions(run, secondary, catalog);
  } catch (e) {
    return run.fail(
      `could not list the agreements of ${secondary.location.integrationAccountName}: ${describeError(e)}`,
    );
  }
  let outcome;
  try {
    outcome = await bumpSessions(ctx, secondary, handle, sessions);
  } catch (e) {
    if (e instanceof ConcurrentWriteError) return run.fail(e.message);
    throw e;
  }
  run.report(outcome);
  if (run.errors.length > 0) return run.failed();
  handle.record.status = "bumped";
  await handle.save();
  if (ctx.ingress) {
    const moved = await movePartnerTraffic(run, "secondary");
    if (moved) return moved;
    await disablePrimary();
  }

  return switchPhase(
    `Failover ${epoch} complete. When the primary region answers again, run: pulumi up --stack ${ctx.names.primary}`,
  );
}
