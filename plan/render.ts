/**
 * Renders both stacks of the DR pair offline, each with its own `Pulumi.<stack>.yaml`, in a child
 * process of its own, with StackReferences resolved to the other stack's rendered outputs.
 *
 * The two stacks read each other (the secondary reads the primary's account and callback URL, the
 * primary reads the secondary's phase), so the pair is rendered the way it is first deployed:
 * primary, secondary, primary again, and so on until the outputs stop changing.
 */
import { fork } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import * as YAML from "yaml";
import { DrPhase, PROJECT } from "../components/config";
import { loadProgramInputs } from "../components/inputs";
import { InputError, Problem } from "../components/problems";
import type { Catalog } from "../components/catalog";
import { PLACEHOLDER_SUBSCRIPTION, PeerOutputs } from "./engine";
import { RenderJob, STACKS, StackName, StackRender } from "./types";
import { ingressGuess } from "./ingressShapes";

export const PROJECT_DIR = path.resolve(__dirname, "..");

export interface RenderOptions {
  /** Project directory holding Pulumi.yaml, the stack files and index.ts. Default: this project. */
  readonly projectDir?: string;
  /** Overrides the secondary's `b2b-dr:drPhase` (the source of truth). */
  readonly phase?: DrPhase;
  /** Overrides `b2b-dr:catalogPath` of both stacks. */
  readonly catalog?: string;
  /** Told about each step of a long render. */
  readonly progress?: (message: string) => void;
  /** Told about every finished render (the benchmark's measurements). */
  readonly onRender?: (render: StackRender, ms: number) => void;
}

interface StackFile {
  readonly file: string;
  readonly raw: Record<string, unknown>;
  readonly secretKeys: string[];
}

/** Reads `Pulumi.<stack>.yaml`; secure values (ciphertext) become `[secret]` placeholders. */
export function readStackFile(projectDir: string, stack: StackName, problems: Problem[]): StackFile | undefined {
  const file = `Pulumi.${stack}.yaml`;
  let text: string;
  try {
    text = fs.readFileSync(path.join(projectDir, file), "utf8");
  } catch {
    problems.push({
      file,
      path: "(file)",
      message: "does not exist",
      fix: `create it with \`pulumi stack init ${stack}\` and set its config (see the README)`,
    });
    return undefined;
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      problems.push({
        file,
        path: "(YAML syntax)",
        line: e.linePos?.[0]?.line,
        message: e.message.split("\n")[0] ?? e.message,
        fix: "correct the YAML syntax",
      });
    }
    return undefined;
  }
  const config = ((doc.toJS() as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<string, unknown>;
  const raw: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const qualified = key.includes(":") ? key : `${PROJECT}:${key}`;
    if (value !== null && typeof value === "object" && "secure" in value) {
      raw[qualified] = "[secret]";
      secretKeys.push(qualified);
    } else raw[qualified] = value;
  }
  return { file, raw, secretKeys };
}

/** Config values as the engine hands them to a program: strings, objects as JSON. */
function engineStrings(raw: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/**
 * Reads and validates the config and catalog of both stacks; throws `InputError` with every problem
 * of both. Nothing is rendered or written from invalid input.
 */
export function prepareJobs(options: RenderOptions): Record<StackName, StackJob> {
  const projectDir = options.projectDir ?? PROJECT_DIR;
  const problems: Problem[] = [];
  const jobs: Partial<Record<StackName, StackJob>> = {};
  const catalogs = new Map<string, Catalog | InputError>();
  for (const stack of STACKS) {
    const stackFile = readStackFile(projectDir, stack, problems);
    if (stackFile === undefined) continue;
    const raw = { ...stackFile.raw };
    if (options.catalog !== undefined) raw[`${PROJECT}:catalogPath`] = path.resolve(options.catalog);
    if (options.phase !== undefined && raw[`${PROJECT}:role`] === "secondary")
      raw[`${PROJECT}:drPhase`] = options.phase;
    try {
      loadProgramInputs(raw, stackFile.file, projectDir, catalogs);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      for (const p of e.problems) if (!problems.some((q) => isDeepStrictEqual(p, q))) problems.push(p);
      continue;
    }
    jobs[stack] = {
      projectDir,
      stack,
      config: engineStrings(raw),
      secretKeys: stackFile.secretKeys,
      subscriptionId:
        typeof raw["azure-native:subscriptionId"] === "string"
          ? raw["azure-native:subscriptionId"]
          : PLACEHOLDER_SUBSCRIPTION,
    };
  }
  if (problems.length > 0) throw new InputError(problems);
  return jobs as Record<StackName, StackJob>;
}

/** A stack's job without its peer (decided by `renderPair`). */
export type StackJob = Omit<RenderJob, "peer" | "peerFromParent">;

/** A failure inside the program that the user can fix (e.g. a RunError), as opposed to a bug. */
export class RenderError extends Error {
  constructor(
    message: string,
    readonly userError: boolean,
    /** Resources the failed render had registered (0 when input was refused up front). */
    readonly registered = 0,
  ) {
    super(message);
    this.name = "RenderError";
  }
}

type WorkerReply =
  { ok: true; result: StackRender } | { ok: false; error: string; userError: boolean; registered: number };

/**
 * Renders one stack in a fresh child process. With `peer` a promise, the stack's StackReference waits
 * until it resolves (another render), so several renders can run at once.
 */
export function renderStack(job: StackJob, peer?: PeerOutputs | Promise<PeerOutputs>): Promise<StackRender> {
  const child = fork(path.join(__dirname, "worker.ts"), [], {
    execArgv: ["-r", "ts-node/register/transpile-only", ...WORKER_NODE_OPTIONS],
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    // Structured clone keeps `undefined` (an output the program read but the peer does not have).
    serialization: "advanced",
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const result = new Promise<StackRender>((resolve, reject) => {
    let settled = false;
    child.once("message", (m: WorkerReply) => {
      settled = true;
      if (m.ok) resolve(m.result);
      else reject(new RenderError(`stack ${job.stack}: ${m.error}`, m.userError, m.registered));
    });
    child.once("exit", (code) => {
      if (!settled)
        reject(new RenderError(`stack ${job.stack}: the renderer exited with status ${code}\n${stderr}`, false));
    });
  });
  const later = peer instanceof Promise;
  child.send({ ...job, peer: later ? undefined : peer, peerFromParent: later } satisfies RenderJob);
  if (later) {
    peer.then(
      (p) => child.connected && child.send({ peer: p }),
      () => child.kill(),
    );
  }
  return result;
}

/**
 * Node options of the render processes: a cap on the old generation makes V8 collect the runtime's
 * short-lived promises sooner, which keeps a 1,000-agreement render well under 1 GB.
 */
export const WORKER_NODE_OPTIONS = ["--max-old-space-size=768"];

/** The other stack's outputs as a StackReference reads them. */
function peerOf(render: StackRender): PeerOutputs {
  return { name: render.stack, outputs: render.rawOutputs, secretOutputNames: render.secretOutputNames };
}

/** Whether everything `render` read from its peer is what `peer` now publishes. */
export function consistentWith(render: StackRender, peer: StackRender): boolean {
  return Object.entries(render.peerRead).every(([key, value]) => isDeepStrictEqual(value, peer.rawOutputs[key]));
}

export const MAX_RENDERS = 6;

/**
 * A first guess at a stack's outputs: its own `b2b-dr:` config values under their short names. Some
 * outputs mirror config verbatim (`drPhase`, `region`); a guess that is wrong or incomplete costs
 * one more render, never a wrong result, because the fixed point is checked.
 */
export function configGuess(job: StackJob): PeerOutputs {
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(job.config)) {
    if (key.startsWith(`${PROJECT}:`) && !job.secretKeys.includes(key)) outputs[key.slice(PROJECT.length + 1)] = value;
  }
  Object.assign(outputs, ingressGuess(job.config, job.subscriptionId));
  return { name: job.stack, outputs, secretOutputNames: [] };
}

/**
 * Renders both stacks, each reading the other's outputs, until every output a stack read from the
 * other is what the other publishes (a fixed point, checked both ways).
 *
 * The primary and the secondary start together; the secondary's StackReference waits for the
 * primary's outputs. The primary's first render reads a guess of the secondary's outputs (its config,
 * see `configGuess`); when the guess is not enough (it lacks the secondary's account, needed in phase
 * failback), it sees an empty secondary instead, as on a first deployment. Whichever side read stale
 * values is then rendered again.
 */
export async function renderPair(options: RenderOptions = {}): Promise<Record<StackName, StackRender>> {
  const jobs = prepareJobs(options);
  const progress = options.progress ?? (() => undefined);
  progress("rendering primary and secondary (pass 1)");
  const started = Date.now();
  const timed = (p: Promise<StackRender>, from = Date.now()) =>
    p.then((r) => (options.onRender?.(r, Date.now() - from), r));
  const first = timed(
    renderStack(jobs.primary, configGuess(jobs.secondary)).catch((e: unknown) => {
      if (!(e instanceof RenderError && e.userError)) throw e;
      progress("rendering primary (pass 1, as on a first deployment)");
      return renderStack(jobs.primary);
    }),
    started,
  );
  const second = timed(renderStack(jobs.secondary, first.then(peerOf)), started);
  let [primary, secondary] = await Promise.all([first, second]);
  let renders = 2;
  for (let pass = 2; ; pass++) {
    const primaryStale = !consistentWith(primary, secondary);
    const secondaryStale = !primaryStale && !consistentWith(secondary, primary);
    if (!primaryStale && !secondaryStale) return { primary, secondary };
    if (renders >= MAX_RENDERS) {
      throw new RenderError(
        `the two stacks' outputs did not settle after ${MAX_RENDERS} renders: they depend on each other in a cycle`,
        false,
      );
    }
    const stack: StackName = primaryStale ? "primary" : "secondary";
    progress(`rendering ${stack} (pass ${pass}, with the other stack's outputs)`);
    if (primaryStale) primary = await timed(renderStack(jobs.primary, peerOf(secondary)));
    else secondary = await timed(renderStack(jobs.secondary, peerOf(primary)));
    renders++;
  }
}
