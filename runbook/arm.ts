/**
 * The few Azure Resource Manager operations the runbook needs, behind a narrow interface, and their
 * implementation with the Azure SDK for JavaScript (`@azure/arm-logic`). Each `AccountApi` is bound
 * to one integration account (and the workflows of its resource group).
 */
import { LogicManagementClient } from "@azure/arm-logic";
import type { TokenCredential } from "@azure/core-auth";
import type { Role } from "../model/config";

/** The public cloud's Azure Resource Manager endpoint (sovereign clouds differ: --arm-endpoint). */
export const DEFAULT_ARM_ENDPOINT = "https://management.azure.com";

export interface AccountLocation {
  readonly subscriptionId: string;
  readonly resourceGroupName: string;
  readonly integrationAccountName: string;
}

export interface Session {
  readonly name: string;
  readonly content: unknown;
}

export type ArtifactKind = "partners" | "schemas" | "maps" | "certificates" | "agreements";
export const ARTIFACT_KINDS: readonly ArtifactKind[] = ["partners", "schemas", "maps", "certificates", "agreements"];

export interface AccountApi {
  readonly role: Role;
  readonly location: AccountLocation;
  listSessions(): Promise<Session[]>;
  getSession(name: string): Promise<Session | undefined>;
  putSession(name: string, content: unknown): Promise<void>;
  /** The agreement's `content` (protocol settings), or undefined when it does not exist. */
  getAgreementContent(name: string): Promise<Record<string, unknown> | undefined>;
  listArtifactNames(kind: ArtifactKind): Promise<string[]>;
  /** `Enabled`, `Disabled`, ... or undefined when the workflow does not exist. */
  getWorkflowState(name: string): Promise<string | undefined>;
  setWorkflowEnabled(name: string, enabled: boolean): Promise<void>;
}

export interface AzureAccountOptions {
  /** ARM endpoint, e.g. https://management.azure.com (sovereign clouds differ). */
  readonly endpoint: string;
  /** Per-call timeout in ms; a call that takes longer is abandoned (the primary may hang). */
  readonly timeoutMs: number;
  /** SDK retries of a failed call (503s, resets). */
  readonly maxRetries: number;
}

function isNotFound(e: unknown): boolean {
  return (e as { statusCode?: number }).statusCode === 404;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/**
 * The Azure SDK client of one subscription at `endpoint`. The SDK retries throttled calls (429) after
 * the `Retry-After` the service sends, and failed ones (503, resets) with back-off, `maxRetries` times.
 */
export function logicClient(
  credential: TokenCredential,
  subscriptionId: string,
  options: Pick<AzureAccountOptions, "endpoint" | "maxRetries">,
): LogicManagementClient {
  return new LogicManagementClient(credential, subscriptionId, {
    endpoint: options.endpoint,
    credentialScopes: [`${new URL(options.endpoint).origin}/.default`],
    retryOptions: { maxRetries: options.maxRetries, retryDelayInMs: 500, maxRetryDelayInMs: 4000 },
  });
}

/** `AccountApi` over the Azure SDK. */
export function azureAccount(
  role: Role,
  location: AccountLocation,
  credential: TokenCredential,
  options: AzureAccountOptions,
): AccountApi {
  const client = logicClient(credential, location.subscriptionId, options);
  const rg = location.resourceGroupName;
  const ia = location.integrationAccountName;
  const opts = () => ({ abortSignal: AbortSignal.timeout(options.timeoutMs) });
  const names = async (items: Promise<{ name?: string }[]>) => (await items).map((i) => i.name ?? "").sort();
  return {
    role,
    location,
    listSessions: async () =>
      (await collect(client.integrationAccountSessions.list(rg, ia, opts()))).map((s) => ({
        name: s.name ?? "",
        content: s.content,
      })),
    async getSession(name) {
      try {
        const s = await client.integrationAccountSessions.get(rg, ia, name, opts());
        return { name: s.name ?? name, content: s.content };
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    async putSession(name, content) {
      await client.integrationAccountSessions.createOrUpdate(rg, ia, name, { content }, opts());
    },
    async getAgreementContent(name) {
      try {
        return (await client.integrationAccountAgreements.get(rg, ia, name, opts())).content as unknown as Record<
          string,
          unknown
        >;
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    listArtifactNames(kind) {
      switch (kind) {
        case "partners":
          return names(collect(client.integrationAccountPartners.list(rg, ia, opts())));
        case "schemas":
          return names(collect(client.integrationAccountSchemas.list(rg, ia, opts())));
        case "maps":
          return names(collect(client.integrationAccountMaps.list(rg, ia, opts())));
        case "certificates":
          return names(collect(client.integrationAccountCertificates.list(rg, ia, opts())));
        case "agreements":
          return names(collect(client.integrationAccountAgreements.list(rg, ia, opts())));
      }
    },
    async getWorkflowState(name) {
      try {
        return (await client.workflows.get(rg, name, opts())).state;
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    async setWorkflowEnabled(name, enabled) {
      // enable/disable are ARM actions: unlike a PUT of `state`, they leave $connections alone
      // (Workflows - Enable / Disable, https://learn.microsoft.com/rest/api/logic/workflows).
      if (enabled) await client.workflows.enable(rg, name, opts());
      else await client.workflows.disable(rg, name, opts());
    },
  };
}

/** A short, single-line description of a failed Azure call. */
export function describeError(e: unknown): string {
  const err = e as { statusCode?: number; code?: string; name?: string; message?: string };
  if (err.name === "AbortError" || err.name === "TimeoutError" || /aborted/i.test(err.message ?? ""))
    return "timed out";
  const status = err.statusCode === undefined ? "" : `HTTP ${err.statusCode} `;
  return `${status}${err.code ?? ""}${err.code ? ": " : ""}${(err.message ?? String(e)).split("\n")[0]}`.trim();
}
