/**
 * What every runbook command works with: both accounts (through `AccountApi`), both stacks'
 * outputs, the Pulumi driver, the bump sizes, the audit log and the output channel.
 */
import * as fs from "fs";
import type { DrPhase, Role } from "../model/config";
import type { AccountApi } from "./arm";
import type { IngressRuntime } from "./ingress";
import type { PulumiDriver, StackNames, StackOutputs } from "./pulumi";
import type { JsonStore } from "./stateStore";
import type { CallPool } from "./pool";
import type { MissingSessionPolicy } from "./bumpRun";

export interface AuditEntry {
  readonly command: string;
  readonly operation?: string;
  readonly account: Role;
  /** What was changed: a session, a workflow, the phase, a stack. */
  readonly target: string;
  readonly action: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly result: "ok" | "failed" | "skipped";
  readonly error?: string;
}

/** Appends every change as one JSON line: time, command, target, before and after. */
export function fileAudit(file: string | undefined, now: () => Date): (entry: AuditEntry) => void {
  if (file === undefined) return () => undefined;
  return (entry) => fs.appendFileSync(file, `${JSON.stringify({ time: now().toISOString(), ...entry })}\n`);
}

export interface Reporter {
  /** A line of the human-readable report. */
  line(text: string): void;
  /** Progress during long waits (stderr, also in --json mode). */
  progress(text: string): void;
}

export interface RunbookOptions {
  readonly dryRun: boolean;
  /** Make no call at all to the primary region (failover). */
  readonly skipPrimary: boolean;
  readonly waitTimeoutMs: number;
  readonly pollIntervalMs: number;
  /** Control-number sessions per batch (two record writes per batch). */
  readonly batchSize: number;
  /** status: compare every generated session and count received ones (reads scale with sessions). */
  readonly deep?: boolean;
}

export interface RunbookContext {
  readonly command: string;
  readonly accounts: Readonly<Record<Role, AccountApi>>;
  readonly outputs: Readonly<Record<Role, StackOutputs>>;
  readonly names: StackNames;
  readonly driver: PulumiDriver;
  /** Bump size per agreement name (X12 and EDIFACT). */
  readonly bumpSizes: ReadonlyMap<string, number>;
  /** Bump of an agreement the catalog does not name (found in the account): the configured minimum. */
  readonly defaultBump: number;
  /** Per catalog agreement: what to do with a missing generated session (default `create`). */
  readonly missingSessions: ReadonlyMap<string, MissingSessionPolicy>;
  /** `b2b-dr:drPhase` in the repository's Pulumi.secondary.yaml (`--project`), shown by `status`. */
  readonly repositoryPhase?: DrPhase;
  /** Each region's DR state store (runbook records: `runs/<operation-id>.json`). */
  readonly stores: Readonly<Record<Role, JsonStore>>;
  /** The call pool of both accounts (its statistics are reported). */
  readonly pool?: CallPool;
  readonly audit: (entry: AuditEntry) => void;
  readonly out: Reporter;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** Asks the operator; resolves true to go ahead. */
  readonly confirm: (question: string) => Promise<boolean>;
  readonly options: RunbookOptions;
  /** Re-reads both stacks' outputs after a `pulumi up` (Automation API only). */
  readonly reloadOutputs?: () => Promise<Readonly<Record<Role, StackOutputs>>>;
  /** The partner ingress (runbook/ingress.ts), when the stacks declare one. */
  readonly ingress?: IngressRuntime;
}

export type OperationStatus = "done" | "nothing-to-do" | "dry-run" | "waiting-for-pulumi" | "declined" | "failed";

export interface OperationResult {
  readonly command: string;
  readonly status: OperationStatus;
  readonly phase: DrPhase;
  /** Pulumi commands a person still has to run. */
  readonly commands: readonly string[];
  readonly warnings: readonly string[];
  readonly errors: readonly string[];
  readonly details: Record<string, unknown>;
}

/** 0: done, nothing to do, dry run or only Pulumi commands left; 1: a step failed; 3: declined. */
export function exitCodeOf(result: Pick<OperationResult, "status">): number {
  if (result.status === "failed") return 1;
  if (result.status === "declined") return 3;
  return 0;
}
