/**
 * An HTTPS stand-in for the ARM endpoints `npm run catalog -- import` reads: one integration
 * account (`accountFixture.ts`) with its artifacts, listed in pages (`nextLink`), schema and map
 * content behind SAS-style content links, and the workflows of its resource group. Faults can be
 * injected per path (403, 404, 429 with Retry-After). Shares the certificate, token and API version
 * of `fakeAzure.ts`.
 */
import * as https from "https";
import { API_VERSION, TOKEN, listenLocal, selfSignedCertificate } from "./fakeAzure";
import type { FixtureAccount, FixtureArtifact } from "./accountFixture";

export interface Fault {
  /** Matched against the request path. */
  readonly path: RegExp;
  readonly status: number;
  /** Seconds, sent as Retry-After. */
  readonly retryAfter?: number;
  /** How many requests fail; default: all. */
  times?: number;
}

export interface ServedRequest {
  readonly method: string;
  readonly path: string;
  readonly at: number;
}

const COLLECTIONS = ["partners", "schemas", "maps", "certificates", "agreements"] as const;

export class FakeAccountServer {
  readonly requests: ServedRequest[] = [];
  readonly faults: Fault[] = [];
  /** Items per page of a list call. */
  pageSize = 2;
  private url = "";

  constructor(public account: FixtureAccount) {}

  private base(): string {
    const a = this.account;
    return `/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroupName}/providers/Microsoft.Logic/integrationAccounts/${a.name}`;
  }

  private page(items: unknown[], skip: number, path: string): { value: unknown[]; nextLink?: string } {
    const value = items.slice(skip, skip + this.pageSize);
    const next = skip + this.pageSize;
    return next < items.length
      ? { value, nextLink: `${this.url}${path}?api-version=${API_VERSION}&$skiptoken=${next}` }
      : { value };
  }

  private artifactView(collection: string, x: FixtureArtifact): unknown {
    const properties: Record<string, unknown> = { ...x.properties };
    if (x.content !== undefined) {
      properties.contentLink = {
        uri: `${this.url}/content/${collection}/${encodeURIComponent(x.name)}?sv=2018-03-28&sr=b&sig=FAKE-SAS-SIGNATURE`,
        contentVersion: '"0x8D45C56FEDFCB45"',
        contentSize: Buffer.byteLength(x.content),
        contentHash: { algorithm: "md5", value: "bm90LWNoZWNrZWQ=" },
      };
    }
    return {
      id: `${this.base()}/${collection}/${x.name}`,
      name: x.name,
      type: `Microsoft.Logic/integrationAccounts/${collection}`,
      properties,
    };
  }

  private route(p: string, query: URLSearchParams): { status: number; body: unknown; text?: string } {
    const a = this.account;
    const notFound = (code: string) => ({
      status: 404,
      body: { error: { code, message: `The resource '${p}' was not found.` } },
    });
    const content = /^\/content\/([a-z]+)\/([^/]+)$/.exec(p);
    if (content) {
      const item = (a[content[1] as "schemas" | "maps"] ?? []).find((x) => x.name === decodeURIComponent(content[2]!));
      return item?.content === undefined
        ? notFound("BlobNotFound")
        : { status: 200, body: undefined, text: item.content };
    }
    const skip = Number(query.get("$skiptoken") ?? "0");
    const rgPrefix =
      `/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroupName}/providers/Microsoft.Logic`.toLowerCase();
    if (p.toLowerCase() === `${rgPrefix}/workflows`) {
      const views = a.workflows.map((w) => ({
        id: `${p}/${w.name}`,
        name: w.name,
        type: "Microsoft.Logic/workflows",
        location: a.location,
        properties: w.properties,
      }));
      return { status: 200, body: this.page(views, skip, p) };
    }
    const base = this.base().toLowerCase();
    if (p.toLowerCase() === base) {
      return {
        status: 200,
        body: {
          id: this.base(),
          name: a.name,
          type: "Microsoft.Logic/integrationAccounts",
          location: a.location,
          sku: { name: a.sku },
          tags: a.tags,
          properties: { state: "Enabled" },
        },
      };
    }
    for (const c of COLLECTIONS) {
      if (p.toLowerCase() === `${base}/${c}`)
        return {
          status: 200,
          body: this.page(
            a[c].map((x) => this.artifactView(c, x)),
            skip,
            p,
          ),
        };
    }
    if (p.toLowerCase().startsWith(`/subscriptions/${a.subscriptionId}/resourcegroups/`)) {
      return notFound(p.toLowerCase().includes("/integrationaccounts/") ? "ResourceNotFound" : "ResourceGroupNotFound");
    }
    return notFound("SubscriptionNotFound");
  }

  /** Serves over HTTPS on 127.0.0.1; returns the endpoint and the CA file to trust. */
  async serve(): Promise<{ url: string; caFile: string; close: () => Promise<void> }> {
    const { cert, key, caFile } = selfSignedCertificate();
    const server = https.createServer({ cert, key }, (req, res) => {
      const url = new URL(req.url ?? "/", "https://127.0.0.1");
      const p = decodeURIComponent(url.pathname);
      this.requests.push({ method: req.method ?? "", path: p, at: Date.now() });
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", "x-ms-request-id": "fake", ...headers });
        res.end(body === undefined ? "" : JSON.stringify(body));
      };
      const fault = this.faults.find((f) => f.path.test(p) && (f.times === undefined || f.times > 0));
      if (fault) {
        if (fault.times !== undefined) fault.times--;
        const headers: Record<string, string> =
          fault.retryAfter === undefined ? {} : { "retry-after": String(fault.retryAfter) };
        const codes: Record<number, string> = {
          403: "AuthorizationFailed",
          404: "ResourceNotFound",
          429: "TooManyRequests",
        };
        return send(
          fault.status,
          { error: { code: codes[fault.status] ?? "Error", message: `injected ${fault.status} for ${p}` } },
          headers,
        );
      }
      const isContent = p.startsWith("/content/");
      if (!isContent && req.headers.authorization !== `Bearer ${TOKEN}`)
        return send(401, { error: { code: "AuthenticationFailed", message: "bad token" } });
      if (isContent && !url.searchParams.get("sig"))
        return send(403, { error: { code: "AuthenticationFailed", message: "no SAS" } });
      if (!isContent && url.searchParams.get("api-version") !== API_VERSION)
        return send(400, {
          error: { code: "InvalidApiVersion", message: String(url.searchParams.get("api-version")) },
        });
      if (req.method !== "GET")
        return send(405, { error: { code: "MethodNotAllowed", message: `${req.method} ${p}: the import only reads` } });
      const r = this.route(p, url.searchParams);
      if (r.text !== undefined) {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        return res.end(r.text);
      }
      send(r.status, r.body);
    });
    const served = await listenLocal(server, caFile);
    this.url = served.url;
    return served;
  }
}
