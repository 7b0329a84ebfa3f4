/**
 * Integration-account agreements, one per catalog agreement, named as in the catalog (replication
 * records are keyed by agreement name). Content comes from the pure builders in `catalog/agreements.ts`.
 * Each agreement waits for the partners, schemas and certificates it names.
 */
import * as pulumi from "@pulumi/pulumi";
import * as logic from "@pulumi/azure-native/logic";
import type * as inputs from "@pulumi/azure-native/types/input";
import { AgreementSpec, buildAgreementContent } from "../../model/catalog";
import { ArtifactContext, artifactImportId, artifactLogicalName, artifactOptions, declareEach } from "./context";
import type { DeclaredWorkflow } from "../businessWorkflows";

export interface AgreementDependencies {
  readonly partners: ReadonlyMap<string, pulumi.Resource>;
  readonly schemas: ReadonlyMap<string, pulumi.Resource>;
  readonly certificates: ReadonlyMap<string, pulumi.Resource>;
  /** This region's business workflows (an AS2 agreement's MDN receipt URL is one's callback URL). */
  readonly workflows: ReadonlyMap<string, DeclaredWorkflow>;
  /**
   * Stable partner URLs (components/ingress.ts) by workflow name: an AS2 agreement whose receipt
   * workflow has one gets it as receiptDeliveryUrl instead of the regional callback URL, so late
   * MDNs reach whichever region is active. An unknown URL (the Front Door not deployed yet) falls
   * back to the regional callback URL.
   */
  readonly stableUrls?: ReadonlyMap<string, pulumi.Output<string | undefined>>;
}

/**
 * The agreement content for this region: plain, or (AS2 with `mdnReceiptWorkflow`) with the MDN
 * receipt URL: the flow's stable partner URL when an inbound flow covers the receipt workflow, else
 * this region's workflow callback URL, which makes the content a secret.
 */
function regionalContent(
  ctx: ArtifactContext,
  agreement: AgreementSpec,
  workflows: ReadonlyMap<string, DeclaredWorkflow>,
  stableUrls?: ReadonlyMap<string, pulumi.Output<string | undefined>>,
): pulumi.Input<inputs.logic.AgreementContentArgs> {
  // The settings are compile-checked against the SDK types in catalog/defaults.ts.
  const build = (receiptDeliveryUrl?: string) =>
    buildAgreementContent(agreement, { receiptDeliveryUrl }) as inputs.logic.AgreementContentArgs;
  const receiver = agreement.mdnReceiptWorkflow === undefined ? undefined : workflows.get(agreement.mdnReceiptWorkflow);
  if (receiver === undefined || receiver.spec.requestTrigger === undefined) return build();
  const workflow = receiver.resource;
  const trigger = receiver.spec.requestTrigger;
  const regional = () => {
    const url = logic
      .listWorkflowTriggerCallbackUrlOutput(
        { resourceGroupName: ctx.resourceGroupName, workflowName: workflow.name, triggerName: trigger },
        { parent: ctx.parent },
      )
      .apply((r) => r.value);
    return pulumi.secret(url).apply((u) => build(u));
  };
  const stable = stableUrls?.get(receiver.spec.name);
  if (stable === undefined) return regional();
  return stable.apply((u) => (u ? pulumi.output(build(u)) : regional()));
}

/** Names of the catalog certificates an agreement's settings refer to. */
function certificatesOf(agreement: AgreementSpec): string[] {
  const names = new Set<string>();
  for (const layer of [agreement.overrides.settings, agreement.overrides.receive, agreement.overrides.send]) {
    const security = layer?.securitySettings;
    for (const key of ["signingCertificateName", "encryptionCertificateName"]) {
      const value = security?.[key];
      if (typeof value === "string") names.add(value);
    }
  }
  return [...names].sort();
}

export function declareAgreements(
  ctx: ArtifactContext,
  agreements: readonly AgreementSpec[],
  deps: AgreementDependencies,
): Promise<Map<string, logic.IntegrationAccountAgreement>> {
  const pick = (from: ReadonlyMap<string, pulumi.Resource>, names: readonly string[]) =>
    names.map((n) => from.get(n)).filter((r): r is pulumi.Resource => r !== undefined);
  const workflows = new Map([...deps.workflows].map(([k, w]) => [k, w.resource]));
  return declareEach(agreements, (agreement) => {
    const dependsOn = [
      ...pick(deps.partners, [agreement.host.partner, agreement.guest.partner]),
      ...pick(
        deps.schemas,
        agreement.schemaReferences.map((r) => r.schemaName ?? ""),
      ),
      ...pick(deps.certificates, certificatesOf(agreement)),
      ...pick(workflows, agreement.mdnReceiptWorkflow ? [agreement.mdnReceiptWorkflow] : []),
    ];
    return new logic.IntegrationAccountAgreement(
      artifactLogicalName(ctx, "agreement", agreement.name),
      {
        resourceGroupName: ctx.resourceGroupName,
        integrationAccountName: ctx.integrationAccountName,
        agreementName: agreement.name,
        agreementType: agreement.protocol,
        hostPartner: agreement.host.partner,
        guestPartner: agreement.guest.partner,
        hostIdentity: agreement.host.identity,
        guestIdentity: agreement.guest.identity,
        content: regionalContent(ctx, agreement, deps.workflows, deps.stableUrls),
        metadata: agreement.metadata,
      },
      {
        ...artifactOptions(ctx, dependsOn, artifactImportId(ctx, "agreements", agreement.name)),
        // A regional MDN receipt URL is a SAS URL: keep the returned content secret in state too.
        ...(agreement.mdnReceiptWorkflow === undefined ? {} : { additionalSecretOutputs: ["content"] }),
      },
    );
  });
}
