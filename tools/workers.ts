/**
 * Worker processes of the tools: a TypeScript module forked in a Node child process (ts-node,
 * transpile only, structured-clone IPC), and the memory all of them hold together. The plan renders
 * each stack in one (plan/render.ts), the benchmark its baseline (bench/baselineWorker.ts).
 */
import { ChildProcess, fork } from "child_process";
import * as fs from "fs";

/** Workers forked by this process and not yet exited. */
const live = new Set<ChildProcess>();

export interface WorkerOptions {
  /** Node options of the child (e.g. a heap cap). */
  readonly nodeOptions?: readonly string[];
  /** Collect the child's stderr (for the error when it dies) instead of discarding it. Default: true. */
  readonly captureStderr?: boolean;
  /**
   * What transpiles the worker's TypeScript: SWC (default, `register-swc.js` says why) or the
   * TypeScript compiler, which is what `pulumi up` uses.
   */
  readonly transpiler?: Transpiler;
}

export type Transpiler = "swc" | "typescript";

const REGISTER: Record<Transpiler, string> = {
  swc: require.resolve("./register-swc.js"),
  typescript: "ts-node/register/transpile-only",
};

/** A forked worker and its stderr so far. */
export interface Worker {
  readonly child: ChildProcess;
  stderr(): string;
}

/** Forks `script` (a .ts module that answers IPC messages) in a child process. */
export function forkWorker(script: string, options: WorkerOptions = {}): Worker {
  const child = fork(script, [], {
    execArgv: ["-r", REGISTER[options.transpiler ?? "swc"], ...(options.nodeOptions ?? [])],
    stdio: ["ignore", "ignore", options.captureStderr === false ? "ignore" : "pipe", "ipc"],
    // Structured clone keeps `undefined` and Maps (JSON would drop or mangle them).
    serialization: "advanced",
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
  });
  live.add(child);
  child.once("exit", () => live.delete(child));
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, stderr: () => stderr };
}

/**
 * The first message `worker` sends; rejects with `failure(exit status, stderr)` when it exits before
 * sending one.
 */
export function firstReply<T>(worker: Worker, failure: (code: number | null, stderr: string) => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    worker.child.once("message", (m: T) => {
      settled = true;
      resolve(m);
    });
    worker.child.once("exit", (code) => {
      if (!settled) reject(failure(code, worker.stderr()));
    });
  });
}

/** Resident memory of a process in bytes (Linux `/proc/<pid>/status`), or 0 when it has exited. */
function residentBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resident memory of this process and every live worker it forked, summed, in bytes. */
export function totalResidentBytes(): number {
  let total = process.memoryUsage.rss();
  for (const child of live) if (child.pid !== undefined) total += residentBytes(child.pid);
  return total;
}

/**
 * Samples `totalResidentBytes()` every `intervalMs` until `stop()`, which returns the highest sum seen.
 * Linux only (it reads `/proc`); elsewhere the workers count as 0 and `stop()` says so.
 */
export function sampleTotalResident(intervalMs = 20): { stop(): { peakBytes: number; supported: boolean } } {
  const supported = fs.existsSync("/proc/self/status");
  let peak = totalResidentBytes();
  const timer = setInterval(() => (peak = Math.max(peak, totalResidentBytes())), intervalMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, totalResidentBytes());
      return { peakBytes: peak, supported };
    },
  };
}
