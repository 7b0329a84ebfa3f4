/**
 * Drill scenarios built from the same catalog and config as the program (`Pulumi.secondary.yaml`,
 * the catalog's traffic figures, the bump settings), and the RPO/bump/cost trade-off of the schedule.
 */
import type { Catalog } from "../model/catalog";
import type { StackConfig } from "../model/config";
import { LATE_REPLAY_MINUTES, pollIntervalMinutes, triggerExecutionsPerMonth } from "../model/workflows/replication";
import { bumpSize, bumpSizing } from "../model/controlNumbers";
import type { AgreementTraffic, DrillScenario } from "./model";

/** Assumptions of the drill that are not in the config (documented in the README). */
export const DRILL_ASSUMPTIONS = {
  /** Largest skew between the runtime's change times and the trigger's clock. */
  maxClockSkewSeconds: 30,
  /** Runbook plus `pulumi up` of the secondary, until it receives. */
  deploySeconds: 300,
  /** Partners resend what they sent in the last 10 minutes without an acknowledgement. */
  resendWindowSeconds: 600,
  /** Six hours: the loss falls in the first half, the fallback at 90 %. */
  horizonSeconds: 6 * 3600,
} as const;

export function agreementsOf(
  catalog: Catalog,
  config: StackConfig,
  options: { load: number; flatBump?: number },
): AgreementTraffic[] {
  const sizing = bumpSizing(config);
  return catalog.agreements
    .filter((a) => a.protocol !== "AS2")
    .map((a) => ({
      name: a.name,
      peakPerMinute: a.peakMessagesPerMinute ?? 0,
      load: options.load,
      bump: options.flatBump ?? bumpSize(a.peakMessagesPerMinute, sizing),
      inboundPerMinute: a.peakMessagesPerMinute ?? 0,
    }));
}

export function scenarioFor(
  name: string,
  catalog: Catalog,
  config: StackConfig,
  options: { load: number; flatBump?: number; outage?: "hard" | "replication" },
): DrillScenario {
  return {
    name,
    agreements: agreementsOf(catalog, config, options),
    schedule: {
      pollIntervalSeconds: pollIntervalMinutes(config.replication) * 60,
      maxRunSeconds: config.replication.maxRunMinutes * 60,
      lateReplaySeconds: LATE_REPLAY_MINUTES * 60,
      maxClockSkewSeconds: DRILL_ASSUMPTIONS.maxClockSkewSeconds,
    },
    decisionSeconds: config.bump.decisionMinutes * 60,
    deploySeconds: DRILL_ASSUMPTIONS.deploySeconds,
    outage: options.outage ?? "hard",
    resendWindowSeconds: DRILL_ASSUMPTIONS.resendWindowSeconds,
    horizonSeconds: DRILL_ASSUMPTIONS.horizonSeconds,
  };
}

/** The standard scenarios of `npm run drill`. */
export function standardScenarios(catalog: Catalog, config: StackConfig): DrillScenario[] {
  return [
    scenarioFor("region lost, traffic at the catalog's peak, computed bump", catalog, config, { load: 1 }),
    scenarioFor("replication lost, primary still sending until failover, computed bump", catalog, config, {
      load: 1,
      outage: "replication",
    }),
    scenarioFor("replication lost, primary still sending, flat +100 bump (Microsoft's example)", catalog, config, {
      load: 1,
      flatBump: 100,
      outage: "replication",
    }),
    scenarioFor("region lost, traffic at 3x the catalog's peak, computed bump", catalog, config, { load: 3 }),
  ];
}

export interface TradeoffPoint {
  readonly intervalMinutes: number;
  readonly rpoMinutes: number;
  /** Bump of the busiest agreement. */
  readonly bump: number;
  readonly triggerExecutionsPerMonth: number;
}

/** Bump size and monthly trigger executions against the RPO, for a range of polling intervals. */
export function tradeoff(
  catalog: Catalog,
  config: StackConfig,
  intervals: readonly number[] = [0.5, 1, 2, 5, 10, 15, 30],
): TradeoffPoint[] {
  const workflows = new Set(catalog.agreements.map((a) => a.protocol)).size;
  const peak = Math.max(0, ...catalog.agreements.map((a) => a.peakMessagesPerMinute ?? 0));
  return intervals.map((intervalMinutes) => {
    const schedule = { frequency: "Minute" as const, interval: intervalMinutes };
    const sizing = bumpSizing({
      ...config,
      replication: { ...config.replication, frequency: "Minute", interval: intervalMinutes },
    });
    return {
      intervalMinutes,
      rpoMinutes: sizing.replicationRpoMinutes,
      bump: bumpSize(peak, sizing),
      triggerExecutionsPerMonth: triggerExecutionsPerMonth(schedule, workflows),
    };
  });
}
