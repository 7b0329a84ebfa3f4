/**
 * `npm run plan -- [--stack primary|secondary] [--phase normal|failover|failback] [--catalog PATH] [--out DIR] [--json]`
 *
 * Renders both stacks offline (Pulumi's mock engine, each stack's own config file), prints a summary
 * per stack and writes the plan files of the selected stack(s).
 *
 * Exit status: 0 plan written; 1 invalid config or catalog (every problem on stderr, no files
 * written); 2 the program or the renderer failed (a bug: details on stderr).
 */
import * as path from "path";
import { Command, Option } from "commander";
import { DR_PHASES, DrPhase } from "../model/config";
import { InputError } from "../model/problems";
import { RenderError, renderPair } from "./render";
import { STACKS, StackName, StackRender } from "./types";
import { writePlan } from "./write";
import { parseArgs, runMain } from "../tools/cli";

export interface StackSummary {
  readonly stack: StackName;
  readonly region: unknown;
  readonly phase: unknown;
  readonly activeRegion: unknown;
  readonly resources: number;
  readonly byType: Record<string, number>;
  readonly invokes: number;
  readonly warnings: readonly string[];
  readonly dir: string;
}

export function summarize(render: StackRender, dir: string): StackSummary {
  const byType: Record<string, number> = {};
  for (const r of render.resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
  return {
    stack: render.stack,
    region: render.outputs.region,
    phase: render.outputs.drPhase,
    activeRegion: render.outputs.activeRegion ?? "(unknown)",
    resources: render.resources.length,
    byType: Object.fromEntries(Object.entries(byType).sort(([a], [b]) => a.localeCompare(b))),
    invokes: render.invokes.length,
    warnings: render.warnings,
    dir,
  };
}

function printSummary(s: StackSummary): void {
  const lines = [
    `${s.stack}: region ${String(s.region)}, phase ${String(s.phase)}, active region ${String(s.activeRegion)}`,
    `  ${s.resources} resources, ${s.invokes} invokes -> ${s.dir}`,
    ...Object.entries(s.byType).map(([type, n]) => `    ${String(n).padStart(4)}  ${type}`),
    ...s.warnings.map((w) => `  warning: ${w}`),
  ];
  console.log(lines.join("\n"));
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name("npm run plan --")
    .description("Render the offline plan of the b2b-dr stacks (no Azure, no Pulumi CLI) and write the plan files.")
    .addOption(new Option("--stack <stack>", "write only this stack's plan (both are always rendered)").choices(STACKS))
    .addOption(
      new Option("--phase <phase>", "DR phase (default: b2b-dr:drPhase of Pulumi.secondary.yaml)").choices(DR_PHASES),
    )
    .option("--catalog <path>", "catalog directory (default: b2b-dr:catalogPath of each stack)")
    .option("--out <dir>", "output directory", "out/plan")
    .option("--json", "print the summary as JSON on stdout")
    .addHelpText(
      "after",
      "\nExit status: 0 plan written; 1 invalid config or catalog (nothing written); 2 internal failure.\n" +
        "Files: <out>/<stack>/{resources.json, outputs.json, invokes.json, workflows/*.json}; secrets are [secret].",
    )
    .exitOverride();
  const stop = parseArgs(program, argv);
  // A usage error is invalid input: exit status 1, as the plan contract says.
  if (stop !== undefined) return stop === 0 ? 0 : 1;
  const opts = program.opts<{ stack?: StackName; phase?: DrPhase; catalog?: string; out: string; json?: boolean }>();
  const outDir = path.resolve(opts.out);
  try {
    const renders = await renderPair({
      phase: opts.phase,
      catalog: opts.catalog,
      progress: (m) => process.stderr.write(`b2b-dr plan: ${m}\n`),
    });
    const selected = opts.stack === undefined ? STACKS : [opts.stack];
    const summaries = selected.map((stack) => {
      writePlan(outDir, renders[stack]);
      return summarize(renders[stack], path.relative(process.cwd(), path.join(outDir, stack)) || ".");
    });
    if (opts.json) console.log(JSON.stringify({ stacks: summaries }, null, 2));
    else summaries.forEach(printSummary);
    return 0;
  } catch (e) {
    if (e instanceof InputError) {
      console.error(e.message);
      return 1;
    }
    if (e instanceof RenderError) {
      console.error(`b2b-dr plan: ${e.message}`);
      return e.userError ? 1 : 2;
    }
    console.error(`b2b-dr plan: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 2;
  }
}

if (require.main === module) {
  runMain(main);
}
