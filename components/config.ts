/**
 * Stack configuration: read once, validated with a schema, turned into one typed object.
 *
 * The same parser serves the Pulumi program (values from the engine, all strings) and the offline
 * plan (values from `Pulumi.<stack>.yaml`, typed by YAML), so both report the same problems.
 * Every key is declared, with type and description, in `Pulumi.yaml`; a test keeps the two in step.
 */
import { z } from "zod";
import { Problem, pathText } from "./problems";

/** Pulumi project name; config keys are `b2b-dr:<key>`. */
export const PROJECT = "b2b-dr";

export const ROLES = ["primary", "secondary"] as const;
export type Role = (typeof ROLES)[number];

/** The DR phase. One source of truth: the secondary stack's `drPhase`; the primary follows it. */
export const DR_PHASES = ["normal", "failover", "failback"] as const;
export type DrPhase = (typeof DR_PHASES)[number];

export const SKUS = ["Free", "Basic", "Standard"] as const;
export type Sku = (typeof SKUS)[number];

/** Azure public-cloud region names known to b2b-dr (a region not listed only draws a warning). */
export const KNOWN_REGIONS: readonly string[] = [
  "australiacentral",
  "australiaeast",
  "australiasoutheast",
  "austriaeast",
  "belgiumcentral",
  "brazilsouth",
  "brazilsoutheast",
  "canadacentral",
  "canadaeast",
  "centralindia",
  "centralus",
  "chilecentral",
  "eastasia",
  "eastus",
  "eastus2",
  "francecentral",
  "francesouth",
  "germanynorth",
  "germanywestcentral",
  "indonesiacentral",
  "israelcentral",
  "italynorth",
  "japaneast",
  "japanwest",
  "koreacentral",
  "koreasouth",
  "malaysiawest",
  "mexicocentral",
  "newzealandnorth",
  "northcentralus",
  "northeurope",
  "norwayeast",
  "norwaywest",
  "polandcentral",
  "qatarcentral",
  "southafricanorth",
  "southafricawest",
  "southcentralus",
  "southeastasia",
  "southindia",
  "spaincentral",
  "swedencentral",
  "swedensouth",
  "switzerlandnorth",
  "switzerlandwest",
  "uaecentral",
  "uaenorth",
  "uksouth",
  "ukwest",
  "westcentralus",
  "westeurope",
  "westindia",
  "westus",
  "westus2",
  "westus3",
];

const bool = z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean());
const int = z.preprocess((v) => (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v), z.number().int());
/** A list from YAML, from the engine's JSON string, or a comma-separated string. */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => {
    if (typeof v !== "string") return v;
    const text = v.trim();
    if (text.startsWith("[")) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return v;
      }
    }
    return text === "" ? [] : text.split(",").map((x) => x.trim());
  }, z.array(item));

export const RECURRENCE_FREQUENCIES = ["Second", "Minute", "Hour", "Day"] as const;
/** ISO 8601 duration as Logic Apps retry policies take it, e.g. PT20S, PT5M, PT1H. */
const ISO_DURATION = /^P(?=\d|T\d)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

interface KeySpec {
  readonly schema: z.ZodType;
  /** Pulumi.yaml type. */
  readonly type: "string" | "boolean" | "integer" | "array";
  readonly description: string;
  /** How to fix a bad value. */
  readonly fix: string;
  /** Pulumi.yaml `default`, for keys the Pulumi CLI must not treat as required. */
  readonly default?: string | boolean;
}

/**
 * Every `b2b-dr:*` key. Order here is the order of Pulumi.yaml and of the README table.
 */
export const CONFIG_KEYS = {
  role: {
    schema: z.enum(ROLES),
    type: "string",
    description: "Which side of the DR pair this stack is: primary or secondary.",
    fix: `set b2b-dr:role to one of ${ROLES.join(", ")}`,
  },
  region: {
    schema: z.string().regex(/^[a-z][a-z0-9]+$/),
    type: "string",
    description: "Azure region of this stack's resources, e.g. westeurope (primary) or northeurope (secondary).",
    fix: "use an Azure region name in lower case without spaces, e.g. westeurope (see `az account list-locations -o table`)",
  },
  environment: {
    schema: z.string().regex(/^[a-z0-9]{1,12}$/),
    type: "string",
    description: "Environment name used in resource names (1-12 lower-case letters or digits), e.g. prod.",
    fix: "use 1 to 12 lower-case letters or digits, e.g. prod or test",
  },
  catalogPath: {
    schema: z.string().min(1).default("catalog"),
    type: "string",
    description: "Directory of the trading-partner catalog, relative to the project. Default: catalog.",
    fix: "point b2b-dr:catalogPath at the directory holding partners.yaml, artifacts.yaml and agreements.yaml",
  },
  peerStack: {
    schema: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/),
    type: "string",
    description: "Fully qualified name (org/project/stack) of the other stack of the DR pair.",
    fix: "set b2b-dr:peerStack to <org>/b2b-dr/<stack>, e.g. organization/b2b-dr/secondary (DIY backends use the org 'organization')",
  },
  drPhase: {
    schema: z.enum(DR_PHASES).optional(),
    type: "string",
    description: "DR phase, set on the secondary stack only: normal, failover or failback. Default: normal.",
    fix: `set b2b-dr:drPhase on the secondary stack to one of ${DR_PHASES.join(", ")}`,
  },
  integrationAccountSku: {
    schema: z.enum(SKUS).default("Standard"),
    type: "string",
    description: "Integration account SKU: Free, Basic or Standard. Default: Standard.",
    fix: `use one of ${SKUS.join(", ")}; Standard is the only tier sized for production B2B (1,000 agreements)`,
  },
  protect: {
    schema: bool.default(true),
    type: "boolean",
    description: "Protect the integration account and its resource group from deletion by Pulumi. Default: true.",
    fix: "use true or false",
  },
  lock: {
    schema: bool.default(false),
    type: "boolean",
    description: "Also put an Azure CanNotDelete management lock on the integration account. Default: false.",
    fix: "use true or false",
  },
  callbackUrlNotAfter: {
    schema: z.iso.datetime({ offset: true }).optional(),
    type: "string",
    description:
      "Expiry of the integration account callback (SAS) URL, as a fixed ISO 8601 date-time. Default: Azure's default expiry.",
    fix: "use a fixed ISO 8601 date-time such as 2027-12-31T00:00:00Z (never a computed one: it would change on every run)",
  },
  nonProduction: {
    schema: bool.default(false),
    type: "boolean",
    description:
      "Marks the stack as non-production: the policy pack then allows a Free or Basic SKU and an unprotected account. Default: false.",
    fix: "use true or false",
  },
  replicationFrequency: {
    schema: z.enum(RECURRENCE_FREQUENCIES).default("Minute"),
    type: "string",
    description: "Polling frequency unit of the replication triggers: Second, Minute, Hour or Day. Default: Minute.",
    fix: `use one of ${RECURRENCE_FREQUENCIES.join(", ")}`,
  },
  replicationInterval: {
    schema: int.pipe(z.number().min(1).max(1000)).default(1),
    type: "integer",
    description: "Polling interval of the replication triggers, in replicationFrequency units. Default: 1.",
    fix: "use a whole number from 1 to 1000 (with Minute, 1 is Microsoft's template)",
  },
  replicationStartSyncTime: {
    schema: z.iso.datetime({ offset: true }).optional(),
    type: "string",
    description:
      "Optional startSyncTime of the replication triggers: replicate changes since this fixed ISO 8601 date-time (a resync).",
    fix: "use a fixed ISO 8601 date-time such as 2026-01-01T00:00:00Z, or remove it",
  },
  replicationMaxRunMinutes: {
    schema: int.pipe(z.number().min(0).max(60)).default(1),
    type: "integer",
    description: "Longest expected replication run, in minutes; part of the exported RPO bound. Default: 1.",
    fix: "use a number of minutes from 0 to 60",
  },
  replicationRetryCount: {
    schema: int.pipe(z.number().min(0).max(90)).default(4),
    type: "integer",
    description: "Retries of the replication action (exponential back-off); 0 turns retries off. Default: 4.",
    fix: "use a whole number from 0 to 90 (Logic Apps' limit)",
  },
  replicationRetryInterval: {
    schema: z.string().regex(ISO_DURATION).default("PT20S"),
    type: "string",
    description: "Base interval of the replication action's retries, as an ISO 8601 duration. Default: PT20S.",
    fix: "use an ISO 8601 duration such as PT20S, PT1M or PT1H",
  },
  failoverDecisionMinutes: {
    schema: int.pipe(z.number().min(0).max(1440)).default(15),
    type: "integer",
    description:
      "Minutes from the loss of the primary to the failover (detection and decision); part of the control-number bump. Default: 15.",
    fix: "use a whole number of minutes from 0 to 1440",
  },
  bumpSafetyFactor: {
    schema: int.pipe(z.number().min(1).max(100)).default(2),
    type: "integer",
    description: "Safety factor applied to the computed control-number bump. Default: 2.",
    fix: "use a whole number from 1 to 100",
  },
  bumpMinimum: {
    schema: int.pipe(z.number().min(100).max(100_000_000)).default(100),
    type: "integer",
    description:
      "Smallest control-number bump, whatever the traffic; Microsoft's example bump (+100) is the lowest allowed. Default: 100.",
    fix: "use a whole number of at least 100 (Microsoft's example bump)",
  },
  alertEmails: {
    schema: list(z.email()).default([]),
    type: "array",
    description: "E-mail addresses of the action group alerted when a replication run or trigger fails.",
    fix: "give a YAML list of e-mail addresses, e.g. [edi-oncall@contoso.example]",
  },
  resourceGroupName: {
    schema: z
      .string()
      .regex(/^([-\w._()]{1,90})?$/)
      .default(""),
    type: "string",
    description:
      "Name of an existing resource group to use (adoption, docs/import.md). Default: empty, b2b-dr's rg-b2bdr-<env>-<region>.",
    fix: "use the existing resource group's name (1-90 letters, digits, '-', '_', '.', '(' or ')'), or leave it empty",
    default: "",
  },
  integrationAccountName: {
    schema: z
      .string()
      .regex(/^([-\w._()]{1,80})?$/)
      .default(""),
    type: "string",
    description:
      "Name of an existing integration account to use (adoption, docs/import.md). Default: empty, b2b-dr's ia-b2bdr-<env>-<region>.",
    fix: "use the existing integration account's name (1-80 letters, digits, '-', '_', '.', '(' or ')'), or leave it empty",
    default: "",
  },
  adopt: {
    schema: bool.default(false),
    type: "boolean",
    description:
      "Take over the existing resource group, integration account and catalog artifacts with Pulumi's import option (docs/import.md). Default: false.",
    fix: "use true or false; adopt needs azure-native:subscriptionId",
    default: false,
  },
} satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

/** The typed stack configuration. */
export interface StackConfig {
  readonly role: Role;
  readonly region: string;
  readonly environment: string;
  readonly catalogPath: string;
  readonly peerStack: string;
  /** Set on the secondary only (the source of truth); the primary reads it from the secondary's outputs. */
  readonly drPhase: DrPhase | undefined;
  readonly integrationAccountSku: Sku;
  readonly protect: boolean;
  readonly lock: boolean;
  readonly callbackUrlNotAfter: string | undefined;
  readonly nonProduction: boolean;
  readonly replication: {
    readonly frequency: (typeof RECURRENCE_FREQUENCIES)[number];
    readonly interval: number;
    readonly startSyncTime: string | undefined;
    readonly maxRunMinutes: number;
    readonly retryCount: number;
    readonly retryInterval: string;
  };
  readonly alertEmails: readonly string[];
  /** Existing names to use instead of b2b-dr's (undefined: b2b-dr's naming). */
  readonly existingNames: {
    readonly resourceGroupName: string | undefined;
    readonly integrationAccountName: string | undefined;
  };
  /** With adoption on: the subscription of the import ids (docs/import.md). */
  readonly adopt: { readonly subscriptionId: string } | undefined;
  readonly bump: {
    readonly decisionMinutes: number;
    readonly safetyFactor: number;
    readonly minimum: number;
  };
}

const configSchema = z.strictObject(
  Object.fromEntries(Object.entries(CONFIG_KEYS).map(([k, spec]) => [k, spec.schema])) as {
    [K in ConfigKey]: (typeof CONFIG_KEYS)[K]["schema"];
  },
);

export type ParseResult =
  | { readonly ok: true; readonly config: StackConfig; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * Validates raw config values.
 * @param raw  all config of the stack, keys fully qualified (`b2b-dr:region`, `azure-native:location`, ...)
 * @param file where the values came from, for messages (e.g. `Pulumi.secondary.yaml`)
 */
export function parseStackConfig(raw: Readonly<Record<string, unknown>>, file: string): ParseResult {
  const ours: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith(`${PROJECT}:`)) ours[key.slice(PROJECT.length + 1)] = value;
  }
  const result = configSchema.safeParse(ours, { reportInput: true });
  const problems: Problem[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          problems.push({
            file,
            path: `${PROJECT}:${key}`,
            value: ours[key],
            message: "is not a b2b-dr setting",
            fix: `remove it, or use one of: ${Object.keys(CONFIG_KEYS).join(", ")}`,
          });
        }
        continue;
      }
      const key = String(issue.path[0]) as ConfigKey;
      const spec: KeySpec | undefined = CONFIG_KEYS[key];
      problems.push({
        file,
        path: `${PROJECT}:${pathText(issue.path)}`,
        value: ours[key],
        message: ours[key] === undefined ? "is required" : issue.message,
        fix: spec?.fix ?? "see the configuration reference in the README",
      });
    }
    return { ok: false, problems };
  }
  const c = result.data;
  if (c.role === "primary" && c.drPhase !== undefined) {
    problems.push({
      file,
      path: `${PROJECT}:drPhase`,
      value: c.drPhase,
      message: "is set on the primary stack; the DR phase has one source of truth, the secondary stack",
      fix: "remove b2b-dr:drPhase from the primary stack and set it on the secondary (the primary follows it)",
    });
  }
  const subscriptionId = raw["azure-native:subscriptionId"];
  if (c.adopt && (typeof subscriptionId !== "string" || subscriptionId === "")) {
    problems.push({
      file,
      path: `${PROJECT}:adopt`,
      value: true,
      message: "needs the subscription of the existing resources, for their import ids",
      fix: "set azure-native:subscriptionId to the subscription of the existing account (npm run catalog -- import prints it)",
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  const warnings: string[] = [];
  if (c.alertEmails.length === 0) {
    warnings.push(`${file}: b2b-dr:alertEmails is empty; failed replication runs raise alerts that notify no one.`);
  }
  if (!KNOWN_REGIONS.includes(c.region)) {
    warnings.push(`${file}: b2b-dr:region "${c.region}" is not a region b2b-dr knows; check the spelling.`);
  }
  return {
    ok: true,
    warnings,
    config: {
      role: c.role,
      region: c.region,
      environment: c.environment,
      catalogPath: c.catalogPath,
      peerStack: c.peerStack,
      drPhase: c.role === "secondary" ? (c.drPhase ?? "normal") : undefined,
      integrationAccountSku: c.integrationAccountSku,
      protect: c.protect,
      lock: c.lock,
      callbackUrlNotAfter: c.callbackUrlNotAfter,
      nonProduction: c.nonProduction,
      replication: {
        frequency: c.replicationFrequency,
        interval: c.replicationInterval,
        startSyncTime: c.replicationStartSyncTime,
        maxRunMinutes: c.replicationMaxRunMinutes,
        retryCount: c.replicationRetryCount,
        retryInterval: c.replicationRetryInterval,
      },
      alertEmails: c.alertEmails,
      existingNames: {
        resourceGroupName: c.resourceGroupName || undefined,
        integrationAccountName: c.integrationAccountName || undefined,
      },
      adopt: c.adopt ? { subscriptionId: String(subscriptionId) } : undefined,
      bump: { decisionMinutes: c.failoverDecisionMinutes, safetyFactor: c.bumpSafetyFactor, minimum: c.bumpMinimum },
    },
  };
}
