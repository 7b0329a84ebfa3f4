/**
 * `npm run drill -- [--seeds N] [--out DIR] [--json] [--project DIR]`: runs the DR drill model for the
 * standard scenarios over N seeded runs each and reports, per scenario: generated control numbers a
 * partner received twice, inbound interchanges processed twice, the worst replication lag (RPO) and
 * the time until traffic moved. Writes the RPO / bump / cost chart to DIR/tradeoff.svg.
 *
 * Exit status: 0 the computed bump reused no control number in any run of the planned scenarios;
 * 1 it did (the catalog's traffic figures or the bump settings are too small); 2 invalid input.
 */
import * as fs from "fs";
import * as path from "path";
import { Command } from "commander";
import { loadProgramInputs } from "../model/inputs";
import { InputError, Problem } from "../model/problems";
import { PROJECT_DIR, readStackFile } from "../plan/render";
import { formatTable, parseArgs, runMain } from "../tools/cli";
import { ScenarioSummary, runDrill, summarize } from "./model";
import { tradeoffSvg } from "./chart";
import { DRILL_ASSUMPTIONS, standardScenarios, tradeoff } from "./scenarios";

export function summaryTable(rows: readonly ScenarioSummary[]): string {
  const head = [
    "scenario",
    "runs",
    "runs with reuse",
    "max reused",
    "max inbound twice",
    "worst lag (s)",
    "traffic moved after (s)",
  ];
  const cells = rows.map((r) => [
    r.scenario,
    String(r.runs),
    String(r.runsWithReuse),
    String(r.maxReused),
    String(r.maxInboundProcessedTwice),
    String(r.worstLagSeconds),
    String(r.trafficMovedAfterSeconds),
  ]);
  return formatTable(head, cells);
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name("npm run drill --")
    .description(
      "Simulate losing the primary region, failing over with the computed bump and falling back; report reuse, duplicates, RPO and time to move.",
    )
    .option("--seeds <n>", "runs per scenario (each a different loss time and traffic)", "200")
    .option("--out <dir>", "where to write tradeoff.svg", "out/drill")
    .option("--project <dir>", "the b2b-dr project (Pulumi.secondary.yaml and the catalog)", PROJECT_DIR)
    .option("--json", "print the summaries as JSON")
    .option("--docs <file>", "also write the figures as a Markdown page (the repo's is docs/benchmarks/drill.md)")
    .exitOverride();
  const stop = parseArgs(program, argv);
  if (stop !== undefined) return stop;
  const opts = program.opts<{ seeds: string; out: string; project: string; json?: boolean; docs?: string }>();
  const seeds = Number(opts.seeds);
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 100_000) {
    console.error(`--seeds ${opts.seeds}: give a whole number from 1 to 100000`);
    return 2;
  }
  const problems: Problem[] = [];
  const stackFile = readStackFile(path.resolve(opts.project), "secondary", problems);
  let inputs;
  try {
    if (stackFile === undefined) throw new InputError(problems);
    inputs = loadProgramInputs(stackFile.raw, stackFile.file, path.resolve(opts.project));
  } catch (e) {
    if (e instanceof InputError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  const { catalog, config } = inputs;
  const scenarios = standardScenarios(catalog, config);
  const summaries = scenarios.map((s, i) => {
    process.stderr.write(`drill: ${s.name} (${seeds} runs)\n`);
    return summarize(
      s,
      Array.from({ length: seeds }, (_, k) => runDrill(s, 1000 * (i + 1) + k)),
    );
  });
  const points = tradeoff(catalog, config);
  fs.mkdirSync(opts.out, { recursive: true });
  const svg = path.join(opts.out, "tradeoff.svg");
  fs.writeFileSync(svg, tradeoffSvg(points, "Replication schedule: bump and monthly trigger cost against RPO"));
  // The planned scenarios (traffic within the catalog's peak, computed bump) must never reuse.
  const planned = summaries.slice(0, 2);
  const ok = planned.every((s) => s.runsWithReuse === 0);
  if (opts.json) {
    console.log(
      JSON.stringify(
        { assumptions: DRILL_ASSUMPTIONS, scenarios: summaries, tradeoff: points, chart: svg, ok },
        null,
        2,
      ),
    );
  } else {
    console.log(summaryTable(summaries));
    console.log("");
    console.log("Schedule trade-off (busiest agreement):");
    console.log(tradeoffTable(points));
    console.log(`\nChart: ${svg}`);
    console.log(
      ok
        ? "The computed bump reused no control number in the planned scenarios."
        : "NOT SAFE: the computed bump reused control numbers in a planned scenario.",
    );
  }
  if (opts.docs !== undefined) {
    fs.mkdirSync(path.dirname(opts.docs), { recursive: true });
    fs.writeFileSync(
      opts.docs,
      [
        "<!-- Written by `npm run drill -- --docs docs/benchmarks/drill.md`; do not edit by hand. -->",
        "",
        "# Drill results",
        "",
        `${seeds} seeded runs per scenario, on the sample catalog and \`Pulumi.secondary.yaml\` (what each column means: [../drill.md](../drill.md)).`,
        "",
        "```",
        summaryTable(summaries),
        "```",
        "",
        "Schedule trade-off for the busiest agreement:",
        "",
        "```",
        tradeoffTable(points),
        "```",
        "",
        ok
          ? "The computed bump reused no control number in the planned scenarios."
          : "NOT SAFE: the computed bump reused control numbers in a planned scenario.",
        "",
      ].join("\n"),
    );
  }
  return ok ? 0 : 1;
}

function tradeoffTable(points: ReturnType<typeof tradeoff>): string {
  return formatTable(
    ["polling every (min)", "RPO bound (min)", "bump", "trigger executions / month"],
    points.map((p) => [
      String(p.intervalMinutes),
      String(p.rpoMinutes),
      String(p.bump),
      p.triggerExecutionsPerMonth.toLocaleString("en-US"),
    ]),
  );
}

if (require.main === module) runMain(main);
