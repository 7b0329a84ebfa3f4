/**
 * The few Azure Resource Manager operations the runbook needs, behind a narrow interface, and their
 * implementation with the Azure SDK for JavaScript (`@azure/arm-logic`). Each `AccountApi` is bound
 * to one integration account (and the workflows of its resource group).
 */
import { getContinuationToken } from "@azure/arm-logic";
import type { TokenCredential } from "@azure/core-auth";
import type { Role } from "../model/config";
import { logicClient } from "../tools/azure";
import type { CallPool } from "./pool";

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

export interface AgreementContent {
  readonly name: string;
  readonly content: Record<string, unknown> | undefined;
}

export interface WorkflowRun {
  readonly startTime: string | undefined;
  /** `Succeeded`, `Skipped`, `Failed`, `Running`, ... */
  readonly status: string | undefined;
}

export interface AccountApi {
  readonly role: Role;
  readonly location: AccountLocation;
  /** Every session (paged). Only `status --deep` reads this: a busy account holds 10^5-10^6 sessions. */
  listSessions(): Promise<Session[]>;
  /** Sessions changed at or after `iso` (the list's `$filter` on ChangedTime, paged). */
  listSessionsChangedSince(iso: string): Promise<Session[]>;
  /** One session by name, or undefined when it does not exist (404). */
  getSession(name: string): Promise<Session | undefined>;
  putSession(name: string, content: unknown): Promise<void>;
  /** The agreement's `content` (protocol settings), or undefined when it does not exist. */
  getAgreementContent(name: string): Promise<Record<string, unknown> | undefined>;
  /** Every agreement of the account with its content (paged). */
  listAgreements(): Promise<AgreementContent[]>;
  /** The newest `top` runs of a workflow, newest first. */
  latestRuns(workflow: string, top: number): Promise<WorkflowRun[]>;
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
  /** The pool every call goes through (parallelism, throttling, retries). */
  readonly pool: CallPool;
}

function isNotFound(e: unknown): boolean {
  return (e as { statusCode?: number }).statusCode === 404;
}

/** `AccountApi` over the Azure SDK. */
export function azureAccount(
  role: Role,
  location: AccountLocation,
  credential: TokenCredential,
  options: AzureAccountOptions,
): AccountApi {
  // Retries (429 Retry-After, 5xx) are the pool's: the SDK's own would hide throttling from it.
  const client = logicClient(credential, location.subscriptionId, { endpoint: options.endpoint, maxRetries: 0 });
  const read = <T>(f: () => Promise<T>) => options.pool.run("read", f);
  const write = <T>(f: () => Promise<T>) => options.pool.run("write", f);
  /**
   * A paged list, each page one call through the pool with its own time box. Each attempt starts a
   * fresh iterator at the page's continuation token (nextLink), so a retried page is read again rather
   * than lost.
   */
  const pages = async <T>(
    list: (o: { abortSignal: AbortSignal }) => {
      byPage(settings?: { continuationToken?: string }): AsyncIterableIterator<T[]>;
    },
  ): Promise<T[]> => {
    const out: T[] = [];
    let token: string | undefined;
    for (;;) {
      const page = await read(async () => {
        const r = await list({ abortSignal: AbortSignal.timeout(options.timeoutMs) })
          .byPage(token === undefined ? undefined : { continuationToken: token })
          .next();
        return r.done ? undefined : r.value;
      });
      if (page === undefined) return out;
      out.push(...page);
      token = getContinuationToken(page);
      if (token === undefined) return out;
    }
  };
  const rg = location.resourceGroupName;
  const ia = location.integrationAccountName;
  // Each call has its own time box (the primary may hang); a paged list boxes each page.
  const opts = () => ({ abortSignal: AbortSignal.timeout(options.timeoutMs) });
  const names = async (items: Promise<{ name?: string }[]>) => (await items).map((i) => i.name ?? "").sort();
  const session = (s: { name?: string; content?: unknown }, fallback = "") => ({
    name: s.name ?? fallback,
    content: s.content,
  });
  const orUndefined = async <T>(f: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await f();
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };
  return {
    role,
    location,
    listSessions: async () =>
      (await pages((o) => client.integrationAccountSessions.list(rg, ia, o))).map((s) => session(s)),
    listSessionsChangedSince: async (iso) =>
      (
        await pages((o) => client.integrationAccountSessions.list(rg, ia, { ...o, filter: `ChangedTime ge ${iso}` }))
      ).map((s) => session(s)),
    getSession: (name) =>
      read(() =>
        orUndefined(async () => session(await client.integrationAccountSessions.get(rg, ia, name, opts()), name)),
      ),
    async putSession(name, content) {
      await write(() => client.integrationAccountSessions.createOrUpdate(rg, ia, name, { content }, opts()));
    },
    getAgreementContent: (name) =>
      read(() =>
        orUndefined(
          async () =>
            (await client.integrationAccountAgreements.get(rg, ia, name, opts())).content as unknown as Record<
              string,
              unknown
            >,
        ),
      ),
    listAgreements: async () =>
      (await pages((o) => client.integrationAccountAgreements.list(rg, ia, o))).map((a) => ({
        name: a.name ?? "",
        content: a.content as unknown as Record<string, unknown> | undefined,
      })),
    latestRuns: async (name, top) => {
      const it = client.workflowRuns.list(rg, name, { ...opts(), top }).byPage();
      const first = await read(() => it.next());
      return first.done
        ? []
        : first.value.slice(0, top).map((r) => ({ startTime: r.startTime?.toISOString(), status: r.status }));
    },
    listArtifactNames(kind) {
      switch (kind) {
        case "partners":
          return names(pages((o) => client.integrationAccountPartners.list(rg, ia, o)));
        case "schemas":
          return names(pages((o) => client.integrationAccountSchemas.list(rg, ia, o)));
        case "maps":
          return names(pages((o) => client.integrationAccountMaps.list(rg, ia, o)));
        case "certificates":
          return names(pages((o) => client.integrationAccountCertificates.list(rg, ia, o)));
        case "agreements":
          return names(pages((o) => client.integrationAccountAgreements.list(rg, ia, o)));
      }
    },
    getWorkflowState: (name) =>
      read(() => orUndefined(async () => (await client.workflows.get(rg, name, opts())).state)),
    async setWorkflowEnabled(name, enabled) {
      // enable/disable are ARM actions: unlike a PUT of `state`, they leave $connections alone
      // (https://learn.microsoft.com/rest/api/logic/workflows/disable).
      await write(() =>
        enabled ? client.workflows.enable(rg, name, opts()) : client.workflows.disable(rg, name, opts()),
      );
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
