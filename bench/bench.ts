/**
 * `npm run bench`: the offline plan's time and memory for generated catalogs of 10, 100 and 1,000
 * partners (1,000 agreements at the top, the Standard tier's limit), in every DR phase, next to a
 * baseline that registers the same resources with the same offline engine without b2b-dr's program,
 * measured in the same run. Prints a table (JSON with --json) and writes it, with the machine, the
 * load and the targets met or missed, to docs/benchmarks/plan.md (--write FILE, --no-write).
 *
 * Targets (issue 14), on the project's 2-core machine, at 1,000 agreements: every phase in at most
 * 20 s; one render at most 1.3x its baseline; the summed resident memory of all plan processes (this
 * process and every render process alive at the same moment, sampled) at most 1.5 GB.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Command, Option } from "commander";
import { DR_PHASES, DrPhase } from "../model/config";
import { WORKER_HEAP_MB, prepareJobs, renderPair, renderStack, workerNodeOptions } from "../plan/render";
import { STACKS, StackName, StackRender } from "../plan/types";
import type { BaselineJob, BaselineResult } from "./baselineWorker";
import { formatTable, parseArgs, runMain } from "../tools/cli";
import { firstReply, forkWorker, sampleTotalResident } from "../tools/workers";
import { generateCatalog } from "./generate";

const SAMPLE = path.resolve(__dirname, "..", "catalog");
const DEFAULT_REPORT = path.resolve(__dirname, "..", "docs", "benchmarks", "plan.md");

/** The targets, checked at the largest size measured when it is 1,000 agreements. */
export const TARGETS = { planSeconds: 20, overhead: 1.3, totalRssMb: 1500, agreements: 1000 } as const;

function baseline(render: StackRender, heapMb: number): Promise<BaselineResult & { ms: number }> {
  const started = Date.now();
  const worker = forkWorker(path.join(__dirname, "baselineWorker.ts"), { nodeOptions: workerNodeOptions(heapMb) });
  const reply = firstReply<BaselineResult>(
    worker,
    (code, stderr) => new Error(`the baseline exited with status ${code}\n${stderr}`),
  );
  const job: BaselineJob = {
    resources: render.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs, custom: r.custom })),
  };
  worker.child.send(job);
  return reply.then((r) => ({ ...r, ms: Date.now() - started }));
}

export interface Row {
  readonly phase: DrPhase;
  readonly partners: number;
  readonly agreements: number;
  readonly resources: number;
  /** Wall time of `renderPair` (both stacks, every render it needed). */
  readonly planSeconds: number;
  readonly renders: number;
  /** Highest resident memory of one render process. */
  readonly peakRssMb: number;
  /** Highest sum of the resident memory of this process and every live render process, sampled. */
  readonly totalRssMb: number;
  /** One render of each stack, ours against the baseline, one after the other (undefined: not measured). */
  readonly overhead?: {
    readonly renderSeconds: Record<StackName, number>;
    readonly baselineSeconds: Record<StackName, number>;
    readonly baselinePeakRssMb: number;
    readonly ratio: number;
  };
}

const mb = (bytes: number) => Math.round(bytes / 1e6);

async function measure(
  phase: DrPhase,
  partners: number,
  catalog: string,
  heapMb: number,
  withOverhead: boolean,
  progress: (m: string) => void,
): Promise<Row> {
  let renders = 0;
  let peak = 0;
  progress(`${partners} partners, ${phase}: plan of both stacks`);
  const sampler = sampleTotalResident();
  const started = Date.now();
  const pair = await renderPair({
    catalog,
    phase,
    heapMb,
    onRender: (r) => {
      renders++;
      peak = Math.max(peak, r.maxRssBytes);
    },
  });
  const planSeconds = (Date.now() - started) / 1000;
  const total = sampler.stop();
  if (!total.supported) throw new Error("the summed memory is read from /proc: run the benchmark on Linux");
  const row = {
    phase,
    partners,
    agreements: partners,
    resources: pair.primary.resources.length + pair.secondary.resources.length,
    planSeconds,
    renders,
    peakRssMb: mb(peak),
    totalRssMb: mb(total.peakBytes),
  };
  if (!withOverhead) return row;
  const jobs = prepareJobs({ catalog, phase });
  const renderSeconds = {} as Record<StackName, number>;
  const baselineSeconds = {} as Record<StackName, number>;
  let baselinePeak = 0;
  for (const stack of STACKS) {
    progress(`${partners} partners, ${phase}: ${stack}, one render and its baseline`);
    const other = pair[stack === "primary" ? "secondary" : "primary"];
    const t = Date.now();
    const again = await renderStack(
      jobs[stack],
      { name: other.stack, outputs: other.rawOutputs, secretOutputNames: other.secretOutputNames },
      { heapMb },
    );
    renderSeconds[stack] = (Date.now() - t) / 1000;
    const b = await baseline(again, heapMb);
    if (b.registered !== again.resources.length)
      throw new Error(`baseline registered ${b.registered} of ${again.resources.length}`);
    baselineSeconds[stack] = b.ms / 1000;
    baselinePeak = Math.max(baselinePeak, b.maxRssBytes);
  }
  const ours = renderSeconds.primary + renderSeconds.secondary;
  const base = baselineSeconds.primary + baselineSeconds.secondary;
  return {
    ...row,
    overhead: {
      renderSeconds,
      baselineSeconds,
      baselinePeakRssMb: mb(baselinePeak),
      ratio: Math.round((ours / base) * 100) / 100,
    },
  };
}

export function table(rows: readonly Row[]): string {
  const head = [
    "agreements",
    "phase",
    "resources",
    "plan (s)",
    "renders",
    "sum RSS (MB)",
    "peak RSS (MB)",
    "render P+S (s)",
    "baseline P+S (s)",
    "overhead",
    "ms/resource",
  ];
  const lines = rows.map((r) => {
    const o = r.overhead;
    const ours = o === undefined ? undefined : o.renderSeconds.primary + o.renderSeconds.secondary;
    return [
      String(r.agreements),
      r.phase,
      String(r.resources),
      r.planSeconds.toFixed(1),
      String(r.renders),
      String(r.totalRssMb),
      String(r.peakRssMb),
      ours?.toFixed(1) ?? "-",
      o === undefined ? "-" : (o.baselineSeconds.primary + o.baselineSeconds.secondary).toFixed(1),
      o === undefined ? "-" : `${o.ratio.toFixed(2)}x`,
      ours === undefined ? "-" : ((ours * 1000) / r.resources).toFixed(2),
    ];
  });
  return formatTable(head, lines);
}

/** Each target against the rows at 1,000 agreements: a line per target, met or missed. */
export function verdicts(rows: readonly Row[]): { line: string; met: boolean }[] {
  const top = rows.filter((r) => r.agreements === TARGETS.agreements);
  if (top.length === 0) return [];
  const worst = (value: (r: Row) => number, of: readonly Row[] = top) =>
    of.reduce((a, b) => (value(b) > value(a) ? b : a));
  const plan = worst((r) => r.planSeconds);
  const rss = worst((r) => r.totalRssMb);
  const measured = top.filter((r) => r.overhead !== undefined);
  const ratioOf = (r: Row) => r.overhead?.ratio ?? 0;
  const ratio = measured.length > 0 ? worst(ratioOf, measured) : undefined;
  const verdict = (met: boolean, text: string) => ({ met, line: `${met ? "met" : "MISSED"}: ${text}` });
  const phases = top.map((r) => r.phase).join(", ");
  return [
    verdict(
      plan.planSeconds <= TARGETS.planSeconds,
      `every phase (${phases}) in at most ${TARGETS.planSeconds} s (slowest: ${plan.phase}, ${plan.planSeconds.toFixed(1)} s)`,
    ),
    ...(ratio === undefined
      ? []
      : [
          verdict(
            ratioOf(ratio) <= TARGETS.overhead,
            `overhead at most ${TARGETS.overhead}x the baseline (highest: ${ratio.phase}, ${ratioOf(ratio).toFixed(2)}x; ` +
              `measured in ${measured.map((r) => r.phase).join(", ")})`,
          ),
        ]),
    verdict(
      rss.totalRssMb <= TARGETS.totalRssMb,
      `summed memory of all plan processes at most ${TARGETS.totalRssMb} MB (highest: ${rss.phase}, ${rss.totalRssMb} MB)`,
    ),
  ];
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  return `${os.cpus().length} x ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

const loadAverage = () => os.loadavg()[0]!.toFixed(1);

/** The report the benchmark writes: every figure in it comes from this run. */
export function report(rows: readonly Row[], info: { machine: string; load: string; heapMb: number; date: string }) {
  const checks = verdicts(rows);
  return [
    "# Offline plan benchmark",
    "",
    "Written by `npm run bench` (bench/bench.ts); do not edit by hand, run it again.",
    "",
    `- Run: ${info.date}, on ${info.machine}.`,
    `- Load average (1 min) at the start and the end: ${info.load}. Timings grow with the load of a shared`,
    "  machine; the overhead is measured against a baseline in the same run, so it varies less.",
    `- Render processes capped at ${info.heapMb} MB of old generation.`,
    "- Columns: `plan` is the wall time of both stacks (every render needed, run at once); `sum RSS` the",
    "  highest sum of the resident memory of all plan processes alive at the same moment (sampled every",
    "  20 ms); `peak RSS` the highest of one render process; `render P+S` one render of each stack, one",
    "  after the other, against `baseline P+S`: the same resources registered with the same engine",
    "  without b2b-dr's program; `overhead` their ratio (`-`: not measured in that phase).",
    "",
    "```",
    table(rows),
    "```",
    "",
    ...(checks.length > 0
      ? [`Targets at ${TARGETS.agreements} agreements:`, "", ...checks.map((c) => `- ${c.line}`), ""]
      : []),
  ].join("\n");
}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name("npm run bench --")
    .description(
      "Time and memory of the offline plan (both stacks, every phase) for generated catalogs, against a baseline of the same engine without b2b-dr's program.",
    )
    .option("--sizes <list>", "partner counts (agreements = partners, at most 1000)", "10,100,1000")
    .addOption(new Option("--phases <list>", "DR phases, comma-separated").default(DR_PHASES.join(",")))
    .option("--overhead-phases <list>", "phases in which to measure the overhead (default: every phase measured)")
    .option("--heap-mb <n>", "old-generation cap of each render process, in MB", String(WORKER_HEAP_MB))
    .option("--write <file>", "write the report (markdown) to this file", DEFAULT_REPORT)
    .option("--no-write", "do not write the report")
    .option("--json", "print the rows as JSON")
    .exitOverride();
  const stop = parseArgs(program, argv);
  if (stop !== undefined) return stop;
  const opts = program.opts<{
    sizes: string;
    phases: string;
    overheadPhases?: string;
    heapMb: string;
    write: string | false;
    json?: boolean;
  }>();
  const sizes = opts.sizes.split(",").map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 2 || n > 1000)) {
    console.error(`--sizes ${opts.sizes}: give partner counts from 2 to 1000, comma-separated`);
    return 2;
  }
  const phases = opts.phases.split(",");
  const overheadPhases = opts.overheadPhases?.split(",") ?? phases;
  for (const [option, list] of [
    ["--phases", phases],
    ["--overhead-phases", overheadPhases],
  ] as const) {
    const bad = list.find((p) => !(DR_PHASES as readonly string[]).includes(p));
    if (bad !== undefined) {
      console.error(`${option} ${list.join(",")}: "${bad}" is not a phase; give some of ${DR_PHASES.join(", ")}`);
      return 2;
    }
  }
  const heapMb = Number(opts.heapMb);
  if (!Number.isInteger(heapMb) || heapMb < 128) {
    console.error(`--heap-mb ${opts.heapMb}: give a whole number of MB, at least 128`);
    return 2;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "b2b-dr-bench-"));
  const rows: Row[] = [];
  const loadBefore = loadAverage();
  try {
    for (const n of sizes) {
      const catalog = path.join(dir, `catalog-${n}`);
      generateCatalog(catalog, { partners: n, agreements: n }, SAMPLE);
      for (const phase of phases as DrPhase[])
        rows.push(
          await measure(phase, n, catalog, heapMb, overheadPhases.includes(phase), (m) =>
            process.stderr.write(`bench: ${m}\n`),
          ),
        );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const info = { machine: machine(), load: `${loadBefore} / ${loadAverage()}`, heapMb, date: new Date().toISOString() };
  if (opts.json) console.log(JSON.stringify({ ...info, rows, targets: verdicts(rows) }, null, 2));
  else
    console.log(
      [`${info.machine}, load ${info.load}`, "", table(rows), "", ...verdicts(rows).map((v) => v.line)].join("\n"),
    );
  if (opts.write !== false) {
    fs.mkdirSync(path.dirname(opts.write), { recursive: true });
    fs.writeFileSync(opts.write, report(rows, info));
    process.stderr.write(`bench: wrote ${path.relative(process.cwd(), opts.write)}\n`);
  }
  return 0;
}

// `npm run bench -- runbook`: the runbook benchmark (bench/runbook.ts).
if (require.main === module)
  runMain((argv) => (argv[0] === "runbook" ? import("./runbook").then((m) => m.main(argv.slice(1))) : main(argv)));
