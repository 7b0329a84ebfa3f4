/**
 * Announcing the switch: `failover` and `fallback` notify when they start and when they complete or
 * fail, with the epoch, the regions and the bump summary, on two channels:
 *
 * - a chat webhook: `B2B_DR_NOTIFY_WEBHOOK_URL` (a secret: read from the environment only, never
 *   printed, logged or written to the audit log). The body is `{"text": "..."}`, which Slack,
 *   Mattermost, Google Chat and Teams incoming webhooks accept.
 * - e-mail through the replication action group: the runbook sends an Application Insights custom
 *   event `b2b-dr switch` to the secondary's Application Insights (`B2B_DR_APPINSIGHTS_CONNECTION_STRING`);
 *   a log search alert rule declared by the secondary stack (components/monitoring.ts) fires on it and
 *   notifies the action group, whose e-mail receivers get the event's fields as dimensions. Azure
 *   Monitor has no API to make an action group send a message of one's own (the action group
 *   "test notifications" API sends canned test payloads), so a log alert is the documented path:
 *   https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-log-alert-rule
 *
 * Notifications are best effort: a receiver that fails gives a warning; the switch goes on.
 */
import type { DrPhase } from "../model/config";

export const WEBHOOK_ENV = "B2B_DR_NOTIFY_WEBHOOK_URL";
export const APPINSIGHTS_ENV = "B2B_DR_APPINSIGHTS_CONNECTION_STRING";
/** Name of the custom event; the log alert rule of components/monitoring.ts matches it (a test checks). */
export const SWITCH_EVENT = "b2b-dr switch";

export interface SwitchEvent {
  readonly command: "failover" | "fallback";
  readonly stage: "started" | "completed" | "failed";
  readonly epoch: number;
  /** The phase the authority holds after this stage. */
  readonly phase: DrPhase;
  /** The region becoming active, and the one it takes over from. */
  readonly regions: { readonly from: string; readonly to: string };
  /** e.g. `4 sessions bumped (Contoso-Fabrikam-X12-ICN 5000 -> 5880, ...)` */
  readonly bumps: string;
  readonly errors?: readonly string[];
}

/** The one-paragraph text of an event, as chat and e-mail show it. */
export function eventText(e: SwitchEvent): string {
  const verb = e.command === "failover" ? "Failover" : "Fallback";
  const stage = e.stage === "started" ? "STARTED" : e.stage === "completed" ? "COMPLETED" : "FAILED";
  const lines = [
    `b2b-dr: ${verb} ${e.epoch} ${stage}: ${e.regions.from} -> ${e.regions.to} (phase authority: ${e.phase}).`,
    `Control numbers: ${e.bumps}.`,
  ];
  if (e.errors?.length) lines.push(`Errors: ${e.errors.join("; ")}`);
  if (e.stage === "failed") lines.push(`Rerun \`npm run dr -- ${e.command}\` to resume.`);
  return lines.join("\n");
}

export interface Notifier {
  /** Sends the event to every configured receiver; returns one warning per receiver that failed. */
  notify(event: SwitchEvent): Promise<string[]>;
  /** Names of the configured receivers (never their URLs), for the plan printed before asking. */
  readonly receivers: readonly string[];
}

type Fetch = typeof fetch;

async function post(fetchFn: Fetch, url: string, body: unknown, timeoutMs: number): Promise<void> {
  const response = await fetchFn(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
}

/** `InstrumentationKey=…;IngestionEndpoint=https://…/` into its two parts. */
export function parseConnectionString(text: string): { iKey: string; ingestionEndpoint: string } {
  const parts = Object.fromEntries(
    text
      .split(";")
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => {
        const i = p.indexOf("=");
        return [p.slice(0, i).toLowerCase(), p.slice(i + 1)];
      }),
  );
  const iKey = parts.instrumentationkey;
  const ingestionEndpoint = parts.ingestionendpoint;
  if (!iKey || !ingestionEndpoint)
    throw new Error(
      `${APPINSIGHTS_ENV} is not an Application Insights connection string (InstrumentationKey=…;IngestionEndpoint=…). ` +
        "Fix: copy it from the secondary's Application Insights resource (Overview, Connection String).",
    );
  return { iKey, ingestionEndpoint: ingestionEndpoint.replace(/\/?$/, "/") };
}

/** The Application Insights track payload of a custom event (Breeze `EventData`). */
export function trackPayload(e: SwitchEvent, iKey: string, now: Date) {
  return [
    {
      name: "Microsoft.ApplicationInsights.Event",
      time: now.toISOString(),
      iKey,
      data: {
        baseType: "EventData",
        baseData: {
          ver: 2,
          name: SWITCH_EVENT,
          properties: {
            command: e.command,
            stage: e.stage,
            epoch: String(e.epoch),
            phase: e.phase,
            from: e.regions.from,
            to: e.regions.to,
            bumps: e.bumps,
            text: eventText(e),
          },
        },
      },
    },
  ];
}

/**
 * The notifier configured by the environment. Bad settings are found here, before the switch
 * starts (the caller turns the thrown error into exit code 2).
 */
export function notifierFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  options: { fetch?: Fetch; timeoutMs?: number; now?: () => Date } = {},
): Notifier {
  const fetchFn = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? (() => new Date());
  const channels: { name: string; send: (e: SwitchEvent) => Promise<void> }[] = [];
  const webhook = env[WEBHOOK_ENV];
  if (webhook) {
    let url: URL;
    try {
      url = new URL(webhook);
    } catch {
      throw new Error(
        `${WEBHOOK_ENV} is not a URL (value not shown: it is a secret). Fix: set the chat tool's incoming-webhook URL.`,
      );
    }
    if (url.protocol !== "https:" && url.hostname !== "127.0.0.1")
      throw new Error(`${WEBHOOK_ENV} must be an https URL (value not shown: it is a secret).`);
    channels.push({
      name: `chat webhook (${WEBHOOK_ENV})`,
      send: (e) => post(fetchFn, webhook, { text: eventText(e) }, timeoutMs),
    });
  }
  const appInsights = env[APPINSIGHTS_ENV];
  if (appInsights) {
    const { iKey, ingestionEndpoint } = parseConnectionString(appInsights);
    channels.push({
      name: `e-mail via the action group (Application Insights event, ${APPINSIGHTS_ENV})`,
      send: (e) => post(fetchFn, `${ingestionEndpoint}v2/track`, trackPayload(e, iKey, now()), timeoutMs),
    });
  }
  return {
    receivers: channels.map((c) => c.name),
    async notify(event) {
      const results = await Promise.allSettled(channels.map((c) => c.send(event)));
      return results.flatMap((r, i) =>
        r.status === "fulfilled"
          ? []
          : [
              `could not notify the ${channels[i]!.name}: ${r.reason instanceof Error ? (r.reason.name === "TimeoutError" ? "timed out" : r.reason.message) : String(r.reason)} (the switch goes on)`,
            ],
      );
    },
  };
}

/** What the announcement wrapper needs from a runbook context. */
interface AnnounceContext {
  readonly confirm: (question: string) => Promise<boolean>;
  readonly bumpSizes: ReadonlyMap<string, number>;
  readonly outputs: Readonly<Record<"primary" | "secondary", { readonly drManifest: { readonly region: string } }>>;
  readonly out: { line(text: string): void };
}

interface AnnouncedResult {
  readonly status: string;
  readonly phase: DrPhase;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  readonly details: Record<string, unknown>;
}

/** The bump summary of a result's details (runbook/steps.ts `report`), or the plan before the bump. */
export function bumpSummary(details: Record<string, unknown>, sizes: ReadonlyMap<string, number>): string {
  if (typeof details.bumped === "number") {
    const created = Array.isArray(details.created) ? details.created.length : 0;
    const skipped = Array.isArray(details.skipped) ? details.skipped.length : 0;
    return `${details.bumped} sessions bumped (${created} created), ${String(details.alreadyBumped ?? 0)} already bumped, ${skipped} skipped`;
  }
  const values = [...sizes.values()];
  if (values.length === 0) return "no X12/EDIFACT agreement to bump";
  return `to bump: ${values.length} X12/EDIFACT agreements, bumps ${Math.min(...values)}-${Math.max(...values)}`;
}

/**
 * Runs `failover` or `fallback` with announcements: "started" once the operator confirmed (never on a
 * dry run or a refusal), then "completed" (also for a resumed run that completes), "failed", or
 * "completed" with a note when only `pulumi` commands are left for a person. Every notification
 * warning is added to the result's warnings and printed; the switch never fails because of one.
 */
export async function withAnnouncements<C extends AnnounceContext, R extends AnnouncedResult>(
  command: "failover" | "fallback",
  ctx: C,
  notifier: Notifier,
  op: (ctx: C) => Promise<R>,
  /** The epoch the command works on, read when it starts (the runbook's records). */
  epochOf: () => Promise<number>,
): Promise<R> {
  if (notifier.receivers.length === 0) return op(ctx);
  const regions =
    command === "failover"
      ? { from: ctx.outputs.primary.drManifest.region, to: ctx.outputs.secondary.drManifest.region }
      : { from: ctx.outputs.secondary.drManifest.region, to: ctx.outputs.primary.drManifest.region };
  /** The phase the pair is in while the command runs, until it reports its own. */
  const phaseBefore = command === "failover" ? "normal" : "failover";
  const warnings: string[] = [];
  const send = async (e: SwitchEvent) => {
    for (const w of await notifier.notify(e)) {
      warnings.push(w);
      ctx.out.line(`  warning: ${w}`);
    }
  };
  let started = false;
  let epoch = 0;
  const confirm = async (question: string) => {
    const yes = await ctx.confirm(question);
    if (yes && !started) {
      started = true;
      epoch = await epochOf().catch(() => 0);
      await send({
        command,
        stage: "started",
        epoch,
        phase: phaseBefore,
        regions,
        bumps: bumpSummary({}, ctx.bumpSizes),
      });
    }
    return yes;
  };
  let result: R;
  try {
    result = await op({ ...ctx, confirm });
  } catch (e) {
    if (started)
      await send({
        command,
        stage: "failed",
        epoch,
        phase: phaseBefore,
        regions,
        bumps: "unknown (the command stopped with an error)",
        errors: [e instanceof Error ? e.message.split("\n")[0]! : String(e)],
      });
    throw e;
  }
  epoch = typeof result.details.epoch === "number" ? result.details.epoch : epoch;
  const stage =
    result.status === "done" || result.status === "waiting-for-pulumi"
      ? "completed"
      : result.status === "failed" && started
        ? "failed"
        : undefined;
  if (stage !== undefined && (started || result.status === "done")) {
    await send({
      command,
      stage,
      epoch,
      phase: result.phase,
      regions,
      bumps:
        bumpSummary(result.details, ctx.bumpSizes) +
        (result.status === "waiting-for-pulumi" ? "; waiting for the printed pulumi commands, then a rerun" : ""),
      errors: result.errors,
    });
  }
  return warnings.length === 0 ? result : { ...result, warnings: [...result.warnings, ...warnings] };
}
