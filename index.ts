/**
 * b2b-dr: one side (stack `primary` or `secondary`) of a cross-region DR pair of Azure Logic Apps B2B
 * integration accounts. Thin by design: typed config and catalog in, components built, outputs out.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { InputError } from "./components/problems";
import { loadProgramInputs } from "./components/inputs";
import { MirroredIntegrationAccount } from "./components/integrationAccount";
import { drManifest } from "./components/manifest";
import { PeerStack } from "./components/peer";
import { Replication } from "./components/replication";
import { phaseState, replicationPlan } from "./components/switch";
import { protocolsInUse } from "./components/catalog";
import { replicationRpoMinutes, triggerExecutionsPerMonth } from "./components/workflows/replication";
import { declareIngress, ingressOutputs } from "./components/ingressWiring";

export = async () => {
  let inputs;
  try {
    inputs = loadProgramInputs(pulumi.runtime.allConfig(), `Pulumi.${pulumi.getStack()}.yaml`, __dirname);
  } catch (e) {
    if (e instanceof InputError) throw new pulumi.RunError(e.message);
    throw e;
  }
  for (const warning of inputs.warnings) pulumi.log.warn(warning);
  const { config, catalog } = inputs;

  const peer = new PeerStack(config.peerStack);
  // One source of truth for the phase: the secondary's config; the primary follows the secondary's output.
  const phase = config.drPhase ?? (await peer.drPhase());
  const state = phaseState(phase);

  const client = authorization.getClientConfigOutput();
  const scope = { environment: config.environment, region: config.region };
  // Partner ingress (components/ingress.ts): declared before the site, whose AS2 MDN receipts use its stable URLs.
  const ingress = declareIngress({ config, catalog, activeRole: state.activeRole, peer });
  const site = new MirroredIntegrationAccount("b2b", {
    role: config.role,
    scope,
    catalog,
    sku: config.integrationAccountSku,
    protect: config.protect,
    lock: config.lock,
    callbackUrlNotAfter: config.callbackUrlNotAfter,
    subscriptionId: client.subscriptionId,
    active: state.activeRole === config.role,
    phase,
    nonProduction: config.nonProduction,
    stableUrls: ingress?.stableUrls,
  });
  ingress?.component.connectWorkflows(site.businessWorkflows, site.resourceGroupName);

  const self = { role: config.role, id: site.integrationAccountId, callbackUrl: site.callbackUrl };
  const plan = replicationPlan(config.role, state);
  const protocols = protocolsInUse(catalog);
  const replication =
    plan.direction === undefined || protocols.length === 0
      ? undefined
      : new Replication("replication", {
          scope,
          resourceGroupName: site.resourceGroupName,
          subscriptionId: client.subscriptionId,
          // The source is the other stack's account, read from its outputs; the target is this one's.
          source: await peer.account(plan.direction === "primaryToSecondary" ? "primary" : "secondary"),
          target: self,
          protocols,
          enabled: plan.enabled,
          phase,
          schedule: config.replication,
          retryPolicy: {
            type: "exponential",
            count: config.replication.retryCount,
            interval: config.replication.retryInterval,
          },
          alertEmails: config.alertEmails,
          // Forward workflows persist across phases: replacing one resets its trigger state.
          protect: config.protect && plan.direction === "primaryToSecondary",
        });
  const enabledWorkflows = replication !== undefined && plan.enabled ? replication.workflowNames.length : 0;

  return {
    /** This stack's Azure region. */
    region: config.region,
    resourceGroupName: site.resourceGroupName,
    integrationAccountId: site.integrationAccountId,
    integrationAccountName: site.integrationAccountName,
    /** Secret: the SAS URL of the integration account, read by the peer's replication connections. */
    integrationAccountCallbackUrl: site.callbackUrl,
    drPhase: phase,
    /** The region receiving partner traffic in this phase (unknown until the peer stack has outputs). */
    activeRegion: state.activeRole === config.role ? pulumi.output(config.region) : peer.region(),
    drManifest: drManifest({
      role: config.role,
      region: config.region,
      subscriptionId: client.subscriptionId,
      resourceGroupName: site.resourceGroupName,
      integrationAccountId: site.integrationAccountId,
      integrationAccountName: site.integrationAccountName,
      catalog,
      workflows: { replication: replication?.workflowNames ?? [], business: site.businessWorkflowNames },
    }),
    /** Worst-case minutes the target account lags the source while this stack's replication runs. */
    replicationRpoMinutes:
      enabledWorkflows > 0
        ? replicationRpoMinutes(config.replication, config.replication.maxRunMinutes, protocols)
        : undefined,
    /** Billed trigger executions per month of this stack's enabled replication workflows (skipped polls included). */
    replicationTriggerExecutionsPerMonth: triggerExecutionsPerMonth(config.replication, enabledWorkflows),
    ...ingressOutputs(ingress),
  };
};
