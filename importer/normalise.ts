/**
 * The documented normalisation (docs/import.md) under which an imported catalog gives back the live
 * account: both the live ARM properties and the inputs b2b-dr declares are brought to one comparable
 * form, and the two must then be deeply equal.
 *
 * 1. Key order is ignored (canonical JSON).
 * 2. Read-only and server-filled fields are dropped: ids, names, types, created/changed times,
 *    content links, a schema's `documentName` and `fileName`, a Key Vault reference's `name`/`type`.
 * 3. Values Azure fills in count as absent: empty `metadata`, empty override lists
 *    (`envelopeOverrides`, `validationOverrides`, `messageFilterList`, `*DelimiterOverrides`), a
 *    schema without `contentType` (`application/xml`), and a required agreement field missing from
 *    the live content (taken as the documented default of its direction).
 * 4. Agreement field names are matched case-insensitively (Microsoft's published examples spell
 *    `signOutboundMdnIfOptional`, the SDK `signOutboundMDNIfOptional`).
 * 5. A SAS callback URL (`sig=`) as an AS2 MDN receipt URL is a secret that differs per region: it is
 *    compared as "a regional callback URL", whichever it is.
 */
import { canonical, isPlainObject } from "../model/json";
import { CONTENT_KEY } from "../model/catalog/agreements";
import {
  AS2_DEFAULTS,
  EDIFACT_DEFAULTS,
  OPTIONAL_FIELDS,
  RECEIVE_DEFAULTS,
  X12_DEFAULTS,
} from "../model/catalog/defaults";
import type { Protocol } from "../model/catalog/model";
import { deepMerge } from "../model/json";

export type ArtifactKind = "partner" | "schema" | "map" | "certificate" | "agreement";
export type Direction = "receive" | "send";

/** A field that cannot be represented in the catalog: where it is and why. */
export interface Finding {
  readonly path: string;
  readonly reason: string;
}

const DEFAULTS: Readonly<Record<Protocol, Record<string, Record<string, unknown>>>> = {
  X12: X12_DEFAULTS,
  Edifact: EDIFACT_DEFAULTS,
  AS2: AS2_DEFAULTS,
};

/** The documented defaults of one direction (protocol defaults, then the receive-side DR defaults). */
export function directionDefaults(protocol: Protocol, direction: Direction): Record<string, Record<string, unknown>> {
  return deepMerge(DEFAULTS[protocol], direction === "receive" ? RECEIVE_DEFAULTS[protocol] : undefined);
}

/** List-valued settings the catalog cannot express; an empty one is what Azure fills in. */
export const LIST_BLOCKS = [
  "envelopeOverrides",
  "validationOverrides",
  "messageFilterList",
  "x12DelimiterOverrides",
  "edifactDelimiterOverrides",
];

/** Text that marks a secret regional callback URL in the comparable form. */
export const REGIONAL_CALLBACK = "(regional callback URL)";

export function isSasUrl(value: unknown): boolean {
  return typeof value === "string" && /[?&]sig=/i.test(value);
}

function fieldsOf(protocol: Protocol, block: string): string[] {
  const optional = (OPTIONAL_FIELDS[protocol] as Record<string, readonly string[]>)[block] ?? [];
  return [...Object.keys(DEFAULTS[protocol][block] ?? {}), ...optional];
}

function match(name: string, known: readonly string[]): string | undefined {
  return known.find((k) => k === name) ?? known.find((k) => k.toLowerCase() === name.toLowerCase());
}

export interface NormalisedSettings {
  /** Every block and field of the documented defaults, with live values where given. */
  readonly settings: Record<string, Record<string, unknown>>;
  readonly schemaReferences: readonly Record<string, unknown>[] | undefined;
  readonly lost: readonly Finding[];
  /** Required fields missing from the live content, filled with the direction's default. */
  readonly filled: readonly string[];
}

/** Brings one direction's live `protocolSettings` to the catalog's fields (see the file comment). */
export function normaliseSettings(
  protocol: Protocol,
  direction: Direction,
  raw: unknown,
  at: string,
): NormalisedSettings {
  const defaults = directionDefaults(protocol, direction);
  const settings: Record<string, Record<string, unknown>> = {};
  const lost: Finding[] = [];
  let schemaReferences: Record<string, unknown>[] | undefined;
  const blocks = Object.keys(defaults);
  for (const [key, value] of Object.entries(isPlainObject(raw) ? raw : {})) {
    if (value === null || value === undefined) continue;
    if (key === "schemaReferences" && protocol !== "AS2") {
      schemaReferences = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
      continue;
    }
    if (match(key, LIST_BLOCKS) !== undefined) {
      if (Array.isArray(value) && value.length === 0) continue;
      lost.push({ path: `${at}.${key}`, reason: "list overrides cannot be expressed in the catalog" });
      continue;
    }
    const block = match(key, blocks);
    if (block === undefined || !isPlainObject(value)) {
      lost.push({ path: `${at}.${key}`, reason: `is not a ${protocol} settings block the catalog knows` });
      continue;
    }
    const known = fieldsOf(protocol, block);
    for (const [field, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue;
      const name = match(field, known);
      if (name === undefined) {
        lost.push({
          path: `${at}.${key}.${field}`,
          reason: "is not a field the catalog knows (model/catalog/defaults.ts)",
        });
        continue;
      }
      (settings[block] ??= {})[name] = v;
    }
  }
  const filled: string[] = [];
  for (const [block, fields] of Object.entries(defaults)) {
    for (const [field, v] of Object.entries(fields)) {
      if (settings[block]?.[field] === undefined) {
        (settings[block] ??= {})[field] = v;
        filled.push(`${at}.${block}.${field}`);
      }
    }
  }
  return { settings, schemaReferences, lost, filled };
}

const NAME_INPUTS = new Set([
  "resourceGroupName",
  "integrationAccountName",
  "partnerName",
  "schemaName",
  "mapName",
  "certificateName",
  "agreementName",
]);

function withoutEmptyMetadata(out: Record<string, unknown>, metadata: unknown): void {
  if (isPlainObject(metadata) && Object.keys(metadata).length > 0) out.metadata = metadata;
}

/**
 * The comparable form of an artifact: from live ARM properties (with `content` for schemas and
 * maps) or from the inputs b2b-dr declares (the offline plan's `resources.json`).
 */
export function comparable(kind: ArtifactKind, props: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const pick = (...keys: string[]) => {
    for (const k of keys) if (props[k] !== undefined && props[k] !== null && !NAME_INPUTS.has(k)) out[k] = props[k];
  };
  withoutEmptyMetadata(out, props.metadata);
  switch (kind) {
    case "partner":
      pick("partnerType", "content");
      break;
    case "schema":
      pick("schemaType", "content", "targetNamespace");
      out.contentType = props.contentType ?? "application/xml";
      break;
    case "map":
      pick("mapType", "content", "contentType");
      if (isPlainObject(props.parametersSchema) && Object.keys(props.parametersSchema).length > 0)
        out.parametersSchema = props.parametersSchema;
      break;
    case "certificate": {
      pick("publicCertificate");
      const key = props.key as { keyName?: string; keyVersion?: string; keyVault?: { id?: string } } | undefined;
      if (key)
        out.key = { keyName: key.keyName, keyVersion: key.keyVersion || undefined, keyVault: { id: key.keyVault?.id } };
      break;
    }
    case "agreement": {
      pick("agreementType", "hostPartner", "guestPartner", "hostIdentity", "guestIdentity");
      out.content = comparableContent(String(props.agreementType) as Protocol, props.content, "content").content;
      break;
    }
  }
  return canonical(out);
}

/** The comparable agreement content, with the live fields the catalog cannot hold (`lost`). */
export function comparableContent(
  protocol: Protocol,
  content: unknown,
  at: string,
): {
  content: Record<string, unknown>;
  lost: Finding[];
  filled: string[];
  schemaReferences: Record<Direction, unknown>;
} {
  const key = CONTENT_KEY[protocol] ?? "";
  const lost: Finding[] = [];
  const filled: string[] = [];
  const schemaReferences: Record<Direction, unknown> = { receive: undefined, send: undefined };
  const raw = isPlainObject(content) ? content : {};
  for (const [k, v] of Object.entries(raw)) {
    if (k !== key && v !== null && v !== undefined)
      lost.push({ path: `${at}.${k}`, reason: `is content of another protocol than ${protocol}` });
  }
  const body = isPlainObject(raw[key]) ? (raw[key] as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const direction of ["receive", "send"] as const) {
    const oneWay = body[`${direction}Agreement`] as Record<string, unknown> | undefined;
    const n = normaliseSettings(
      protocol,
      direction,
      oneWay?.protocolSettings,
      `${at}.${key}.${direction}Agreement.protocolSettings`,
    );
    lost.push(...n.lost);
    filled.push(...n.filled);
    const settings: Record<string, unknown> = { ...n.settings };
    const mdn = settings.mdnSettings as Record<string, unknown> | undefined;
    if (mdn !== undefined && (isSasUrl(mdn.receiptDeliveryUrl) || mdn.receiptDeliveryUrl === "[secret]")) {
      settings.mdnSettings = { ...mdn, receiptDeliveryUrl: REGIONAL_CALLBACK };
    }
    if (n.schemaReferences !== undefined) settings.schemaReferences = n.schemaReferences;
    schemaReferences[direction] = n.schemaReferences;
    out[`${direction}Agreement`] = {
      senderBusinessIdentity: oneWay?.senderBusinessIdentity,
      receiverBusinessIdentity: oneWay?.receiverBusinessIdentity,
      protocolSettings: settings,
    };
  }
  return { content: canonical({ [key]: out }), lost, filled, schemaReferences };
}

/** Leaf paths where `a` and `b` differ (`a`'s side first), e.g. `content.x12.sendAgreement....usageIndicator`. */
export function differences(a: unknown, b: unknown, at = ""): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differences(a[k], b[k], at ? `${at}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((x, i) => differences(x, b[i], `${at}[${i}]`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [at || "(whole)"];
}
