/**
 * Plan files, per the offline plan contract (docs/plan.md): `resources.json`, `workflows/*.json`,
 * `outputs.json`, `invokes.json` under `DIR/<stack>/`, all deterministic JSON (sorted keys).
 */
import * as fs from "fs";
import * as path from "path";
import { stableJson } from "../model/json";
import type { StackRender } from "./types";

export const WORKFLOW_TYPE = "azure-native:logic:Workflow";

/** The files of one stack, relative path → content. Pure, so tests can check them without disk. */
export function planFiles(render: StackRender): Map<string, string> {
  const files = new Map<string, string>();
  files.set(
    "resources.json",
    stableJson(
      render.resources.map((r) => ({
        type: r.type,
        name: r.name,
        parent: r.parent,
        inputs: r.inputs,
        import: r.importId,
      })),
    ),
  );
  for (const r of render.resources) {
    if (r.type !== WORKFLOW_TYPE) continue;
    const { state, definition, parameters } = r.inputs;
    files.set(`workflows/${String(r.inputs.workflowName)}.json`, stableJson({ state, definition, parameters }));
  }
  files.set("outputs.json", stableJson(render.outputs));
  files.set("invokes.json", stableJson(render.invokes));
  return files;
}

/** Replaces `outDir/<stack>/` with the stack's plan files; returns the paths written. */
export function writePlan(outDir: string, render: StackRender): string[] {
  const dir = path.join(outDir, render.stack);
  fs.rmSync(dir, { recursive: true, force: true });
  const written: string[] = [];
  for (const [rel, content] of planFiles(render)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    written.push(file);
  }
  return written;
}
