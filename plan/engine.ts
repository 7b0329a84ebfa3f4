/**
 * The offline engine: Pulumi's mock engine (`pulumi.runtime.setMocks`) with deterministic ARM-style
 * ids, a recorder of every registered resource and invoke, and StackReferences answered from the
 * other stack's rendered outputs. Anything it does not know (a resource type, an invoke, an
 * auto-named resource) fails loudly instead of being faked.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { INGRESS_ARM_SHAPES, computedState } from "./ingressShapes";

/** The subscription id used in ids when the stack config sets none (`azure-native:subscriptionId`). */
export const PLACEHOLDER_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
export const PLACEHOLDER_TENANT = "00000000-0000-0000-0000-00000000aaaa";
/** What every secret becomes in plan files. */
export const SECRET_MASK = "[secret]";

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function isSecretEnvelope(value: unknown): value is { value: unknown } {
  return (
    value !== null && typeof value === "object" && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG
  );
}

/**
 * A copy of a deserialized property value with every secret replaced by `[secret]`.
 *
 * Pulumi marks a whole top-level input secret when anything inside it is (e.g. a connection's
 * `properties` because of its callback URL). To keep the rest of such an input reviewable, the
 * secret strings the engine knows (the callback URLs it issued, the peer's secret outputs) are
 * masked where they occur inside it; a secret input with none of them inside is masked whole.
 */
export function maskSecrets(value: unknown, knownSecrets: ReadonlySet<string> = new Set()): unknown {
  if (isSecretEnvelope(value)) {
    const inner = value.value;
    if (inner === null || typeof inner !== "object") return SECRET_MASK;
    let found = false;
    const masked = replaceKnown(inner, knownSecrets, () => (found = true));
    return found ? maskSecrets(masked, knownSecrets) : SECRET_MASK;
  }
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, knownSecrets));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, knownSecrets)]));
  }
  if (typeof value === "string" && containsKnown(value, knownSecrets)) return SECRET_MASK;
  return value;
}

function containsKnown(text: string, knownSecrets: ReadonlySet<string>): boolean {
  for (const secret of knownSecrets) if (text.includes(secret)) return true;
  return false;
}

function replaceKnown(value: unknown, knownSecrets: ReadonlySet<string>, onFound: () => void): unknown {
  if (typeof value === "string" && containsKnown(value, knownSecrets)) {
    onFound();
    return SECRET_MASK;
  }
  if (Array.isArray(value)) return value.map((v) => replaceKnown(v, knownSecrets, onFound));
  if (value !== null && typeof value === "object" && !isSecretEnvelope(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceKnown(v, knownSecrets, onFound)]));
  }
  return value;
}

/** The plain value inside a possibly secret property value. */
export function unwrapSecret(value: unknown): unknown {
  return isSecretEnvelope(value) ? value.value : value;
}

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly inputs: Record<string, unknown>;
  readonly custom: boolean;
  readonly protect: boolean;
  /** Logical names of explicit `dependsOn` resources. */
  readonly dependsOn: readonly string[];
  /** Top-level inputs Pulumi holds as secrets. */
  readonly secretInputs: readonly string[];
  /** Outputs the resource asks Pulumi to keep secret (`additionalSecretOutputs`). */
  readonly additionalSecretOutputs: readonly string[];
}

export interface RecordedInvoke {
  readonly token: string;
  readonly args: Record<string, unknown>;
}

/** Stack outputs of the other stack, as its StackReference should see them. */
export interface PeerOutputs {
  readonly name: string;
  readonly outputs: Record<string, unknown>;
  readonly secretOutputNames: readonly string[];
}

export interface EngineOptions {
  readonly subscriptionId: string;
  /**
   * The outputs a StackReference to `name` reads (undefined: an empty stack). May be a promise: the
   * reference then waits, e.g. for the other stack's render to finish.
   */
  readonly peer: (name: string) => PeerOutputs | undefined | Promise<PeerOutputs | undefined>;
}

/** How each Azure resource type gets its ARM id: the name input and the id under its scope. */
interface ArmShape {
  readonly nameInput: string;
  readonly id: (inputs: Record<string, string>, sub: string) => string;
}

const rg = (i: Record<string, string>, sub: string) => `/subscriptions/${sub}/resourceGroups/${i.resourceGroupName}`;
const ia = (i: Record<string, string>, sub: string) =>
  `${rg(i, sub)}/providers/Microsoft.Logic/integrationAccounts/${i.integrationAccountName}`;

const ARM_SHAPES: Readonly<Record<string, ArmShape>> = {
  ...INGRESS_ARM_SHAPES,
  "azure-native:resources:ResourceGroup": { nameInput: "resourceGroupName", id: rg },
  "azure-native:logic:IntegrationAccount": { nameInput: "integrationAccountName", id: ia },
  "azure-native:logic:IntegrationAccountPartner": {
    nameInput: "partnerName",
    id: (i, s) => `${ia(i, s)}/partners/${i.partnerName}`,
  },
  "azure-native:logic:IntegrationAccountSchema": {
    nameInput: "schemaName",
    id: (i, s) => `${ia(i, s)}/schemas/${i.schemaName}`,
  },
  "azure-native:logic:IntegrationAccountMap": { nameInput: "mapName", id: (i, s) => `${ia(i, s)}/maps/${i.mapName}` },
  "azure-native:logic:IntegrationAccountCertificate": {
    nameInput: "certificateName",
    id: (i, s) => `${ia(i, s)}/certificates/${i.certificateName}`,
  },
  "azure-native:logic:IntegrationAccountAgreement": {
    nameInput: "agreementName",
    id: (i, s) => `${ia(i, s)}/agreements/${i.agreementName}`,
  },
  "azure-native:logic:Workflow": {
    nameInput: "workflowName",
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.Logic/workflows/${i.workflowName}`,
  },
  "azure-native:web:Connection": {
    nameInput: "connectionName",
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.Web/connections/${i.connectionName}`,
  },
  "azure-native:authorization:ManagementLockAtResourceLevel": {
    nameInput: "lockName",
    id: (i, s) =>
      `${rg(i, s)}/providers/${i.resourceProviderNamespace}/${i.resourceType}/${i.resourceName}/providers/Microsoft.Authorization/locks/${i.lockName}`,
  },
  "azure-native:monitor:ActionGroup": {
    nameInput: "actionGroupName",
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.Insights/actionGroups/${i.actionGroupName}`,
  },
  "azure-native:monitor:MetricAlert": {
    nameInput: "ruleName",
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.Insights/metricAlerts/${i.ruleName}`,
  },
};

/** The mock callback URL of an integration account: recognisable, and shaped like a SAS URL. */
export function mockCallbackUrl(resourceGroupName: string, integrationAccountName: string): string {
  return `https://mock.logic.invalid/integrationAccounts/${resourceGroupName}/${integrationAccountName}?api-version=2015-08-1-preview&sp=%2F%2F%2A&sv=1.0&sig=MOCKED-SAS-SIGNATURE`;
}

const URN_NAME = /::([^:]+)$/;

/** What the offline engine saw, in order. */
export interface Recording {
  readonly resources: RecordedResource[];
  readonly invokes: RecordedInvoke[];
}

/** Options of the resource being registered, captured from the engine request (see `installEngine`). */
interface PendingOptions {
  parent: string | null;
  protect: boolean;
  dependsOn: string[];
  additionalSecretOutputs: string[];
}

/**
 * The mock engine callbacks: deterministic ARM ids, StackReferences from `options.peer`, two invokes,
 * and an error for anything else. `pending()` supplies the options of the resource being registered.
 */
export function createMocks(
  options: EngineOptions,
  pending: () => PendingOptions = () => ({ parent: null, protect: false, dependsOn: [], additionalSecretOutputs: [] }),
): { mocks: pulumi.runtime.Mocks; recording: Recording } {
  const recording: Recording = { resources: [], invokes: [] };
  // Secret strings this engine knows: what it hands out as secrets, and the peers' secret outputs.
  const known = new Set<string>();
  const learn = (peer: PeerOutputs) => {
    for (const name of peer.secretOutputNames) {
      const v = peer.outputs[name];
      if (typeof v === "string" && v !== "") known.add(v);
    }
  };
  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      const { parent, protect, dependsOn, additionalSecretOutputs } = pending();
      const record = (inputs: Record<string, unknown>) =>
        recording.resources.push({
          type: args.type,
          name: args.name,
          parent,
          inputs: maskSecrets(inputs, known) as Record<string, unknown>,
          custom: args.custom ?? true,
          protect,
          dependsOn,
          secretInputs: Object.keys(inputs).filter((k) => isSecretEnvelope(inputs[k])),
          additionalSecretOutputs,
        });

      if (args.type === "pulumi:pulumi:StackReference") {
        record(args.inputs);
        const target = String(args.inputs.name ?? args.name);
        return Promise.resolve(options.peer(target)).then((peer) => {
          if (peer) learn(peer);
          return {
            id: target,
            state: { name: target, outputs: peer?.outputs ?? {}, secretOutputNames: peer?.secretOutputNames ?? [] },
          };
        });
      }
      if (args.custom === false) {
        record(args.inputs);
        return { id: undefined, state: {} };
      }
      const shape = ARM_SHAPES[args.type];
      if (shape === undefined) {
        throw new Error(
          `The offline engine has no ARM id shape for resource type ${args.type} (${args.name}); add it to plan/engine.ts.`,
        );
      }
      const plain = Object.fromEntries(Object.entries(args.inputs).map(([k, v]) => [k, String(unwrapSecret(v))]));
      const azureName = plain[shape.nameInput];
      if (azureName === undefined || azureName === "undefined") {
        throw new Error(
          `Resource ${args.name} (${args.type}) has no explicit ${shape.nameInput}: b2b-dr never lets Azure names be generated.`,
        );
      }
      record(args.inputs);
      const id = shape.id(plain, options.subscriptionId);
      return { id, state: { ...args.inputs, ...computedState(args.type, plain, id), name: azureName, id } };
    },
    call(args) {
      recording.invokes.push({ token: args.token, args: maskSecrets(args.inputs, known) as Record<string, unknown> });
      switch (args.token) {
        case "azure-native:authorization:getClientConfig":
          return {
            clientId: "00000000-0000-0000-0000-00000000c11e",
            objectId: "00000000-0000-0000-0000-0000000000b1",
            subscriptionId: options.subscriptionId,
            tenantId: PLACEHOLDER_TENANT,
          };
        case "azure-native:logic:listIntegrationAccountCallbackUrl": {
          const value = mockCallbackUrl(
            String(args.inputs.resourceGroupName),
            String(args.inputs.integrationAccountName),
          );
          known.add(value);
          return { value };
        }
        case "azure-native:logic:listWorkflowTriggerCallbackUrl": {
          const workflow = String(args.inputs.workflowName);
          const trigger = String(args.inputs.triggerName);
          const basePath = `https://mock.logic.invalid/workflows/${workflow}/triggers/${trigger}/paths/invoke`;
          const value = `${basePath}?api-version=2019-05-01&sp=%2Ftriggers%2F${trigger}%2Frun&sv=1.0&sig=MOCKED-SAS-SIGNATURE`;
          known.add(value);
          const queries = {
            apiVersion: "2019-05-01",
            sp: `/triggers/${trigger}/run`,
            sv: "1.0",
            sig: "MOCKED-SAS-SIGNATURE",
          };
          return { value, basePath, method: "POST", relativePath: "", queries };
        }
        default:
          throw new Error(`The offline engine does not implement the invoke ${args.token}; add it to plan/engine.ts.`);
      }
    },
  };
  return { mocks, recording };
}

/** Installs the offline engine in this process and returns what it records. Call once per process. */
export async function installEngine(project: string, stack: string, options: EngineOptions): Promise<Recording> {
  let pending: PendingOptions = { parent: null, protect: false, dependsOn: [], additionalSecretOutputs: [] };
  // The mock engine hands `newResource` only type, name and inputs. The request also carries the
  // parent, `protect` and `dependsOn`, which the plan records; `newResource` is called synchronously
  // inside these methods, so the captured request is the one being registered.
  type Req = {
    getParent(): string;
    getProtect?(): boolean;
    getDependenciesList?(): string[];
    getAdditionalsecretoutputsList?(): string[];
  };
  type Method = (req: Req, cb: unknown) => Promise<void>;
  const monitor = MockMonitor.prototype as unknown as Record<"registerResource" | "readResource", Method>;
  const name = (urn: string) => URN_NAME.exec(urn)?.[1] ?? urn;
  for (const method of ["registerResource", "readResource"] as const) {
    const original = monitor[method];
    monitor[method] = function (this: unknown, req: Req, cb: unknown) {
      pending = {
        parent: req.getParent() ? name(req.getParent()) : null,
        protect: req.getProtect?.() ?? false,
        dependsOn: (req.getDependenciesList?.() ?? []).map(name),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList?.() ?? [],
      };
      return original.call(this, req, cb);
    };
  }
  const { mocks, recording } = createMocks(options, () => pending);
  await pulumi.runtime.setMocks(mocks, project, stack, false, "organization");
  return recording;
}
