/**
 * Renders both stacks of the DR pair offline, each with its own `Pulumi.<stack>.yaml`, in a child
 * process of its own, with StackReferences resolved to the other stack's rendered outputs.
 *
 * The two stacks read each other (the secondary reads the primary's account and callback URL, the
 * primary reads the secondary's phase), so the pair is rendered the way it is first deployed:
 * primary, secondary, primary again, and so on until the outputs stop changing.
 */
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { DrPhase, PROJECT, StackConfig } from "../model/config";
import { loadProgramInputs } from "../model/inputs";
import * as naming from "../model/naming";
import { InputError, Problem } from "../model/problems";
import { PROJECT_DIR, readStackFile } from "../model/stackFile";
import type { Catalog } from "../model/catalog";
import { Transpiler, forkWorker, firstReply } from "../tools/workers";
import type { PeerOutputs } from "./engine";
import { PLACEHOLDER_SUBSCRIPTION, armId, ingressGuess, mockCallbackUrl } from "./ids";
import { RenderJob, STACKS, StackName, StackRender } from "./types";
import type { AuthorityRecord } from "../model/phaseRule";

export interface RenderOptions {
  /** Project directory holding Pulumi.yaml, the stack files and index.ts. Default: this project. */
  readonly projectDir?: string;
  /** Overrides the secondary's `b2b-dr:drPhase` (the source of truth). */
  readonly phase?: DrPhase;
  /** Overrides `b2b-dr:catalogPath` of both stacks. */
  readonly catalog?: string;
  /**
   * What the phase authority (`phase.json` in the secondary's state store) holds for this render:
   * a record, or "absent" (no blob: phase normal). Default: a record agreeing with the secondary's
   * phase (`offlineAuthority`), since there is no Azure to read offline.
   */
  readonly authority?: AuthorityRecord | "absent";
  /** Told about each step of a long render. */
  readonly progress?: (message: string) => void;
  /** Told about every finished render (the benchmark's measurements). */
  readonly onRender?: (render: StackRender, ms: number) => void;
  /** Old-generation cap of each render process, in MB (default `WORKER_HEAP_MB`). */
  readonly heapMb?: number;
  /** What transpiles the program in the render processes (default SWC; see tools/register-swc.js). */
  readonly transpiler?: Transpiler;
}

/** How a render process is started. */
export type WorkerSettings = Pick<RenderOptions, "heapMb" | "transpiler">;

/**
 * Reads and validates the config and catalog of both stacks; throws `InputError` with every problem
 * of both. Nothing is rendered or written from invalid input.
 */
export function prepareJobs(options: RenderOptions): Record<StackName, StackJob> {
  const projectDir = options.projectDir ?? PROJECT_DIR;
  const problems: Problem[] = [];
  const jobs: Partial<Record<StackName, Omit<StackJob, "authority">>> = {};
  const catalogs = new Map<string, Catalog | InputError>();
  let assumedPhase: DrPhase = "normal";
  for (const stack of STACKS) {
    const stackFile = readStackFile(projectDir, stack, problems);
    if (stackFile === undefined) continue;
    const raw: Record<string, string> = { ...stackFile.raw };
    if (options.catalog !== undefined) raw[`${PROJECT}:catalogPath`] = path.resolve(options.catalog);
    if (options.phase !== undefined && raw[`${PROJECT}:role`] === "secondary")
      raw[`${PROJECT}:drPhase`] = options.phase;
    let config: StackConfig;
    try {
      config = loadProgramInputs(raw, stackFile.file, projectDir, catalogs).config;
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      for (const p of e.problems) if (!problems.some((q) => isDeepStrictEqual(p, q))) problems.push(p);
      continue;
    }
    if (config.role === "secondary") assumedPhase = config.drPhase ?? "normal";
    const subscriptionId =
      typeof raw["azure-native:subscriptionId"] === "string"
        ? raw["azure-native:subscriptionId"]
        : PLACEHOLDER_SUBSCRIPTION;
    jobs[stack] = {
      projectDir,
      stack,
      config: raw,
      secretKeys: stackFile.secretKeys,
      subscriptionId,
      guess: outputsGuess(stack, raw, stackFile.secretKeys, config, subscriptionId),
    };
  }
  if (problems.length > 0) throw new InputError(problems);
  const authority =
    options.authority === undefined
      ? offlineAuthority(assumedPhase)
      : options.authority === "absent"
        ? null
        : options.authority;
  return Object.fromEntries(Object.entries(jobs).map(([stack, job]) => [stack, { ...job, authority }])) as Record<
    StackName,
    StackJob
  >;
}

/**
 * The authority the offline plan assumes by default: none in phase normal (a pair that never
 * switched), otherwise a record of the runbook's first failover agreeing with `phase`.
 */
export function offlineAuthority(phase: DrPhase): AuthorityRecord | null {
  if (phase === "normal") return null;
  return {
    phase,
    epoch: 1,
    changedAt: "2026-01-01T00:00:00Z",
    changedBy: "offline plan (assumed)",
    operationId: phase === "failover" ? "failover-1" : "fallback-1",
  };
}

/**
 * A stack's job without its peer (decided by `renderPair`), and a guess of the stack's outputs for
 * the other stack's first render (`outputsGuess`).
 */
export type StackJob = Omit<RenderJob, "peer" | "peerFromParent"> & { readonly guess: PeerOutputs };

/** A failure inside the program that the user can fix (e.g. a RunError), as opposed to a bug. */
export class RenderError extends Error {
  constructor(
    message: string,
    readonly userError: boolean,
    /** Resources the failed render had registered (0 when input was refused up front). */
    readonly registered = 0,
    /** Types of the resources it had registered, in the order the engine registered them (a StackReference is a read, not a change). */
    readonly registeredTypes: readonly string[] = [],
  ) {
    super(message);
    this.name = "RenderError";
  }
}

type WorkerReply =
  | { ok: true; result: StackRender }
  | { ok: false; error: string; userError: boolean; registered: number; registeredTypes: string[] };

/**
 * Renders one stack in a fresh child process. With `peer` a promise, the stack's StackReference waits
 * until it resolves (another render), so several renders can run at once.
 */
export function renderStack(
  job: StackJob,
  peer?: PeerOutputs | Promise<PeerOutputs>,
  settings: WorkerSettings = {},
): Promise<StackRender> {
  const worker = forkWorker(path.join(__dirname, "worker.ts"), {
    nodeOptions: workerNodeOptions(settings.heapMb),
    transpiler: settings.transpiler,
  });
  const result = firstReply<WorkerReply>(
    worker,
    (code, stderr) => new RenderError(`stack ${job.stack}: the renderer exited with status ${code}\n${stderr}`, false),
  ).then((m) => {
    if (m.ok) return m.result;
    throw new RenderError(`stack ${job.stack}: ${m.error}`, m.userError, m.registered, m.registeredTypes);
  });
  const later = peer instanceof Promise;
  const renderJob: RenderJob = {
    projectDir: job.projectDir,
    stack: job.stack,
    config: job.config,
    secretKeys: job.secretKeys,
    subscriptionId: job.subscriptionId,
    peer: later ? undefined : peer,
    peerFromParent: later,
    authority: job.authority,
  };
  worker.child.send(renderJob);
  if (later) {
    peer.then(
      (p) => worker.child.connected && worker.child.send({ peer: p }),
      () => worker.child.kill(),
    );
  }
  return result;
}

/**
 * The old-generation cap of a render process, in MB: a ceiling, not what shapes a render's memory.
 * With the program's artifacts declared in batches (`declareEach`), a 1,000-agreement render stays
 * near 400 MB resident (docs/benchmarks/plan.md); the cap leaves room for larger catalogs and fails a
 * runaway render loudly instead of letting it take the machine.
 */
export const WORKER_HEAP_MB = 768;

/** Node options of a render process (and of the benchmark's baseline, for a fair comparison). */
export function workerNodeOptions(heapMb = WORKER_HEAP_MB): string[] {
  return [`--max-old-space-size=${heapMb}`];
}

/** The other stack's outputs as a StackReference reads them. */
function peerOf(render: StackRender): PeerOutputs {
  return { name: render.stack, outputs: render.rawOutputs, secretOutputNames: render.secretOutputNames };
}

/** Whether everything `render` read from its peer is what `peer` now publishes, secret or not alike. */
export function consistentWith(render: StackRender, peer: StackRender): boolean {
  return Object.entries(render.peerRead).every(
    ([key, value]) =>
      isDeepStrictEqual(value, peer.rawOutputs[key]) &&
      render.peerReadSecret.includes(key) === peer.secretOutputNames.includes(key),
  );
}

export const MAX_RENDERS = 6;

/**
 * A first guess at a stack's outputs, for the other stack's first render: its own `b2b-dr:` config
 * values under their short names (some outputs mirror config verbatim: `drPhase`, `region`), and its
 * integration account (resource group, name, ARM id, callback URL), which follow from its config by
 * the naming rules (model/naming.ts) and the engine's deterministic ids. A guess that is wrong or
 * incomplete costs one more render, never a wrong result: the fixed point is checked
 * (`consistentWith`).
 */
export function outputsGuess(
  stack: StackName,
  config: Readonly<Record<string, string>>,
  secretKeys: readonly string[],
  parsed: StackConfig,
  subscriptionId: string,
): PeerOutputs {
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(`${PROJECT}:`) && !secretKeys.includes(key)) outputs[key.slice(PROJECT.length + 1)] = value;
  }
  const scope = { environment: parsed.environment, region: parsed.region };
  const resourceGroupName = parsed.existingNames.resourceGroupName ?? naming.resourceGroupName(scope);
  const integrationAccountName = parsed.existingNames.integrationAccountName ?? naming.integrationAccountName(scope);
  Object.assign(outputs, {
    resourceGroupName,
    integrationAccountName,
    integrationAccountId: armId(
      "azure-native:logic:IntegrationAccount",
      { resourceGroupName, integrationAccountName },
      subscriptionId,
    ),
    integrationAccountCallbackUrl: mockCallbackUrl(resourceGroupName, integrationAccountName),
  });
  // The DR state store's location follows from config and subscription (the phase authority's address).
  outputs.drStateStore = naming.stateStoreLocation(scope, subscriptionId);
  const ingress = ingressGuess(config, subscriptionId);
  Object.assign(outputs, ingress);
  // Secret in the stack's outputs, so secret in the guess: the fixed point compares secrecy too.
  const secret = ["integrationAccountCallbackUrl", ...["ingressFrontDoorId"].filter((k) => k in ingress)];
  return { name: stack, outputs, secretOutputNames: secret };
}

/**
 * Renders both stacks, each reading the other's outputs, until every output a stack read from the
 * other is what the other publishes (a fixed point, checked both ways).
 *
 * The primary and the secondary start together; the secondary's StackReference waits for the
 * primary's outputs. The primary's first render reads a guess of the secondary's outputs (its config
 * and account, see `outputsGuess`); when the guess is not enough for the program (a RunError), it sees
 * an empty secondary instead, as on a first deployment. Whichever side read stale values is then
 * rendered again. With a right guess every phase takes two renders, run at once.
 */
export async function renderPair(options: RenderOptions = {}): Promise<Record<StackName, StackRender>> {
  const jobs = prepareJobs(options);
  const progress = options.progress ?? (() => undefined);
  progress("rendering primary and secondary (pass 1)");
  const started = Date.now();
  const timed = (p: Promise<StackRender>, from = Date.now()) =>
    p.then((r) => (options.onRender?.(r, Date.now() - from), r));
  const first = timed(
    renderStack(jobs.primary, jobs.secondary.guess, options).catch((e: unknown) => {
      if (!(e instanceof RenderError && e.userError)) throw e;
      progress("rendering primary (pass 1, as on a first deployment)");
      return renderStack(jobs.primary, undefined, options);
    }),
    started,
  );
  const second = timed(renderStack(jobs.secondary, first.then(peerOf), options), started);
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
    if (primaryStale) primary = await timed(renderStack(jobs.primary, peerOf(secondary), options));
    else secondary = await timed(renderStack(jobs.secondary, peerOf(primary), options));
    renders++;
  }
}
