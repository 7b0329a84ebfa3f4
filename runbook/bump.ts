/** `bump --account <role> --id <id>`: bumps one account's generated control numbers, once per id. */
import type { Role } from "../model/config";
import { bumpSessions } from "./bumpRun";
import type { OperationResult, RunbookContext } from "./context";
import { accountSessions } from "./failover";
import { RecordHandle, operationId } from "./record";
import { Run, gate, saveRecord } from "./steps";

export async function bump(ctx: RunbookContext, role: Role, id: string): Promise<OperationResult> {
  const account = ctx.accounts[role];
  const run = new Run(ctx, ctx.outputs.secondary.drPhase);
  const handle = await RecordHandle.open(ctx.stores[role], operationId.bump(id), ctx.now);
  if (handle.record.status === "completed") {
    ctx.out.line(`Bump ${id} of ${account.location.integrationAccountName} is complete. Nothing to do.`);
    return run.result("nothing-to-do");
  }
  const stop = await gate(
    run,
    `Bump ${id}: the generated control numbers of ${account.location.integrationAccountName} (${role}).`,
    [
      "Bump every generated control-number session of the account's X12/EDIFACT agreements, each from a read made then.",
    ],
  );
  if (stop) return stop;
  const unsaved = await saveRecord(run, handle);
  if (unsaved) return unsaved;
  run.step("Control numbers");
  const sessions = await accountSessions(run, account, ctx.outputs[role].drManifest.agreements);
  const outcome = await bumpSessions(ctx, account, handle, sessions);
  run.report(outcome);
  if (run.errors.length > 0) return run.failed();
  handle.record.status = "completed";
  await handle.save();
  return run.result("done");
}
