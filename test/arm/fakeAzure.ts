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
import type { Role } from "../../components/config";
import type { AccountApi, ArtifactKind, Session } from "../../runbook/arm";
import { isoOfTicks, ticksOf } from "../../runbook/controlNumbers";
import type { StackRender } from "../../plan/types";
import { FakeFrontDoor, parseJson } from "./fakeFrontDoor";

export const API_VERSION = "2019-05-01";
export const TOKEN = "test-token-not-a-secret";

interface Account {
  readonly role: Role;
  readonly subscriptionId: string;
  readonly resourceGroupName: string;
  readonly name: string;
  readonly sessions: Map<string, { name: string; content: unknown }>;
  readonly artifacts: Record<ArtifactKind, Map<string, { name: string; properties: Record<string, unknown> }>>;
  readonly workflows: Map<string, { name: string; state: string; replication: boolean }>;
}

export type FaultMode = "ok" | "503" | "hang";

export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly role: Role | undefined;
}

export class FakeAzure {
  readonly accounts: Record<Role, Account>;
  readonly requests: RequestRecord[] = [];
  fault: Record<Role, FaultMode> = { primary: "ok", secondary: "ok" };
  /** Session PUTs (other than the runbook's marker) that succeed before the next ones fail with 500. */
  failSessionPutsAfter: number | undefined;
  /** Replicate along the enabled replication workflows before answering each request. */
  autoReplicate = false;
  /** What the partner saw: every generated control number sent, per `${agreement}-${kind}`. */
  readonly issued = new Map<string, number[]>();
  private clock = Date.parse("2026-11-26T08:00:00Z");
  /** The partner ingress stand-in, when the renders declare one. */
  readonly frontDoor: FakeFrontDoor | undefined;

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
    });
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
  }

  private copySessions(from: Account, to: Account): void {
    for (const [key, s] of from.sessions) {
      if (key.startsWith("b2bdr-runbook")) continue;
      const mine = to.sessions.get(key);
      const t = (x: unknown) =>
        ticksOf(String((x as { ControlNumberChangedTime?: string })?.ControlNumberChangedTime ?? "")) ?? -1n;
      if (mine === undefined || t(s.content) > t(mine.content)) to.sessions.set(key, structuredClone(s));
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
      listSessions: async () => [...a.sessions.values()].map((s) => structuredClone(s) as Session),
      getSession: async (name) => structuredClone(a.sessions.get(name.toLowerCase())) as Session | undefined,
      putSession: async (name, content) =>
        void a.sessions.set(name.toLowerCase(), { name, content: structuredClone(content) }),
      getAgreementContent: async (name) =>
        a.artifacts.agreements.get(name.toLowerCase())?.properties.content as Record<string, unknown> | undefined,
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

  private route(method: string, url: URL, body: unknown): { status: number; body?: unknown } {
    const p = decodeURIComponent(url.pathname);
    const ia =
      /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Logic\/integrationAccounts\/([^/]+)\/(sessions|agreements|partners|schemas|maps|certificates)(?:\/([^/]+))?$/i.exec(
        p,
      );
    const wf =
      /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Logic\/workflows\/([^/]+)(?:\/(enable|disable))?$/i.exec(
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
        const view = (s: { name: string; content: unknown }) => ({
          id: `${base}/${s.name}`,
          name: s.name,
          type: "Microsoft.Logic/integrationAccounts/sessions",
          properties: { content: s.content },
        });
        if (item === undefined && method === "GET")
          return { status: 200, body: { value: [...a.sessions.values()].map(view) } };
        if (item !== undefined && method === "GET") {
          const s = a.sessions.get(item.toLowerCase());
          return s ? { status: 200, body: view(s) } : notFound("SessionNotFound");
        }
        if (item !== undefined && method === "PUT") {
          if (!item.toLowerCase().startsWith("b2bdr-runbook") && this.failSessionPutsAfter !== undefined) {
            if (this.failSessionPutsAfter <= 0)
              return { status: 500, body: { error: { code: "InternalServerError", message: "injected failure" } } };
            this.failSessionPutsAfter--;
          }
          const content = (body as { properties?: { content?: unknown } })?.properties?.content;
          a.sessions.set(item.toLowerCase(), { name: item, content });
          return { status: 200, body: view({ name: item, content }) };
        }
      } else {
        const kind = collection as ArtifactKind;
        const view = (x: { name: string; properties: Record<string, unknown> }) => ({
          id: `${base}/${x.name}`,
          name: x.name,
          type: `Microsoft.Logic/integrationAccounts/${kind}`,
          properties: x.properties,
        });
        if (item === undefined && method === "GET")
          return { status: 200, body: { value: [...a.artifacts[kind].values()].map(view) } };
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
  async serve(): Promise<{ url: string; caFile: string; close: () => Promise<void> }> {
    const { cert, key, caFile } = selfSignedCertificate();
    const server = https.createServer({ cert, key }, (req, res) => {
      const url = new URL(req.url ?? "/", "https://127.0.0.1");
      const rg = /\/resourceGroups\/([^/]+)/i.exec(url.pathname)?.[1]?.toLowerCase();
      const role = Object.values(this.accounts).find((a) => a.resourceGroupName.toLowerCase() === rg)?.role;
      this.requests.push({ method: req.method ?? "", path: url.pathname, role });
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
        const send = (status: number, body?: unknown) => {
          res.writeHead(status, { "content-type": "application/json", "x-ms-request-id": "fake" });
          res.end(body === undefined ? "" : JSON.stringify(body));
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
        if (this.autoReplicate) this.replicate();
        let body: unknown;
        try {
          body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
        } catch {
          return send(400, { error: { code: "InvalidJson", message: "body" } });
        }
        const r = this.route(req.method ?? "GET", url, body);
        send(r.status, r.body);
      });
    });
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
