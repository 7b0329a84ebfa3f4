/**
 * The other stack of the DR pair, read through a StackReference whose name comes from config
 * (`b2b-dr:peerStack`). Reading the peer's outputs reads the Pulumi state backend, never the peer's
 * Azure region, so it is safe while that region is down.
 *
 * A peer that has no outputs yet (first deployment: `pulumi stack init` done, `pulumi up` not yet)
 * reads as phase `normal` with unknown region and account.
 */
import * as pulumi from "@pulumi/pulumi";
import { DR_PHASES, DrPhase, Role } from "../model/config";
import type { AccountRef } from "./replication";
import type { StoreLocation } from "../model/phaseRule";

export class PeerStack {
  readonly ref: pulumi.StackReference;

  constructor(readonly name: string) {
    this.ref = new pulumi.StackReference(name);
  }

  /** The phase the secondary stack publishes (its `drPhase` output); `normal` before its first `up`. */
  async drPhase(): Promise<DrPhase> {
    const details = await this.ref.getOutputDetails("drPhase");
    const value: unknown = details.value ?? details.secretValue;
    if (value === undefined) return "normal";
    if (typeof value === "string" && (DR_PHASES as readonly string[]).includes(value)) return value as DrPhase;
    throw new pulumi.RunError(
      `Stack ${this.name} publishes drPhase = ${JSON.stringify(value)}, which is not one of ${DR_PHASES.join(", ")}. ` +
        `Fix b2b-dr:drPhase in that stack's config and run pulumi up there first.`,
    );
  }

  /**
   * Where the secondary's DR state store (the phase authority) is, from its `drStateStore` output;
   * undefined before the secondary has published one.
   */
  async stateStore(): Promise<StoreLocation | undefined> {
    const details = await this.ref.getOutputDetails("drStateStore");
    const value = (details.value ?? details.secretValue) as Partial<StoreLocation> | undefined;
    if (value === undefined) return undefined;
    if (
      typeof value.blobEndpoint !== "string" ||
      typeof value.container !== "string" ||
      typeof value.accountName !== "string"
    ) {
      throw new pulumi.RunError(
        `Stack ${this.name} publishes drStateStore = ${JSON.stringify(value)}, not { accountName, blobEndpoint, container }. ` +
          "Fix: run pulumi up on that stack with this version of b2b-dr first.",
      );
    }
    return { accountName: value.accountName, blobEndpoint: value.blobEndpoint, container: value.container };
  }

  /** The peer's region output, or undefined before the peer's first `up`. */
  region(): pulumi.Output<string | undefined> {
    return this.ref.getOutput("region") as pulumi.Output<string | undefined>;
  }

  /**
   * The peer's integration account (id and secret callback URL) from its outputs. Fails with the
   * deployment order when the peer has not been deployed yet.
   */
  async account(role: Role): Promise<AccountRef> {
    for (const key of ["integrationAccountId", "integrationAccountCallbackUrl"]) {
      const details = await this.ref.getOutputDetails(key);
      if (details.value === undefined && details.secretValue === undefined) {
        throw new pulumi.RunError(
          `Stack ${this.name} has no output ${key} yet, and this stack's replication needs the ${role} integration account. ` +
            `Run \`pulumi up\` on the ${role} stack first (README: Real deployment, first deployment order).`,
        );
      }
    }
    return {
      role,
      id: this.ref.requireOutput("integrationAccountId") as pulumi.Output<string>,
      callbackUrl: pulumi.secret(this.ref.requireOutput("integrationAccountCallbackUrl") as pulumi.Output<string>),
    };
  }
}
