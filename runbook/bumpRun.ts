/**
 * Bumping the generated control numbers of one account, in batches, from reads made at write time:
 * each batch reads its sessions by name (in parallel, through the pool), computes every new value from
 * that read (and, in fallback, from the other account's value), records the batch's intent in the run
 * record (one write), writes the sessions (in parallel) and records the batch done (one write). The
 * next batch's reads overlap this batch's writes. One unreadable or unwritable session does not stop
 * the others: it is reported with a fix, and the command exits 1; a rerun resumes.
 */
import type { AccountApi } from "./arm";
import { describeError } from "./arm";
import type { RunbookContext } from "./context";
import {
  ControlNumberValue,
  bumpWithin,
  newerValue,
  nextChangedTime,
  readControlNumber,
  sessionContent,
  ticksOf,
} from "../model/controlNumbers";
import type { ExpectedSession } from "./generated";
import type { PlannedBumpRecord, RecordHandle } from "./record";

export interface SessionProblem {
  readonly session: string;
  readonly reason: string;
  readonly fix: string;
}

export interface BumpOutcome {
  readonly total: number;
  bumped: number;
  alreadyDone: number;
  /** Acknowledgement sessions that do not exist and are not generated (nothing to do). */
  notApplicable: number;
  readonly created: string[];
  readonly skipped: string[];
  readonly problems: SessionProblem[];
  readonly warnings: string[];
  /** Dry run: what would be written. */
  readonly planned: { session: string; from: number | null; to: number }[];
}

export type MissingSessionPolicy = "create" | "skip";

interface ReadResult {
  readonly session: ExpectedSession;
  readonly value?: ControlNumberValue;
  readonly content?: unknown;
  readonly missing: boolean;
  readonly peer?: ControlNumberValue;
  readonly error?: string;
}

async function readOne(account: AccountApi, peer: AccountApi | undefined, s: ExpectedSession): Promise<ReadResult> {
  try {
    const [mine, theirs] = await Promise.all([account.getSession(s.name), peer?.getSession(s.name)]);
    const peerValue = theirs === undefined ? undefined : readControlNumber(theirs.content);
    if (mine === undefined) return { session: s, missing: true, peer: peerValue };
    const value = readControlNumber(mine.content);
    if (value === undefined)
      return {
        session: s,
        missing: false,
        error: "its content has no numeric ControlNumber and ControlNumberChangedTime",
      };
    return { session: s, value, content: mine.content, missing: false, peer: peerValue };
  } catch (e) {
    return { session: s, missing: false, error: `it could not be read (${describeError(e)})` };
  }
}

export interface BumpOptions {
  /** Fallback: also read this account and start from the newer value. */
  readonly peer?: AccountApi;
  readonly dryRun?: boolean;
  readonly batchSize?: number;
}

export async function bumpSessions(
  ctx: RunbookContext,
  account: AccountApi,
  handle: RecordHandle | undefined,
  sessions: readonly ExpectedSession[],
  options: BumpOptions = {},
): Promise<BumpOutcome> {
  const outcome: BumpOutcome = {
    total: sessions.length,
    bumped: 0,
    alreadyDone: 0,
    notApplicable: 0,
    created: [],
    skipped: [],
    problems: [],
    warnings: [],
    planned: [],
  };
  const size = options.batchSize ?? ctx.options.batchSize;
  const batches: ExpectedSession[][] = [];
  for (let i = 0; i < sessions.length; i += size) batches.push(sessions.slice(i, i + size));
  const prior = handle?.bumped() ?? { done: new Set<string>(), pending: new Map<string, PlannedBumpRecord>() };
  const readBatch = (b: readonly ExpectedSession[]) =>
    Promise.all(
      b.map((s) =>
        prior.done.has(s.name.toLowerCase())
          ? Promise.resolve<ReadResult | undefined>(undefined)
          : readOne(account, options.peer, s),
      ),
    );
  let next = batches.length > 0 ? readBatch(batches[0]!) : undefined;
  const detailed = sessions.length <= 50;
  for (let k = 0; k < batches.length; k++) {
    const reads = await next!;
    next = k + 1 < batches.length ? readBatch(batches[k + 1]!) : undefined;
    const now = ctx.now();
    const writes: {
      record: PlannedBumpRecord;
      content: unknown;
      protocol: ExpectedSession["protocol"];
      before: unknown;
    }[] = [];
    for (const r of reads) {
      if (r === undefined) {
        outcome.alreadyDone++;
        continue;
      }
      const s = r.session;
      if (r.error !== undefined) {
        outcome.problems.push({
          session: s.name,
          reason: r.error,
          fix:
            "check the session (GET …/sessions/" + s.name + "), then run the command again: it bumps only what is left",
        });
        continue;
      }
      const pending = prior.pending.get(s.name.toLowerCase());
      if (
        pending !== undefined &&
        r.value !== undefined &&
        (ticksOf(r.value.changedTime) ?? 0n) >= (ticksOf(pending.changedTime) ?? 0n)
      ) {
        outcome.alreadyDone++;
        continue;
      }
      if (s.range === undefined) {
        outcome.problems.push({
          session: s.name,
          reason: `the bounds of ${s.kind} control numbers are not in agreement ${s.agreement}'s settings`,
          fix: `check the agreement's ${s.ack ? "receive acknowledgementSettings" : "send envelopeSettings"} in ${account.location.integrationAccountName}, then run again`,
        });
        continue;
      }
      const by = ctx.bumpSizes.get(s.agreement) ?? ctx.defaultBump;
      let base: ControlNumberValue | undefined =
        r.value === undefined ? r.peer : r.peer === undefined ? r.value : newerValue(r.value, r.peer, s.range.rollover);
      let created = false;
      if (base === undefined && s.optional) {
        outcome.notApplicable++;
        continue;
      }
      if (base === undefined) {
        if ((ctx.missingSessions.get(s.agreement) ?? "create") === "skip") {
          outcome.skipped.push(s.name);
          continue;
        }
        created = true;
        base = { controlNumber: s.range.lower, changedTime: "0001-01-01T00:00:00Z" };
      }
      const result = bumpWithin(base.controlNumber, by, s.range);
      if (!result.ok) {
        outcome.problems.push({ session: s.name, reason: result.reason, fix: result.fix });
        continue;
      }
      if (result.wrapped)
        outcome.warnings.push(
          `${s.name}: ${base.controlNumber} + ${by} passes ${s.range.upper}; it wraps to ${result.value} (rollover is allowed on this agreement).`,
        );
      const times = [r.value?.changedTime, r.peer?.changedTime].filter((t): t is string => t !== undefined);
      const record = {
        session: s.name,
        from: r.value?.controlNumber ?? null,
        to: result.value,
        changedTime: nextChangedTime(now, ...times),
      };
      if (created) outcome.created.push(s.name);
      writes.push({ record, content: r.content, protocol: s.protocol, before: r.content });
    }
    if (options.dryRun || writes.length === 0 || handle === undefined) {
      for (const w of writes) outcome.planned.push({ session: w.record.session, from: w.record.from, to: w.record.to });
      continue;
    }
    const batch = { status: "pending" as const, bumps: writes.map((w) => w.record) };
    handle.record.batches.push(batch);
    await handle.save();
    const results = await Promise.allSettled(
      writes.map(async (w) => {
        const after = sessionContent(
          { controlNumber: w.record.to, changedTime: w.record.changedTime },
          w.protocol,
          w.content,
        );
        const entry = {
          command: ctx.command,
          operation: handle.opId,
          account: account.role,
          target: `session ${w.record.session}`,
          action: w.record.from === null ? "create" : "bump",
          before: w.before,
          after,
        };
        try {
          await account.putSession(w.record.session, after);
        } catch (e) {
          ctx.audit({ ...entry, result: "failed", error: describeError(e) });
          throw e;
        }
        ctx.audit({ ...entry, result: "ok" });
        if (detailed)
          ctx.out.line(
            `  ${w.record.from === null ? "created" : "bumped"} ${w.record.session}: ${w.record.from ?? "missing"} -> ${w.record.to}`,
          );
      }),
    );
    const failed: PlannedBumpRecord[] = [];
    results.forEach((res, i) => {
      const w = writes[i]!;
      if (res.status === "fulfilled") outcome.bumped++;
      else {
        failed.push(w.record);
        outcome.problems.push({
          session: w.record.session,
          reason: `writing it failed (${describeError(res.reason)})`,
          fix: "run the command again: it resumes and bumps only what is left",
        });
      }
    });
    // The batch is done for what was written; what failed stays pending (a write may have landed).
    batch.bumps = writes.map((w) => w.record).filter((r) => !failed.includes(r));
    (batch as { status: "pending" | "done" }).status = "done";
    if (failed.length > 0) handle.record.batches.push({ status: "pending", bumps: failed });
    await handle.save();
    ctx.out.progress(
      `${account.location.integrationAccountName}: ${outcome.bumped + outcome.alreadyDone + outcome.notApplicable}/${sessions.length} control-number sessions done (batch ${k + 1}/${batches.length})`,
    );
  }
  const createdShown = outcome.created.length > 20 ? outcome.created.slice(0, 20) : outcome.created;
  if (outcome.created.length > 20)
    outcome.warnings.push(
      `${outcome.created.length} generated sessions did not exist in ${account.location.integrationAccountName} and were created at lower bound + bump; the first 20 follow.`,
    );
  for (const name of createdShown)
    outcome.warnings.push(
      `${name} did not exist in ${account.location.integrationAccountName} (its first numbers never replicated, or it was never used): ` +
        `created at its lower bound + the bump, so no number the other region may have sent is reused. ` +
        `To leave missing sessions alone for an agreement, set traffic.missingControlNumbers: skip in the catalog.`,
    );
  for (const name of outcome.skipped)
    outcome.warnings.push(
      `${name} does not exist in ${account.location.integrationAccountName}; left alone (catalog: traffic.missingControlNumbers: skip).`,
    );
  return outcome;
}
