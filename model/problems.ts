/**
 * Problems found in user input (stack config, catalog). Every problem names the file, the place in
 * it, the bad value and the fix; all problems are collected and reported at once.
 */

export interface Problem {
  /** File the problem is in, relative to the project root where possible. */
  readonly file: string;
  /** Path inside the file, e.g. `agreements[2].guest.identity` or `b2b-dr:region`. */
  readonly path: string;
  /** 1-based line in the file, when known. */
  readonly line?: number;
  /** The offending value, when there is one. */
  readonly value?: unknown;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** Renders a value for a message: short, single-line, never `[object Object]`. */
export function showValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatProblem(p: Problem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  const value = "value" in p ? ` = ${showValue(p.value)}` : "";
  return `${where}  ${p.path}${value}\n    ${p.message}\n    fix: ${p.fix}`;
}

/** Thrown when input is invalid. Carries every problem found, not just the first. */
export class InputError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in the b2b-dr input:\n` +
        problems.map(formatProblem).join("\n"),
    );
    this.name = "InputError";
  }
}

/** Dotted/bracketed path for messages: `["agreements", 2, "guest"]` → `agreements[2].guest`. */
export function pathText(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(top level)" : out;
}
