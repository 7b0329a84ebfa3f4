/**
 * Planning and applying control-number bumps on one account, recorded in the account's runbook
 * marker so that a second run bumps nothing and an interrupted run resumes.
 */
import type { ControlNumberRange } from "../model/catalog/agreements";
import type { AccountApi, Session } from "./arm";
import { describeError } from "./arm";
import type { RunbookContext } from "./context";
import {
  ControlNumberKind,
  ControlNumberValue,
  bumpWithin,
  newerValue,
  nextChangedTime,
  parseGeneratedSession,
  readControlNumber,
  sessionContent,
  ticksOf,
} from "../model/controlNumbers";
import { Marker, OperationRecord, readMarker, writeMarker } from "./marker";
import type { Manifest } from "./pulumi";

export interface PlannedBump {
  readonly session: string;
  readonly agreement: string;
  readonly protocol: "X12" | "Edifact";
  readonly kind: ControlNumberKind;
  readonly from: ControlNumberValue;
  /** The value the bump starts from (fallback: the newer of both accounts). */
  readonly base: number;
  readonly by: number;
  readonly to: ControlNumberValue;
  readonly wrapped: boolean;
  /** Recorded as done in the marker: nothing to do. */
  readonly alreadyDone: boolean;
  readonly previousContent: unknown;
}

export interface RefusedBump {
  readonly session: string;
  readonly reason: string;
  readonly fix: string;
}

export interface BumpPlan {
  readonly bumps: readonly PlannedBump[];
  readonly refused: readonly RefusedBump[];
  readonly warnings: readonly string[];
}

type Envelope = { sendAgreement?: { protocolSettings?: Record<string, Record<string, unknown>> } };

/** The send-side range of one kind from a live agreement's content, if it is there. */
export function rangeFromAgreement(
  content: Record<string, unknown> | undefined,
  protocol: "X12" | "Edifact",
  kind: ControlNumberKind,
): ControlNumberRange | undefined {
  const settings = (content?.[protocol === "X12" ? "x12" : "edifact"] as Envelope | undefined)?.sendAgreement
    ?.protocolSettings;
  const block = kind === "acknowledgement" ? settings?.acknowledgementSettings : settings?.envelopeSettings;
  const prefix = kind === "acknowledgement" ? "acknowledgement" : kind;
  const lower = block?.[`${prefix}ControlNumberLowerBound`];
  const upper = block?.[`${prefix}ControlNumberUpperBound`];
  const rollover = block?.[`rollover${prefix[0]!.toUpperCase()}${prefix.slice(1)}ControlNumber`];
  return typeof lower === "number" && typeof upper === "number" && typeof rollover === "boolean"
    ? { lower, upper, rollover }
    : undefined;
}

/**
 * Plans the bump of every generated control-number session of the manifest's X12/EDIFACT agreements
 * in `account`. With `other` (fallback), each starts from the newer of the two accounts' values.
 */
export async function planBumps(
  ctx: RunbookContext,
  account: AccountApi,
  manifest: Manifest,
  record: OperationRecord | undefined,
  other?: readonly Session[],
): Promise<BumpPlan> {
  const agreements = manifest.agreements.filter((a) => a.protocol !== "AS2");
  const names = agreements.map((a) => a.name);
  const sessions = (await account.listSessions())
    .map((s) => ({ session: s, parsed: parseGeneratedSession(s.name, names) }))
    .filter((x) => x.parsed !== undefined)
    .sort((a, b) => a.session.name.localeCompare(b.session.name));
  const contents = new Map<string, Record<string, unknown> | undefined>();
  const bumps: PlannedBump[] = [];
  const refused: RefusedBump[] = [];
  const warnings: string[] = [];
  const now = ctx.now();
  for (const { session, parsed } of sessions) {
    const { agreement, kind } = parsed!;
    const spec = agreements.find((a) => a.name === agreement)!;
    const protocol = spec.protocol as "X12" | "Edifact";
    const from = readControlNumber(session.content);
    if (from === undefined) {
      refused.push({
        session: session.name,
        reason: "its content has no numeric ControlNumber and ControlNumberChangedTime",
        fix: "inspect the session; set it with Set-AzIntegrationAccountGeneratedIcn, then run again",
      });
      continue;
    }
    const common = { session: session.name, agreement, protocol, kind, from, previousContent: session.content };
    const done = record?.bumps[session.name.toLowerCase()];
    if (
      done !== undefined &&
      (done.status === "done" || (ticksOf(from.changedTime) ?? 0n) >= (ticksOf(done.changedTime) ?? 0n))
    ) {
      bumps.push({
        ...common,
        base: from.controlNumber,
        by: 0,
        to: from,
        wrapped: false,
        alreadyDone: true,
      });
      continue;
    }
    if (!contents.has(agreement)) contents.set(agreement, await account.getAgreementContent(agreement));
    const range =
      rangeFromAgreement(contents.get(agreement), protocol, kind) ??
      (kind === "acknowledgement" ? undefined : spec.controlNumbers?.[kind]);
    if (range === undefined) {
      refused.push({
        session: session.name,
        reason: `the bounds of ${kind} control numbers of agreement ${agreement} are unknown`,
        fix: "check that the agreement exists in this account, then run again",
      });
      continue;
    }
    const peer = other?.find((s) => s.name.toLowerCase() === session.name.toLowerCase());
    const peerValue = peer === undefined ? undefined : readControlNumber(peer.content);
    const baseValue = peerValue === undefined ? from : newerValue(from, peerValue, range.rollover);
    const by = ctx.bumpSizes.get(agreement) ?? 0;
    const result = bumpWithin(baseValue.controlNumber, by, range);
    if (!result.ok) {
      refused.push({ session: session.name, reason: result.reason, fix: result.fix });
      continue;
    }
    if (result.wrapped) {
      warnings.push(
        `${session.name}: ${baseValue.controlNumber} + ${by} passes ${range.upper}; it wraps to ${result.value} (rollover is allowed on this agreement).`,
      );
    }
    const changedTime = nextChangedTime(now, from.changedTime, ...(peerValue ? [peerValue.changedTime] : []));
    bumps.push({
      ...common,
      base: baseValue.controlNumber,
      by,
      to: { controlNumber: result.value, changedTime },
      wrapped: result.wrapped,
      alreadyDone: false,
    });
  }
  return { bumps, refused, warnings };
}

/** The plan's bumps as a command reports them (`--json`). */
export function bumpDetails(plan: BumpPlan): { session: string; from: number; to: number; alreadyDone: boolean }[] {
  return plan.bumps.map((b) => ({
    session: b.session,
    from: b.from.controlNumber,
    to: b.to.controlNumber,
    alreadyDone: b.alreadyDone,
  }));
}

export function describeBump(b: PlannedBump): string {
  if (b.alreadyDone) return `${b.session}: already bumped (now ${b.from.controlNumber})`;
  const base = b.base === b.from.controlNumber ? "" : ` (from the newer value ${b.base})`;
  return `${b.session}: ${b.from.controlNumber} -> ${b.to.controlNumber}  (+${b.by}${base}${b.wrapped ? ", wraps" : ""})`;
}

/**
 * Applies a plan, writing the marker before (intent) and after (done) each session, so a run that
 * stops anywhere can be rerun. Returns the errors; stops at the first failed write.
 */
export async function applyBumps(
  ctx: RunbookContext,
  account: AccountApi,
  opId: string,
  plan: BumpPlan,
  mutateMarker: (marker: Marker) => void = () => undefined,
): Promise<string[]> {
  const marker = await readMarker(account);
  const now = ctx.now().toISOString();
  const op = (marker.operations[opId] ??= { status: "in-progress", startedAt: now, updatedAt: now, bumps: {} });
  mutateMarker(marker);
  await writeMarker(account, marker);
  for (const b of plan.bumps) {
    if (b.alreadyDone) {
      const rec = op.bumps[b.session.toLowerCase()];
      if (rec && rec.status !== "done") {
        rec.status = "done";
        await writeMarker(account, marker);
      }
      continue;
    }
    const key = b.session.toLowerCase();
    op.bumps[key] = {
      from: String(b.from.controlNumber),
      to: String(b.to.controlNumber),
      changedTime: b.to.changedTime,
      status: "pending",
    };
    op.updatedAt = ctx.now().toISOString();
    await writeMarker(account, marker);
    const after = sessionContent(b.to, b.protocol, b.previousContent);
    const entry = {
      command: ctx.command,
      operation: opId,
      account: account.role,
      target: `session ${b.session}`,
      action: "bump",
      before: b.previousContent,
      after,
    };
    try {
      await account.putSession(b.session, after);
    } catch (e) {
      const error = describeError(e);
      ctx.audit({ ...entry, result: "failed", error });
      return [
        `${account.location.integrationAccountName}: bumping ${b.session} failed: ${error}. Run the command again to resume.`,
      ];
    }
    ctx.audit({ ...entry, result: "ok" });
    ctx.out.line(`  bumped ${describeBump(b)}`);
    op.bumps[key]!.status = "done";
    await writeMarker(account, marker);
  }
  op.status = op.status === "completed" ? "completed" : "bumped";
  op.updatedAt = ctx.now().toISOString();
  await writeMarker(account, marker);
  return [];
}

/** Marks an operation completed in an account's marker (and lets the caller adjust the marker). */
export async function completeOperation(
  ctx: RunbookContext,
  account: AccountApi,
  opId: string,
  mutate: (m: Marker) => void = () => undefined,
): Promise<void> {
  const marker = await readMarker(account);
  const now = ctx.now().toISOString();
  const op = (marker.operations[opId] ??= { status: "in-progress", startedAt: now, updatedAt: now, bumps: {} });
  op.status = "completed";
  op.updatedAt = now;
  mutate(marker);
  await writeMarker(account, marker);
}
