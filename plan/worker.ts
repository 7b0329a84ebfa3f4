/**
 * Renders ONE stack: installs the offline engine, sets that stack's config, runs the real program
 * (`index.ts`) and reports what was registered, invoked and exported. Runs in a child process of
 * its own (`render.ts` forks it), because the Pulumi runtime and the program are per-process state.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PeerOutputs, Recording, SECRET_MASK, installEngine } from "./engine";
import type { RenderJob, StackRender } from "./types";
import { PROJECT } from "../model/config";
import { useAuthorityReader } from "../components/phaseAuthority";
import type { StoreLocation } from "../model/phaseRule";

async function resolveOutputs(exported: Record<string, unknown>) {
  const masked: Record<string, unknown> = {};
  const raw: Record<string, unknown> = {};
  const secretOutputNames: string[] = [];
  for (const key of Object.keys(exported)) {
    const output = pulumi.output(exported[key]) as pulumi.Output<unknown>;
    const secret = await pulumi.isSecret(output);
    const value = await new Promise<unknown>((resolve) => output.apply((v) => resolve(v)));
    if (value === undefined) continue; // Pulumi drops undefined stack outputs.
    raw[key] = value;
    masked[key] = secret ? SECRET_MASK : value;
    if (secret) secretOutputNames.push(key);
  }
  return { masked, raw, secretOutputNames };
}

/** Resources registered so far in this process, so a failure can say how many (none, for bad input). */
let recording: Recording | undefined;

let peerFromParent: ((peer: PeerOutputs) => void) | undefined;

export async function renderInProcess(job: RenderJob): Promise<StackRender> {
  const warnings: string[] = [];
  const originalWarn = console.warn;
  console.warn = (...args: unknown[]) =>
    void warnings.push(
      args
        .map(String)
        .join(" ")
        .replace(/^warning: (\[runtime\] )?/, ""),
    );
  try {
    process.chdir(job.projectDir);
    const peer: Promise<PeerOutputs | undefined> = job.peerFromParent
      ? new Promise((resolve) => (peerFromParent = resolve))
      : Promise.resolve(job.peer);
    // The phase authority comes from the job: the offline engine never calls Azure.
    const authorityReads: StoreLocation[] = [];
    useAuthorityReader({
      read: async (location) => (authorityReads.push(location), job.authority ?? undefined),
    });
    const engine = await installEngine(PROJECT, job.stack, {
      subscriptionId: job.subscriptionId,
      peer: async (name) => {
        const p = await peer;
        return p === undefined ? undefined : { ...p, name };
      },
    });
    recording = engine.recording;
    pulumi.runtime.setAllConfig(job.config, job.secretKeys);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require(path.join(job.projectDir, "index.ts")) as () => Promise<Record<string, unknown>>;
    const exported = await engine.run(program);
    const outputs = await resolveOutputs(exported);
    if (engine.recording.errors.length > 0) {
      throw new Error(`The offline engine refused part of the program:\n${engine.recording.errors.join("\n")}`);
    }
    const given = await peer;
    const read = [...engine.peerReads].sort();
    return {
      stack: job.stack,
      resources: engine.recording.resources,
      invokes: engine.recording.invokes,
      outputs: outputs.masked,
      rawOutputs: outputs.raw,
      secretOutputNames: outputs.secretOutputNames,
      warnings,
      authorityReads,
      peerRead: Object.fromEntries(read.map((k) => [k, given?.outputs[k]])),
      peerReadSecret: read.filter((k) => given?.secretOutputNames.includes(k) ?? false),
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      peakPending: engine.peakPending(),
    };
  } finally {
    console.warn = originalWarn;
  }
}

function errorMessage(e: unknown): string {
  // RunError and InputError carry user-facing messages; anything else is a bug: keep its stack.
  if (e instanceof Error && (e.name === "RunError" || e.constructor.name === "RunError" || e.name === "InputError"))
    return e.message;
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

if (require.main === module) {
  // Pulumi records a stack trace on every internal promise; with ts-node's source maps that is most of
  // a render's time and memory. Off unless B2B_DR_STACK_TRACES=1 (for debugging the renderer).
  if (process.env.B2B_DR_STACK_TRACES !== "1") Error.stackTraceLimit = 0;
  process.on("message", (m: { peer?: PeerOutputs }) => {
    if (m.peer !== undefined) peerFromParent?.(m.peer);
  });
  process.once("message", (job: RenderJob) => {
    renderInProcess(job).then(
      (result) => process.send?.({ ok: true, result }, () => process.exit(0)),
      (e: unknown) =>
        process.send?.(
          {
            ok: false,
            error: errorMessage(e),
            userError: e instanceof pulumi.RunError,
            registered: recording?.resources.length ?? 0,
            registeredTypes: recording?.resources.map((r) => r.type) ?? [],
          },
          () => process.exit(0),
        ),
    );
  });
}
