/**
 * The runbook's part of the partner-ingress switch (components/ingress.ts): read and set the Front
 * Door origins' `enabledState` through Azure Resource Manager (`@azure/arm-cdn`), wait for the
 * change to propagate (bounded, with progress), and probe the partner URL.
 *
 * The probe is a `GET` on the flow's partner URL. It goes through Front Door to the enabled origin's
 * API Management gateway, which answers it itself with its region in the `x-b2bdr-region` header:
 * the workflow is never called, so nothing is processed. It proves what a partner's request would
 * reach, seen from where the runbook runs (one Front Door edge; others may lag: hence several
 * answers in a row and the origins' own deployment status).
 *
 * Order of the switch: enable the new origin first, then disable the old one. For a moment both
 * may receive; the old region's workflows stay enabled until propagation is confirmed, so nothing
 * a partner sends in that window lands on a disabled workflow.
 */
import * as https from "https";
import { CdnManagementClient } from "@azure/arm-cdn";
import type { TokenCredential } from "@azure/core-auth";
import { z } from "zod";
import { ingressOutputsShape } from "../model/manifest";
import type { Role } from "../model/config";
import { REGION_HEADER } from "../model/ingressContract";
import { describeError } from "./arm";
import type { RunbookContext } from "./context";

/** The ingress outputs the runbook reads (secondary stack; see components/ingressWiring.ts). */
export { ingressOutputsShape };

export type FrontDoorLocation = z.infer<NonNullable<(typeof ingressOutputsShape)["ingressFrontDoor"]>> & {
  readonly subscriptionId: string;
};

export interface OriginState {
  readonly name: string;
  readonly hostName: string | undefined;
  /** `Enabled`, `Disabled`, or undefined when the origin does not exist. */
  readonly enabledState: string | undefined;
  /** Front Door's own propagation status of the origin: `NotStarted`, `InProgress`, `Succeeded`, `Failed`. */
  readonly deploymentStatus: string | undefined;
}

/** The Front Door operations the runbook needs. */
export interface FrontDoorApi {
  readonly location: FrontDoorLocation;
  getOrigin(role: Role): Promise<OriginState>;
  setOriginEnabled(role: Role, enabled: boolean): Promise<void>;
}

export interface FrontDoorOptions {
  readonly endpoint: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
}

/** `FrontDoorApi` over the Azure SDK (`@azure/arm-cdn`). */
export function azureFrontDoor(
  location: FrontDoorLocation,
  credential: TokenCredential,
  options: FrontDoorOptions,
): FrontDoorApi {
  const client = new CdnManagementClient(credential, location.subscriptionId, {
    endpoint: options.endpoint,
    credentialScopes: [`${new URL(options.endpoint).origin}/.default`],
    retryOptions: { maxRetries: options.maxRetries, retryDelayInMs: 500, maxRetryDelayInMs: 4000 },
  });
  const { resourceGroupName: rg, profileName, originGroupName } = location;
  const opts = () => ({ abortSignal: AbortSignal.timeout(options.timeoutMs) });
  return {
    location,
    async getOrigin(role) {
      const name = location.origins[role];
      try {
        const o = await client.afdOrigins.get(rg, profileName, originGroupName, name, opts());
        return { name, hostName: o.hostName, enabledState: o.enabledState, deploymentStatus: o.deploymentStatus };
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode === 404)
          return { name, hostName: undefined, enabledState: undefined, deploymentStatus: undefined };
        throw e;
      }
    },
    async setOriginEnabled(role, enabled) {
      await client.afdOrigins.beginUpdateAndWait(
        rg,
        profileName,
        originGroupName,
        location.origins[role],
        { enabledState: enabled ? "Enabled" : "Disabled" },
        { ...opts(), updateIntervalInMs: 2000 },
      );
    },
  };
}

export interface ProbeResult {
  readonly url: string;
  readonly status: number | undefined;
  /** The region named by the answering gateway, if any. */
  readonly region: string | undefined;
  readonly error: string | undefined;
}

export type Probe = (url: string) => Promise<ProbeResult>;

/** A `GET` on `url` over HTTPS, time-boxed; reads the region header. Never sends a body. */
export function httpsProbe(timeoutMs: number): Probe {
  return (url) =>
    new Promise((resolve) => {
      const req = https.get(url, { timeout: timeoutMs, headers: { "user-agent": "b2b-dr-runbook-probe" } }, (res) => {
        res.resume();
        const header = res.headers[REGION_HEADER];
        resolve({
          url,
          status: res.statusCode,
          region: Array.isArray(header) ? header[0] : header,
          error: undefined,
        });
      });
      req.on("timeout", () => req.destroy(new Error("timed out")));
      req.on("error", (e) => resolve({ url, status: undefined, region: undefined, error: e.message }));
    });
}

/** What the runbook needs to switch and check the ingress (absent: the stacks declare no ingress). */
export interface IngressRuntime {
  readonly frontDoor: FrontDoorApi;
  /** The partner URLs to probe (from the secondary's outputs, or `--partner-url`). */
  readonly partnerUrls: readonly string[];
  readonly probe: Probe;
  /** Upper bound of the propagation wait (Front Door documents up to about 20 minutes). */
  readonly propagationTimeoutMs: number;
  readonly propagationPollMs: number;
  /** Probe rounds in a row that must reach the target region. */
  readonly consecutive: number;
}

export function ingressFromOutputs(
  outputs: {
    readonly ingressFrontDoor?: Omit<FrontDoorLocation, "subscriptionId">;
    readonly ingressPartnerUrls?: Record<string, string | null | undefined>;
  },
  subscriptionId: string,
): { location: FrontDoorLocation; partnerUrls: string[] } | undefined {
  if (outputs.ingressFrontDoor === undefined) return undefined;
  const partnerUrls = Object.values(outputs.ingressPartnerUrls ?? {}).filter(
    (u): u is string => typeof u === "string" && u !== "",
  );
  return { location: { ...outputs.ingressFrontDoor, subscriptionId }, partnerUrls };
}

const other = (role: Role): Role => (role === "primary" ? "secondary" : "primary");

/**
 * Makes `to`'s origin the one enabled: enables it first, then disables the other. Idempotent: an
 * origin already in its state is left alone. Returns the failures (empty when done).
 */
export async function moveOrigins(ctx: RunbookContext, ingress: IngressRuntime, to: Role): Promise<string[]> {
  const failures: string[] = [];
  for (const [role, enabled] of [
    [to, true],
    [other(to), false],
  ] as const) {
    const want = enabled ? "Enabled" : "Disabled";
    const name = ingress.frontDoor.location.origins[role];
    try {
      const before = await ingress.frontDoor.getOrigin(role);
      if (before.enabledState === undefined) throw new Error("it does not exist");
      if (before.enabledState === want) {
        ctx.out.line(`  origin ${name} (${role}): already ${want}`);
        continue;
      }
      await ingress.frontDoor.setOriginEnabled(role, enabled);
      ctx.audit({
        command: ctx.command,
        account: "secondary",
        target: `front door origin ${name}`,
        action: enabled ? "enable" : "disable",
        before: before.enabledState,
        after: want,
        result: "ok",
      });
      ctx.out.line(`  origin ${name} (${role}): ${want}`);
    } catch (e) {
      const error = describeError(e);
      failures.push(`origin ${name}: ${error}`);
      ctx.audit({
        command: ctx.command,
        account: "secondary",
        target: `front door origin ${name}`,
        action: enabled ? "enable" : "disable",
        result: "failed",
        error,
      });
      // Never disable the old origin when the new one could not be enabled: traffic would go nowhere.
      if (enabled) break;
    }
  }
  return failures;
}

export interface Propagation {
  readonly ok: boolean;
  readonly detail: string;
  readonly seconds: number;
  readonly probes: number;
}

/**
 * Waits until Front Door has propagated the switch to `to`: both origins deployed in their wanted
 * state, and `consecutive` probe rounds in a row in which every partner URL is answered by the
 * target region. Bounded by `propagationTimeoutMs`; progress on stderr after every round.
 */
export async function waitForPropagation(
  ctx: RunbookContext,
  ingress: IngressRuntime,
  to: Role,
  targetRegion: string,
): Promise<Propagation> {
  const started = Date.now();
  const bound = Math.round(ingress.propagationTimeoutMs / 1000);
  let streak = 0;
  let probes = 0;
  for (;;) {
    const [target, old] = await Promise.all([
      ingress.frontDoor.getOrigin(to).catch((e: unknown) => ({ error: describeError(e) })),
      ingress.frontDoor.getOrigin(other(to)).catch((e: unknown) => ({ error: describeError(e) })),
    ]);
    const deployed = (o: OriginState | { error: string }, want: string) =>
      "enabledState" in o && o.enabledState === want && (o.deploymentStatus ?? "Succeeded") === "Succeeded";
    const originsDone = deployed(target, "Enabled") && deployed(old, "Disabled");
    const results = await Promise.all(ingress.partnerUrls.map((u) => ingress.probe(u)));
    probes += results.length;
    const reached = results.length > 0 && results.every((r) => r.status === 200 && r.region === targetRegion);
    streak = reached ? streak + 1 : 0;
    const elapsed = Math.round((Date.now() - started) / 1000);
    const show = (o: OriginState | { error: string }) =>
      "error" in o
        ? `unreadable (${o.error})`
        : `${o.enabledState ?? "missing"}, deployment ${o.deploymentStatus ?? "unknown"}`;
    ctx.out.progress(
      `waiting for Front Door propagation: ${elapsed}s of at most ${bound}s; ` +
        `origin ${to} ${show(target)}, origin ${other(to)} ${show(old)}; ` +
        results.map((r) => `${r.url} -> ${r.region ?? r.error ?? `HTTP ${r.status}`}`).join(", ") +
        ` (${streak}/${ingress.consecutive} in a row)`,
    );
    if (originsDone && streak >= ingress.consecutive) {
      return {
        ok: true,
        detail: `propagated after ${elapsed}s: every partner URL reaches ${targetRegion}`,
        seconds: elapsed,
        probes,
      };
    }
    if (Date.now() - started >= ingress.propagationTimeoutMs) {
      const last = results.map((r) => `${r.url} -> ${r.region ?? r.error ?? `HTTP ${r.status}`}`).join(", ");
      return {
        ok: false,
        detail:
          `Front Door has not propagated the switch to ${targetRegion} after ${bound}s ` +
          `(origins ${originsDone ? "deployed" : "not yet deployed"}; last probe: ${last || "no partner URL"})`,
        seconds: elapsed,
        probes,
      };
    }
    await ctx.sleep(ingress.propagationPollMs);
  }
}

/**
 * The ingress step of failover (`to` = secondary) and fallback (`to` = primary): move the origin,
 * then wait for propagation. Returns an error message, or undefined when partner traffic now
 * reaches `to`'s region.
 */
export async function switchIngress(ctx: RunbookContext, to: Role): Promise<string | undefined> {
  const ingress = ctx.ingress;
  if (ingress === undefined) return undefined;
  const region = ctx.outputs[to].drManifest.region;
  const failures = await moveOrigins(ctx, ingress, to);
  if (failures.length > 0)
    return `could not move partner traffic to ${region}: ${failures.join("; ")}. Run the command again.`;
  const result = await waitForPropagation(ctx, ingress, to, region);
  ctx.out.line(`  ${result.detail}`);
  if (!result.ok) return `${result.detail}. Run the command again to keep waiting; the origins are already switched.`;
  return undefined;
}

/** `status`: which origin is enabled, and whether the partner URLs reach the active region. */
export async function ingressChecks(
  ctx: RunbookContext,
  activeRole: Role,
): Promise<{ name: string; ok: boolean; detail: string }[]> {
  const ingress = ctx.ingress;
  if (ingress === undefined) return [];
  const region = ctx.outputs[activeRole].drManifest.region;
  const checks: { name: string; ok: boolean; detail: string }[] = [];
  const states = await Promise.all(
    (["primary", "secondary"] as const).map(async (role) => {
      try {
        return { role, state: await ingress.frontDoor.getOrigin(role) };
      } catch (e) {
        return { role, error: describeError(e) };
      }
    }),
  );
  const enabled = states.filter((s) => s.state?.enabledState === "Enabled").map((s) => s.role);
  const unreadable = states.filter((s) => s.error !== undefined);
  ctx.out.line(
    `Partner ingress: enabled origin ${enabled.map((r) => `${ingress.frontDoor.location.origins[r]} (${r}, ${ctx.outputs[r].drManifest.region})`).join(", ") || "none"}`,
  );
  checks.push({
    name: "ingress origin",
    ok: unreadable.length === 0 && enabled.length === 1 && enabled[0] === activeRole,
    detail:
      unreadable.length > 0
        ? `unreadable: ${unreadable.map((s) => `${s.role}: ${s.error}`).join("; ")}`
        : `enabled: ${enabled.join(", ") || "none"}; expected exactly ${activeRole}`,
  });
  for (const url of ingress.partnerUrls) {
    const r = await ingress.probe(url);
    ctx.out.line(`  probe ${url}: ${r.region ?? r.error ?? `HTTP ${r.status}`}`);
    checks.push({
      name: `partner URL ${url}`,
      ok: r.status === 200 && r.region === region,
      detail:
        r.error !== undefined
          ? `unreachable (${r.error})`
          : `answered by ${r.region ?? "no region header"} (HTTP ${r.status}), expected ${region}`,
    });
  }
  return checks;
}
