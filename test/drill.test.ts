/**
 * The DR drill model and CLI, and the benchmark's catalog generator: with the computed bump no
 * generated control number is ever reused, over random traffic and timings; a flat +100 does reuse
 * under a busy load; the model's worst lag stays within the exported RPO bound.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import { XMLValidator } from "fast-xml-parser";
import { loadCatalog } from "../model/catalog";
import { bumpSize } from "../model/controlNumbers";
import { DrillScenario, landsAt, pollDraws, prng, runDrill } from "../drill/model";
import { main as drill } from "../drill/cli";
import { generateCatalog } from "../bench/generate";
import { SAMPLE_CATALOG, tempDir } from "./helpers";

function scenario(p: {
  peak: number;
  load: number;
  intervalMinutes: number;
  maxRunMinutes: number;
  decisionMinutes: number;
  safety: number;
  outage: "hard" | "replication";
  flatBump?: number;
}): DrillScenario {
  const sizing = {
    replicationRpoMinutes: p.intervalMinutes + p.maxRunMinutes + 5,
    decisionMinutes: p.decisionMinutes,
    safetyFactor: p.safety,
    minimum: 100,
  };
  return {
    name: "test",
    agreements: [
      {
        name: "A",
        peakPerMinute: p.peak,
        load: p.load,
        bump: p.flatBump ?? bumpSize(p.peak, sizing),
        inboundPerMinute: p.peak,
      },
    ],
    schedule: {
      pollIntervalSeconds: p.intervalMinutes * 60,
      maxRunSeconds: p.maxRunMinutes * 60,
      lateReplaySeconds: 300,
      maxClockSkewSeconds: 30,
    },
    decisionSeconds: p.decisionMinutes * 60,
    deploySeconds: 300,
    outage: p.outage,
    resendWindowSeconds: 600,
    horizonSeconds: 4 * 3600,
  };
}

/** The sample configuration: 20 messages a minute, 1-minute polling, 15 minutes to decide, region lost. */
const SAMPLE = {
  peak: 20,
  load: 1,
  intervalMinutes: 1,
  maxRunMinutes: 1,
  decisionMinutes: 15,
  safety: 2,
  outage: "hard" as const,
};

describe("DR drill model", () => {
  it("is deterministic: the same scenario and seed give the same result", () => {
    const s = scenario({ ...SAMPLE });
    assert.deepStrictEqual(runDrill(s, 7), runDrill(s, 7));
    assert.notDeepStrictEqual(runDrill(s, 7).lossAt, runDrill(s, 8).lossAt);
  });

  it("replicates a change within one poll interval plus the run, or five minutes late when the clock skew hides it", () => {
    const rand = prng(1);
    const s = { pollIntervalSeconds: 60, maxRunSeconds: 30, lateReplaySeconds: 300, maxClockSkewSeconds: 30 };
    const draw = pollDraws(s, prng(2));
    for (let i = 0; i < 2000; i++) {
      const at = rand() * 10_000;
      const lag = landsAt(at, s, 17, draw) - at;
      assert.ok(lag >= 0 && lag <= 300 + 60 + 30, `lag ${lag}`);
    }
  });

  it("with the computed bump, no generated control number is ever reused (property)", () => {
    fc.assert(
      fc.property(
        fc.record({
          peak: fc.integer({ min: 1, max: 200 }),
          load: fc.double({ min: 0, max: 1, noNaN: true }),
          intervalMinutes: fc.constantFrom(0.5, 1, 2, 5, 10, 15),
          maxRunMinutes: fc.integer({ min: 0, max: 5 }),
          decisionMinutes: fc.integer({ min: 0, max: 60 }),
          safety: fc.constantFrom(2, 3),
          outage: fc.constantFrom("hard" as const, "replication" as const),
        }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (p, seed) => {
          const r = runDrill(scenario(p), seed);
          assert.strictEqual(r.reused, 0, JSON.stringify({ p, seed, r }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the model's worst replication lag stays within the RPO bound the stack exports", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0.5, 1, 2, 5, 15),
        fc.integer({ min: 0, max: 3 }),
        fc.nat(),
        (interval, run, seed) => {
          const r = runDrill(scenario({ ...SAMPLE, peak: 30, intervalMinutes: interval, maxRunMinutes: run }), seed);
          assert.ok(r.worstLagSeconds <= (interval + run + 5) * 60, `${r.worstLagSeconds} s`);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("a flat +100 (Microsoft's example) reuses control numbers under a busy load (150 messages a minute)", () => {
    const busy = scenario({ ...SAMPLE, peak: 150, flatBump: 100 });
    const runs = Array.from({ length: 50 }, (_, seed) => runDrill(busy, seed));
    const withReuse = runs.filter((r) => r.reused > 0).length;
    assert.ok(withReuse >= 45, `${withReuse} of 50 runs reused numbers`);
    // ...while the computed bump for the same traffic does not.
    const computed = scenario({ ...SAMPLE, peak: 150 });
    assert.ok(Array.from({ length: 50 }, (_, seed) => runDrill(computed, seed)).every((r) => r.reused === 0));
  });

  it("counts inbound resends processed twice: those whose duplicate-check record had not replicated", () => {
    const r = runDrill(scenario({ ...SAMPLE }), 3);
    assert.ok(r.inboundProcessedTwice > 0 && r.inboundProcessedTwice <= 20 * 10, String(r.inboundProcessedTwice));
    const slow = runDrill(scenario({ ...SAMPLE, intervalMinutes: 15 }), 3);
    assert.ok(
      slow.inboundProcessedTwice > r.inboundProcessedTwice,
      "a slower schedule loses more duplicate-check records",
    );
  });
});

describe("npm run drill", function () {
  this.timeout(60_000);
  it("reads the project's config and catalog, reports every scenario, writes the chart, exits 0", async () => {
    const out = tempDir();
    let stdout = "";
    const log = console.log;
    const write = process.stderr.write.bind(process.stderr);
    console.log = (t: string) => void (stdout += `${t}\n`);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    let code: number;
    try {
      code = await drill(["--seeds", "30", "--out", out, "--json"]);
    } finally {
      console.log = log;
      process.stderr.write = write;
    }
    assert.strictEqual(code, 0);
    const report = JSON.parse(stdout) as {
      ok: boolean;
      scenarios: {
        scenario: string;
        runs: number;
        runsWithReuse: number;
        worstLagSeconds: number;
        trafficMovedAfterSeconds: number;
      }[];
      tradeoff: { intervalMinutes: number; rpoMinutes: number; bump: number; triggerExecutionsPerMonth: number }[];
    };
    assert.strictEqual(report.ok, true);
    assert.strictEqual(report.scenarios.length, 4);
    assert.deepStrictEqual(
      report.scenarios.slice(0, 2).map((s) => s.runsWithReuse),
      [0, 0],
    );
    assert.ok(report.scenarios[2]!.runsWithReuse > 0, "flat +100 with the primary still sending reuses numbers");
    assert.strictEqual(report.scenarios[0]!.trafficMovedAfterSeconds, 15 * 60 + 300);
    // The chart's numbers are the program's: 1-minute polling, 3 workflows, the sample's busiest agreement.
    assert.deepStrictEqual(
      report.tradeoff.find((p) => p.intervalMinutes === 1),
      { intervalMinutes: 1, rpoMinutes: 7, bump: 880, triggerExecutionsPerMonth: 129_600 },
    );
    const svg = fs.readFileSync(path.join(out, "tradeoff.svg"), "utf8");
    assert.strictEqual(XMLValidator.validate(svg), true);
    assert.strictEqual((svg.match(/<polyline /g) ?? []).length, 2);
  });
});

describe("benchmark catalog generator", () => {
  it("generates a valid catalog of the requested size", () => {
    const dir = path.join(tempDir(), "catalog");
    generateCatalog(dir, { partners: 50, agreements: 60 }, SAMPLE_CATALOG);
    const c = loadCatalog(dir);
    assert.strictEqual(c.partners.length, 50);
    assert.strictEqual(c.agreements.length, 60);
    assert.deepStrictEqual(new Set(c.agreements.map((a) => a.protocol)), new Set(["X12", "Edifact", "AS2"]));
  });
});
