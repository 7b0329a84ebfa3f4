/**
 * What the runbook needs from Pulumi (stack outputs, setting the phase, `pulumi up`), behind a
 * narrow interface: the Automation API where the Pulumi CLI is installed, and otherwise a driver that
 * can only say which `pulumi` commands a person must run.
 */
import { spawnSync } from "child_process";
import { z } from "zod";
import { DR_PHASES, DrPhase, PROJECT, Role } from "../components/config";
import { ingressOutputsShape } from "./ingress";

export interface PulumiDriver {
  /** Whether this driver can run Pulumi itself. */
  readonly available: boolean;
  outputs(stack: Role): Promise<Record<string, unknown>>;
  /** Sets `b2b-dr:drPhase` in the secondary stack's config (the one source of truth). */
  setPhase(phase: DrPhase): Promise<void>;
  /** `pulumi up` of one stack; each output line goes to `onOutput`. */
  up(stack: Role, onOutput: (line: string) => void): Promise<void>;
}

export interface StackNames {
  readonly primary: string;
  readonly secondary: string;
}

/** The commands a person runs for a step the runbook cannot run itself. */
export function pulumiCommands(names: StackNames, step: { setPhase?: DrPhase; up: readonly Role[] }): string[] {
  const out: string[] = [];
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
  up: () => Promise.reject(new Error("the Pulumi CLI is not installed")),
};

/** The Automation API over the project in `workDir` (needs the Pulumi CLI and a logged-in backend). */
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
    async up(stack, onOutput) {
      await (await select(stack)).up({ onOutput: (text) => text.split("\n").filter(Boolean).forEach(onOutput) });
    },
  };
}

const range = z.object({ lower: z.number(), upper: z.number(), rollover: z.boolean() });

/** The stack outputs the runbook reads; the shape of `pulumi stack output --json` (and the plan's outputs.json). */
export const stackOutputsSchema = z.object({
  drPhase: z.enum(DR_PHASES),
  activeRegion: z.string().optional(),
  replicationRpoMinutes: z.number().optional(),
  ...ingressOutputsShape,
  drManifest: z.object({
    version: z.literal(1),
    role: z.enum(["primary", "secondary"]),
    region: z.string(),
    subscriptionId: z.string(),
    resourceGroupName: z.string(),
    integrationAccount: z.object({ id: z.string(), name: z.string() }),
    agreements: z.array(
      z.object({
        name: z.string(),
        protocol: z.enum(["X12", "Edifact", "AS2"]),
        controlNumbers: z.object({ interchange: range, group: range, transactionSet: range }).optional(),
      }),
    ),
    workflows: z.object({ replication: z.array(z.string()), business: z.array(z.string()) }),
  }),
});

export type StackOutputs = z.infer<typeof stackOutputsSchema>;
export type Manifest = StackOutputs["drManifest"];
