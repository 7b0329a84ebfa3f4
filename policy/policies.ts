/**
 * CrossGuard policies guarding the DR invariants at preview time. Exported as plain objects so tests
 * can call them directly; `index.ts` builds the PolicyPack (whose constructor starts the analyzer).
 *
 * Policies see resources, not the stack config: the program tags what they need (`model/tags.ts`).
 * The pack imports nothing outside this folder (`./constants` holds the values it shares with the program).
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { CONTROL_NUMBER_MAX, CONTROL_NUMBER_MIN, TAG } from "./constants";

const T = {
  integrationAccount: "azure-native:logic:IntegrationAccount",
  agreement: "azure-native:logic:IntegrationAccountAgreement",
  session: "azure-native:logic:IntegrationAccountSession",
  workflow: "azure-native:logic:Workflow",
  connection: "azure-native:web:Connection",
} as const;

type Props = Record<string, unknown>;
const isNonProduction = (props: Props) =>
  (props.tags as Record<string, string> | undefined)?.[TAG.production] === "false";

function only(type: string, check: (args: ResourceValidationArgs, report: ReportViolation) => void) {
  return (args: ResourceValidationArgs, report: ReportViolation) => {
    if (args.type === type) check(args, report);
  };
}

export const integrationAccountSku: ResourceValidationPolicy = {
  name: "b2b-dr-integration-account-sku",
  description:
    "Integration accounts use the Standard SKU (SLA, 1,000 agreements) unless the stack is marked non-production.",
  enforcementLevel: "mandatory",
  validateResource: only(T.integrationAccount, (args, report) => {
    const sku = (args.props.sku as { name?: string } | undefined)?.name;
    if (sku !== "Standard" && !isNonProduction(args.props)) {
      report(
        `Integration account ${args.name} uses SKU ${sku ?? "(none)"}. Use Standard, or set b2b-dr:nonProduction: true on a non-production stack.`,
      );
    }
  }),
};

export const integrationAccountProtected: ResourceValidationPolicy = {
  name: "b2b-dr-integration-account-protected",
  description:
    "Integration accounts (they hold the B2B runtime state) are protected from deletion, unless the stack is non-production.",
  enforcementLevel: "mandatory",
  validateResource: only(T.integrationAccount, (args, report) => {
    if (!args.opts.protect && !isNonProduction(args.props)) {
      report(
        `Integration account ${args.name} is not protected. Keep b2b-dr:protect: true (or mark the stack non-production).`,
      );
    }
  }),
};

export const noSessionResources: ResourceValidationPolicy = {
  name: "b2b-dr-no-session-resources",
  description: "Integration-account sessions (runtime control numbers) are never Pulumi resources.",
  enforcementLevel: "mandatory",
  validateResource: only(T.session, (args, report) => {
    report(
      `${args.name} declares an integration-account session. The B2B runtime owns sessions; pulumi up would overwrite or delete live control numbers. Change them with the runbook (npm run dr -- bump).`,
    );
  }),
};

type OneWay = { protocolSettings?: Record<string, Record<string, unknown> | undefined> };
type Content = Record<string, { receiveAgreement?: OneWay; sendAgreement?: OneWay } | undefined>;

const DUPLICATE_CHECKS = [
  "checkDuplicateInterchangeControlNumber",
  "checkDuplicateGroupControlNumber",
  "checkDuplicateTransactionSetControlNumber",
] as const;

export const receiveDuplicateChecks: ResourceValidationPolicy = {
  name: "b2b-dr-receive-duplicate-checks",
  description:
    "X12 and EDIFACT receive agreements check interchange, group and transaction-set control numbers for duplicates (the DR prerequisite).",
  enforcementLevel: "mandatory",
  validateResource: only(T.agreement, (args, report) => {
    const content = args.props.content as Content | undefined;
    for (const key of ["x12", "edifact"]) {
      const v = content?.[key]?.receiveAgreement?.protocolSettings?.validationSettings;
      if (content?.[key] === undefined) continue;
      const off = DUPLICATE_CHECKS.filter((c) => v?.[c] !== true);
      if (off.length > 0)
        report(
          `Agreement ${args.name}: the receive side has ${off.join(", ")} off; after a failover, partner resends would be processed twice. Turn them on.`,
        );
    }
  }),
};

const BOUNDED = [
  ["envelopeSettings", "interchange"],
  ["envelopeSettings", "group"],
  ["envelopeSettings", "transactionSet"],
  ["acknowledgementSettings", "acknowledgement"],
] as const;

export const controlNumberBounds: ResourceValidationPolicy = {
  name: "b2b-dr-control-number-bounds",
  description: `Control-number bounds of X12/EDIFACT agreements lie within ${CONTROL_NUMBER_MIN}..${CONTROL_NUMBER_MAX}, lower ≤ upper.`,
  enforcementLevel: "mandatory",
  validateResource: only(T.agreement, (args, report) => {
    const content = args.props.content as Content | undefined;
    for (const key of ["x12", "edifact"]) {
      for (const side of ["receiveAgreement", "sendAgreement"] as const) {
        const settings = content?.[key]?.[side]?.protocolSettings;
        if (settings === undefined) continue;
        for (const [block, kind] of BOUNDED) {
          const lower = settings[block]?.[`${kind}ControlNumberLowerBound`];
          const upper = settings[block]?.[`${kind}ControlNumberUpperBound`];
          const inRange = (n: unknown) => typeof n === "number" && n >= CONTROL_NUMBER_MIN && n <= CONTROL_NUMBER_MAX;
          if (!inRange(lower) || !inRange(upper) || (lower as number) > (upper as number)) {
            report(
              `Agreement ${args.name} ${side}: ${kind} control numbers ${String(lower)}..${String(upper)} are not within ${CONTROL_NUMBER_MIN}..${CONTROL_NUMBER_MAX} with lower ≤ upper.`,
            );
          }
        }
      }
    }
  }),
};

/** Where a SAS URL may be: inputs the program makes secret (and whose outputs it keeps secret). */
const SANCTIONED_SAS_PATHS: Readonly<Record<string, { path: readonly string[]; secretOutput: string }>> = {
  [T.connection]: { path: ["properties", "parameterValues", "integrationAccountUrl"], secretOutput: "properties" },
  [T.agreement]: {
    path: ["content", "aS2", "sendAgreement", "protocolSettings", "mdnSettings", "receiptDeliveryUrl"],
    secretOutput: "content",
  },
  // The partner ingress: a trigger's callback URL parts live in secret API Management named values.
  "azure-native:apimanagement:NamedValue": { path: ["value"], secretOutput: "value" },
};

const SAS = /[?&]sig=[^&\s"]+/i;

function sasPaths(value: unknown, path: string[] = []): string[][] {
  if (typeof value === "string") return SAS.test(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => sasPaths(v, [...path, String(i)]));
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => sasPaths(v, [...path, k]));
  return [];
}

export const callbackUrlsSecret: StackValidationPolicy = {
  name: "b2b-dr-callback-urls-secret",
  description:
    "Integration-account and workflow callback (SAS) URLs appear only in inputs b2b-dr keeps secret, never in plain properties.",
  enforcementLevel: "mandatory",
  validateStack: (args: StackValidationArgs, report: ReportViolation) => {
    for (const r of args.resources) {
      for (const path of sasPaths(r.props)) {
        const sanctioned = SANCTIONED_SAS_PATHS[r.type];
        const allowed = sanctioned !== undefined && path.join(".") === sanctioned.path.join(".");
        if (!allowed) {
          report(
            `${r.type} ${r.name}: a SAS URL (sig=…) sits in plain property ${path.join(".")}. Pass it as a secret (pulumi.secret) through a connection, never inline.`,
          );
        } else if (!r.opts.additionalSecretOutputs.includes(sanctioned.secretOutput)) {
          report(
            `${r.type} ${r.name}: holds a SAS URL in ${path.join(".")} but does not keep ${sanctioned.secretOutput} secret (additionalSecretOutputs).`,
          );
        }
      }
    }
  },
};

const tag = (r: PolicyResource, key: string) => (r.props.tags as Record<string, string> | undefined)?.[key];
const PROTOCOL_API: Readonly<Record<string, string>> = { x12: "x12", edifact: "edifact", aS2: "as2" };

export const replicationInNormal: StackValidationPolicy = {
  name: "b2b-dr-replication",
  description:
    "The secondary declares one replication workflow per protocol in use, enabled in phase normal; the two directions are never enabled together.",
  enforcementLevel: "mandatory",
  validateStack: (args: StackValidationArgs, report: ReportViolation) => {
    const account = args.resources.find((r) => r.type === T.integrationAccount);
    const workflows = args.resources.filter((r) => r.type === T.workflow && tag(r, TAG.purpose) === "replication");
    const enabledDirections = new Set(
      workflows.filter((w) => w.props.state === "Enabled").map((w) => tag(w, TAG.direction)),
    );
    if (enabledDirections.size > 1)
      report("Replication runs in both directions at once; only one direction may be enabled in any phase.");
    if (account === undefined || tag(account, TAG.role) !== "secondary") return;
    const protocols = new Set(
      args.resources
        .filter((r) => r.type === T.agreement)
        .flatMap((r) => Object.keys((r.props.content as Content | undefined) ?? {}))
        .map((k) => PROTOCOL_API[k])
        .filter((p): p is string => p !== undefined),
    );
    for (const api of protocols) {
      const wf = workflows.find((w) => String(w.props.workflowName ?? w.name).endsWith(`-${api}-replication`));
      if (wf === undefined) {
        report(
          `The secondary stack declares no ${api} replication workflow, but its account has ${api} agreements: their runtime state would not reach this region.`,
        );
      } else if (tag(wf, TAG.phase) === "normal" && wf.props.state !== "Enabled") {
        report(
          `Replication workflow ${String(wf.props.workflowName ?? wf.name)} is ${String(wf.props.state)} in phase normal; it must be Enabled.`,
        );
      }
    }
  },
};

const FD = {
  originGroup: "azure-native:cdn:AFDOriginGroup",
  origin: "azure-native:cdn:AFDOrigin",
  route: "azure-native:cdn:Route",
};
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

export const ingressNoAutomaticFailover: StackValidationPolicy = {
  name: "b2b-dr-ingress-no-automatic-failover",
  description:
    "Front Door origin groups of the partner ingress have no health probes and routes no rule sets: traffic moves only when the DR phase moves it (control numbers are bumped first).",
  enforcementLevel: "mandatory",
  validateStack: (args: StackValidationArgs, report: ReportViolation) => {
    for (const g of args.resources.filter((r) => r.type === FD.originGroup)) {
      if (g.props.healthProbeSettings !== undefined && g.props.healthProbeSettings !== null) {
        report(
          `Front Door origin group ${g.name} has health probes: Front Door would move partner traffic by itself, before control numbers are bumped. Remove healthProbeSettings; the DR phase moves traffic.`,
        );
      }
    }
    for (const r of args.resources.filter((x) => x.type === FD.route)) {
      const ruleSets = r.props.ruleSets as unknown[] | undefined;
      if (Array.isArray(ruleSets) && ruleSets.length > 0) {
        report(
          `Front Door route ${r.name} has rule sets, which can override its origin group and bypass the phase switch. Remove ruleSets.`,
        );
      }
    }
  },
};

export const ingressOneEnabledOrigin: StackValidationPolicy = {
  name: "b2b-dr-ingress-one-enabled-origin",
  description:
    "Every partner-facing route of the ingress reaches exactly one enabled Front Door origin (the active region's), in every phase.",
  enforcementLevel: "mandatory",
  validateStack: (args: StackValidationArgs, report: ReportViolation) => {
    const groups = args.resources.filter((r) => r.type === FD.originGroup);
    const origins = args.resources.filter((r) => r.type === FD.origin);
    const groupName = (g: PolicyResource) => str(g.props.originGroupName) ?? g.name;
    // A value unknown at preview (a new group's id or name) can only mean the stack's one group.
    const sole = groups.length === 1 ? groups[0] : undefined;
    const groupOfRoute = (r: PolicyResource) => {
      const id = str((r.props.originGroup as { id?: unknown } | undefined)?.id);
      const name = id === undefined ? undefined : /\/originGroups\/([^/]+)$/i.exec(id)?.[1];
      return name === undefined ? sole : groups.find((g) => groupName(g).toLowerCase() === name.toLowerCase());
    };
    const originsOf = (g: PolicyResource) =>
      origins.filter((o) => {
        const n = str(o.props.originGroupName);
        return n === undefined ? g === sole : n.toLowerCase() === groupName(g).toLowerCase();
      });
    for (const route of args.resources.filter((r) => r.type === FD.route)) {
      const group = groupOfRoute(route);
      if (group === undefined) {
        report(`Front Door route ${route.name} names an origin group this stack does not declare.`);
        continue;
      }
      // ARM's default enabledState is Enabled: an origin without it counts as enabled.
      const enabled = originsOf(group).filter(
        (o) => o.props.enabledState === undefined || o.props.enabledState === "Enabled",
      );
      if (enabled.length !== 1) {
        report(
          `Front Door route ${route.name} reaches ${enabled.length} enabled origins (${
            enabled
              .map((o) => o.name)
              .sort()
              .join(", ") || "none"
          }) in origin group ${groupName(group)}; exactly one, the active region's, must be enabled. Set enabledState from the DR phase.`,
        );
      }
    }
  },
};

export const resourcePolicies: readonly ResourceValidationPolicy[] = [
  integrationAccountSku,
  integrationAccountProtected,
  noSessionResources,
  receiveDuplicateChecks,
  controlNumberBounds,
];
export const stackPolicies: readonly StackValidationPolicy[] = [
  callbackUrlsSecret,
  replicationInNormal,
  ingressNoAutomaticFailover,
  ingressOneEnabledOrigin,
];
