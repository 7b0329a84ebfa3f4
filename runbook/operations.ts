/**
 * The runbook commands that change Azure, one file each: failover.ts, fallback.ts, bump.ts (their
 * shared steps: steps.ts). Each prints its plan, stops there on `--dry-run`, asks before changing
 * anything (unless `--yes`), records its progress in the DR state store, and can be run again: a
 * finished run changes nothing, an interrupted one resumes.
 */
export { failover } from "./failover";
export { fallback } from "./fallback";
export { bump } from "./bump";
