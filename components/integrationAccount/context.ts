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
