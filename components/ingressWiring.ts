/**
 * How a stack declares its part of the partner ingress and what it publishes for the other stack
 * and the runbook. Kept apart from index.ts so the entry point stays thin.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Catalog } from "../model/catalog";
import type { Role, StackConfig } from "../model/config";
import { PartnerIngress, ingressMonthlyFixedCostUsd } from "./ingress";
import type { PeerStack } from "./peer";
import { siteTags } from "../model/tags";

export interface DeclaredIngress {
  readonly component: PartnerIngress;
  /** Stable partner URL by business workflow name (for AS2 MDN receipts). */
  readonly stableUrls: ReadonlyMap<string, pulumi.Output<string | undefined>>;
  readonly activeRole: Role;
  readonly flows: number;
}

/** The ingress of this stack, or undefined when the catalog declares no inbound flow. */
export function declareIngress(args: {
  readonly config: Pick<StackConfig, "role" | "environment" | "region" | "nonProduction">;
  readonly catalog: Catalog;
  readonly activeRole: Role;
  readonly peer: PeerStack;
}): DeclaredIngress | undefined {
  const { config, catalog, activeRole, peer } = args;
  const inbound = catalog.inbound;
  if (inbound === undefined || inbound.flows.length === 0) return undefined;
  const read = (name: string) => () => peer.ref.getOutput(name) as pulumi.Output<string | undefined>;
  const component = new PartnerIngress("ingress", {
    role: config.role,
    scope: { environment: config.environment, region: config.region },
    inbound,
    activeRole,
    tags: siteTags(config.role, config.environment, config.nonProduction),
    peer: {
      gatewayHost: read("ingressGatewayHost"),
      frontDoorId: read("ingressFrontDoorId"),
      endpointHostName: read("ingressEndpointHostName"),
    },
  });
  const stableUrls = new Map(inbound.flows.map((f) => [f.workflow, component.partnerUrls.get(f.name)!] as const));
  return { component, stableUrls, activeRole, flows: inbound.flows.length };
}

/** The ingress stack outputs (none without inbound flows). */
export function ingressOutputs(ingress: DeclaredIngress | undefined): Record<string, unknown> {
  if (ingress === undefined) return {};
  const c = ingress.component;
  return {
    /** This region's API Management gateway host (the secondary's Front Door origin for this region). */
    ingressGatewayHost: c.gatewayHost,
    /** The one URL per flow to give partners: no credentials in it, so not a secret. */
    ingressPartnerUrls: pulumi.all(
      Object.fromEntries([...c.partnerUrls].map(([flow, url]) => [flow, url] as const)),
    ) as pulumi.Output<Record<string, string | undefined>>,
    /** Which region's origin the phase enables. */
    ingressActiveRole: ingress.activeRole,
    /** Fixed monthly cost in USD of the whole ingress (see INGRESS_PRICES_USD); published by both stacks, counted once. */
    ingressMonthlyFixedCostUsd: ingressMonthlyFixedCostUsd(ingress.flows),
    ...(c.frontDoor === undefined
      ? {}
      : {
          /** Secret: the gateways admit only requests carrying it (X-Azure-FDID). */
          ingressFrontDoorId: pulumi.secret(c.frontDoorId),
          ingressEndpointHostName: c.endpointHostName,
          /** Where the runbook finds the origins it switches. */
          ingressFrontDoor: c.frontDoorLocation,
        }),
  };
}
