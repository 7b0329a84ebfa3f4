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
import { PLACEHOLDER_SUBSCRIPTION, PeerOutputs } from "./engine";
import { RenderJob, STACKS, StackName, StackRender } from "./types";

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
export function prepareJobs(options: RenderOptions): Record<StackName, Omit<RenderJob, "peers">> {
  const projectDir = options.projectDir ?? PROJECT_DIR;
  const problems: Problem[] = [];
  const jobs: Partial<Record<StackName, Omit<RenderJob, "peers">>> = {};
  for (const stack of STACKS) {
    const stackFile = readStackFile(projectDir, stack, problems);
    if (stackFile === undefined) continue;
    const raw = { ...stackFile.raw };
    if (options.catalog !== undefined) raw[`${PROJECT}:catalogPath`] = path.resolve(options.catalog);
    if (options.phase !== undefined && raw[`${PROJECT}:role`] === "secondary")
      raw[`${PROJECT}:drPhase`] = options.phase;
    try {
      loadProgramInputs(raw, stackFile.file, projectDir);
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
  return jobs as Record<StackName, Omit<RenderJob, "peers">>;
}

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

/** Renders one stack in a fresh child process. */
export function renderStack(job: RenderJob): Promise<StackRender> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, "worker.ts"), [], {
      execArgv: ["-r", "ts-node/register/transpile-only"],
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
    });
    let stderr = "";
    let settled = false;
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("message", (reply: WorkerReply) => {
      settled = true;
      if (reply.ok) resolve(reply.result);
      else reject(new RenderError(`stack ${job.stack}: ${reply.error}`, reply.userError, reply.registered));
    });
    child.once("exit", (code) => {
      if (!settled)
        reject(new RenderError(`stack ${job.stack}: the renderer exited with status ${code}\n${stderr}`, false));
    });
    child.send(job);
  });
}

function peerOf(render: StackRender, job: Omit<RenderJob, "peers">): PeerOutputs {
  return {
    name: `organization/${PROJECT}/${job.stack}`,
    outputs: render.rawOutputs,
    secretOutputNames: render.secretOutputNames,
  };
}

/** Peer outputs keyed by the name each stack's StackReference uses. */
function peersFor(job: Omit<RenderJob, "peers">, other: PeerOutputs | undefined): PeerOutputs[] {
  if (other === undefined) return [];
  const name = job.config[`${PROJECT}:peerStack`] ?? other.name;
  return [{ ...other, name }];
}

export const MAX_RENDERS = 6;

/** Renders both stacks, each reading the other's outputs, until the pair is consistent. */
export async function renderPair(options: RenderOptions = {}): Promise<Record<StackName, StackRender>> {
  const jobs = prepareJobs(options);
  const progress = options.progress ?? (() => undefined);
  const render = async (stack: StackName, other: StackRender | undefined, pass: number) => {
    progress(`rendering ${stack} (pass ${pass})`);
    const job = jobs[stack];
    const otherStack: StackName = stack === "primary" ? "secondary" : "primary";
    return renderStack({ ...job, peers: peersFor(job, other && peerOf(other, jobs[otherStack])) });
  };
  let primary = await render("primary", undefined, 1);
  let secondary = await render("secondary", primary, 1);
  for (let renders = 2, pass = 2; renders < MAX_RENDERS; pass++) {
    const nextPrimary = await render("primary", secondary, pass);
    renders++;
    const primaryStable = isDeepStrictEqual(nextPrimary.rawOutputs, primary.rawOutputs);
    primary = nextPrimary;
    if (primaryStable) return { primary, secondary };
    const nextSecondary = await render("secondary", primary, pass);
    renders++;
    const secondaryStable = isDeepStrictEqual(nextSecondary.rawOutputs, secondary.rawOutputs);
    secondary = nextSecondary;
    if (secondaryStable) return { primary, secondary };
  }
  throw new RenderError(
    `the two stacks' outputs did not settle after ${MAX_RENDERS} renders: they depend on each other in a cycle`,
    false,
  );
}
