/**
 * `npm run bench -- runbook [--agreements 10,100,1000] [--received 100000] [--no-write]`: the runbook at
 * production scale. Starts the HTTPS ARM stand-in (test/arm/fakeAzure.ts) with Azure-like throttling
 * (writes 10/s burst 200, reads 25/s burst 250, 429 + Retry-After) and 80-150 ms per call, and the
 * storage emulator (Azurite) for the DR state store; seeds N X12 agreements (3 generated sessions
 * each) in both accounts plus R received-number sessions; runs the real CLI as a child process and
 * prints its figures against the throttling bounds. Writes the table to docs/benchmarks/runbook.md.
 */
import { standInEdgeArgs } from "../test/arm/fakeFrontDoor";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AZURE_LIKE_THROTTLE, FakeAzure, ThrottleOptions, standInEnv } from "../test/arm/fakeAzure";
import { AZURITE_ACCOUNT, startAzurite } from "../test/support/azurite";
import { pairFor } from "../test/renders";
import { formatTable } from "../tools/cli";

const ROOT = path.resolve(__dirname, "..");
const LATENCY: readonly [number, number] = [80, 150];

interface CliRun {
  readonly code: number | null;
  readonly seconds: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(ROOT, "runbook/cli.ts"), ...args],
      { cwd: ROOT, env: { ...process.env, ...env, TS_NODE_TRANSPILE_ONLY: "true" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, seconds: (performance.now() - started) / 1000, stdout, stderr }));
  });
}

export interface RunbookRow {
  readonly scenario: string;
  readonly agreements: number;
  readonly received: number;
  readonly sessionWrites: number;
  readonly recordWrites: number;
  readonly reads: number;
  readonly boundSeconds: number;
  readonly seconds: number;
  readonly ratio: number;
  readonly throttled: number;
  readonly earlyRetries: number;
  readonly exit: number | null;
}

async function scenario(
  n: number,
  received: number,
  throttle: ThrottleOptions,
  progress: (m: string) => void,
): Promise<RunbookRow[]> {
  const pair = await pairFor("normal");
  const fake = new FakeAzure(pair);
  fake.wallClock = true;
  // N agreements shaped like the sample's X12 agreement, in both accounts, with generated sessions.
  const template = [...fake.accounts.secondary.artifacts.agreements.values()].find(
    (a) => (a.properties.content as Record<string, unknown> | undefined)?.x12 !== undefined,
  )!;
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `Bench-${String(i).padStart(5, "0")}-X12`;
    names.push(name);
    for (const role of ["primary", "secondary"] as const) {
      fake.accounts[role].artifacts.agreements.set(name.toLowerCase(), {
        name,
        properties: { ...template.properties, agreementName: name },
      });
      for (const kind of ["ICN", "GCN", "TSCN"]) fake.setSession(role, `${name}-${kind}`, 1000 + i);
    }
  }
  for (const role of ["primary", "secondary"] as const) fake.seedReceived(role, names, received);
  fake.replicate();

  const azurite = await startAzurite();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "b2bdr-bench-runbook-"));
  const files: Record<string, string> = {};
  for (const role of ["primary", "secondary"] as const) {
    const container = azurite.containerClient(`${role}-b2b-dr`);
    await container.create();
    const outputs = {
      ...pair[role].outputs,
      drStateStore: { accountName: AZURITE_ACCOUNT, blobEndpoint: azurite.blobEndpoint, container: `${role}-b2b-dr` },
    };
    files[role] = path.join(dir, `${role}.json`);
    fs.writeFileSync(files[role], JSON.stringify(outputs));
  }
  const server = await fake.serve({ throttle, latencyMs: LATENCY, pageSize: 1000 });
  const env = standInEnv(server.caFile);
  const base = [
    "--primary-outputs",
    files.primary!,
    "--secondary-outputs",
    files.secondary!,
    "--arm-endpoint",
    server.url,
    // The partner ingress stand-in's edge, never an outside host (the bench measures control numbers).
    ...standInEdgeArgs(server.url),
  ];
  const rows: RunbookRow[] = [];
  const measure = async (name: string, args: string[], bound: (w: number, r: number) => number) => {
    const before = fake.requests.length;
    const throttledBefore = fake.throttled.length;
    const earlyBefore = fake.earlyRetries.length;
    progress(`N=${n}, R=${received}: ${name}`);
    const run = await runCli([...args, ...base], env);
    const calls = fake.requests.slice(before);
    // Calls that changed or read something: a 429 is not a write (it is counted under 429s).
    const sessionWrites = calls.filter(
      (c) => c.method === "PUT" && !c.throttled && /\/sessions\//i.test(c.path),
    ).length;
    const reads = calls.filter((c) => c.method === "GET" && !c.throttled).length;
    const recordWrites = (await countRecordWrites(azurite, `secondary-b2b-dr`)) - recordWritesSeen;
    recordWritesSeen += recordWrites;
    const boundSeconds = bound(sessionWrites, reads);
    if (run.code !== 0 && run.code !== null)
      progress(`  exit ${run.code}: ${run.stderr.split("\n").slice(-5).join(" | ")}`);
    rows.push({
      scenario: name,
      agreements: n,
      received,
      sessionWrites,
      recordWrites,
      reads,
      boundSeconds,
      seconds: run.seconds,
      ratio: boundSeconds > 0 ? run.seconds / boundSeconds : 0,
      throttled: fake.throttled.length - throttledBefore,
      earlyRetries: fake.earlyRetries.length - earlyBefore,
      exit: run.code,
    });
  };
  let recordWritesSeen = 0;
  const writeBound = (w: number) => w / throttle.writesPerSecond;
  const readBound = (_w: number, r: number) => Math.max(0, r - throttle.readBurst) / throttle.readsPerSecond;
  try {
    await measure("status", ["status", "--json"], readBound);
    await measure("status --deep", ["status", "--deep", "--json"], readBound);
    await measure("failover", ["failover", "--yes", "--json"], writeBound);
    await measure("failover (rerun)", ["failover", "--yes", "--json"], () => 0);
  } finally {
    await server.close();
    await azurite.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** Blob versions are not kept by Azurite; the record's own batch count gives its writes: 1 + 2 per batch + 1. */
async function countRecordWrites(
  azurite: Awaited<ReturnType<typeof startAzurite>>,
  container: string,
): Promise<number> {
  let writes = 0;
  for await (const blob of azurite.containerClient(container).listBlobsFlat({ prefix: "runs/" })) {
    const body = await azurite.containerClient(container).getBlockBlobClient(blob.name).downloadToBuffer();
    const record = JSON.parse(body.toString("utf8")) as { batches: unknown[]; status: string };
    writes += 1 + 2 * record.batches.length + (record.status === "in-progress" ? 0 : 1);
  }
  return writes;
}

export async function main(argv: readonly string[]): Promise<number> {
  const arg = (name: string, fallback: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
  };
  const sizes = arg("--agreements", "10,100,1000").split(",").map(Number);
  const received = Number(arg("--received", "100000"));
  const slowN = Number(arg("--slow-agreements", "100"));
  const progress = (m: string) => process.stderr.write(`${m}\n`);
  const rows: RunbookRow[] = [];
  const publish = async (done: boolean) => {
    const table = formatTable(
      [
        "scenario",
        "N",
        "R",
        "session writes",
        "record writes",
        "reads",
        "bound s",
        "measured s",
        "ratio",
        "429s",
        "early retries",
        "exit",
      ],
      rows.map((r) => [
        r.scenario,
        String(r.agreements),
        String(r.received),
        String(r.sessionWrites),
        String(r.recordWrites),
        String(r.reads),
        r.boundSeconds.toFixed(1),
        r.seconds.toFixed(1),
        r.boundSeconds > 0 ? r.ratio.toFixed(2) : "-",
        String(r.throttled),
        String(r.earlyRetries),
        String(r.exit),
      ]),
    );
    if (done) process.stdout.write(`${table}\n`);
    if (argv.includes("--no-write")) return;
    const page = [
      "# Runbook benchmark",
      "",
      "Written by `npm run bench -- runbook` (bench/runbook.ts); do not edit by hand.",
      "",
      `HTTPS ARM stand-in with ${LATENCY[0]}-${LATENCY[1]} ms per call and Azure-like throttling per subscription ` +
        `(writes ${AZURE_LIKE_THROTTLE.writesPerSecond}/s burst ${AZURE_LIKE_THROTTLE.writeBurst}, reads ${AZURE_LIKE_THROTTLE.readsPerSecond}/s burst ${AZURE_LIKE_THROTTLE.readBurst}, 429 with Retry-After); ` +
        "DR state store in Azurite. N X12 agreements with 3 generated sessions each (6 names read per agreement: the acknowledgement ones too), " +
        "R received-number sessions per account. Bounds: failover = session writes / write rate; status = (reads − burst) / read rate. " +
        "Measured = wall time of the CLI child process, Node start-up and module loading included. " +
        "`early retries` counts requests the stand-in received again before the Retry-After of their own 429 had passed. " +
        `The "2 writes/s" row runs with writes at 2/s (burst 40). Measured on ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.versions.node}` +
        `, load average ${os.loadavg()[0]!.toFixed(1)} at the end${done ? "" : " (partial: the run is still going)"}.`,
      "",
      "```text",
      table,
      "```",
      "",
    ].join("\n");
    const file = path.join(ROOT, "docs", "benchmarks", "runbook.md");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Through the repository's formatter, so `prettier --check` passes on the generated page.
    const prettier = await import("prettier");
    fs.writeFileSync(
      file,
      await prettier.format(page, { ...(await prettier.resolveConfig(file)), parser: "markdown" }),
    );
    progress(`wrote ${path.relative(ROOT, file)}`);
  };
  const slowThrottle = { ...AZURE_LIKE_THROTTLE, writesPerSecond: 2, writeBurst: 40 };
  for (const n of sizes) {
    rows.push(...(await scenario(n, received, AZURE_LIKE_THROTTLE, progress)));
    await publish(false);
    if (n === sizes[Math.min(1, sizes.length - 1)]) {
      const slow = await scenario(slowN, Math.min(received, 10_000), slowThrottle, progress);
      rows.push(
        ...slow.filter((r) => r.scenario === "failover").map((r) => ({ ...r, scenario: "failover at 2 writes/s" })),
      );
      await publish(false);
    }
  }
  await publish(true);
  return 0;
}
