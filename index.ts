/**
 * b2b-dr: one side (stack `primary` or `secondary`) of a cross-region DR pair of Azure Logic Apps B2B
 * integration accounts. Thin by design: typed config and catalog in, components built, outputs out.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { InputError } from "./model/problems";
import { isPlaceholderSubscription, loadProgramInputs } from "./model/inputs";
import { MirroredIntegrationAccount } from "./components/integrationAccount";
import { KeyVaultAccess } from "./components/keyVaultAccess";
import { drManifest } from "./components/manifest";
import { PeerStack } from "./components/peer";
import { DrStateStore } from "./components/drStateStore";
import { Replication } from "./components/replication";
import { phaseState, replicationPlan } from "./model/phase";
import { protocolsInUse } from "./model/catalog";
import { replicationRpoMinutes, triggerExecutionsPerMonth } from "./model/workflows/replication";
import { DrMonitoring } from "./components/monitoring";
import { declaredSource, enforcePhaseAuthority, locateAuthority } from "./components/phaseAuthority";
import { BREAK_GLASS_ENV } from "./model/phaseRule";
import { declareIngress, ingressOutputs } from "./components/ingressWiring";

export = async () => {
  // Placeholders of the sample catalog are warnings offline (the plan's engine reports the all-zero
  // subscription) and errors when deploying into a real subscription, before anything is registered.
  const clientConfig = await authorization.getClientConfig();
  let inputs;
  try {
    inputs = loadProgramInputs(
      pulumi.runtime.allConfig(),
      `Pulumi.${pulumi.getStack()}.yaml`,
      __dirname,
      undefined,
      {
        organization: pulumi.getOrganization(),
        project: pulumi.getProject(),
      },
      {
        placeholders: isPlaceholderSubscription(clientConfig.subscriptionId) ? "warn" : "refuse",
      },
    );
  } catch (e) {
    if (e instanceof InputError) throw new pulumi.RunError(e.message);
    throw e;
  }
  for (const warning of inputs.warnings) void pulumi.log.warn(warning);
  const { config, catalog } = inputs;

  const peer = new PeerStack(config.peerStack);
  // One source of truth for the phase: the secondary's config; the primary follows the secondary's output.
  const phase = config.drPhase ?? (await peer.drPhase());
  const client = { subscriptionId: pulumi.output(clientConfig.subscriptionId) };
  const scope = { environment: config.environment, region: config.region };
  // The safety rule: before anything is declared, the phase to deploy must be the authority's.
  await enforcePhaseAuthority({
    stack: pulumi.getStack(),
    role: config.role,
    declared: phase,
    source: declaredSource(config.role, config.peerStack),
    ...(await locateAuthority(config.role, scope, clientConfig.subscriptionId, peer)),
    breakGlassReason: process.env[BREAK_GLASS_ENV],
  });
  const state = phaseState(phase);

  // Partner ingress (components/ingress.ts): declared before the site, whose AS2 MDN receipts use its stable URLs.
  const ingress = declareIngress({ config, catalog, activeRole: state.activeRole, peer });
  const site = await MirroredIntegrationAccount.create("b2b", {
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
    existingNames: config.existingNames,
    adopt: config.adopt,
    stableUrls: ingress?.stableUrls,
  });

  if (config.keyVaultAccess !== undefined) {
    new KeyVaultAccess("keyvault-access", {
      catalog,
      role: config.role,
      servicePrincipalId: config.keyVaultAccess.servicePrincipalId,
    });
  }
  const stateStore = new DrStateStore("state", {
    scope,
    role: config.role,
    resourceGroupName: site.resourceGroupName,
    subscriptionId: client.subscriptionId,
    nonProduction: config.nonProduction,
    protect: config.protect,
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
  const rpoMinutes = replicationRpoMinutes(config.replication, config.replication.maxRunMinutes, protocols);
  new DrMonitoring("monitoring", {
    scope,
    role: config.role,
    resourceGroupName: site.resourceGroupName,
    subscriptionId: client.subscriptionId,
    primaryRegion: config.role === "secondary" ? peer.region() : undefined,
    actionGroupId: replication?.actionGroup.id,
    replicationWorkflows: replication?.workflowNames.map((name, i) => ({
      name,
      workflow: [...replication.workflows.values()][i]!,
    })),
    replicationEnabled: plan.enabled,
    rpoMinutes,
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
    /** The DR state store of this region (runbook records; the phase authority in the secondary). */
    drStateStore: stateStore.output,
    drManifest: drManifest({
      role: config.role,
      region: config.region,
      subscriptionId: client.subscriptionId,
      resourceGroupName: site.resourceGroupName,
      integrationAccountId: site.integrationAccountId,
      integrationAccountName: site.integrationAccountName,
      catalog,
      workflows: { replication: replication?.workflowNames ?? [], business: site.businessWorkflowNames },
      stateStore: stateStore.output,
    }),
    /** Worst-case minutes the target account lags the source while this stack's replication runs. */
    replicationRpoMinutes: enabledWorkflows > 0 ? rpoMinutes : undefined,
    /** Billed trigger executions per month of this stack's enabled replication workflows (skipped polls included). */
    replicationTriggerExecutionsPerMonth: triggerExecutionsPerMonth(config.replication, enabledWorkflows),
    ...ingressOutputs(ingress),
  };
};
