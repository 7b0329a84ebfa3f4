/**
 * The runbook's own record in Azure: a session named `b2bdr-runbook` in each integration account.
 * It holds the failover epoch and, per operation, every control-number session already bumped, so a
 * second run bumps nothing and a run that failed midway resumes where it stopped. It lives in the
 * account it describes (not in a local file), so any operator's machine sees the same record.
 */
import { z } from "zod";
import { RUNBOOK_SESSION_PREFIX } from "../model/catalog";
import type { AccountApi } from "./arm";

export const MARKER_SESSION = RUNBOOK_SESSION_PREFIX;

const bumpRecord = z.object({
  from: z.string(),
  to: z.string(),
  /** The ControlNumberChangedTime written: a later time in the session means the write landed. */
  changedTime: z.string(),
  status: z.enum(["pending", "done"]),
});

const operationRecord = z.object({
  status: z.enum(["in-progress", "bumped", "completed"]),
  startedAt: z.string(),
  updatedAt: z.string(),
  bumps: z.record(z.string(), bumpRecord),
});

export const markerSchema = z.object({
  version: z.literal(1),
  /** Number of the latest failover recorded in this account (0: none). */
  epoch: z.number().int().min(0),
  operations: z.record(z.string(), operationRecord),
});

export type Marker = z.infer<typeof markerSchema>;
export type OperationRecord = z.infer<typeof operationRecord>;
export type BumpRecord = z.infer<typeof bumpRecord>;

export const EMPTY_MARKER: Marker = { version: 1, epoch: 0, operations: {} };

export class MarkerError extends Error {}

/** Reads the marker of an account; an account the runbook never touched has an empty one. */
export async function readMarker(account: AccountApi): Promise<Marker> {
  const session = await account.getSession(MARKER_SESSION);
  if (session === undefined) return structuredClone(EMPTY_MARKER);
  const parsed = markerSchema.safeParse(session.content);
  if (!parsed.success) {
    throw new MarkerError(
      `The runbook record (session ${MARKER_SESSION}) in ${account.location.integrationAccountName} is not readable: ` +
        `${parsed.error.issues[0]?.message ?? "invalid"}. Fix: inspect it (GET …/sessions/${MARKER_SESSION}); ` +
        `delete it only if you know no failover is in progress.`,
    );
  }
  return parsed.data;
}

export async function writeMarker(account: AccountApi, marker: Marker): Promise<void> {
  await account.putSession(MARKER_SESSION, marker);
}

export const operationId = {
  failover: (epoch: number) => `failover-${epoch}`,
  fallback: (epoch: number) => `fallback-${epoch}`,
  bump: (id: string) => `bump-${id}`,
};

/** The epoch of the failover in progress or done and not yet fallen back from, if any. */
export function openFailoverEpoch(secondary: Marker): number | undefined {
  const epoch = secondary.epoch;
  if (epoch === 0 || secondary.operations[operationId.failover(epoch)] === undefined) return undefined;
  return secondary.operations[operationId.fallback(epoch)]?.status === "completed" ? undefined : epoch;
}
