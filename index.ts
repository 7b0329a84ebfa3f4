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
import { phaseState } from "./components/switch";

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

  const site = new MirroredIntegrationAccount("b2b", {
    role: config.role,
    scope: { environment: config.environment, region: config.region },
    catalog,
    sku: config.integrationAccountSku,
    protect: config.protect,
    lock: config.lock,
    callbackUrlNotAfter: config.callbackUrlNotAfter,
  });

  const client = authorization.getClientConfigOutput();
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
      workflows: { replication: [], business: [] },
    }),
  };
};
