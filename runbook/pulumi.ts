/**
 * What the runbook needs from Pulumi (stack outputs, setting the phase, `pulumi up`), behind a
 * narrow interface: the Automation API where the Pulumi CLI is installed, and otherwise a driver that
 * can only say which `pulumi` commands a person must run.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { DrPhase, PROJECT, Role } from "../model/config";

export interface PulumiDriver {
  /** Whether this driver can run Pulumi itself. */
  readonly available: boolean;
  outputs(stack: Role): Promise<Record<string, unknown>>;
  /** Sets `b2b-dr:drPhase` in the secondary stack's config (the one source of truth). */
  setPhase(phase: DrPhase): Promise<void>;
  /** Sets (a value) or removes (undefined) `b2b-dr:<key>` in a stack's config. */
  setConfig(stack: Role, key: string, value: string | undefined): Promise<void>;
  /** `pulumi up` of one stack; each output line goes to `onOutput`. */
  up(stack: Role, onOutput: (line: string) => void): Promise<void>;
}

export interface StackNames {
  readonly primary: string;
  readonly secondary: string;
}

/** The commands a person runs for a step the runbook cannot run itself. */
export function pulumiCommands(
  names: StackNames,
  step: {
    config?: readonly (readonly [Role, string, string | undefined])[];
    setPhase?: DrPhase;
    up: readonly Role[];
  },
): string[] {
  const out: string[] = [];
  for (const [stack, key, value] of step.config ?? [])
    out.push(
      value === undefined
        ? `pulumi config rm ${PROJECT}:${key} --stack ${names[stack]}`
        : `pulumi config set ${PROJECT}:${key} ${value} --stack ${names[stack]}`,
    );
  if (step.setPhase !== undefined)
    out.push(`pulumi config set ${PROJECT}:drPhase ${step.setPhase} --stack ${names.secondary}`);
  for (const stack of step.up) out.push(`pulumi up --stack ${names[stack]}`);
  return out;
}

/** Whether a `pulumi` executable answers on this machine. */
export function pulumiCliAvailable(): boolean {
  const r = spawnSync("pulumi", ["version"], { stdio: "ignore", timeout: 20_000 });
  return r.error === undefined && r.status === 0;
}

/** A driver for machines without the Pulumi CLI: every Pulumi step is left to a person. */
export const manualDriver: PulumiDriver = {
  available: false,
  outputs: () =>
    Promise.reject(new Error("the Pulumi CLI is not installed: pass --primary-outputs and --secondary-outputs")),
  setPhase: () => Promise.reject(new Error("the Pulumi CLI is not installed")),
  setConfig: () => Promise.reject(new Error("the Pulumi CLI is not installed")),
  up: () => Promise.reject(new Error("the Pulumi CLI is not installed")),
};

/**
 * The Automation API over the project in `workDir` (needs the Pulumi CLI and a logged-in backend).
 * Every `pulumi up` it starts runs the project's policy pack (`<workDir>/policy`), as CI does.
 */
export function automationDriver(workDir: string, names: StackNames): PulumiDriver {
  // Loaded lazily: the Automation API module is only needed where the CLI exists.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = () => require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  const select = (stack: Role) => load().LocalWorkspace.selectStack({ stackName: names[stack], workDir });
  return {
    available: true,
    async outputs(stack) {
      const outputs = await (await select(stack)).outputs();
      return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
    },
    async setPhase(phase) {
      await (await select("secondary")).setConfig(`${PROJECT}:drPhase`, { value: phase });
    },
    async setConfig(stack, key, value) {
      const s = await select(stack);
      if (value === undefined) await s.removeConfig(`${PROJECT}:${key}`);
      else await s.setConfig(`${PROJECT}:${key}`, { value });
    },
    async up(stack, onOutput) {
      await (
        await select(stack)
      ).up({
        onOutput: (text) => text.split("\n").filter(Boolean).forEach(onOutput),
        policyPacks: [path.join(workDir, "policy")],
      });
    },
  };
}

export { stackOutputsSchema } from "../model/manifest";
export type { StackOutputs, DrManifest as Manifest } from "../model/manifest";
