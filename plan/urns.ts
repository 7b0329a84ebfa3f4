/**
 * The logical identity of a rendered stack: the URNs a deployment gives its resources, sorted. A
 * resource whose URN changes is, on a real stack, deleted and created again (for a protected
 * resource: a failed update). test/golden/urns/ pins them per stack and phase
 * (test/urns.test.ts); `npm run urns:update` regenerates the files.
 */
import { PROJECT } from "../model/config";
import { stackUrn } from "./engine";
import type { StackRender } from "./types";

/** The stack root's URN and every recorded resource's, sorted, one per line (with a final newline). */
export function urnList(render: StackRender): string {
  const urns = [stackUrn(PROJECT, render.stack), ...render.resources.map((r) => r.urn)].sort();
  return `${urns.join("\n")}\n`;
}

/** The file of a stack's URNs in a phase, relative to test/golden/urns/. */
export function urnFile(stack: string, phase: string): string {
  return `${stack}-${phase}.txt`;
}

/** Lines only in `expected` (`-`, gone) and only in `actual` (`+`, new), in sorted order. */
export function urnDiff(expected: string, actual: string): string[] {
  const lines = (text: string) => new Set(text.split("\n").filter((l) => l !== ""));
  const before = lines(expected);
  const after = lines(actual);
  return [
    ...[...before].filter((u) => !after.has(u)).map((u) => `- ${u}`),
    ...[...after].filter((u) => !before.has(u)).map((u) => `+ ${u}`),
  ].sort((a, b) => a.slice(2).localeCompare(b.slice(2)) || a.localeCompare(b));
}
