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

interface KeySpec {
  readonly schema: z.ZodType;
  /** Pulumi.yaml type. */
  readonly type: "string" | "boolean" | "integer";
  readonly description: string;
  /** How to fix a bad value. */
  readonly fix: string;
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
  if (problems.length > 0) return { ok: false, problems };
  const warnings: string[] = [];
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
    },
  };
}
