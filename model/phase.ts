/**
 * The failover switch: what each stack derives from the DR phase. One source of truth, the
 * secondary stack's `drPhase`; the primary stack reads it from the secondary's outputs.
 *
 * | phase    | receiving (active) | replication          |
 * |----------|--------------------|----------------------|
 * | normal   | primary            | primary → secondary  |
 * | failover | secondary          | none                 |
 * | failback | secondary          | secondary → primary  |
 *
 * In `failback` the secondary still receives while reverse replication drains its control numbers
 * into the primary; the runbook then switches the phase back to `normal`.
 */
import type { DrPhase, Role } from "./config";

export type ReplicationDirection = "primaryToSecondary" | "secondaryToPrimary" | "none";

export interface PhaseState {
  readonly phase: DrPhase;
  /** The role whose region receives partner traffic. */
  readonly activeRole: Role;
  readonly replication: ReplicationDirection;
}

export function phaseState(phase: DrPhase): PhaseState {
  switch (phase) {
    case "normal":
      return { phase, activeRole: "primary", replication: "primaryToSecondary" };
    case "failover":
      return { phase, activeRole: "secondary", replication: "none" };
    case "failback":
      return { phase, activeRole: "secondary", replication: "secondaryToPrimary" };
  }
}

/** The stack (role) that declares the replication workflows in this phase, if any. */
export function replicationHost(state: PhaseState): Role | undefined {
  if (state.replication === "primaryToSecondary") return "secondary";
  if (state.replication === "secondaryToPrimary") return "primary";
  return undefined;
}

/** The next phase of the runbook's cycle normal → failover → failback → normal. */
export function nextPhase(phase: DrPhase): DrPhase {
  return phase === "normal" ? "failover" : phase === "failover" ? "failback" : "normal";
}

/** What one stack declares for replication in a phase. */
export interface ReplicationPlan {
  /** The direction this stack's replication workflows run, or undefined when it declares none. */
  readonly direction: Exclude<ReplicationDirection, "none"> | undefined;
  /** Whether they are enabled (declared-but-disabled keeps trigger state across a failover). */
  readonly enabled: boolean;
}

/**
 * The secondary always declares the primary → secondary workflows (enabled only in `normal`, so
 * their trigger state survives a failover); the primary declares the reverse workflows only in
 * `failback`. The two directions are never enabled at once.
 */
export function replicationPlan(role: Role, state: PhaseState): ReplicationPlan {
  if (role === "secondary")
    return { direction: "primaryToSecondary", enabled: state.replication === "primaryToSecondary" };
  if (state.replication === "secondaryToPrimary") return { direction: "secondaryToPrimary", enabled: true };
  return { direction: undefined, enabled: false };
}
