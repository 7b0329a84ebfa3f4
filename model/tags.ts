/**
 * Tags b2b-dr puts on what it deploys. They make the DR roles visible in Azure and are what the
 * policy pack (`policy/`) reads: a policy sees resources, not the stack config.
 */
import type { DrPhase, Role } from "./config";

export const TAG = {
  role: "b2b-dr-role",
  environment: "b2b-dr-environment",
  /** "false" on a stack marked non-production. */
  production: "b2b-dr-production",
  /** "replication" or "business". */
  purpose: "b2b-dr-purpose",
  /** The phase a workflow's state was derived from. */
  phase: "b2b-dr-phase",
  /** Replication direction: primaryToSecondary or secondaryToPrimary. */
  direction: "b2b-dr-direction",
} as const;

/** Tags of the resource group and integration account (static: they never change with the phase). */
export function siteTags(role: Role, environment: string, nonProduction: boolean): Record<string, string> {
  return { [TAG.role]: role, [TAG.environment]: environment, [TAG.production]: nonProduction ? "false" : "true" };
}

/** Tags of a workflow (its state changes with the phase, so the phase tag adds no extra update). */
export function workflowTags(
  purpose: "replication" | "business",
  phase: DrPhase,
  direction?: string,
): Record<string, string> {
  return { [TAG.purpose]: purpose, [TAG.phase]: phase, ...(direction ? { [TAG.direction]: direction } : {}) };
}
