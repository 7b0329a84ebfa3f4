/**
 * A stand-in for the two integration accounts and their workflows: an in-memory model of the ARM
 * state the runbook touches, usable directly (`accountApi`) or over HTTPS on 127.0.0.1 (`serve`),
 * where it speaks the few ARM endpoints the runbook's Azure SDK client calls. It can also play the
 * B2B runtime (`send`: outbound messages) and the replication workflows (`replicate`), and inject
 * faults per region (503, never answering, failing session writes).
 */
import * as fs from "fs";
import * as https from "https";
import * as os from "os";
import type { AddressInfo } from "net";
import * as path from "path";
import { execFileSync } from "child_process";
import type { Role } from "../../model/config";
import type { AccountApi, ArtifactKind, Session } from "../../runbook/arm";
import { isoOfTicks, ticksOf } from "../../model/controlNumbers";
import type { StackRender } from "../../plan/types";
import { FakeFrontDoor, parseJson } from "./fakeFrontDoor";
import { AZURITE_ACCOUNT, AZURITE_KEY } from "../support/azurite";

export const API_VERSION = "2019-05-01";
export const TOKEN = "test-token-not-a-secret";

/**
 * The environment of a runbook process that talks to a served stand-in (trusting its CA file, with a
 * token) and keeps its DR state store in Azurite (the emulator's account key).
 */
export function standInEnv(caFile: string): Record<string, string> {
  return {
    NODE_EXTRA_CA_CERTS: caFile,
    AZURE_ACCESS_TOKEN: TOKEN,
    B2BDR_STATE_STORE_SHARED_KEY: `${AZURITE_ACCOUNT}:${AZURITE_KEY}`,
  };
}

interface Account {
  readonly role: Role;
  readonly subscriptionId: string;
  readonly resourceGroupName: string;
  readonly name: string;
  readonly sessions: Map<string, SessionRecord>;
  readonly artifacts: Record<ArtifactKind, Map<string, { name: string; properties: Record<string, unknown> }>>;
  readonly workflows: Map<string, { name: string; state: string; replication: boolean }>;
}

export type FaultMode = "ok" | "503" | "hang";

/** A session as ARM keeps it: `changedTime` is set by the service on every write (ms since epoch). */
interface SessionRecord {
  name: string;
  content: unknown;
  changedMs: number;
}

/**
 * Azure Resource Manager's throttling, modelled as a token bucket per subscription and kind
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling):
 * a request without a token is answered 429 with `Retry-After` (whole seconds until the next token).
 */
export interface ThrottleOptions {
  readonly writesPerSecond: number;
  readonly writeBurst: number;
  readonly readsPerSecond: number;
  readonly readBurst: number;
}

export const AZURE_LIKE_THROTTLE: ThrottleOptions = {
  writesPerSecond: 10,
  writeBurst: 200,
  readsPerSecond: 25,
  readBurst: 250,
};

class TokenBucket {
  private tokens: number;
  private at: number;
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
    this.at = performance.now();
  }
  /** Takes a token, or returns the ms until one is available. */
  take(): number {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return ((1 - this.tokens) / this.rate) * 1000;
  }
}

/** A 429 the stand-in answered: when (performance.now() at the response) and the Retry-After given. */
export interface ThrottleRecord {
  readonly kind: "read" | "write";
  readonly sentAt: number;
  readonly retryAfterMs: number;
}

/** A request that arrived again before the Retry-After its own 429 gave had passed. */
export interface EarlyRetry {
  readonly kind: "read" | "write";
  readonly arrivedAt: number;
  readonly allowedAt: number;
}

export interface ServeOptions {
  /** ARM throttling; undefined: none. */
  readonly throttle?: ThrottleOptions;
  /** Added latency per call, uniformly in [min, max] ms. */
  readonly latencyMs?: readonly [number, number];
  /** Items per page of list calls (nextLink paging). */
  readonly pageSize?: number;
}

export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly role: Role | undefined;
  /** Answered 429 (throttled): the request changed nothing. */
  throttled?: boolean;
}

export class FakeAzure {
  readonly accounts: Record<Role, Account>;
  readonly requests: RequestRecord[] = [];
  fault: Record<Role, FaultMode> = { primary: "ok", secondary: "ok" };
  /** Session PUTs (other than the runbook's marker) that succeed before the next ones fail with 500. */
  failSessionPutsAfter: number | undefined;
  /** Replicate along the enabled replication workflows before answering each request. */
  autoReplicate = false;
  /** Called before each HTTPS request is answered (after throttling): traffic racing the runbook. */
  onRequest: (() => void) | undefined;
  /** What the partner saw: every generated control number sent, per `${agreement}-${kind}`. */
  readonly issued = new Map<string, number[]>();
  private clock = Date.parse("2026-11-26T08:00:00Z");
  /** The partner ingress stand-in, when the renders declare one. */
  readonly frontDoor: FakeFrontDoor | undefined;
  /** Use the wall clock for service-set times (runs, changedTime): for a CLI that runs on the real clock. */
  wallClock = false;
  private stamp(): number {
    return this.wallClock ? Math.max(this.clock, Date.now()) : this.clock;
  }
  /** The 429s answered and the requests that came before their Retry-After (over HTTPS). */
  readonly throttled: ThrottleRecord[] = [];
  readonly earlyRetries: EarlyRetry[] = [];
  /** Workflow runs (newest last) per workflow name, lower case: recorded by `replicate()`. */
  readonly runs = new Map<string, { name: string; startMs: number; status: string }[]>();
  /** Per session name (lower case): a GET of it answers 500 (an unreadable session). */
  readonly brokenSessions = new Set<string>();

  constructor(renders: Record<Role, StackRender>) {
    const make = (role: Role): Account => {
      const r = renders[role];
      const o = r.outputs as {
        resourceGroupName: string;
        integrationAccountName: string;
        drManifest: { subscriptionId: string };
      };
      const kinds: Record<string, ArtifactKind> = {
        IntegrationAccountPartner: "partners",
        IntegrationAccountSchema: "schemas",
        IntegrationAccountMap: "maps",
        IntegrationAccountCertificate: "certificates",
        IntegrationAccountAgreement: "agreements",
      };
      const nameKey: Record<ArtifactKind, string> = {
        partners: "partnerName",
        schemas: "schemaName",
        maps: "mapName",
        certificates: "certificateName",
        agreements: "agreementName",
      };
      const artifacts = {
        partners: new Map(),
        schemas: new Map(),
        maps: new Map(),
        certificates: new Map(),
        agreements: new Map(),
      } as Account["artifacts"];
      const workflows = new Map<string, { name: string; state: string; replication: boolean }>();
      for (const res of r.resources) {
        const kind = kinds[res.type.split(":")[2] ?? ""];
        if (kind) {
          const name = String(res.inputs[nameKey[kind]]);
          artifacts[kind].set(name.toLowerCase(), { name, properties: { ...res.inputs } });
        }
        if (res.type === "azure-native:logic:Workflow") {
          const name = String(res.inputs.workflowName);
          workflows.set(name.toLowerCase(), {
            name,
            state: String(res.inputs.state),
            replication: name.endsWith("-replication"),
          });
        }
      }
      return {
        role,
        subscriptionId: o.drManifest.subscriptionId,
        resourceGroupName: o.resourceGroupName,
        name: o.integrationAccountName,
        sessions: new Map(),
        artifacts,
        workflows,
      };
    };
    this.accounts = { primary: make("primary"), secondary: make("secondary") };
    this.frontDoor =
      "ingressFrontDoor" in (renders.secondary.outputs as object) ? new FakeFrontDoor(renders) : undefined;
  }

  /** Advances the fake clock; returns the new time as an ISO date-time with 7 fractional digits. */
  tick(ms = 1000): string {
    this.clock += ms;
    return isoOfTicks(BigInt(this.clock) * 10_000n);
  }

  now(): Date {
    return new Date(this.clock);
  }

  /** Makes the workflows of both regions look as `pulumi up` leaves them in `renders` (another phase). */
  deploy(renders: Record<Role, StackRender>): void {
    for (const role of ["primary", "secondary"] as const) {
      const account = this.accounts[role];
      const declared = new Set<string>();
      for (const res of renders[role].resources.filter((x) => x.type === "azure-native:logic:Workflow")) {
        const name = String(res.inputs.workflowName);
        declared.add(name.toLowerCase());
        account.workflows.set(name.toLowerCase(), {
          name,
          state: String(res.inputs.state),
          replication: name.endsWith("-replication"),
        });
      }
      for (const key of [...account.workflows.keys()]) if (!declared.has(key)) account.workflows.delete(key);
    }
    this.frontDoor?.deploy(renders);
  }

  /** Seeds a generated control-number session. */
  setSession(role: Role, name: string, controlNumber: number, changedTime = this.tick()): void {
    this.accounts[role].sessions.set(name.toLowerCase(), {
      name,
      content: {
        ControlNumber: String(controlNumber),
        ControlNumberChangedTime: changedTime,
        IsMessageProcessingFailed: false,
        MessageType: 0,
      },
      changedMs: this.stamp(),
    });
  }

  /**
   * Seeds `count` received-number sessions (`{agreement}-ICN-X12-{value}`) cheaply: one shared content
   * object, names built on the fly. Values start at `first`.
   */
  seedReceived(role: Role, agreements: readonly string[], count: number, first = 1): void {
    const sessions = this.accounts[role].sessions;
    const content = { ControlNumber: "0", ControlNumberChangedTime: isoOfTicks(BigInt(this.clock) * 10_000n) };
    for (let i = 0; i < count; i++) {
      const agreement = agreements[i % agreements.length]!;
      const name = `${agreement}-ICN-X12-${String(first + i).padStart(9, "0")}`;
      sessions.set(name.toLowerCase(), { name, content, changedMs: this.stamp() });
    }
  }

  controlNumber(role: Role, name: string): number | undefined {
    const c = this.accounts[role].sessions.get(name.toLowerCase())?.content as { ControlNumber?: string } | undefined;
    return c?.ControlNumber === undefined ? undefined : Number(c.ControlNumber);
  }

  /** The B2B runtime of `role` sends `n` messages on `session`: each takes the next number. */
  send(role: Role, session: string, n = 1): void {
    for (let i = 0; i < n; i++) {
      const next = (this.controlNumber(role, session) ?? 0) + 1;
      this.setSession(role, session, next);
      const key = session.toLowerCase();
      this.issued.set(key, [...(this.issued.get(key) ?? []), next]);
    }
  }

  /** The replication workflows copy sessions along every enabled direction (last writer wins by time). */
  replicate(): void {
    const forward = [...this.accounts.secondary.workflows.values()].some((w) => w.replication && w.state === "Enabled");
    const reverse = [...this.accounts.primary.workflows.values()].some((w) => w.replication && w.state === "Enabled");
    if (forward) this.copySessions(this.accounts.primary, this.accounts.secondary);
    if (reverse) this.copySessions(this.accounts.secondary, this.accounts.primary);
    this.recordRuns();
  }

  private copySessions(from: Account, to: Account): void {
    for (const [key, s] of from.sessions) {
      const mine = to.sessions.get(key);
      const t = (x: unknown) =>
        ticksOf(String((x as { ControlNumberChangedTime?: string })?.ControlNumberChangedTime ?? "")) ?? -1n;
      if (mine === undefined || t(s.content) > t(mine.content))
        to.sessions.set(key, { ...structuredClone(s), changedMs: this.stamp() });
    }
  }

  /** Records a successful run of each enabled replication workflow at the fake clock's time. */
  private recordRuns(): void {
    for (const account of Object.values(this.accounts)) {
      for (const w of account.workflows.values()) {
        if (!w.replication || w.state !== "Enabled") continue;
        const key = w.name.toLowerCase();
        const list = this.runs.get(key) ?? [];
        list.push({ name: `run-${list.length + 1}`, startMs: this.stamp(), status: "Succeeded" });
        this.runs.set(key, list);
      }
    }
  }

  /** The runbook's view of one account, without HTTP. */
  accountApi(role: Role): AccountApi {
    const a = this.accounts[role];
    return {
      role,
      location: {
        subscriptionId: a.subscriptionId,
        resourceGroupName: a.resourceGroupName,
        integrationAccountName: a.name,
      },
      listSessions: async () =>
        [...a.sessions.values()].map((s) => ({ name: s.name, content: structuredClone(s.content) })),
      listSessionsChangedSince: async (iso) =>
        [...a.sessions.values()]
          .filter((s) => s.changedMs >= Date.parse(iso))
          .map((s) => ({ name: s.name, content: structuredClone(s.content) })),
      getSession: async (name) => {
        if (this.brokenSessions.has(name.toLowerCase()))
          throw Object.assign(new Error("injected failure"), { statusCode: 500 });
        const s = a.sessions.get(name.toLowerCase());
        return s === undefined ? undefined : ({ name: s.name, content: structuredClone(s.content) } as Session);
      },
      putSession: async (name, content) =>
        void a.sessions.set(name.toLowerCase(), { name, content: structuredClone(content), changedMs: this.stamp() }),
      getAgreementContent: async (name) =>
        a.artifacts.agreements.get(name.toLowerCase())?.properties.content as Record<string, unknown> | undefined,
      listAgreements: async () =>
        [...a.artifacts.agreements.values()].map((x) => ({
          name: x.name,
          content: x.properties.content as Record<string, unknown> | undefined,
        })),
      latestRuns: async (name, top) =>
        (this.runs.get(name.toLowerCase()) ?? [])
          .slice(-top)
          .reverse()
          .map((r) => ({ startTime: new Date(r.startMs).toISOString(), status: r.status })),
      listArtifactNames: async (kind) => [...a.artifacts[kind].values()].map((x) => x.name).sort(),
      getWorkflowState: async (name) => a.workflows.get(name.toLowerCase())?.state,
      setWorkflowEnabled: async (name, enabled) => {
        const w = a.workflows.get(name.toLowerCase());
        if (!w) throw Object.assign(new Error("WorkflowNotFound"), { statusCode: 404 });
        w.state = enabled ? "Enabled" : "Disabled";
      },
    };
  }

  // --- HTTPS ------------------------------------------------------------------------------------

  /** One page of `items` from `$skiptoken`, with a nextLink to the rest (ARM paging). */
  private page<T>(items: readonly T[], url: URL, pageSize: number): { value: T[]; nextLink?: string } {
    const start = Number(url.searchParams.get("$skiptoken") ?? "0");
    const value = items.slice(start, start + pageSize);
    if (start + pageSize >= items.length) return { value };
    const next = new URL(url.toString());
    next.searchParams.set("$skiptoken", String(start + pageSize));
    return { value, nextLink: next.toString() };
  }

  private route(
    method: string,
    url: URL,
    body: unknown,
    pageSize = Number.MAX_SAFE_INTEGER,
  ): { status: number; body?: unknown } {
    const p = decodeURIComponent(url.pathname);
    const ia =
      /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Logic\/integrationAccounts\/([^/]+)\/(sessions|agreements|partners|schemas|maps|certificates)(?:\/([^/]+))?$/i.exec(
        p,
      );
    const wf =
      /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Logic\/workflows\/([^/]+)(?:\/(enable|disable|runs))?$/i.exec(
        p,
      );
    const accountOf = (rg: string) =>
      Object.values(this.accounts).find((a) => a.resourceGroupName.toLowerCase() === rg.toLowerCase());
    const notFound = (code: string) => ({ status: 404, body: { error: { code, message: `${code}: ${p}` } } });
    if (ia) {
      const [, sub, rg, name, collection, item] = ia;
      const a = accountOf(rg!);
      if (!a || a.name.toLowerCase() !== name!.toLowerCase() || a.subscriptionId !== sub)
        return notFound("IntegrationAccountNotFound");
      const base = `/subscriptions/${sub}/resourceGroups/${a.resourceGroupName}/providers/Microsoft.Logic/integrationAccounts/${a.name}/${collection}`;
      if (collection === "sessions") {
        const view = (s: SessionRecord) => ({
          id: `${base}/${s.name}`,
          name: s.name,
          type: "Microsoft.Logic/integrationAccounts/sessions",
          properties: { content: s.content, changedTime: new Date(s.changedMs).toISOString() },
        });
        if (item === undefined && method === "GET") {
          // `$filter=ChangedTime ge <ISO date-time>`: the one filter the sessions list supports.
          const filter = /ChangedTime\s+ge\s+'?([^' ]+)'?/i.exec(url.searchParams.get("$filter") ?? "");
          const since = filter ? Date.parse(filter[1]!) : undefined;
          const all = [...a.sessions.values()].filter((x) => since === undefined || x.changedMs >= since);
          const pageOf = this.page(all, url, pageSize);
          return { status: 200, body: { value: pageOf.value.map(view), nextLink: pageOf.nextLink } };
        }
        if (item !== undefined && method === "GET") {
          if (this.brokenSessions.has(item.toLowerCase()))
            return { status: 500, body: { error: { code: "InternalServerError", message: "injected failure" } } };
          const s = a.sessions.get(item.toLowerCase());
          return s ? { status: 200, body: view(s) } : notFound("SessionNotFound");
        }
        if (item !== undefined && method === "PUT") {
          if (this.failSessionPutsAfter !== undefined) {
            if (this.failSessionPutsAfter <= 0)
              return { status: 500, body: { error: { code: "InternalServerError", message: "injected failure" } } };
            this.failSessionPutsAfter--;
          }
          const content = (body as { properties?: { content?: unknown } })?.properties?.content;
          const record = { name: item, content, changedMs: this.stamp() };
          a.sessions.set(item.toLowerCase(), record);
          return { status: 200, body: view(record) };
        }
      } else {
        const kind = collection as ArtifactKind;
        const view = (x: { name: string; properties: Record<string, unknown> }) => ({
          id: `${base}/${x.name}`,
          name: x.name,
          type: `Microsoft.Logic/integrationAccounts/${kind}`,
          properties: x.properties,
        });
        if (item === undefined && method === "GET") {
          const pageOf = this.page([...a.artifacts[kind].values()], url, pageSize);
          return { status: 200, body: { value: pageOf.value.map(view), nextLink: pageOf.nextLink } };
        }
        if (item !== undefined && method === "GET") {
          const x = a.artifacts[kind].get(item.toLowerCase());
          return x ? { status: 200, body: view(x) } : notFound("NotFound");
        }
      }
      return { status: 405, body: { error: { code: "MethodNotAllowed", message: `${method} ${p}` } } };
    }
    if (wf) {
      const [, sub, rg, name, action] = wf;
      const a = accountOf(rg!);
      const w = a?.workflows.get(name!.toLowerCase());
      if (!a || !w || a.subscriptionId !== sub) return notFound("WorkflowNotFound");
      if (action?.toLowerCase() === "runs" && method === "GET") {
        const top = Number(url.searchParams.get("$top") ?? "30");
        const runs = (this.runs.get(w.name.toLowerCase()) ?? []).slice(-top).reverse();
        return {
          status: 200,
          body: {
            value: runs.map((r) => ({
              id: `${p}/${r.name}`,
              name: r.name,
              type: "Microsoft.Logic/workflows/runs",
              properties: { startTime: new Date(r.startMs).toISOString(), status: r.status },
            })),
          },
        };
      }
      if (action !== undefined && method === "POST") {
        w.state = action.toLowerCase() === "enable" ? "Enabled" : "Disabled";
        return { status: 200 };
      }
      if (action === undefined && method === "GET") {
        return {
          status: 200,
          body: { id: p, name: w.name, type: "Microsoft.Logic/workflows", properties: { state: w.state } },
        };
      }
    }
    return { status: 404, body: { error: { code: "NotFound", message: `no route for ${method} ${p}` } } };
  }

  /** Serves the model over HTTPS on 127.0.0.1; returns the endpoint URL and the CA file to trust. */
  async serve(options: ServeOptions = {}): Promise<{ url: string; caFile: string; close: () => Promise<void> }> {
    const { cert, key, caFile } = selfSignedCertificate();
    const buckets = new Map<string, TokenBucket>();
    // Per request (method, path and query): until when (performance.now()) its last 429 said to wait.
    const waitUntil = new Map<string, number>();
    const bucket = (subscription: string, kind: "read" | "write") => {
      const t = options.throttle!;
      const k = `${subscription}/${kind}`;
      let b = buckets.get(k);
      if (b === undefined) {
        b =
          kind === "read"
            ? new TokenBucket(t.readsPerSecond, t.readBurst)
            : new TokenBucket(t.writesPerSecond, t.writeBurst);
        buckets.set(k, b);
      }
      return b;
    };
    const latency = () =>
      options.latencyMs === undefined
        ? 0
        : options.latencyMs[0] + Math.random() * (options.latencyMs[1] - options.latencyMs[0]);
    const server = https.createServer({ cert, key, keepAliveTimeout: 30_000 }, (req, res) => {
      const url = new URL(req.url ?? "/", `https://${req.headers.host ?? "127.0.0.1"}`);
      const rg = /\/resourceGroups\/([^/]+)/i.exec(url.pathname)?.[1]?.toLowerCase();
      const role = Object.values(this.accounts).find((a) => a.resourceGroupName.toLowerCase() === rg)?.role;
      const record: RequestRecord = { method: req.method ?? "", path: url.pathname, role };
      this.requests.push(record);
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        // The partner ingress (Front Door origins and edge): test/arm/fakeFrontDoor.ts.
        const fd = this.frontDoor?.handle(
          req.method ?? "GET",
          url,
          req.headers.authorization,
          TOKEN,
          parseJson(chunks),
        );
        if (fd !== undefined) return void (res.writeHead(fd.status, fd.headers), res.end(fd.body));
        const delay = latency();
        const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
          const write = () => {
            res.writeHead(status, { "content-type": "application/json", "x-ms-request-id": "fake", ...headers });
            res.end(body === undefined ? "" : JSON.stringify(body));
          };
          if (delay > 0) setTimeout(write, delay);
          else write();
        };
        if (req.headers.authorization !== `Bearer ${TOKEN}`)
          return send(401, { error: { code: "AuthenticationFailed", message: "bad token" } });
        if (url.searchParams.get("api-version") !== API_VERSION)
          return send(400, {
            error: { code: "InvalidApiVersion", message: String(url.searchParams.get("api-version")) },
          });
        if (role !== undefined && this.fault[role] === "hang") return; // never answers
        if (role !== undefined && this.fault[role] === "503")
          return send(503, { error: { code: "ServiceUnavailable", message: "region down" } });
        if (options.throttle !== undefined) {
          const kind = req.method === "GET" ? "read" : "write";
          const arrived = performance.now();
          const key = `${req.method ?? ""} ${url.pathname}${url.search}`;
          // The same request again before the Retry-After its 429 gave (20 ms for timer granularity).
          const allowed = waitUntil.get(key);
          if (allowed !== undefined && arrived < allowed - 20)
            this.earlyRetries.push({ kind, arrivedAt: arrived, allowedAt: allowed });
          const subscription = /^\/subscriptions\/([^/]+)/i.exec(url.pathname)?.[1] ?? "";
          const waitMs = bucket(subscription, kind).take();
          if (waitMs > 0) {
            const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
            const sentAt = arrived + delay;
            this.throttled.push({ kind, sentAt, retryAfterMs: retryAfter * 1000 });
            record.throttled = true;
            waitUntil.set(key, sentAt + retryAfter * 1000);
            return send(
              429,
              {
                error: {
                  code: "TooManyRequests",
                  message: `The request is being throttled as the limit has been reached for operation type - ${kind === "read" ? "Read" : "Write"}.`,
                },
              },
              { "retry-after": String(retryAfter) },
            );
          }
        }
        this.onRequest?.();
        if (this.autoReplicate) this.replicate();
        let body: unknown;
        try {
          body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
        } catch {
          return send(400, { error: { code: "InvalidJson", message: "body" } });
        }
        const r = this.route(req.method ?? "GET", url, body, options.pageSize);
        send(r.status, r.body);
      });
    });
    return listenLocal(server, caFile);
  }
}

/**
 * Starts an HTTPS stand-in on an ephemeral port of 127.0.0.1; `close` also ends open keep-alive
 * connections, so a test's `after` never waits on a client's idle socket.
 */
export async function listenLocal(
  server: https.Server,
  caFile: string,
): Promise<{ url: string; caFile: string; close: () => Promise<void> }> {
  const sockets = new Set<import("stream").Duplex>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    caFile,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

let certificate: { cert: string; key: string; caFile: string } | undefined;

/** A self-signed certificate for 127.0.0.1 (made once per test run with openssl); also its own CA. */
export function selfSignedCertificate(): { cert: string; key: string; caFile: string } {
  if (certificate) return certificate;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "b2b-dr-arm-"));
  process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "2",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
    ],
    { stdio: "ignore" },
  );
  certificate = { cert: fs.readFileSync(certFile, "utf8"), key: fs.readFileSync(keyFile, "utf8"), caFile: certFile };
  return certificate;
}
