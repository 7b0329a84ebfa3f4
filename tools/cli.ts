/** Small pieces shared by the project's command-line tools (plan, runbook, import, drill, bench). */
import type { Command } from "commander";

/**
 * Parses `argv` with a command set up with `exitOverride()`. Returns undefined to go on, or the exit
 * status to stop with: 0 after --help, 2 for a usage error (commander has printed it).
 */
export function parseArgs(program: Command, argv: readonly string[]): number | undefined {
  try {
    program.parse(argv, { from: "user" });
    return undefined;
  } catch (e) {
    return (e as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  }
}

/** A plain-text table: a header, a rule, then the rows; the first column left-aligned, the rest right-aligned. */
export function formatTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** Bad command-line input: the command prints the message and exits with its usage status. */
export class UsageError extends Error {}

/**
 * The `--arm-endpoint` option as a URL: https only, since a bearer token goes with every call.
 * Throws `UsageError` naming the bad value and the fix.
 */
export function armEndpointOption(value: string): URL {
  let endpoint: URL;
  try {
    endpoint = new URL(value);
  } catch {
    throw new UsageError(
      `--arm-endpoint ${JSON.stringify(value)} is not a URL. Fix: e.g. https://management.usgovcloudapi.net`,
    );
  }
  if (endpoint.protocol !== "https:")
    throw new UsageError(`--arm-endpoint must be https (a bearer token never goes over plain HTTP): ${value}`);
  return endpoint;
}

/**
 * Runs a command's `main` and exits with its status; an unexpected failure (a bug) prints its message
 * and exits 2 instead of leaving an unhandled rejection.
 */
export function runMain(main: (argv: readonly string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
      process.exit(2);
    },
  );
}
