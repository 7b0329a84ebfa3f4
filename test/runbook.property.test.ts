/**
 * Property tests of the DR switch and the runbook, in-process against the ARM model (no HTTP):
 * - the phase state machine: exactly one region receives, replication runs the way the phase says
 *   and never both ways at once;
 * - generated control numbers sent to partners strictly increase across any sequence of failovers
 *   and fallbacks, whatever the traffic, as long as the unreplicated traffic fits the computed bump.
 * Plus unit tests of the control-number arithmetic.
 */
import * as assert from "assert";
import fc from "fast-check";
import { DR_PHASES, DrPhase, Role } from "../model/config";
import { nextPhase, phaseState, replicationPlan } from "../model/phase";
import { AccountApi } from "../runbook/arm";
import { RunbookContext } from "../runbook/context";
import {
  bumpSize,
  bumpWithin,
  isoOfTicks,
  nextChangedTime,
  parseGeneratedSession,
  parseReceivedSession,
  ticksOf,
} from "../model/controlNumbers";
import { failover, fallback } from "../runbook/operations";
import { PulumiDriver, stackOutputsSchema } from "../runbook/pulumi";
import { FakeAzure } from "./arm/fakeAzure";
import { Azurite, startAzurite } from "./support/azurite";
import { JsonStore, blobJsonStore } from "../runbook/stateStore";
import { Pair, pairFor } from "./renders";

const X12 = "Contoso-Fabrikam-X12";
const EDI = "Contoso-Northwind-EDIFACT";
const SESSIONS = [`${X12}-ICN`, `${X12}-GCN`, `${X12}-TSCN`, `${EDI}-ICN`];
const BUMP: Record<string, number> = { [X12]: 880, [EDI]: 220 };
const agreementOf = (s: string) => (s.startsWith(X12) ? X12 : EDI);

describe("control-number arithmetic", () => {
  it("parses generated and received session names, case-insensitively", () => {
    const names = [X12, EDI];
    assert.deepStrictEqual(parseGeneratedSession(`${X12}-ICN`, names), {
      name: `${X12}-ICN`,
      agreement: X12,
      kind: "interchange",
      ack: false,
    });
    assert.deepStrictEqual(parseGeneratedSession(`${X12.toLowerCase()}-tscn`, names)?.kind, "transactionSet");
    assert.deepStrictEqual(parseGeneratedSession(`${X12}-Icn-ACK`, names)?.kind, "acknowledgement");
    assert.strictEqual(parseGeneratedSession(`X12-ICN-${X12}-000000042`, names), undefined);
    assert.deepStrictEqual(parseReceivedSession(`X12-ICN-${X12}-000000042`, names), { agreement: X12 });
    assert.deepStrictEqual(parseReceivedSession(`${X12}-ICN-X12-000000042`, names), { agreement: X12 });
    assert.strictEqual(parseGeneratedSession("Other-Agreement-ICN", names), undefined);
  });

  it("keeps .NET tick precision and makes the changed time strictly later", () => {
    const old = "2019-02-05T21:22:39.6600520Z";
    assert.strictEqual(isoOfTicks(ticksOf(old)!), old);
    assert.strictEqual(ticksOf("2019-02-05T21:22:39.660052Z"), ticksOf(old));
    // Now is earlier than the session's time (clock skew): one tick later than the session.
    assert.strictEqual(nextChangedTime(new Date("2019-01-01T00:00:00Z"), old), "2019-02-05T21:22:39.6600521Z");
    assert.strictEqual(nextChangedTime(new Date("2020-01-01T00:00:00Z"), old), "2020-01-01T00:00:00.0000000Z");
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }),
        fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }),
        (now, t) => {
          const prev = isoOfTicks(BigInt(t.getTime()) * 10_000n + 123n);
          assert.ok(ticksOf(nextChangedTime(now, prev))! > ticksOf(prev)!);
        },
      ),
    );
  });

  it("bumps within bounds, wraps only with rollover, refuses otherwise", () => {
    assert.deepStrictEqual(bumpWithin(10, 5, { lower: 1, upper: 100, rollover: false }), {
      ok: true,
      value: 15,
      wrapped: false,
    });
    assert.deepStrictEqual(bumpWithin(98, 5, { lower: 1, upper: 100, rollover: true }), {
      ok: true,
      value: 3,
      wrapped: true,
    });
    const refused = bumpWithin(98, 5, { lower: 1, upper: 100, rollover: false });
    assert.ok(!refused.ok && /passes the upper bound 100 and rollover is off/.test(refused.reason));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.boolean(),
        (lower, span, by, rollover) => {
          const upper = lower + span;
          const current = lower + Math.floor(span / 2);
          const r = bumpWithin(current, by, { lower, upper, rollover });
          if (r.ok) {
            assert.ok(r.value >= lower && r.value <= upper, "within bounds");
            if (!r.wrapped) assert.strictEqual(r.value, current + by);
            else assert.ok(rollover && current + by > upper);
          } else assert.ok(!rollover && current + by > upper);
        },
      ),
    );
  });

  it("sizes the bump from traffic, never below the minimum", () => {
    const sizing = { replicationRpoMinutes: 7, decisionMinutes: 15, safetyFactor: 2, minimum: 100 };
    assert.strictEqual(bumpSize(20, sizing), 880);
    assert.strictEqual(bumpSize(1, sizing), 100);
    assert.strictEqual(bumpSize(undefined, sizing), 100);
  });
});

describe("phase state machine (property)", () => {
  it("in any sequence of phases exactly one region receives and replication follows the phase", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...DR_PHASES), { maxLength: 30 }), (phases) => {
        let phase: DrPhase = "normal";
        for (const step of [phase, ...phases]) {
          const state = phaseState(step);
          const receiving = (["primary", "secondary"] as const).filter((r) => r === state.activeRole);
          assert.strictEqual(receiving.length, 1);
          const enabled = (["primary", "secondary"] as const)
            .map((r) => replicationPlan(r, state))
            .filter((p) => p.enabled);
          assert.ok(enabled.length <= 1, "never both directions");
          assert.deepStrictEqual(
            enabled.map((p) => p.direction),
            state.replication === "none" ? [] : [state.replication],
          );
          // Replication never writes into the receiving region's account.
          if (state.replication === "primaryToSecondary") assert.strictEqual(state.activeRole, "primary");
          if (state.replication === "secondaryToPrimary") assert.strictEqual(state.activeRole, "secondary");
          phase = nextPhase(phase);
        }
        assert.deepStrictEqual(
          [nextPhase("normal"), nextPhase("failover"), nextPhase("failback")],
          ["failover", "failback", "normal"],
        );
      }),
    );
  });
});

/** The runbook in-process: the ARM model, a Pulumi driver that "deploys" the rendered phase. */
class Simulation {
  readonly fake: FakeAzure;
  phase: DrPhase = "normal";
  primaryDown = false;
  readonly lines: string[] = [];

  constructor(
    readonly pairs: Record<DrPhase, Pair>,
    readonly stores: Record<Role, JsonStore>,
  ) {
    this.fake = new FakeAzure(pairs.normal);
    for (const s of SESSIONS)
      for (const role of ["primary", "secondary"] as const)
        this.fake.setSession(role, s, 1, "2026-11-26T07:00:00.0000000Z");
  }

  private account(role: Role): AccountApi {
    const api = this.fake.accountApi(role);
    if (role === "secondary") return api;
    const guard =
      <T extends unknown[], R>(f: (...a: T) => Promise<R>) =>
      (...a: T) =>
        this.primaryDown ? Promise.reject(Object.assign(new Error("region down"), { statusCode: 503 })) : f(...a);
    return {
      ...api,
      listSessions: guard(api.listSessions),
      getSession: guard(api.getSession),
      putSession: guard(api.putSession),
      getAgreementContent: guard(api.getAgreementContent),
      listArtifactNames: guard(api.listArtifactNames),
      getWorkflowState: guard(api.getWorkflowState),
      setWorkflowEnabled: guard(api.setWorkflowEnabled),
    };
  }

  private outputs() {
    const pair = this.pairs[this.phase];
    return {
      primary: stackOutputsSchema.parse(pair.primary.outputs),
      secondary: stackOutputsSchema.parse(pair.secondary.outputs),
    };
  }

  context(command: string): RunbookContext {
    const driver: PulumiDriver = {
      available: true,
      outputs: async () => ({}),
      setPhase: async (phase) => void (this.phase = phase),
      setConfig: async () => undefined,
      up: async () => this.fake.deploy(this.pairs[this.phase]),
    };
    return {
      command,
      accounts: { primary: this.account("primary"), secondary: this.account("secondary") },
      outputs: this.outputs(),
      names: { primary: "primary", secondary: "secondary" },
      driver,
      bumpSizes: new Map(Object.entries(BUMP)),
      defaultBump: 100,
      missingSessions: new Map(),
      stores: this.stores,
      audit: () => undefined,
      out: { line: (t) => void this.lines.push(t), progress: () => undefined },
      now: () => this.fake.now(),
      sleep: async () => {
        this.fake.tick();
        this.fake.replicate();
      },
      confirm: async () => true,
      options: { dryRun: false, skipPrimary: false, waitTimeoutMs: 60_000, pollIntervalMs: 1, batchSize: 250 },
      reloadOutputs: async () => this.outputs(),
    };
  }

  /** The region whose business workflows are enabled sends `n` messages on `session`. */
  send(session: string, n: number): void {
    const receiving = (["primary", "secondary"] as const).filter((r) =>
      [...this.fake.accounts[r].workflows.values()].some((w) => !w.replication && w.state === "Enabled"),
    );
    assert.strictEqual(receiving.length, 1, "exactly one region receives");
    if (n > 0) this.fake.send(receiving[0]!, session, n);
  }
}

describe("runbook across failovers and fallbacks (property)", function () {
  // Every run record goes through the real storage emulator.
  this.timeout(600_000);
  let pairs: Record<DrPhase, Pair>;
  let azurite: Azurite;
  let n = 0;
  /** Fresh DR state stores (one container per region) for each simulated pair, in the real emulator. */
  const stores = async (): Promise<Record<Role, JsonStore>> => {
    const make = async (role: Role) => {
      const c = azurite.containerClient(`sim${++n}-${role}`);
      await c.create();
      return blobJsonStore(c);
    };
    return { primary: await make("primary"), secondary: await make("secondary") };
  };
  after(async () => azurite?.stop());
  before(async () => {
    azurite = await startAzurite();
    pairs = {
      normal: await pairFor("normal"),
      failover: await pairFor("failover"),
      failback: await pairFor("failback"),
    };
  });

  const traffic = fc.record(
    Object.fromEntries(SESSIONS.map((s) => [s, fc.nat({ max: 3000 })])) as Record<string, fc.Arbitrary<number>>,
  );
  /** Sends the primary made that never reached the secondary: less than the computed bump. */
  const unreplicated = fc.record(
    Object.fromEntries(SESSIONS.map((s) => [s, fc.nat({ max: BUMP[agreementOf(s)]! - 1 })])) as Record<
      string,
      fc.Arbitrary<number>
    >,
  );
  const cycle = fc.record({
    before: traffic,
    lost: unreplicated,
    during: traffic,
    primaryBackDuringFailover: fc.boolean(),
  });

  it("never sends a partner a generated control number twice, and never a smaller one", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cycle, { minLength: 1, maxLength: 4 }), async (cycles) => {
        const sim = new Simulation(pairs, await stores());
        for (const c of cycles) {
          for (const s of SESSIONS) sim.send(s, c.before[s]!);
          sim.fake.tick();
          sim.fake.replicate();
          for (const s of SESSIONS) sim.send(s, c.lost[s]!);
          // The primary region is lost with its unreplicated numbers.
          sim.primaryDown = true;
          const f = await failover(sim.context("failover"));
          assert.strictEqual(f.status, "done", sim.lines.join("\n"));
          for (const s of SESSIONS) sim.send(s, c.during[s]!);
          sim.primaryDown = false;
          const b = await fallback(sim.context("fallback"));
          assert.strictEqual(b.status, "done", sim.lines.join("\n"));
          assert.strictEqual(sim.phase, "normal");
          for (const s of SESSIONS) sim.send(s, 1);
          sim.fake.tick();
          sim.fake.replicate();
        }
        for (const [session, numbers] of sim.fake.issued) {
          for (let i = 1; i < numbers.length; i++) {
            assert.ok(numbers[i]! > numbers[i - 1]!, `${session}: ${numbers[i - 1]} then ${numbers[i]}`);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it("a second failover or fallback run changes nothing", async () => {
    const sim = new Simulation(pairs, await stores());
    for (const s of SESSIONS) sim.send(s, 10);
    sim.fake.replicate();
    await failover(sim.context("failover"));
    const after = SESSIONS.map((s) => sim.fake.controlNumber("secondary", s));
    const again = await failover(sim.context("failover"));
    assert.strictEqual(again.status, "nothing-to-do");
    assert.deepStrictEqual(
      SESSIONS.map((s) => sim.fake.controlNumber("secondary", s)),
      after,
    );
    await fallback(sim.context("fallback"));
    const primary = SESSIONS.map((s) => sim.fake.controlNumber("primary", s));
    assert.strictEqual((await fallback(sim.context("fallback"))).status, "nothing-to-do");
    assert.deepStrictEqual(
      SESSIONS.map((s) => sim.fake.controlNumber("primary", s)),
      primary,
    );
  });
});
