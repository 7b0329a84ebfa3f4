/**
 * Drill scenarios built from the same catalog and config as the program (`Pulumi.secondary.yaml`,
 * the catalog's traffic figures, the bump settings), and the RPO/bump/cost trade-off of the schedule.
 */
import type { Catalog } from "../model/catalog";
import type { StackConfig } from "../model/config";
import { LATE_REPLAY_MINUTES, pollIntervalMinutes, triggerExecutionsPerMonth } from "../model/workflows/replication";
import { bumpSize, bumpSizing } from "../runbook/controlNumbers";
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

/** The trade-off as an SVG line chart: bump (left axis) and trigger executions (right axis) against RPO. */
export function tradeoffSvg(points: readonly TradeoffPoint[], title: string): string {
  const W = 720;
  const H = 420;
  const m = { left: 80, right: 90, top: 50, bottom: 70 };
  /** The next "nice" number (1, 2 or 5 times a power of ten) at or above `v`. */
  const nice = (v: number) => {
    const p = 10 ** Math.floor(Math.log10(v));
    return [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((f) => f * p).find((n) => n >= v * 1.05) ?? 10 * p;
  };
  const xStep = 5;
  const xMax = Math.ceil(Math.max(...points.map((p) => p.rpoMinutes)) / xStep) * xStep;
  const bMax = nice(Math.max(...points.map((p) => p.bump)));
  const cMax = nice(Math.max(...points.map((p) => p.triggerExecutionsPerMonth)));
  const x = (v: number) => m.left + (v / xMax) * (W - m.left - m.right);
  const yB = (v: number) => H - m.bottom - (v / bMax) * (H - m.top - m.bottom);
  const yC = (v: number) => H - m.bottom - (v / cMax) * (H - m.top - m.bottom);
  const line = (f: (p: TradeoffPoint) => [number, number]) =>
    points
      .map((p) =>
        f(p)
          .map((n) => n.toFixed(1))
          .join(","),
      )
      .join(" ");
  const ticks = (max: number, n = 5) => Array.from({ length: n + 1 }, (_, i) => (max * i) / n);
  const fmt = (v: number) => (v >= 10_000 ? `${Math.round(v / 1000)}k` : String(Math.round(v)));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="15">${title}</text>`,
    `<line x1="${m.left}" y1="${H - m.bottom}" x2="${W - m.right}" y2="${H - m.bottom}" stroke="black"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${H - m.bottom}" stroke="#1f77b4"/>`,
    `<line x1="${W - m.right}" y1="${m.top}" x2="${W - m.right}" y2="${H - m.bottom}" stroke="#d62728"/>`,
    ...ticks(bMax).map(
      (v) => `<text x="${m.left - 8}" y="${yB(v) + 4}" text-anchor="end" fill="#1f77b4">${fmt(v)}</text>`,
    ),
    ...ticks(cMax).map((v) => `<text x="${W - m.right + 8}" y="${yC(v) + 4}" fill="#d62728">${fmt(v)}</text>`),
    ...Array.from({ length: xMax / xStep + 1 }, (_, i) => i * xStep).map(
      (v) => `<text x="${x(v)}" y="${H - m.bottom + 18}" text-anchor="middle">${v}</text>`,
    ),
    `<text x="${(m.left + W - m.right) / 2}" y="${H - 34}" text-anchor="middle">RPO bound (minutes)</text>`,
    `<text x="${(m.left + W - m.right) / 2}" y="${H - 12}" text-anchor="middle" fill="#555" font-size="11">points: polling every ${points.map((p) => p.intervalMinutes).join(", ")} min</text>`,
    `<text transform="translate(18 ${H / 2}) rotate(-90)" text-anchor="middle" fill="#1f77b4">bump of the busiest agreement</text>`,
    `<text transform="translate(${W - 14} ${H / 2}) rotate(90)" text-anchor="middle" fill="#d62728">billed trigger executions / month</text>`,
    `<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${line((p) => [x(p.rpoMinutes), yB(p.bump)])}"/>`,
    `<polyline fill="none" stroke="#d62728" stroke-width="2" points="${line((p) => [x(p.rpoMinutes), yC(p.triggerExecutionsPerMonth)])}"/>`,
    ...points.map(
      (p) => `<circle cx="${x(p.rpoMinutes).toFixed(1)}" cy="${yB(p.bump).toFixed(1)}" r="3" fill="#1f77b4"/>`,
    ),
    ...points.map(
      (p) =>
        `<circle cx="${x(p.rpoMinutes).toFixed(1)}" cy="${yC(p.triggerExecutionsPerMonth).toFixed(1)}" r="3" fill="#d62728"/>`,
    ),
    `</svg>`,
  ];
  return `${parts.join("\n")}\n`;
}
