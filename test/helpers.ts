/** Shared test helpers: temporary copies of the sample catalog and problem assertions. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { InputError, Problem } from "../model/problems";

export const PROJECT_DIR = path.resolve(__dirname, "..");
export const SAMPLE_CATALOG = path.join(PROJECT_DIR, "catalog");

const created: string[] = [];
process.once("exit", () => created.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A fresh temporary directory, removed at process exit. */
export function tempDir(prefix = "b2b-dr-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** A copy of the sample catalog; `edits` maps a file (relative) to a function of its text, or to new text. */
export function catalogCopy(edits: Record<string, string | ((text: string) => string)> = {}): string {
  const dir = path.join(tempDir(), "catalog");
  fs.cpSync(SAMPLE_CATALOG, dir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const full = path.join(dir, file);
    const before = fs.existsSync(full) ? fs.readFileSync(full, "utf8") : "";
    const after = typeof edit === "string" ? edit : edit(before);
    if (typeof edit !== "string") assert.notStrictEqual(after, before, `the edit of ${file} changed nothing`);
    fs.writeFileSync(full, after);
  }
  return dir;
}

/** Runs `fn`, expects an InputError, returns its problems. */
export function problemsOf(fn: () => unknown): readonly Problem[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.problems;
    throw e;
  }
  assert.fail("expected an InputError, but the input was accepted");
}

export interface ExpectedProblem {
  readonly file?: string | RegExp;
  readonly path: string;
  readonly line?: number;
  readonly value?: unknown;
  readonly message: RegExp;
  readonly fix?: RegExp;
}

/** Asserts that one of `problems` matches `expected` (file suffix, exact path, message and fix patterns). */
export function assertProblem(problems: readonly Problem[], expected: ExpectedProblem): Problem {
  const match = problems.find(
    (p) =>
      p.path === expected.path &&
      expected.message.test(p.message) &&
      (expected.fix === undefined || expected.fix.test(p.fix)) &&
      (expected.file === undefined ||
        (typeof expected.file === "string" ? p.file.endsWith(expected.file) : expected.file.test(p.file))) &&
      (expected.line === undefined || p.line === expected.line) &&
      (!("value" in expected) || isDeepStrictEqual(p.value, expected.value)),
  );
  assert.ok(
    match,
    `no problem matches ${JSON.stringify({ ...expected, message: String(expected.message) })}; got:\n` +
      problems.map((p) => JSON.stringify(p)).join("\n"),
  );
  return match;
}
