/**
 * The few program constants the policy pack checks against, copied here so that the pack is
 * self-contained (it installs and is published from this folder alone). The main test suite
 * (test/policyPack.test.ts) asserts that each still equals the program's, so they cannot drift.
 */

/** Tags the program puts on what it deploys (the program's `TAG`, model/tags.ts). */
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

/** Control-number bounds X12 and EDIFACT allow (the program's catalog defaults). */
export const CONTROL_NUMBER_MIN = 1;
export const CONTROL_NUMBER_MAX = 999_999_999;
