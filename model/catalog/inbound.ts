/**
 * Inbound flows (`inbound.yaml`): the partner-facing side of the business workflows. Each flow gets
 * one stable URL (Azure Front Door) that reaches the active region's workflow through that region's
 * API Management gateway (docs/ingress.md). The file is optional; without it there is no ingress.
 *
 * ```yaml
 * publisher: { name: Contoso, email: b2b-ops@contoso.example }   # API Management publisher
 * flows:
 *   - name: as2-receive            # 1-40 lower-case letters, digits, '-'
 *     workflow: as2-receive        # a workflows.yaml workflow with a Request trigger
 *     path: /as2                   # the partner-facing path, unique
 *     customDomain:                # optional: a managed certificate, DNS records in this Azure DNS zone
 *       hostName: b2b.contoso.com
 *       dnsZone: /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/dnsZones/contoso.com
 * ```
 *
 * Validated like the rest of the catalog: every problem at once, each with file, line, path, value
 * and fix.
 */
import { z } from "zod";
import type { Problem } from "../problems";
import { Checked, locate } from "./rules/result";
import type { BusinessWorkflow } from "./model";
import type { YamlSource } from "./yamlFile";

export const INBOUND_FILE = "inbound.yaml";

export const inboundFileSchema = z.strictObject({
  /** API Management requires a publisher (name and e-mail) on every service. */
  publisher: z.strictObject({ name: z.string().min(1).max(100), email: z.string().min(3).max(100) }).optional(),
  flows: z
    .array(
      z.strictObject({
        name: z.string(),
        workflow: z.string(),
        path: z.string(),
        customDomain: z.strictObject({ hostName: z.string(), dnsZone: z.string() }).optional(),
      }),
    )
    .default([]),
});

export type InboundFile = z.infer<typeof inboundFileSchema>;

export interface CustomDomain {
  /** The partner-facing host name, e.g. `b2b.contoso.com`. */
  readonly hostName: string;
  /** Resource id of the Azure DNS zone that holds `hostName` (Front Door validates and issues the certificate). */
  readonly dnsZoneId: string;
  /** The zone's name, e.g. `contoso.com`. */
  readonly zoneName: string;
  /** The record name inside the zone, e.g. `b2b` (`@` for the apex). */
  readonly recordName: string;
}

export interface InboundFlow {
  readonly name: string;
  /** The business workflow (catalog name) whose Request trigger receives the flow. */
  readonly workflow: string;
  /** That workflow's Request trigger. */
  readonly trigger: string;
  /** The partner-facing path, e.g. `/as2` (leading slash, no trailing slash). */
  readonly path: string;
  readonly customDomain: CustomDomain | undefined;
}

export interface Inbound {
  readonly publisher: { readonly name: string; readonly email: string } | undefined;
  readonly flows: readonly InboundFlow[];
}

export const NO_INBOUND: Inbound = { publisher: undefined, flows: [] };

const FLOW_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** Lower-case path segments of letters, digits, '-', '_' and '.': what Front Door and APIM both match verbatim. */
const FLOW_PATH = /^(\/[a-z0-9][a-z0-9._-]*)+$/;
const HOST_NAME = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const DNS_ZONE_ID =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.Network\/dnszones\/([a-z0-9.-]+)$/i;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** The flows of `inbound.yaml`, checked against the catalog's workflows. */
export function checkInbound(
  file: InboundFile,
  source: YamlSource | undefined,
  workflows: readonly BusinessWorkflow[],
): Checked<Inbound> {
  const problems: Problem[] = [];
  const at = (p: readonly PropertyKey[], value: unknown, message: string, fix: string): Problem =>
    locate(source, INBOUND_FILE, p, value, message, fix);
  const flows: InboundFlow[] = [];
  const names = new Set<string>();
  const paths = new Map<string, number>();
  const hosts = new Set<string>();
  const withTrigger = workflows.filter((w) => w.requestTrigger !== undefined).map((w) => w.name);

  if (file.flows.length > 0 && file.publisher === undefined) {
    problems.push(
      at(
        ["publisher"],
        undefined,
        "is required when flows are declared: every API Management service needs a publisher",
        "add publisher: { name: <your organisation>, email: <operations mailbox> }",
      ),
    );
  }
  if (file.publisher !== undefined && !EMAIL.test(file.publisher.email)) {
    problems.push(
      at(
        ["publisher", "email"],
        file.publisher.email,
        "is not an e-mail address",
        "give the operations mailbox, e.g. b2b-ops@contoso.example",
      ),
    );
  }

  file.flows.forEach((f, i) => {
    const p = (...rest: PropertyKey[]) => ["flows", i, ...rest];
    let ok = true;
    if (!FLOW_NAME.test(f.name)) {
      problems.push(
        at(
          p("name"),
          f.name,
          "is not a flow name",
          "use 1-40 lower-case letters, digits or '-' (it names the API Management API and the Front Door route)",
        ),
      );
      ok = false;
    } else if (names.has(f.name)) {
      problems.push(at(p("name"), f.name, "duplicates another flow's name", "give each flow a unique name"));
      ok = false;
    }
    names.add(f.name);

    const workflow = workflows.find((w) => w.name === f.workflow);
    if (workflow === undefined || workflow.requestTrigger === undefined) {
      problems.push(
        at(
          p("workflow"),
          f.workflow,
          workflow === undefined
            ? "names a workflow that is not in workflows.yaml"
            : "names a workflow without a Request trigger, so partners cannot call it",
          `use one of: ${withTrigger.join(", ") || "(no workflow with a Request trigger in workflows.yaml)"}`,
        ),
      );
      ok = false;
    }

    if (!FLOW_PATH.test(f.path)) {
      problems.push(
        at(
          p("path"),
          f.path,
          "is not a partner-facing path",
          "use a leading '/', lower-case segments of letters, digits, '-', '_' or '.', no trailing '/' or wildcard, e.g. /as2",
        ),
      );
      ok = false;
    } else {
      // Front Door matches a pattern and everything under it: /as2 would also take /as2/mdn.
      const clash = [...paths.entries()].find(
        ([q]) => q === f.path || q.startsWith(`${f.path}/`) || f.path.startsWith(`${q}/`),
      );
      if (clash !== undefined) {
        problems.push(
          at(
            p("path"),
            f.path,
            `overlaps the path ${clash[0]} of flows[${clash[1]}]`,
            "give each flow its own path, neither inside the other",
          ),
        );
        ok = false;
      }
      paths.set(f.path, i);
    }

    let customDomain: CustomDomain | undefined;
    if (f.customDomain !== undefined) {
      const host = f.customDomain.hostName.toLowerCase();
      const zone = DNS_ZONE_ID.exec(f.customDomain.dnsZone);
      if (!HOST_NAME.test(host)) {
        problems.push(
          at(
            p("customDomain", "hostName"),
            f.customDomain.hostName,
            "is not a DNS host name",
            "give a fully qualified name such as b2b.contoso.com",
          ),
        );
        ok = false;
      } else if (hosts.has(host)) {
        problems.push(
          at(
            p("customDomain", "hostName"),
            f.customDomain.hostName,
            "is already the custom domain of another flow",
            "one custom domain serves several paths: remove it here, or give each flow a distinct host name",
          ),
        );
        ok = false;
      }
      if (zone === null) {
        problems.push(
          at(
            p("customDomain", "dnsZone"),
            f.customDomain.dnsZone,
            "is not the resource id of an Azure DNS zone",
            "copy the zone's resource id: /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/dnszones/<zone>",
          ),
        );
        ok = false;
      } else {
        const zoneName = zone[1]!.toLowerCase();
        if (host !== zoneName && !host.endsWith(`.${zoneName}`)) {
          problems.push(
            at(
              p("customDomain", "hostName"),
              f.customDomain.hostName,
              `is not inside the DNS zone ${zoneName}`,
              `use a host name ending in .${zoneName}, or the zone that holds it`,
            ),
          );
          ok = false;
        } else {
          customDomain = {
            hostName: host,
            dnsZoneId: f.customDomain.dnsZone,
            zoneName,
            recordName: host === zoneName ? "@" : host.slice(0, -zoneName.length - 1),
          };
        }
      }
      hosts.add(host);
    }
    if (ok)
      flows.push({
        name: f.name,
        workflow: f.workflow,
        trigger: workflow!.requestTrigger!,
        path: f.path,
        customDomain,
      });
  });
  return { value: { publisher: file.publisher, flows }, problems, warnings: [] };
}

/** The inbound flow that receives `workflow`'s traffic, if any (the stable URL of AS2 MDN receipts). */
export function flowOfWorkflow(inbound: Inbound | undefined, workflow: string): InboundFlow | undefined {
  return inbound?.flows.find((f) => f.workflow === workflow);
}
