/**
 * The benchmark's baseline: registers a given list of resources (type, name, inputs) with the same
 * offline engine and the same azure-native resource classes, in the same kind of process as a stack
 * render, but without b2b-dr's program (no config, catalog, components, dependencies or outputs).
 * The difference to a render is b2b-dr's overhead.
 */
import * as pulumi from "@pulumi/pulumi";
import { installEngine } from "../plan/engine";
import { DECLARATION_BATCH } from "../components/integrationAccount/context";

export interface BaselineJob {
  readonly resources: readonly { type: string; name: string; inputs: Record<string, unknown>; custom: boolean }[];
}

export interface BaselineResult {
  readonly registered: number;
  readonly maxRssBytes: number;
}

class Component extends pulumi.ComponentResource {}

type ResourceClass = new (name: string, args: Record<string, unknown>) => pulumi.CustomResource;

/** The azure-native class of a type token, e.g. azure-native:logic:Workflow → logic.Workflow. */
function sdkClass(type: string): ResourceClass {
  const [, module, name] = type.split(":");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cls = (require(`@pulumi/azure-native/${module}`) as Record<string, unknown>)[name ?? ""];
  if (typeof cls !== "function") throw new Error(`no azure-native class for ${type}`);
  return cls as ResourceClass;
}

if (require.main === module) {
  Error.stackTraceLimit = 0; // as in plan/worker.ts
  process.once("message", (job: BaselineJob) => {
    void (async () => {
      const engine = await installEngine("b2b-dr", "baseline", {
        subscriptionId: "00000000-0000-0000-0000-000000000000",
        peer: () => undefined,
      });
      await engine.run(async () => {
        let declared = 0;
        for (const r of job.resources) {
          if (r.type === "pulumi:pulumi:StackReference") new pulumi.StackReference(r.name);
          else if (!r.custom) new Component(r.type, r.name);
          else new (sdkClass(r.type))(r.name, r.inputs);
          // Yield as the program does (declareEach), so the baseline is the fastest way to register these.
          if (++declared % DECLARATION_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        return {};
      });
      const result: BaselineResult = {
        registered: engine.recording.resources.length,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
      };
      process.send?.(result, () => process.exit(0));
    })();
  });
}
