/**
 * The Azure credential of the project's commands (the runbook and `npm run catalog`):
 * `AZURE_ACCESS_TOKEN` as a bearer token when it is set, otherwise `DefaultAzureCredential`.
 */
import type { AccessToken, TokenCredential } from "@azure/core-auth";

/** A bearer token from `AZURE_ACCESS_TOKEN` (e.g. `az account get-access-token --query accessToken -o tsv`). */
export function staticTokenCredential(token: string): TokenCredential {
  return { getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

export async function credential(): Promise<TokenCredential> {
  const token = process.env.AZURE_ACCESS_TOKEN;
  if (token) return staticTokenCredential(token);
  const { DefaultAzureCredential } = await import("@azure/identity");
  return new DefaultAzureCredential();
}
