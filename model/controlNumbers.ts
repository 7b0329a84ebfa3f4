/**
 * Control numbers in integration-account sessions, and the arithmetic of a bump: pure functions,
 * no Azure. Facts: the session names and content and the Set-AzIntegrationAccountGeneratedIcn semantics
 * (https://learn.microsoft.com/powershell/module/az.logicapp/set-azintegrationaccountgeneratedicn and its
 * source, https://github.com/Azure/azure-powershell/tree/main/src/LogicApp), the envelope bounds and
 * rollover (https://learn.microsoft.com/azure/logic-apps/logic-apps-enterprise-integration-x12-message-settings),
 * the bump sizing (docs/failover.md).
 */
import { z } from "zod";
import type { ControlNumberRange } from "./catalog/agreements";
import { LATE_REPLAY_MINUTES, pollIntervalMinutes } from "./workflows/replication";
import type { StackConfig } from "./config";

export type ControlNumberKind = "interchange" | "group" | "transactionSet" | "acknowledgement";

/** A generated control-number session of one agreement. */
export interface GeneratedSessionName {
  readonly name: string;
  readonly agreement: string;
  readonly kind: ControlNumberKind;
  /** Acknowledgements use the agreement's acknowledgement range. */
  readonly ack: boolean;
}

const KIND_BY_SUFFIX: Readonly<Record<string, ControlNumberKind>> = {
  ICN: "interchange",
  GCN: "group",
  TSCN: "transactionSet",
};

/**
 * Recognises a generated session name, `{agreement}-{Icn|Gcn|Tscn}[-ACK]` (case-insensitive, as the
 * service treats names), among the given agreement names. Received-number sessions
 * (`X12-ICN-{agreement}-{value}`) and anything else give `undefined`.
 */
export function parseGeneratedSession(name: string, agreements: readonly string[]): GeneratedSessionName | undefined {
  const m = /^(.+)-(ICN|GCN|TSCN)(-ACK)?$/i.exec(name);
  if (!m) return undefined;
  const agreement = agreements.find((a) => a.toLowerCase() === m[1]!.toLowerCase());
  if (agreement === undefined) return undefined;
  const ack = m[3] !== undefined;
  return { name, agreement, kind: ack ? "acknowledgement" : KIND_BY_SUFFIX[m[2]!.toUpperCase()]!, ack };
}

/**
 * A received-number session (one per received interchange): `{agreement}-ICN-{X12|Edifact}-{value}`,
 * the Azure PowerShell constant `"{0}-ICN-{1}-{2}"`; the older reading `{X12|Edifact}-ICN-{agreement}-{value}`
 * is accepted too.
 */
export function parseReceivedSession(name: string, agreements: readonly string[]): { agreement: string } | undefined {
  const m = /^(.+)-ICN-(X12|Edifact)-([^-]+)$/i.exec(name) ?? /^(?:X12|Edifact)-ICN-(.+)-([^-]+)$/i.exec(name);
  if (!m) return undefined;
  const agreement = agreements.find((a) => a.toLowerCase() === m[1]!.toLowerCase());
  return agreement === undefined ? undefined : { agreement };
}

/** Session content as the B2B runtime writes it (PascalCase; the spec example uses camelCase). */
export const sessionContentSchema = z
  .object({
    ControlNumber: z.union([z.string(), z.number()]).optional(),
    controlNumber: z.union([z.string(), z.number()]).optional(),
    ControlNumberChangedTime: z.string().optional(),
    controlNumberChangedTime: z.string().optional(),
    IsMessageProcessingFailed: z.boolean().optional(),
    MessageType: z.number().optional(),
  })
  .loose();

export interface ControlNumberValue {
  readonly controlNumber: number;
  /** ISO date-time, up to 7 fractional digits (.NET ticks). */
  readonly changedTime: string;
}

/** Reads the number and time of a session's content; `undefined` if they are not there or not numeric. */
export function readControlNumber(content: unknown): ControlNumberValue | undefined {
  const parsed = sessionContentSchema.safeParse(content);
  if (!parsed.success) return undefined;
  const raw = parsed.data.ControlNumber ?? parsed.data.controlNumber;
  const time = parsed.data.ControlNumberChangedTime ?? parsed.data.controlNumberChangedTime;
  if (raw === undefined || time === undefined || !/^\d+$/.test(String(raw)) || ticksOf(time) === undefined)
    return undefined;
  return { controlNumber: Number(raw), changedTime: time };
}

/** `MessageType` of a session: X12 = 0, Edifact = 1, AS2 = 2. */
export const MESSAGE_TYPE = { X12: 0, Edifact: 1, AS2: 2 } as const;

/** The content a bump writes, in the runtime's own field names. */
export function sessionContent(
  value: ControlNumberValue,
  protocol: "X12" | "Edifact",
  previous: unknown,
): Record<string, unknown> {
  const base = previous !== null && typeof previous === "object" ? { ...(previous as Record<string, unknown>) } : {};
  delete base.controlNumber;
  delete base.controlNumberChangedTime;
  return {
    ...base,
    ControlNumber: String(value.controlNumber),
    ControlNumberChangedTime: value.changedTime,
    IsMessageProcessingFailed: false,
    MessageType: MESSAGE_TYPE[protocol],
  };
}

const TICKS_PER_MS = 10_000n;

/** .NET ticks (100 ns) since the Unix epoch of an ISO date-time, keeping up to 7 fractional digits. */
export function ticksOf(iso: string): bigint | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,7}))?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const fraction = BigInt((m[2] ?? "").padEnd(7, "0"));
  return BigInt(ms) * TICKS_PER_MS + fraction;
}

/** ISO date-time (UTC, 7 fractional digits) of a tick count. */
export function isoOfTicks(ticks: bigint): string {
  const ms = ticks / TICKS_PER_MS;
  const seconds = new Date(Number(ms - (ms % 1000n))).toISOString().slice(0, 19);
  return `${seconds}.${String(ticks % 10_000_000n).padStart(7, "0")}Z`;
}

/**
 * The new `ControlNumberChangedTime`: now, or one tick after the latest of `previous` when now is not
 * later, so that the bumped value always wins the replication's last-writer-wins comparison.
 */
export function nextChangedTime(now: Date, ...previous: readonly string[]): string {
  const nowTicks = BigInt(now.getTime()) * TICKS_PER_MS;
  const latest = previous.map(ticksOf).reduce<bigint>((a, b) => (b !== undefined && b > a ? b : a), -1n);
  return isoOfTicks(nowTicks > latest ? nowTicks : latest + 1n);
}

export type BumpResult =
  | { readonly ok: true; readonly value: number; readonly wrapped: boolean }
  | { readonly ok: false; readonly reason: string; readonly fix: string };

/**
 * `current + by` within `range`. Past the upper bound it wraps to the lower bound when rollover is
 * allowed (`lower + (current + by − lower) mod (upper − lower + 1)`, with a warning), and is refused
 * otherwise.
 */
export function bumpWithin(current: number, by: number, range: ControlNumberRange): BumpResult {
  const next = current + by;
  if (next <= range.upper) return { ok: true, value: Math.max(next, range.lower), wrapped: false };
  if (!range.rollover) {
    return {
      ok: false,
      reason: `${current} + ${by} = ${next} passes the upper bound ${range.upper} and rollover is off`,
      fix: "raise the agreement's upper bound, or allow rollover on it, then run the command again",
    };
  }
  const size = range.upper - range.lower + 1;
  return { ok: true, value: range.lower + ((((next - range.lower) % size) + size) % size), wrapped: true };
}

/** Inputs of the bump size, from the stack config and the catalog. */
export interface BumpSizing {
  readonly replicationRpoMinutes: number;
  readonly decisionMinutes: number;
  readonly safetyFactor: number;
  readonly minimum: number;
}

export function bumpSizing(config: StackConfig): BumpSizing {
  return {
    // Every change the target may not have seen: one poll, one run, and the late re-query.
    replicationRpoMinutes:
      pollIntervalMinutes(config.replication) + config.replication.maxRunMinutes + LATE_REPLAY_MINUTES,
    decisionMinutes: config.bump.decisionMinutes,
    safetyFactor: config.bump.safetyFactor,
    minimum: config.bump.minimum,
  };
}

/**
 * The bump of one agreement: peak outbound messages per minute × (replication RPO + failover
 * decision time) × safety factor, never below the configured minimum (itself at least Microsoft's
 * +100).
 */
export function bumpSize(peakMessagesPerMinute: number | undefined, sizing: BumpSizing): number {
  const computed = Math.ceil(
    (peakMessagesPerMinute ?? 0) * (sizing.replicationRpoMinutes + sizing.decisionMinutes) * sizing.safetyFactor,
  );
  return Math.max(sizing.minimum, computed);
}

/**
 * The base of a fallback bump: the newer of the two accounts' values. Without rollover numbers only
 * grow, so the larger; with rollover a wrap makes the later-changed value the newer one.
 */
export function newerValue(a: ControlNumberValue, b: ControlNumberValue, rollover: boolean): ControlNumberValue {
  if (!rollover) return a.controlNumber >= b.controlNumber ? a : b;
  return (ticksOf(a.changedTime) ?? 0n) >= (ticksOf(b.changedTime) ?? 0n) ? a : b;
}
