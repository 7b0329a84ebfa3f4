/** Small pieces shared by the project's command-line tools (plan, drill, bench). */
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
