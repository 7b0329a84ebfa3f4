/**
 * Reads one live integration account through the Azure SDK for JavaScript (`@azure/arm-logic`):
 * the account, its partners, schemas and maps (with their content), certificates, agreements, and
 * on request the workflows of its resource group that are linked to it. Sessions are never read.
 */
import type { LogicManagementClient } from "@azure/arm-logic";

/** The parts of an integration account's ARM id. */
export interface AccountId {
  readonly subscriptionId: string;
  readonly resourceGroupName: string;
  readonly integrationAccountName: string;
}

const ACCOUNT_ID =
  /^\/subscriptions\/([0-9a-fA-F-]{36})\/resourceGroups\/([-\w._()]{1,90})\/providers\/Microsoft\.Logic\/integrationAccounts\/([-\w._()]{1,80})\/?$/i;

/** Parses an integration account's ARM id; undefined when it is not one. */
export function parseAccountId(id: string): AccountId | undefined {
  const m = ACCOUNT_ID.exec(id.trim());
  return m ? { subscriptionId: m[1]!, resourceGroupName: m[2]!, integrationAccountName: m[3]! } : undefined;
}

export function accountIdText(a: AccountId): string {
  return `/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroupName}/providers/Microsoft.Logic/integrationAccounts/${a.integrationAccountName}`;
}

/** One artifact as the SDK returns it (ARM `properties` flattened), plus its name. */
export interface LiveArtifact {
  readonly name: string;
  readonly properties: Record<string, unknown>;
}

/** A schema or map, with the content downloaded from its content link. */
export interface LiveContentArtifact extends LiveArtifact {
  readonly content: string;
}

export interface LiveWorkflow {
  readonly name: string;
  readonly state: string | undefined;
  readonly accessEndpoint: string | undefined;
  readonly definition: Record<string, unknown>;
  readonly parameters: Record<string, unknown>;
}

export interface LiveAccount {
  readonly id: AccountId;
  readonly location: string;
  readonly sku: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly partners: readonly LiveArtifact[];
  readonly schemas: readonly LiveContentArtifact[];
  readonly maps: readonly LiveContentArtifact[];
  readonly certificates: readonly LiveArtifact[];
  readonly agreements: readonly LiveArtifact[];
  /** Only with `workflows: true`: the workflows of the resource group linked to this account. */
  readonly workflows: readonly LiveWorkflow[] | undefined;
}

/** A failure to read the account that the user can act on; `message` says what and how to fix it. */
export class ReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReadError";
  }
}

/** Properties the service fills in and the catalog never sets. */
const SERVER_FIELDS = new Set(["createdTime", "changedTime"]);

/** An ARM resource as it came over the wire (the SDK renames some keys when it deserializes). */
interface WireResource {
  readonly name?: string;
  readonly properties?: Record<string, unknown>;
}

function plain(item: WireResource): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item.properties ?? {})) if (!SERVER_FIELDS.has(k) && v !== undefined) out[k] = v;
  return out;
}

type ListOptions = { abortSignal: AbortSignal; onResponse: (r: { bodyAsText?: string | null }) => void };

/**
 * Every item of a paged list, as ARM sent it: the SDK follows `nextLink`, and each page's raw body
 * text is kept (the SDK's deserialized models flatten `properties` and rename keys, e.g. `b2b` to `b2B`).
 */
async function collectWire(
  list: (options: ListOptions) => AsyncIterable<unknown>,
  timeoutMs: number,
): Promise<WireResource[]> {
  const out: WireResource[] = [];
  const options: ListOptions = {
    abortSignal: AbortSignal.timeout(timeoutMs),
    onResponse: (r) => out.push(...((JSON.parse(r.bodyAsText || "{}") as { value?: WireResource[] }).value ?? [])),
  };
  for await (const _ of list(options)) void _;
  return out.sort((a, b) => (a.name ?? "").localeCompare(b.name ?? ""));
}

export interface ReadOptions {
  readonly workflows: boolean;
  /** Told what is being read (stderr). */
  readonly progress: (message: string) => void;
  /** Downloads a content link (a SAS URL to the artifact's content); default: HTTPS GET with retries. */
  readonly download?: (uri: string) => Promise<string>;
  readonly timeoutMs: number;
}

/** A short description of a failed ARM call, with the fix, for the statuses a user can act on. */
export function explainArmError(e: unknown, what: string, id: AccountId): string {
  const err = e as {
    statusCode?: number;
    code?: string;
    message?: string;
    response?: { headers?: { get(n: string): string | undefined } };
  };
  const detail = (err.message ?? String(e)).split("\n")[0];
  switch (err.statusCode) {
    case 401:
      return `${what}: HTTP 401, not signed in (${detail}). Fix: set AZURE_ACCESS_TOKEN (az account get-access-token --query accessToken -o tsv) or sign in with az login.`;
    case 403:
      return `${what}: HTTP 403, no permission (${detail}). Fix: give the signed-in identity a role that can read the account, e.g. Reader on resource group ${id.resourceGroupName}.`;
    case 404:
      return `${what}: HTTP 404, not found (${detail}). Fix: check the subscription, resource group and account name in --account (az logic integration-account list -o table).`;
    case 429: {
      const after = err.response?.headers?.get("retry-after");
      return `${what}: HTTP 429, Azure Resource Manager is still throttling after the retries${after ? ` (Retry-After: ${after} s)` : ""}. Fix: wait${after ? ` ${after} s` : ""} and run the import again; nothing was written.`;
    }
    default:
      return `${what}: ${err.statusCode === undefined ? "" : `HTTP ${err.statusCode} `}${err.code ? `${err.code}: ` : ""}${detail}`;
  }
}

/** HTTPS GET of a content link, retried after `Retry-After` on 429/503 (three times at most). */
export async function downloadText(uri: string, timeoutMs: number): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(uri, { signal: AbortSignal.timeout(timeoutMs) });
    if ((res.status === 429 || res.status === 503) && attempt < 3) {
      const after = Number(res.headers.get("retry-after") ?? "1");
      await new Promise((r) => setTimeout(r, (Number.isFinite(after) ? after : 1) * 1000));
      continue;
    }
    if (!res.ok)
      throw Object.assign(new Error(`content download failed: HTTP ${res.status}`), { statusCode: res.status });
    return res.text();
  }
}

export async function readAccount(
  client: LogicManagementClient,
  id: AccountId,
  options: ReadOptions,
): Promise<LiveAccount> {
  const rg = id.resourceGroupName;
  const ia = id.integrationAccountName;
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ReadError) throw e;
      throw new ReadError(explainArmError(e, what, id));
    }
  };
  const download = options.download ?? ((uri: string) => downloadText(uri, options.timeoutMs));

  options.progress(`reading integration account ${ia} in resource group ${rg}`);
  const account = await call(`integration account ${accountIdText(id)}`, () =>
    client.integrationAccounts.get(rg, ia, { abortSignal: AbortSignal.timeout(options.timeoutMs) }),
  );
  const list = async (kind: string, items: (o: ListOptions) => AsyncIterable<unknown>) => {
    const out = await call(`listing the ${kind} of ${ia}`, () => collectWire(items, options.timeoutMs));
    options.progress(`  ${out.length} ${kind}`);
    return out;
  };
  const partners = await list("partners", (o) => client.integrationAccountPartners.list(rg, ia, o));
  const schemas = await list("schemas", (o) => client.integrationAccountSchemas.list(rg, ia, o));
  const maps = await list("maps", (o) => client.integrationAccountMaps.list(rg, ia, o));
  const certificates = await list("certificates", (o) => client.integrationAccountCertificates.list(rg, ia, o));
  const agreements = await list("agreements", (o) => client.integrationAccountAgreements.list(rg, ia, o));

  const withContent = async (kind: string, items: readonly WireResource[]) => {
    const out: LiveContentArtifact[] = [];
    for (const item of items) {
      const name = item.name ?? "";
      const properties = plain(item);
      let content = properties.content as string | undefined;
      if (content === undefined) {
        const uri = (properties.contentLink as { uri?: string } | undefined)?.uri;
        if (uri === undefined)
          throw new ReadError(
            `${kind} ${name}: Azure returned neither content nor a content link. Fix: re-upload the ${kind} in the portal, then import again.`,
          );
        content = await call(`downloading the content of ${kind} ${name}`, () => download(uri));
      }
      delete properties.content;
      delete properties.contentLink;
      out.push({ name, properties, content });
    }
    if (items.length > 0) options.progress(`  downloaded the content of ${items.length} ${kind}s`);
    return out;
  };

  let workflows: LiveWorkflow[] | undefined;
  if (options.workflows) {
    const all = await list("workflows in the resource group", (o) => client.workflows.listByResourceGroup(rg, o));
    const accountId = (account.id ?? accountIdText(id)).toLowerCase();
    workflows = all
      .map((w) => ({ name: w.name ?? "", p: plain(w) }))
      .filter(({ p }) => (p.integrationAccount as { id?: string } | undefined)?.id?.toLowerCase() === accountId)
      .map(({ name, p }) => ({
        name,
        state: p.state as string | undefined,
        accessEndpoint: p.accessEndpoint as string | undefined,
        definition: (p.definition ?? {}) as Record<string, unknown>,
        parameters: (p.parameters ?? {}) as Record<string, unknown>,
      }));
    options.progress(`  ${workflows.length} linked to ${ia}`);
  }

  return {
    id,
    location: account.location ?? "",
    sku: account.sku?.name,
    tags: account.tags ?? {},
    partners: partners.map((p) => ({ name: p.name ?? "", properties: plain(p) })),
    schemas: await withContent("schema", schemas),
    maps: await withContent("map", maps),
    certificates: certificates.map((c) => ({ name: c.name ?? "", properties: plain(c) })),
    agreements: agreements.map((a) => ({ name: a.name ?? "", properties: plain(a) })),
    workflows,
  };
}
