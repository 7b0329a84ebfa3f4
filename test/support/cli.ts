/** Runs one of the project's TypeScript command-line tools as a child process, as a user would. */
import { spawn } from "child_process";
import * as path from "path";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time of the process, in ms. */
  readonly ms: number;
}

/**
 * `node -r ts-node/register/transpile-only <script> ...args` in the project directory, with `env`
 * on top of this process's environment (or instead of it with `replaceEnv`).
 */
export function runTsCli(
  script: string,
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  options: {
    readonly replaceEnv?: boolean;
    /** Kill it after this many ms (SIGKILL). */ readonly timeoutMs?: number;
  } = {},
): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(PROJECT_DIR, script), ...args],
      {
        cwd: PROJECT_DIR,
        env: { ...(options.replaceEnv ? {} : process.env), TS_NODE_TRANSPILE_ONLY: "true", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer =
      options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      if (timer !== undefined) clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}
