/**
 * The offline engine: Pulumi's mock engine (`pulumi.runtime.setMocks`) with deterministic ARM-style
 * ids, a recorder of every registered resource and invoke, and StackReferences answered from the
 * other stack's rendered outputs. Anything it does not know (a resource type, an invoke, an
 * auto-named resource) fails loudly instead of being faked.
 *
 * It uses the SDK's public hooks (docs/architecture-plan.md lists them): the `Mocks` interface for
 * registrations and invokes, the program run as a real stack (`pulumi.runtime.runInPulumiStack`, so
 * top-level resources are children of the `pulumi:pulumi:Stack` root as in a deployment), a stack
 * transformation (`pulumi.runtime.registerStackTransformation`) for each resource's parent and
 * options, `pulumi.runtime.isRpcSecret` for secret values and `pulumi.runtime.disconnect` to drain
 * the registrations. Two hooks have no public counterpart: see `sdkHooks.ts`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ARM_SHAPES, PLACEHOLDER_TENANT, computedState, mockCallbackUrl } from "./ids";
import { recordStackReferenceReads, watchLateOutputRegistrations } from "./sdkHooks";

export { PLACEHOLDER_SUBSCRIPTION, armId, mockCallbackUrl } from "./ids";

/** What every secret becomes in plan files. */
export const SECRET_MASK = "[secret]";

/** A secret property value as the mock engine hands it over (the SDK's public secret signature). */
function isSecretEnvelope(value: unknown): value is { value: unknown } {
  return value !== null && typeof value === "object" && pulumi.runtime.isRpcSecret(value);
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
  /** The parent's logical name; null for a child of the stack root (`pulumi:pulumi:Stack`). */
  readonly parent: string | null;
  /** The URN a deployment gives the resource (`urnOf`): its logical identity, pinned by test/golden/urns. */
  readonly urn: string;
  readonly inputs: Record<string, unknown>;
  readonly custom: boolean;
  readonly protect: boolean;
  /** Logical names of the explicit `dependsOn` resources, as declared. */
  readonly dependsOn: readonly string[];
  /** Top-level inputs Pulumi holds as secrets. */
  readonly secretInputs: readonly string[];
  /** Outputs the resource asks Pulumi to keep secret (`additionalSecretOutputs`). */
  readonly additionalSecretOutputs: readonly string[];
  /** The `import` option: the id of an existing resource Pulumi adopts (undefined: created). */
  readonly importId?: string;
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

/** What the offline engine saw. */
export interface Recording {
  /**
   * Every registered resource. `Engine.run` puts them in the order the program declared them, which
   * depends only on the program; the order the engine is asked to register them depends on when each
   * one's inputs resolve and on how the program yields (components/integrationAccount/context.ts).
   */
  readonly resources: RecordedResource[];
  readonly invokes: RecordedInvoke[];
  /**
   * What the engine refused (an unknown resource type or invoke, a resource without a name). The SDK
   * swallows an error thrown by a mock, leaving the resource unregistered; the renderer fails the
   * render when this is not empty, so nothing is silently missing from a plan.
   */
  readonly errors: string[];
}

/** The type token of the stack root (public in the SDK as `pulumi.runtime.rootPulumiStackTypeName`). */
const STACK_TYPE = pulumi.runtime.rootPulumiStackTypeName;

/** A resource as its constructor declared it (type, name, parent, options), seen by the stack transformation. */
export interface DeclaredResource {
  readonly type: string;
  readonly name: string;
  /** Undefined for a child of the stack root. */
  readonly parent: DeclaredResource | undefined;
  /** `protect` as the SDK applies it: the resource's own option, else its parent's. */
  readonly protect: boolean;
  readonly dependsOn: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
}

/**
 * The URN a deployment gives a resource: `urn:pulumi:<stack>::<project>::<type chain>::<name>`, where
 * the type chain is the types of its ancestors below the stack root and its own, joined by `$`
 * (https://www.pulumi.com/docs/iac/concepts/resources/names/#urns). The stack root's children carry
 * no `pulumi:pulumi:Stack$` prefix.
 */
export function urnOf(project: string, stack: string, resource: Pick<DeclaredResource, "type" | "name" | "parent">) {
  const types: string[] = [];
  for (let r: typeof resource.parent | typeof resource = resource; r !== undefined; r = r.parent) types.unshift(r.type);
  return `urn:pulumi:${stack}::${project}::${types.join("$")}::${resource.name}`;
}

/** The URN of the stack root itself (named `<project>-<stack>` by the SDK). */
export function stackUrn(project: string, stack: string): string {
  return `urn:pulumi:${stack}::${project}::${STACK_TYPE}::${project}-${stack}`;
}

/**
 * The mock engine callbacks: deterministic ARM ids, StackReferences from `options.peer`, two invokes,
 * and an error for anything else. `declared(type, name)` supplies what the resource's constructor
 * declared (see `installEngine`); the default is a top-level resource with no options.
 */
export function createMocks(
  options: EngineOptions,
  declared: (type: string, name: string) => DeclaredResource = (type, name) => ({
    type,
    name,
    parent: undefined,
    protect: false,
    dependsOn: [],
    additionalSecretOutputs: [],
  }),
  urn: (resource: DeclaredResource) => string = (r) => urnOf("project", "stack", r),
): { mocks: pulumi.runtime.Mocks; recording: Recording } {
  const recording: Recording = { resources: [], invokes: [], errors: [] };
  // Secret strings this engine knows: what it hands out as secrets, and the peers' secret outputs.
  const known = new Set<string>();
  const learn = (peer: PeerOutputs) => {
    for (const name of peer.secretOutputNames) {
      const v = peer.outputs[name];
      if (typeof v === "string" && v !== "") known.add(v);
    }
  };
  const refused = (e: unknown): never => {
    recording.errors.push(e instanceof Error ? e.message : String(e));
    throw e;
  };
  const loud =
    <A, R>(f: (args: A) => R | Promise<R>) =>
    (args: A): R | Promise<R> => {
      try {
        const r = f(args);
        return r instanceof Promise ? r.catch(refused) : r;
      } catch (e) {
        return refused(e);
      }
    };
  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      // The stack root is the program's frame, not one of its resources.
      if (args.type === STACK_TYPE) return { id: undefined, state: {} };
      const declaration = declared(args.type, args.name);
      const record = (inputs: Record<string, unknown>) =>
        recording.resources.push({
          type: args.type,
          name: args.name,
          parent: declaration.parent?.name ?? null,
          urn: urn(declaration),
          inputs: maskSecrets(inputs, known) as Record<string, unknown>,
          custom: args.custom ?? true,
          protect: declaration.protect,
          dependsOn: [...declaration.dependsOn],
          secretInputs: Object.keys(inputs).filter((k) => isSecretEnvelope(inputs[k])),
          additionalSecretOutputs: [...declaration.additionalSecretOutputs],
          ...(args.custom !== false && args.type !== "pulumi:pulumi:StackReference" && args.id
            ? { importId: args.id }
            : {}),
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
          `The offline engine has no ARM id shape for resource type ${args.type} (${args.name}); add it to ARM_SHAPES in plan/ids.ts.`,
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
  return { mocks: { newResource: loud(mocks.newResource), call: loud(mocks.call) }, recording };
}

/** The offline engine installed in this process: what it records, and how to run a program in it. */
export interface Engine {
  readonly recording: Recording;
  /** The names of the outputs the program read through any StackReference (see `sdkHooks.ts`). */
  readonly peerReads: ReadonlySet<string>;
  /**
   * The most resources that were declared and not yet handed to the engine at any one moment. The SDK
   * holds each one's outputs, promises and serialized inputs meanwhile, so this bounds a render's
   * memory (components/integrationAccount/context.ts, `declareEach`).
   */
  peakPending(): number;
  /**
   * Runs a Pulumi program (the function `index.ts` exports) as the stack root does in a deployment and
   * returns what it exported, once every registration has been answered.
   */
  run(program: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>>;
}

/** `dependsOn` as declared, as logical names; only resources given directly (all b2b-dr uses). */
function dependencyNames(
  dependsOn: pulumi.ResourceOptions["dependsOn"],
  nameOf: (r: pulumi.Resource) => string | undefined,
  what: string,
): string[] {
  if (dependsOn === undefined) return [];
  const list: unknown[] = Array.isArray(dependsOn) ? dependsOn : [dependsOn];
  return list.map((d) => {
    const name = pulumi.Resource.isInstance(d) ? nameOf(d) : undefined;
    if (name === undefined) {
      throw new Error(
        `${what}: the offline engine records dependsOn given as resources of this stack; add support for other forms in plan/engine.ts.`,
      );
    }
    return name;
  });
}

/** Installs the offline engine in this process. Call once per process. */
export async function installEngine(project: string, stack: string, options: EngineOptions): Promise<Engine> {
  // Each resource's constructor runs the stack transformation (before it registers), which records
  // the parent and options the mock engine does not hand to `newResource`. Resources are told apart
  // by type and name, which the mock engine's `newResource` receives.
  const byResource = new WeakMap<pulumi.Resource, DeclaredResource>();
  const byKey = new Map<string, DeclaredResource>();
  const key = (type: string, name: string) => `${type}::${name}`;
  let handedOver = 0;
  let peakPending = 0;
  const declare: pulumi.ResourceTransformation = ({ resource, type, name, opts }) => {
    const what = `${type} ${name}`;
    const parent = opts.parent === undefined ? undefined : byResource.get(opts.parent);
    if (opts.parent !== undefined && parent === undefined) {
      throw new Error(`${what}: its parent was not declared in this stack (plan/engine.ts).`);
    }
    if (byKey.has(key(type, name))) {
      throw new Error(
        `${what}: declared twice; the offline engine tells resources apart by type and name (plan/engine.ts).`,
      );
    }
    const declaration: DeclaredResource = {
      type,
      name,
      parent,
      protect: opts.protect ?? parent?.protect ?? false,
      dependsOn: dependencyNames(opts.dependsOn, (r) => byResource.get(r)?.name, what),
      additionalSecretOutputs: (opts as pulumi.CustomResourceOptions).additionalSecretOutputs ?? [],
    };
    byResource.set(resource, declaration);
    byKey.set(key(type, name), declaration);
    peakPending = Math.max(peakPending, byKey.size - handedOver);
    return undefined;
  };
  const declared = (type: string, name: string): DeclaredResource => {
    handedOver++;
    const declaration = byKey.get(key(type, name));
    if (declaration === undefined)
      throw new Error(`${type} ${name} registered without being declared (plan/engine.ts).`);
    return declaration;
  };
  const { mocks, recording } = createMocks(options, declared, (r) => urnOf(project, stack, r));
  await pulumi.runtime.setMocks(mocks, project, stack, false, "organization");
  const peerReads = recordStackReferenceReads();
  watchLateOutputRegistrations((component, outputNames) => {
    const declaration = byResource.get(component);
    const what = declaration ? `${declaration.type} ${declaration.name}` : "a component";
    recording.errors.push(
      `${what} registers its outputs (${outputNames.join(", ")}) after Pulumi registered them at the program's ` +
        "next await; a deployment would keep none. Call registerOutputs in the constructor, before the program awaits.",
    );
  });
  return {
    recording,
    peerReads,
    peakPending: () => peakPending,
    async run(program) {
      let exported: Record<string, unknown> = {};
      await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation(declare);
        exported = await program();
        return exported;
      });
      await pulumi.runtime.disconnect();
      // `byKey` holds the declarations in the order the program made them.
      const order = new Map([...byKey.keys()].map((k, i) => [k, i]));
      const rank = (r: RecordedResource) => order.get(key(r.type, r.name)) ?? order.size;
      recording.resources.sort((a, b) => rank(a) - rank(b));
      return exported;
    },
  };
}
