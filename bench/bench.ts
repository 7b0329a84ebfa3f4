/**
 * `npm run bench`: plan time and peak memory of both stacks for generated catalogs of 10, 100 and
 * 1,000 partners (1,000 agreements at the top, the Standard tier's limit), next to a baseline that
 * registers the same resources with the same offline engine without b2b-dr's program, measured in
 * the same run. Prints a table (and JSON with --json).
 *
 * Targets on the project's 2-core machine: both stacks at 1,000 agreements in under 20 s, peak memory
 * under 1 GB, overhead under 1.5x the baseline, linear growth.
 */
import { fork } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Command } from "commander";
import { WORKER_NODE_OPTIONS, prepareJobs, renderStack, renderPair } from "../plan/render";
import type { StackName, StackRender } from "../plan/types";
import type { BaselineJob, BaselineResult } from "./baselineWorker";
import { formatTable, parseArgs } from "../tools/cli";
import { generateCatalog } from "./generate";

const SAMPLE = path.resolve(__dirname, "..", "catalog");

function baseline(render: StackRender): Promise<BaselineResult & { ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, "baselineWorker.ts"), [], {
      execArgv: ["-r", "ts-node/register/transpile-only", ...WORKER_NODE_OPTIONS],
      serialization: "advanced",
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
    });
    child.once("message", (r: BaselineResult) => resolve({ ...r, ms: Date.now() - started }));
    child.once("exit", (code) => reject(new Error(`baseline exited with ${code}`)));
    const job: BaselineJob = {
      resources: render.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs, custom: r.custom })),
    };
    child.send(job);
  });
}

export interface Row {
  readonly partners: number;
  readonly agreements: number;
  readonly resources: number;
  /** Wall time of `renderPair` (both stacks, every render it needed). */
  readonly planSeconds: number;
  readonly renders: number;
  readonly peakRssMb: number;
  /** One render of each stack, ours against the baseline, sequential. */
  readonly renderSeconds: Record<StackName, number>;
  readonly baselineSeconds: Record<StackName, number>;
  readonly baselinePeakRssMb: number;
  readonly ratio: number;
}

async function measure(partners: number, agreements: number, dir: string, progress: (m: string) => void): Promise<Row> {
  const catalog = path.join(dir, `catalog-${partners}`);
  generateCatalog(catalog, { partners, agreements }, SAMPLE);
  let renders = 0;
  let peak = 0;
  progress(`${partners} partners: plan of both stacks`);
  const started = Date.now();
  const pair = await renderPair({
    catalog,
    onRender: (r) => {
      renders++;
      peak = Math.max(peak, r.maxRssBytes);
    },
  });
  const planSeconds = (Date.now() - started) / 1000;
  const jobs = prepareJobs({ catalog });
  const renderSeconds = {} as Record<StackName, number>;
  const baselineSeconds = {} as Record<StackName, number>;
  let baselinePeak = 0;
  for (const stack of ["primary", "secondary"] as const) {
    progress(`${partners} partners: ${stack}, one render and its baseline`);
    const other = pair[stack === "primary" ? "secondary" : "primary"];
    const t = Date.now();
    const again = await renderStack(jobs[stack], {
      name: other.stack,
      outputs: other.rawOutputs,
      secretOutputNames: other.secretOutputNames,
    });
    renderSeconds[stack] = (Date.now() - t) / 1000;
    peak = Math.max(peak, again.maxRssBytes);
    const b = await baseline(again);
    if (b.registered !== again.resources.length)
      throw new Error(`baseline registered ${b.registered} of ${again.resources.length}`);
    baselineSeconds[stack] = b.ms / 1000;
    baselinePeak = Math.max(baselinePeak, b.maxRssBytes);
  }
  const ours = renderSeconds.primary + renderSeconds.secondary;
  const base = baselineSeconds.primary + baselineSeconds.secondary;
  return {
    partners,
    agreements,
    resources: pair.primary.resources.length + pair.secondary.resources.length,
    planSeconds,
    renders,
    peakRssMb: Math.round(peak / 1e6),
    renderSeconds,
    baselineSeconds,
    baselinePeakRssMb: Math.round(baselinePeak / 1e6),
    ratio: Math.round((ours / base) * 100) / 100,
  };
}

export function table(rows: readonly Row[]): string {
  const head = [
    "partners",
    "agreements",
    "resources",
    "plan (s)",
    "renders",
    "peak RSS (MB)",
    "render P+S (s)",
    "baseline P+S (s)",
    "overhead",
    "ms/resource",
  ];
  const lines = rows.map((r) => [
    String(r.partners),
    String(r.agreements),
    String(r.resources),
    r.planSeconds.toFixed(1),
    String(r.renders),
    String(r.peakRssMb),
    (r.renderSeconds.primary + r.renderSeconds.secondary).toFixed(1),
    (r.baselineSeconds.primary + r.baselineSeconds.secondary).toFixed(1),
    `${r.ratio.toFixed(2)}x`,
    (((r.renderSeconds.primary + r.renderSeconds.secondary) * 1000) / r.resources).toFixed(2),
  ]);
  return formatTable(head, lines);
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  return `${os.cpus().length} x ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name("npm run bench --")
    .description(
      "Plan time and peak memory of both stacks for generated catalogs, against a baseline of the same engine without b2b-dr's program.",
    )
    .option("--sizes <list>", "partner counts (agreements = partners, at most 1000)", "10,100,1000")
    .option("--json", "print the rows as JSON")
    .exitOverride();
  const stop = parseArgs(program, argv);
  if (stop !== undefined) return stop;
  const opts = program.opts<{ sizes: string; json?: boolean }>();
  const sizes = opts.sizes.split(",").map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 2 || n > 1000)) {
    console.error(`--sizes ${opts.sizes}: give partner counts from 2 to 1000, comma-separated`);
    return 2;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "b2b-dr-bench-"));
  const rows: Row[] = [];
  try {
    for (const n of sizes) rows.push(await measure(n, n, dir, (m) => process.stderr.write(`bench: ${m}\n`)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (opts.json) console.log(JSON.stringify({ machine: machine(), rows }, null, 2));
  else console.log(`${machine()}\n\n${table(rows)}`);
  return 0;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  // `npm run bench -- runbook`: the runbook benchmark (bench/runbook.ts).
  const run = argv[0] === "runbook" ? import("./runbook").then((m) => m.main(argv.slice(1))) : main(argv);
  void run.then((code) => process.exit(code));
}
