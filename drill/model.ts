/**
 * A deterministic discrete-event model of a DR drill: the two accounts' control-number stores, outbound
 * traffic per agreement, inbound traffic with partner resends, the replication schedule (including
 * the trigger's re-query of changes five minutes or older), the loss of the primary region, the
 * failover after a decision delay with a bump, and a later fallback.
 *
 * Times are in seconds from the start of the drill. Everything random comes from one seeded PRNG, so
 * a scenario and a seed always give the same result.
 */

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface AgreementTraffic {
  readonly name: string;
  /** Outbound messages (transaction sets) per minute at most: no minute carries more. */
  readonly peakPerMinute: number;
  /** Share of the peak the traffic actually runs at (0..1 realistic, >1 beyond the plan). */
  readonly load: number;
  /** The control-number bump applied at failover and fallback. */
  readonly bump: number;
  /** Inbound interchanges per minute from the partner. */
  readonly inboundPerMinute: number;
}

export interface Schedule {
  readonly pollIntervalSeconds: number;
  readonly maxRunSeconds: number;
  /** The trigger re-queries changes this old (five minutes: https://github.com/Azure/azure-quickstart-templates/tree/master/quickstarts/microsoft.logic/logic-app-b2b-disaster-recovery-replication). */
  readonly lateReplaySeconds: number;
  /** Largest clock skew between the runtime's change times and the trigger's "now". */
  readonly maxClockSkewSeconds: number;
}

export interface DrillScenario {
  readonly name: string;
  readonly agreements: readonly AgreementTraffic[];
  readonly schedule: Schedule;
  /** Seconds from the loss of the primary to the failover decision. */
  readonly decisionSeconds: number;
  /** Seconds the runbook and `pulumi up` take before the secondary receives. */
  readonly deploySeconds: number;
  /**
   * `hard`: the region is gone (nothing more is sent or replicated from it). `replication`: only
   * replication breaks; the primary goes on sending until the failover disables it.
   */
  readonly outage: "hard" | "replication";
  /** Partners resend what they sent in this many seconds before the loss (no acknowledgement). */
  readonly resendWindowSeconds: number;
  /** Length of the drill; the loss happens in its first half, the fallback near its end. */
  readonly horizonSeconds: number;
}

export interface DrillResult {
  readonly seed: number;
  readonly lossAt: number;
  /**
   * Generated control numbers a partner received twice over the whole drill: from the primary and
   * then the secondary, or before and after the fallback.
   */
  readonly reused: number;
  readonly reusedByAgreement: Readonly<Record<string, number>>;
  /** Inbound interchanges resent by partners that the secondary processed a second time. */
  readonly inboundProcessedTwice: number;
  /** Worst replication lag (RPO) seen, in seconds: the oldest change not yet in the secondary. */
  readonly worstLagSeconds: number;
  /** Seconds from the loss until the secondary receives traffic. */
  readonly trafficMovedAfterSeconds: number;
}

interface Change {
  /** When the runtime changed it. */
  readonly at: number;
  /** The control number (generated) or 1 for a received interchange record. */
  readonly value: number;
}

/** The random parts of each poll: its clock skew and how long its run takes (the same for every change it carries). */
export type PollDraw = (n: number) => { readonly skew: number; readonly run: number };

export function pollDraws(s: Schedule, rand: () => number): PollDraw {
  const draws = new Map<number, { skew: number; run: number }>();
  return (n) => {
    let d = draws.get(n);
    if (d === undefined) {
      d = { skew: rand() * s.maxClockSkewSeconds, run: rand() * s.maxRunSeconds };
      draws.set(n, d);
    }
    return d;
  };
}

/**
 * When a change made at `at` lands in the target. Every poll asks for changes "until current time",
 * seen through a clock skewed by up to maxClockSkewSeconds, so a change made just before a poll can
 * be missed; the trigger's re-query of changes "five minutes or older" then catches it
 * (one recurrence plus the run, some records ~5 min late: https://github.com/Azure/azure-quickstart-templates/tree/master/quickstarts/microsoft.logic/logic-app-b2b-disaster-recovery-replication; the bump sizing in docs/failover.md).
 * All changes a poll finds land together when its run ends (up to maxRunSeconds later).
 */
export function landsAt(at: number, s: Schedule, offset: number, draw: PollDraw): number {
  const interval = s.pollIntervalSeconds;
  for (let n = Math.max(0, Math.ceil((at - offset) / interval)); ; n++) {
    const poll = offset + n * interval;
    const { skew, run } = draw(n);
    if (at <= poll - skew || at <= poll - s.lateReplaySeconds) return poll + run;
  }
}

/** Message times of one agreement in [from, to): never more than `peak` in any minute. */
function traffic(from: number, to: number, perMinute: number, rand: () => number): number[] {
  const times: number[] = [];
  for (let minute = Math.floor(from / 60); minute * 60 < to; minute++) {
    const expected = perMinute;
    const whole = Math.floor(expected);
    const count = whole + (rand() < expected - whole ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const t = minute * 60 + rand() * 60;
      if (t >= from && t < to) times.push(t);
    }
  }
  return times.sort((a, b) => a - b);
}

export function runDrill(scenario: DrillScenario, seed: number): DrillResult {
  const rand = prng(seed);
  const s = scenario.schedule;
  const offset = rand() * s.pollIntervalSeconds;
  const draw = pollDraws(s, prng(seed ^ 0x5eed));
  const lossAt = scenario.horizonSeconds * (0.2 + 0.3 * rand());
  const failoverAt = lossAt + scenario.decisionSeconds;
  const movedAt = failoverAt + scenario.deploySeconds;
  const fallbackAt = scenario.horizonSeconds * 0.9;
  let worstLag = 0;
  let reused = 0;
  let inboundTwice = 0;
  const reusedByAgreement: Record<string, number> = {};

  for (const a of scenario.agreements) {
    const perMinute = a.peakPerMinute * a.load;
    // The primary sends until the region is lost (hard) or until the failover disables it.
    const primaryUntil = scenario.outage === "hard" ? lossAt : failoverAt;
    const sent: Change[] = traffic(0, primaryUntil, perMinute, rand).map((at, i) => ({ at, value: i + 1 }));
    // Replication copies each change; what has not landed when replication stops is lost.
    let replicated = 0;
    for (const c of sent) {
      const landed = landsAt(c.at, s, offset, draw);
      if (landed <= lossAt) {
        replicated = Math.max(replicated, c.value);
        worstLag = Math.max(worstLag, landed - c.at);
      } else worstLag = Math.max(worstLag, lossAt - c.at);
    }
    const primaryMax = sent.length;
    // Failover: the secondary continues from what it has, plus the bump.
    const secondaryStart = replicated + a.bump;
    const secondarySent = traffic(movedAt, fallbackAt, perMinute, rand).length;
    const secondaryNumbers = { from: secondaryStart + 1, to: secondaryStart + secondarySent };
    const overlap = (from: number, to: number, max: number) => Math.max(0, Math.min(max, to) - from + 1);
    let twice = overlap(secondaryNumbers.from, secondaryNumbers.to, primaryMax);
    // Fallback: reverse replication drains the secondary into the primary; the runbook reads both
    // accounts and resumes the primary at max(primary, secondary) + bump.
    const secondaryMax = secondarySent === 0 ? secondaryStart : secondaryNumbers.to;
    const resumedFrom = Math.max(primaryMax, secondaryMax) + a.bump + 1;
    const afterFallback = traffic(fallbackAt, scenario.horizonSeconds, perMinute, rand).length;
    twice += overlap(resumedFrom, resumedFrom + afterFallback - 1, Math.max(primaryMax, secondaryMax));
    reused += twice;
    reusedByAgreement[a.name] = twice;

    // Inbound: partners resend what they sent shortly before the loss; the secondary's duplicate
    // check knows only the received-number records that replicated in time.
    for (const at of traffic(Math.max(0, lossAt - scenario.resendWindowSeconds), lossAt, a.inboundPerMinute, rand)) {
      if (landsAt(at, s, offset, draw) > lossAt) inboundTwice++;
    }
  }
  return {
    seed,
    lossAt: Math.round(lossAt),
    reused,
    reusedByAgreement,
    inboundProcessedTwice: inboundTwice,
    worstLagSeconds: Math.round(worstLag),
    trafficMovedAfterSeconds: Math.round(movedAt - lossAt),
  };
}

export interface ScenarioSummary {
  readonly scenario: string;
  readonly runs: number;
  /** Runs in which some partner received a control number twice. */
  readonly runsWithReuse: number;
  readonly maxReused: number;
  readonly maxInboundProcessedTwice: number;
  readonly worstLagSeconds: number;
  readonly trafficMovedAfterSeconds: number;
}

export function summarize(scenario: DrillScenario, results: readonly DrillResult[]): ScenarioSummary {
  return {
    scenario: scenario.name,
    runs: results.length,
    runsWithReuse: results.filter((r) => r.reused > 0).length,
    maxReused: Math.max(0, ...results.map((r) => r.reused)),
    maxInboundProcessedTwice: Math.max(0, ...results.map((r) => r.inboundProcessedTwice)),
    worstLagSeconds: Math.max(0, ...results.map((r) => r.worstLagSeconds)),
    trafficMovedAfterSeconds: Math.max(0, ...results.map((r) => r.trafficMovedAfterSeconds)),
  };
}
