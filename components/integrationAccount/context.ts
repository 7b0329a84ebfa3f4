import * as pulumi from "@pulumi/pulumi";
import type { Role } from "../../model/config";

/** What every artifact module needs: where to put its resources and how to name them. */
export interface ArtifactContext {
  /** The component; parent of every artifact. */
  readonly parent: pulumi.Resource;
  /** Prefix of logical names, e.g. `b2b`. */
  readonly prefix: string;
  readonly role: Role;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly integrationAccountName: pulumi.Input<string>;
  /** Resources every artifact must wait for (the integration account). */
  readonly dependsOn: readonly pulumi.Resource[];
  /** Adoption: ARM id of the existing integration account; its artifacts are imported by name. */
  readonly adoptedAccountId?: string;
}

/** Adoption: the ARM id to import an artifact from (`<account id>/<collection>/<name>`), else undefined. */
export function artifactImportId(ctx: ArtifactContext, collection: string, name: string): string | undefined {
  return ctx.adoptedAccountId === undefined ? undefined : `${ctx.adoptedAccountId}/${collection}/${name}`;
}

/** Logical name of an artifact: `<prefix>-<kind>-<catalog name>`; a public contract (see test/naming.test.ts). */
export function artifactLogicalName(ctx: ArtifactContext, kind: string, name: string): string {
  return `${ctx.prefix}-${kind}-${name}`;
}

export function artifactOptions(
  ctx: ArtifactContext,
  dependsOn: readonly pulumi.Resource[] = [],
  importId?: string,
): pulumi.CustomResourceOptions {
  return { parent: ctx.parent, dependsOn: [...ctx.dependsOn, ...dependsOn], ...(importId ? { import: importId } : {}) };
}

/**
 * How many artifacts the component declares before it yields to the event loop (`declareEach`).
 * Registering a 1,000-agreement stack's 2,032 resources in batches of 50 peaked at 352 MB, of 200 at
 * 405 MB, in one loop at 818 MB (one-off measurements, docs/plan-engine.md); 100 is in between.
 */
export const DECLARATION_BATCH = 100;

/** Lets every registration already answered by the engine complete before the program goes on. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Declares one resource per catalog item, keyed by the item's name, in catalog order, yielding to the
 * event loop after every `batch` declarations.
 *
 * Why: the Pulumi SDK keeps a registration's promises, outputs and serialized inputs alive until the
 * engine answers it, and the engine can only answer once the program lets the event loop run. A
 * program that declares thousands of resources in one synchronous loop holds all of them in flight at
 * once: at 1,000 agreements that was about 450 MB per stack in the offline plan, most of its garbage
 * collection, and the reason two stacks could not be rendered side by side within 1.5 GB. Yielding
 * changes nothing a deployment sees (the same resources, options and dependencies; only the moment
 * each registration is sent), and lets the engine answer each batch before the next is declared.
 */
export async function declareEach<T extends { readonly name: string }, R>(
  items: readonly T[],
  declare: (item: T) => R,
  batch = DECLARATION_BATCH,
): Promise<Map<string, R>> {
  const out = new Map<string, R>();
  for (const item of items) {
    out.set(item.name, declare(item));
    if (out.size % batch === 0) await yieldToEventLoop();
  }
  return out;
}
