/**
 * The runbook's record of one operation (a failover, fallback or bump), kept in the DR state store of
 * the account it changes (components/drStateStore.ts), as the blob `runs/<operation-id>.json` — not in
 * the integration account, whose sessions the replication triggers read.
 *
 * Writes are bounded per batch, not per control number: the record is created (or taken over) once,
 * then each batch of bumps is written once before its session writes (intent: the values and
 * ControlNumberChangedTimes it will write) and once after (done). A rerun treats a session of a
 * pending batch as bumped when its ControlNumberChangedTime is at or after the recorded one.
 *
 * Every write carries the ETag of the version this run last wrote or read (`If-Match`), or
 * `If-None-Match: *` for a new record: when two operators run the same command at once, the second
 * writer gets `ConcurrentWriteError` before it changes any session.
 */
import { z } from "zod";
import type { JsonStore } from "./stateStore";

const plannedBump = z.object({
  session: z.string(),
  from: z.number().int().nullable(),
  to: z.number().int(),
  changedTime: z.string(),
});

const batch = z.object({ status: z.enum(["pending", "done"]), bumps: z.array(plannedBump) });

export const runRecordSchema = z.object({
  version: z.literal(2),
  operation: z.string(),
  status: z.enum(["in-progress", "bumped", "completed"]),
  startedAt: z.string(),
  updatedAt: z.string(),
  /** The failover number this operation belongs to (failover and fallback records). */
  epoch: z.number().int().min(1).optional(),
  batches: z.array(batch),
});

export type RunRecord = z.infer<typeof runRecordSchema>;
export type PlannedBumpRecord = z.infer<typeof plannedBump>;

export const operationId = {
  failover: (epoch: number) => `failover-${epoch}`,
  fallback: (epoch: number) => `fallback-${epoch}`,
  bump: (id: string) => `bump-${id}`,
};

export const recordBlob = (opId: string) => `runs/${opId}.json`;

export class RecordError extends Error {}

/** One operation's record, with the ETag of the version held. */
export class RecordHandle {
  private constructor(
    private readonly store: JsonStore,
    readonly opId: string,
    public record: RunRecord,
    private etag: string | undefined,
    readonly now: () => Date,
  ) {}

  /** Reads the record of `opId`, or starts a new (unsaved) one. */
  static async open(store: JsonStore, opId: string, now: () => Date, epoch?: number): Promise<RecordHandle> {
    const found = await readRecord(store, opId);
    if (found !== undefined) return new RecordHandle(store, opId, found.value, found.etag, now);
    const t = now().toISOString();
    return new RecordHandle(
      store,
      opId,
      { version: 2, operation: opId, status: "in-progress", startedAt: t, updatedAt: t, epoch, batches: [] },
      undefined,
      now,
    );
  }

  get exists(): boolean {
    return this.etag !== undefined;
  }

  /** Writes the record (If-Match the version held, or If-None-Match * for a new one). */
  async save(): Promise<void> {
    this.record.updatedAt = this.now().toISOString();
    this.etag = await this.store.write(
      recordBlob(this.opId),
      this.record,
      this.etag === undefined ? { ifNoneMatch: "*" } : { ifMatch: this.etag },
    );
  }

  /** Sessions (lower case) of done batches, and of pending batches with their planned change times. */
  bumped(): { done: Set<string>; pending: Map<string, PlannedBumpRecord> } {
    const done = new Set<string>();
    const pending = new Map<string, PlannedBumpRecord>();
    for (const b of this.record.batches)
      for (const x of b.bumps) {
        if (b.status === "done") done.add(x.session.toLowerCase());
        else pending.set(x.session.toLowerCase(), x);
      }
    return { done, pending };
  }
}

export async function readRecord(
  store: JsonStore,
  opId: string,
): Promise<{ value: RunRecord; etag: string } | undefined> {
  const found = await store.read<unknown>(recordBlob(opId));
  if (found === undefined) return undefined;
  const parsed = runRecordSchema.safeParse(found.value);
  if (!parsed.success) {
    throw new RecordError(
      `The runbook record ${store.url}/${recordBlob(opId)} is not readable: ${parsed.error.issues[0]?.message ?? "invalid"}. ` +
        `Fix: inspect it; delete it only if you know no ${opId} is in progress.`,
    );
  }
  return { value: parsed.data, etag: found.etag };
}

/** The highest failover epoch recorded in `store` (0: none), and whether its fallback completed. */
export async function latestEpoch(store: JsonStore): Promise<{ epoch: number; fallbackCompleted: boolean }> {
  const names = await store.list("runs/failover-");
  const epochs = names.map((n) => /^runs\/failover-(\d+)\.json$/.exec(n)?.[1]).filter((x) => x !== undefined);
  const epoch = Math.max(0, ...epochs.map(Number));
  if (epoch === 0) return { epoch, fallbackCompleted: false };
  const fb = await readRecord(store, operationId.fallback(epoch));
  return { epoch, fallbackCompleted: fb?.value.status === "completed" };
}
