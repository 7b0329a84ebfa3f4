/**
 * A stand-in for the partner ingress: the Front Door origins the runbook reads and switches over ARM
 * (`Microsoft.Cdn/profiles/…/originGroups/…/origins/…`, the API version `@azure/arm-cdn` speaks),
 * and the Front Door edge a partner (or the runbook's probe) reaches at `/edge/<flow path>`.
 *
 * Propagation is modelled: after an origin changes, the edge keeps routing to the previously enabled
 * origin for `propagationProbes` more edge requests, and the origin's `deploymentStatus` stays
 * `InProgress` until then (`stuck` never propagates). The edge answers as the gateway does: a GET
 * with the `x-b2bdr-region` header of the region whose origin it routes to.
 *
 * Usable on its own over HTTPS (`serve`) or inside `FakeAzure`'s server (`handle`).
 */
import * as https from "https";
import type { AddressInfo } from "net";
import type { Role } from "../../model/config";
import { REGION_HEADER } from "../../model/ingressContract";
import type { StackRender } from "../../plan/types";
import { selfSignedCertificate } from "./fakeAzure";

/** A request body as JSON, or undefined (empty or not JSON). */
export function parseJson(chunks: readonly Buffer[]): unknown {
  if (chunks.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

/** The API version `@azure/arm-cdn` 9.1.0 sends. */
export const CDN_API_VERSION = "2024-02-01";

interface Origin {
  readonly role: Role;
  readonly name: string;
  readonly hostName: string;
  readonly region: string;
  enabledState: string;
  deploymentStatus: string;
}

export interface EdgeAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export class FakeFrontDoor {
  readonly subscriptionId: string;
  readonly resourceGroupName: string;
  readonly profileName: string;
  readonly originGroupName: string;
  readonly origins: Record<Role, Origin>;
  /** The flow paths the routes match (`/as2` matches `/as2` and `/as2/*`). */
  readonly paths: readonly string[];
  /** Edge requests after a change during which the edge still routes the old way. */
  propagationProbes = 2;
  /** Never propagate (for the timeout path). */
  stuck = false;
  /** Answer every origin request with 503 (ARM trouble). */
  failArm = false;
  /** The origin roles the edge routes to (what has propagated). */
  private effective: Role[];
  private pending = 0;
  readonly requests: { method: string; path: string }[] = [];

  constructor(renders: Record<Role, StackRender>) {
    const s = renders.secondary;
    const loc = (
      s.outputs as { ingressFrontDoor?: { resourceGroupName: string; profileName: string; originGroupName: string } }
    ).ingressFrontDoor;
    if (loc === undefined) throw new Error("the secondary render declares no ingress");
    this.subscriptionId = (s.outputs as { drManifest: { subscriptionId: string } }).drManifest.subscriptionId;
    this.resourceGroupName = loc.resourceGroupName;
    this.profileName = loc.profileName;
    this.originGroupName = loc.originGroupName;
    const regionOfHost = new Map(
      (["primary", "secondary"] as const).map((r) => [
        String((renders[r].outputs as { ingressGatewayHost: string }).ingressGatewayHost),
        (renders[r].outputs as { drManifest: { region: string } }).drManifest.region,
      ]),
    );
    const make = (role: Role): Origin => {
      const res = s.resources.find(
        (x) => x.type === "azure-native:cdn:AFDOrigin" && x.inputs.originName === `origin-${role}`,
      );
      if (res === undefined) throw new Error(`no origin-${role} in the secondary render`);
      const hostName = String(res.inputs.hostName);
      return {
        role,
        name: String(res.inputs.originName),
        hostName,
        region: regionOfHost.get(hostName) ?? "unknown",
        enabledState: String(res.inputs.enabledState),
        deploymentStatus: "Succeeded",
      };
    };
    this.origins = { primary: make("primary"), secondary: make("secondary") };
    this.paths = s.resources
      .filter((x) => x.type === "azure-native:cdn:Route")
      .map((x) => String((x.inputs.patternsToMatch as string[])[0]));
    this.effective = this.enabledRoles();
  }

  /** Makes the origins look as `pulumi up` leaves them in `renders` (another phase), propagated. */
  deploy(renders: Record<Role, StackRender>): void {
    const next = new FakeFrontDoor(renders);
    for (const role of ["primary", "secondary"] as const) {
      this.origins[role].enabledState = next.origins[role].enabledState;
      this.origins[role].deploymentStatus = "Succeeded";
    }
    this.pending = 0;
    this.effective = this.enabledRoles();
  }

  private enabledRoles(): Role[] {
    return (["primary", "secondary"] as const).filter((r) => this.origins[r].enabledState === "Enabled");
  }

  /** The region the edge routes a partner's request to now, if any. */
  edgeRegion(): string | undefined {
    const role = this.effective[0];
    return role === undefined ? undefined : this.origins[role].region;
  }

  private originPath(role: Role): string {
    return `/subscriptions/${this.subscriptionId}/resourceGroups/${this.resourceGroupName}/providers/Microsoft.Cdn/profiles/${this.profileName}/originGroups/${this.originGroupName}/origins/${this.origins[role].name}`;
  }

  private view(o: Origin) {
    return {
      id: this.originPath(o.role),
      name: o.name,
      type: "Microsoft.Cdn/profiles/origingroups/origins",
      properties: {
        hostName: o.hostName,
        originHostHeader: o.hostName,
        enabledState: o.enabledState,
        deploymentStatus: o.deploymentStatus,
        provisioningState: "Succeeded",
      },
    };
  }

  /**
   * Answers a request this stand-in owns (the edge, or a `Microsoft.Cdn` path), or returns
   * undefined. `authorization` must carry `token` for ARM paths.
   */
  handle(
    method: string,
    url: URL,
    authorization: string | undefined,
    token: string,
    body: unknown,
  ): EdgeAnswer | undefined {
    const p = decodeURIComponent(url.pathname);
    const json = (status: number, value?: unknown): EdgeAnswer => ({
      status,
      headers: { "content-type": "application/json", "x-ms-request-id": "fake" },
      body: value === undefined ? "" : JSON.stringify(value),
    });
    if (p.startsWith("/edge/")) {
      this.requests.push({ method, path: p });
      const path = p.slice("/edge".length);
      if (!this.paths.some((x) => path === x || path.startsWith(`${x}/`))) return json(404, { error: "no route" });
      this.propagate();
      const region = this.edgeRegion();
      if (region === undefined) return json(503, { error: "no enabled origin" });
      // The gateway answers a GET itself (the probe); a POST would reach the workflow.
      return {
        status: 200,
        headers: { [REGION_HEADER]: region, "content-type": "application/json" },
        body: JSON.stringify({ region }),
      };
    }
    if (!/\/providers\/Microsoft\.Cdn\//i.test(p)) return undefined;
    this.requests.push({ method, path: p });
    if (authorization !== `Bearer ${token}`)
      return json(401, { error: { code: "AuthenticationFailed", message: "bad token" } });
    if (url.searchParams.get("api-version") !== CDN_API_VERSION)
      return json(400, { error: { code: "InvalidApiVersion", message: String(url.searchParams.get("api-version")) } });
    if (this.failArm) return json(503, { error: { code: "ServiceUnavailable", message: "injected" } });
    const role = (["primary", "secondary"] as const).find((r) => this.originPath(r).toLowerCase() === p.toLowerCase());
    if (role === undefined) return json(404, { error: { code: "NotFound", message: `no origin at ${p}` } });
    const o = this.origins[role];
    if (method === "GET") return json(200, this.view(o));
    if (method === "PATCH") {
      const state = (body as { properties?: { enabledState?: string } } | undefined)?.properties?.enabledState;
      if (state !== "Enabled" && state !== "Disabled")
        return json(400, { error: { code: "BadRequest", message: `enabledState ${String(state)}` } });
      if (o.enabledState !== state) {
        o.enabledState = state;
        o.deploymentStatus = "InProgress";
        this.pending = this.propagationProbes;
      }
      return json(200, this.view(o));
    }
    return json(405, { error: { code: "MethodNotAllowed", message: method } });
  }

  private propagate(): void {
    if (this.stuck) return;
    if (this.pending > 0) {
      this.pending--;
      return;
    }
    this.effective = this.enabledRoles();
    for (const o of Object.values(this.origins)) o.deploymentStatus = "Succeeded";
  }

  /** Serves this stand-in alone over HTTPS on 127.0.0.1. */
  async serve(token: string): Promise<{ url: string; caFile: string; close: () => Promise<void> }> {
    const { cert, key, caFile } = selfSignedCertificate();
    const server = https.createServer({ cert, key }, (req, res) => {
      const url = new URL(req.url ?? "/", "https://127.0.0.1");
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const r = this.handle(req.method ?? "GET", url, req.headers.authorization, token, parseJson(chunks)) ?? {
          status: 404,
          headers: {},
          body: "",
        };
        res.writeHead(r.status, r.headers);
        res.end(r.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `https://127.0.0.1:${port}`,
      caFile,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }
}

/**
 * The runbook's arguments that point its partner-URL probe at this stand-in's edge (never an outside
 * host) and poll propagation fast.
 */
export function standInEdgeArgs(url: string): string[] {
  return ["--partner-url", `${url}/edge/as2`, "--propagation-poll", "0.05"];
}
