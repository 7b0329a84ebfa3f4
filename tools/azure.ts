/**
 * Azure Resource Manager access shared by the tools that talk to Azure (the runbook, the catalog
 * import): the endpoint and the Logic Apps SDK client. Credentials: tools/azureCredential.ts.
 */
import { LogicManagementClient } from "@azure/arm-logic";
import type { TokenCredential } from "@azure/core-auth";

/** The public cloud's Azure Resource Manager endpoint (sovereign clouds differ: --arm-endpoint). */
export const DEFAULT_ARM_ENDPOINT = "https://management.azure.com";

/**
 * The Azure SDK client of one subscription at `endpoint`. With `maxRetries` > 0 the SDK retries
 * throttled calls (429) after the `Retry-After` the service sends and failed ones (503, resets) with
 * back-off; the runbook passes 0 and retries in its own call pool, which sees the throttling.
 */
export function logicClient(
  credential: TokenCredential,
  subscriptionId: string,
  options: { readonly endpoint: string; readonly maxRetries: number },
): LogicManagementClient {
  return new LogicManagementClient(credential, subscriptionId, {
    endpoint: options.endpoint,
    credentialScopes: [`${new URL(options.endpoint).origin}/.default`],
    retryOptions: { maxRetries: options.maxRetries, retryDelayInMs: 500, maxRetryDelayInMs: 4000 },
  });
}
