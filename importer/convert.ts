/**
 * Turns a live integration account into the files of a catalog directory (README "Catalog format"),
 * with names exactly as in Azure. Each agreement is written as overrides of the documented defaults
 * (model/catalog/defaults.ts): only the fields that differ. Whatever the catalog cannot hold is
 * returned as a `Loss` (artifact and field), never dropped silently.
 */
import * as YAML from "yaml";
import { canonical, isPlainObject, stableJson } from "../model/json";
import {
  checkCertificate,
  checkMap,
  checkWorkflowDefinition,
  checkXsd,
  keyVaultIdProblem,
} from "../model/catalog/files";
import { ALL_QUALIFIERS, MAX_IDENTITY_LENGTH, QUALIFIERS_BY_PROTOCOL } from "../model/catalog/qualifiers";
import { PROTOCOLS, WORKFLOW_CONNECTIONS, overrideSchema, schemaReferenceSchemas } from "../model/catalog/schema";
import type { Protocol } from "../model/catalog/model";
import { nameProblem } from "../model/naming";
import { accountIdText, LiveAccount, LiveArtifact, LiveWorkflow } from "./live";
import { Direction, REGIONAL_CALLBACK, comparableContent, directionDefaults, isSasUrl } from "./normalise";

export interface Loss {
  /** e.g. `agreement Contoso-Fabrikam-X12`. */
  readonly artifact: string;
  readonly field: string;
  readonly reason: string;
}

/** Content that cannot be parsed: the import stops, nothing is written. */
export class ContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContentError";
  }
}

export interface ConvertOptions {
  /** Key Vault resource id for the secondary region's private keys; default: the primary's (noted). */
  readonly secondaryKeyVault?: string;
  /**
   * Re-import: `traffic` of each agreement of the existing catalog, by name. Azure does not know it,
   * so it is carried over rather than dropped.
   */
  readonly previousTraffic?: ReadonlyMap<string, unknown>;
}

export interface Converted {
  /** Relative path → content. */
  readonly files: Map<string, string | Buffer>;
  readonly losses: readonly Loss[];
  /** Things a reviewer should know that lose nothing (names b2b-dr gives, values taken as defaults). */
  readonly notes: readonly string[];
  readonly counts: Readonly<Record<string, number>>;
}

type Block = Record<string, Record<string, unknown>>;

function metadataOf(
  artifact: string,
  props: Record<string, unknown>,
  losses: Loss[],
): Record<string, string> | undefined {
  const m = props.metadata;
  if (!isPlainObject(m) || Object.keys(m).length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v === "string") out[k] = v;
    else
      losses.push({ artifact, field: `metadata.${k}`, reason: "is not a string; catalog metadata holds strings only" });
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** File name for an artifact: its Azure name (letters, digits, - _ . ( ) are safe file names). */
const fileOf = (dir: string, name: string, ext: string) => `${dir}/${name}${ext}`;

/**
 * The minimal overrides that rebuild `receive` and `send` on the documented defaults: a field equal
 * in both directions and different from both defaults goes to `settings`; otherwise each direction
 * gets the fields where it differs from its own defaults.
 */
export function minimalOverrides(
  protocol: Protocol,
  receive: Block,
  send: Block,
): { settings?: Block; receive?: Block; send?: Block } {
  const defaults: Record<Direction, Block> = {
    receive: directionDefaults(protocol, "receive"),
    send: directionDefaults(protocol, "send"),
  };
  const out: Record<"settings" | Direction, Block> = { settings: {}, receive: {}, send: {} };
  const blocks = [...new Set([...Object.keys(receive), ...Object.keys(send)])].sort();
  for (const block of blocks) {
    const fields = [...new Set([...Object.keys(receive[block] ?? {}), ...Object.keys(send[block] ?? {})])].sort();
    for (const field of fields) {
      const r = receive[block]?.[field];
      const s = send[block]?.[field];
      const rd = defaults.receive[block]?.[field];
      const sd = defaults.send[block]?.[field];
      const put = (layer: "settings" | Direction, v: unknown) => ((out[layer][block] ??= {})[field] = v);
      if (r !== undefined && r === s && r !== rd && s !== sd) put("settings", r);
      else {
        if (r !== undefined && r !== rd) put("receive", r);
        if (s !== undefined && s !== sd) put("send", s);
      }
    }
  }
  const nonEmpty = (b: Block) => (Object.keys(b).length > 0 ? b : undefined);
  return canonical({ settings: nonEmpty(out.settings), receive: nonEmpty(out.receive), send: nonEmpty(out.send) });
}

/** Removes from `layer` the fields the catalog schema refuses (wrong type, unknown enum), as losses. */
function checkedLayer(
  protocol: Protocol,
  layer: Block | undefined,
  at: string,
  artifact: string,
  losses: Loss[],
): Block | undefined {
  if (layer === undefined) return undefined;
  const result = overrideSchema[protocol].safeParse(layer);
  if (result.success) return layer;
  const copy = structuredClone(layer);
  for (const issue of result.error.issues) {
    const [block, field] = issue.path as [string, string];
    if (copy[block]?.[field] === undefined) continue;
    losses.push({
      artifact,
      field: `${at}.${block}.${field}`,
      reason: `value ${JSON.stringify(copy[block][field])} is not allowed by the catalog (${issue.message})`,
    });
    delete copy[block][field];
    if (Object.keys(copy[block]).length === 0) delete copy[block];
  }
  return Object.keys(copy).length > 0 ? copy : undefined;
}

/** Short catalog name of a workflow: the part after `logic-b2bdr-<env>-<region>-`, or its name made valid. */
export function workflowShortName(name: string): string {
  const own = /^logic-b2bdr-[a-z0-9]+-[a-z0-9]+-([a-z0-9][a-z0-9-]*)$/.exec(name);
  if (own) return own[1]!.slice(0, 40);
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return cleaned === "" ? "workflow" : cleaned;
}

interface WorkflowOut {
  readonly azureName: string;
  readonly name: string;
  readonly accessEndpoint: string | undefined;
}

function convertWorkflows(
  live: readonly LiveWorkflow[],
  files: Map<string, string | Buffer>,
  losses: Loss[],
  notes: string[],
): WorkflowOut[] {
  const entries: { name: string; file: string; connections: string[] }[] = [];
  const out: WorkflowOut[] = [];
  const used = new Set<string>();
  for (const w of live) {
    const artifact = `workflow ${w.name}`;
    if (w.name.endsWith("-replication")) {
      notes.push(`${artifact}: a b2b-dr replication workflow; b2b-dr declares these itself, not exported.`);
      continue;
    }
    const connections =
      (w.parameters.$connections as { value?: Record<string, { id?: string }> } | undefined)?.value ?? {};
    const keyToApi = new Map<string, string>();
    let ok = true;
    for (const [key, c] of Object.entries(connections)) {
      const api = (c?.id ?? "").split("/").pop()?.toLowerCase() ?? "";
      if (!(WORKFLOW_CONNECTIONS as readonly string[]).includes(api)) {
        losses.push({
          artifact,
          field: `parameters.$connections.${key}`,
          reason: `uses the managed API "${api}"; the catalog binds only ${WORKFLOW_CONNECTIONS.join(", ")} (the workflow is not exported)`,
        });
        ok = false;
      } else if ([...keyToApi.values()].includes(api)) {
        losses.push({
          artifact,
          field: `parameters.$connections.${key}`,
          reason: `is a second connection to the managed API ${api}; the catalog binds one per API (the workflow is not exported)`,
        });
        ok = false;
      } else keyToApi.set(key, api);
    }
    for (const p of Object.keys(w.parameters)) {
      if (p !== "$connections")
        losses.push({
          artifact,
          field: `parameters.${p}`,
          reason: "workflow parameter values other than $connections are not part of the catalog",
        });
    }
    let text = JSON.stringify(w.definition);
    for (const [key, api] of keyToApi)
      text = text.split(`@parameters('$connections')['${key}']`).join(`@parameters('$connections')['${api}']`);
    const check = checkWorkflowDefinition(text);
    if (!check.ok) {
      losses.push({ artifact, field: "definition", reason: `${check.message} (the workflow is not exported)` });
      ok = false;
    }
    if (!ok || !check.ok) continue;
    let name = workflowShortName(w.name);
    for (let i = 2; used.has(name); i++) name = `${workflowShortName(w.name).slice(0, 37)}-${i}`;
    used.add(name);
    const file = `workflows/${name}.json`;
    files.set(file, stableJson(check.value.definition));
    entries.push({ name, file, connections: [...check.value.connectionKeys] });
    out.push({ azureName: w.name, name, accessEndpoint: w.accessEndpoint });
    if (w.name !== name)
      notes.push(
        `${artifact}: exported as "${name}"; b2b-dr deploys it as logic-b2bdr-<env>-<region>-${name}, next to the existing one.`,
      );
  }
  if (entries.length > 0)
    files.set(
      "workflows.yaml",
      yamlFile("Business workflows linked to the account, exported by `npm run catalog -- import --workflows`.", {
        workflows: entries,
      }),
    );
  return out;
}

/** Keys whose values read best on one line, as in the README: `{ partner, qualifier, value }`. */
const FLOW_KEYS = new Set(["host", "guest", "identities", "schemas", "connections"]);

function yamlFile(comment: string, value: unknown): string {
  const doc = new YAML.Document(value);
  doc.commentBefore = ` ${comment}`;
  YAML.visit(doc, {
    Pair(_, pair) {
      const key = YAML.isScalar(pair.key) ? String(pair.key.value) : "";
      if (!FLOW_KEYS.has(key)) return;
      if (YAML.isMap(pair.value)) pair.value.flow = true;
      if (YAML.isSeq(pair.value)) {
        if (key === "connections") pair.value.flow = true;
        else for (const item of pair.value.items) if (YAML.isMap(item)) item.flow = true;
      }
    },
  });
  return doc.toString({ lineWidth: 0 });
}

export function convert(live: LiveAccount, options: ConvertOptions = {}): Converted {
  const files = new Map<string, string | Buffer>();
  const losses: Loss[] = [];
  const notes: string[] = [];
  const source = `Imported from ${accountIdText(live.id)}.`;

  const workflows = live.workflows === undefined ? [] : convertWorkflows(live.workflows, files, losses, notes);

  // Agreements first: they decide which partners are hosts, and which identities must survive.
  const hostPartners = new Set(live.agreements.map((a) => String(a.properties.hostPartner ?? "")));
  const identitiesOf = (p: LiveArtifact | undefined) =>
    (
      (p?.properties.content as { b2b?: { businessIdentities?: { qualifier?: string; value?: string }[] } } | undefined)
        ?.b2b?.businessIdentities ?? []
    ).map((id) => ({
      qualifier: String(id.qualifier ?? ""),
      value: String(id.value ?? ""),
    }));

  // --- partners ---
  const owner = new Map<string, string>();
  const keptIdentities = new Map<string, { qualifier: string; value: string }[]>();
  const partners = live.partners.map((p) => {
    const artifact = `partner ${p.name}`;
    if (p.properties.partnerType !== undefined && p.properties.partnerType !== "B2B") {
      losses.push({
        artifact,
        field: "partnerType",
        reason: `is ${JSON.stringify(p.properties.partnerType)}; the catalog declares B2B partners`,
      });
    }
    const identities = identitiesOf(p).filter((id, i) => {
      const key = `${id.qualifier}:${id.value}`;
      if (!ALL_QUALIFIERS.has(id.qualifier)) {
        losses.push({
          artifact,
          field: `content.b2b.businessIdentities[${i}]`,
          reason: `qualifier ${JSON.stringify(id.qualifier)} is not one the catalog knows`,
        });
        return false;
      }
      if (owner.has(key)) {
        losses.push({
          artifact,
          field: `content.b2b.businessIdentities[${i}]`,
          reason: `identity ${key} also belongs to partner ${owner.get(key)}; the catalog gives an identity one partner`,
        });
        return false;
      }
      owner.set(key, p.name);
      return true;
    });
    keptIdentities.set(p.name, identities);
    if (identities.length === 0)
      losses.push({
        artifact,
        field: "content.b2b.businessIdentities",
        reason: "has no identity the catalog can hold (the partner is not exported)",
      });
    return {
      name: p.name,
      host: hostPartners.has(p.name) || undefined,
      identities,
      metadata: metadataOf(artifact, p.properties, losses),
    };
  });
  const exportedPartners = partners.filter((p) => p.identities.length > 0);

  // --- schemas and maps ---
  const schemas = live.schemas.map((s) => {
    const artifact = `schema ${s.name}`;
    const check = checkXsd(s.content);
    if (!check.ok)
      throw new ContentError(
        `${artifact}: the content Azure returned ${check.message}. Fix: correct the schema in the account (or remove it), then import again.`,
      );
    if (s.properties.schemaType !== undefined && s.properties.schemaType !== "Xml")
      losses.push({
        artifact,
        field: "schemaType",
        reason: `is ${JSON.stringify(s.properties.schemaType)}; the catalog declares Xml schemas`,
      });
    if ((s.properties.targetNamespace ?? check.value.targetNamespace) !== check.value.targetNamespace) {
      losses.push({
        artifact,
        field: "targetNamespace",
        reason: `is ${JSON.stringify(s.properties.targetNamespace)}, but the catalog takes it from the file (${JSON.stringify(check.value.targetNamespace)})`,
      });
    }
    if (s.properties.contentType !== undefined && s.properties.contentType !== "application/xml") {
      losses.push({
        artifact,
        field: "contentType",
        reason: `is ${JSON.stringify(s.properties.contentType)}; b2b-dr uploads schemas as application/xml`,
      });
    }
    const file = fileOf("schemas", s.name, ".xsd");
    files.set(file, s.content);
    return { name: s.name, file, metadata: metadataOf(artifact, s.properties, losses) };
  });
  const maps = live.maps.map((m) => {
    const artifact = `map ${m.name}`;
    const liquid = m.properties.mapType === "Liquid";
    const file = fileOf("maps", m.name, liquid ? ".liquid" : ".xslt");
    const check = checkMap(file, m.content);
    if (!check.ok)
      throw new ContentError(
        `${artifact}: the content Azure returned ${check.message}. Fix: correct the map in the account (or remove it), then import again.`,
      );
    if (m.properties.mapType !== check.value.mapType)
      losses.push({
        artifact,
        field: "mapType",
        reason: `is ${JSON.stringify(m.properties.mapType)}, but the content is ${check.value.mapType}`,
      });
    if (m.properties.contentType !== undefined && m.properties.contentType !== check.value.contentType) {
      losses.push({
        artifact,
        field: "contentType",
        reason: `is ${JSON.stringify(m.properties.contentType)}; b2b-dr uploads ${check.value.mapType} maps as ${check.value.contentType}`,
      });
    }
    if (isPlainObject(m.properties.parametersSchema) && Object.keys(m.properties.parametersSchema).length > 0) {
      losses.push({ artifact, field: "parametersSchema", reason: "map parameter schemas are not part of the catalog" });
    }
    files.set(file, m.content);
    return { name: m.name, file, metadata: metadataOf(artifact, m.properties, losses) };
  });

  // --- certificates ---
  const certificates = live.certificates.map((c) => {
    const artifact = `certificate ${c.name}`;
    const out: Record<string, unknown> = { name: c.name };
    const pub = c.properties.publicCertificate;
    if (typeof pub === "string" && pub !== "") {
      const check = checkCertificate(Buffer.from(pub, "base64"));
      if (!check.ok)
        throw new ContentError(
          `${artifact}: the public certificate Azure returned ${check.message}. Fix: upload the certificate again in the account, then import again.`,
        );
      if (check.value.base64 !== pub.replace(/\s+/g, ""))
        losses.push({
          artifact,
          field: "publicCertificate",
          reason: "is not plain base64 DER; it is written as its DER certificate",
        });
      const file = fileOf("certificates", c.name, ".cer");
      files.set(file, Buffer.from(check.value.base64, "base64"));
      out.publicCertificate = file;
    }
    const key = c.properties.key as { keyName?: string; keyVersion?: string; keyVault?: { id?: string } } | undefined;
    if (key !== undefined) {
      const vault = key.keyVault?.id ?? "";
      const bad = keyVaultIdProblem(vault);
      if (bad !== undefined || !key.keyName)
        losses.push({ artifact, field: "key", reason: `the Key Vault reference ${bad ?? "has no keyName"}` });
      else {
        if (options.secondaryKeyVault === undefined)
          notes.push(
            `${artifact}: the secondary region reads its private key from the same vault as the primary; pass --secondary-key-vault (a vault in the secondary region) for a region-independent standby.`,
          );
        out.privateKey = {
          keyName: key.keyName,
          keyVersion: key.keyVersion || undefined,
          keyVault: { primary: vault, secondary: options.secondaryKeyVault ?? vault },
        };
      }
    }
    out.metadata = metadataOf(artifact, c.properties, losses);
    return out;
  });

  // --- agreements ---
  const hostAsGuest = new Set(
    live.agreements.map((a) => String(a.properties.guestPartner ?? "")).filter((g) => hostPartners.has(g)),
  );
  const exportedNames = new Set(exportedPartners.map((p) => p.name));
  const schemaNames = new Set(live.schemas.map((s) => s.name));
  const agreements: Record<string, unknown>[] = [];
  for (const a of live.agreements) {
    const artifact = `agreement ${a.name}`;
    const props = a.properties;
    const protocol = props.agreementType as Protocol;
    const skip = (field: string, reason: string) =>
      void losses.push({ artifact, field, reason: `${reason} (the agreement is not exported)` });
    if (!(PROTOCOLS as readonly string[]).includes(protocol)) {
      skip("agreementType", `is ${JSON.stringify(protocol)}; the catalog knows ${PROTOCOLS.join(", ")}`);
      continue;
    }
    const party = (side: "host" | "guest") => {
      const partner = String(props[`${side}Partner`] ?? "");
      const id = (props[`${side}Identity`] ?? {}) as { qualifier?: string; value?: string };
      return { partner, qualifier: String(id.qualifier ?? ""), value: String(id.value ?? "") };
    };
    const host = party("host");
    const guest = party("guest");
    if (hostAsGuest.has(guest.partner)) {
      skip(
        "guestPartner",
        `${guest.partner} is the host partner of another agreement; the catalog gives each partner one role`,
      );
      continue;
    }
    const partyProblem = (side: "host" | "guest", p: typeof host) => {
      if (!exportedNames.has(p.partner))
        return `${side}Partner ${JSON.stringify(p.partner)} is not an exported partner`;
      if (!(keptIdentities.get(p.partner) ?? []).some((i) => i.qualifier === p.qualifier && i.value === p.value))
        return `${side}Identity ${p.qualifier}:${p.value} is not an identity of partner ${p.partner}`;
      if (!QUALIFIERS_BY_PROTOCOL[protocol].includes(p.qualifier))
        return `${side}Identity qualifier ${p.qualifier} is not a ${protocol} qualifier`;
      if (p.value.length > MAX_IDENTITY_LENGTH[protocol])
        return `${side}Identity value is longer than ${protocol} envelopes carry`;
      return undefined;
    };
    const bad = partyProblem("host", host) ?? partyProblem("guest", guest);
    if (bad !== undefined) {
      skip(bad.split(" ")[0]!, bad);
      continue;
    }
    const normalised = comparableContent(protocol, props.content, "content");
    for (const f of normalised.lost) losses.push({ artifact, field: f.path, reason: f.reason });
    if (normalised.filled.length > 0)
      notes.push(
        `${artifact}: ${normalised.filled.length} required field(s) missing from the live content are taken as the documented defaults (e.g. ${normalised.filled[0]}).`,
      );
    const body = normalised.content[Object.keys(normalised.content)[0]!] as Record<
      string,
      {
        protocolSettings: Block & { schemaReferences?: unknown };
        senderBusinessIdentity?: unknown;
        receiverBusinessIdentity?: unknown;
      }
    >;
    const expectIds: Record<Direction, [typeof host, typeof host]> = { receive: [guest, host], send: [host, guest] };
    for (const direction of ["receive", "send"] as const) {
      const one = body[`${direction}Agreement`]!;
      const [sender, receiver] = expectIds[direction];
      const same = (x: unknown, p: typeof host) =>
        JSON.stringify(canonical(x)) === JSON.stringify(canonical({ qualifier: p.qualifier, value: p.value }));
      if (!same(one.senderBusinessIdentity, sender) || !same(one.receiverBusinessIdentity, receiver)) {
        losses.push({
          artifact,
          field: `content.${direction}Agreement.senderBusinessIdentity`,
          reason: `the ${direction} side's sender/receiver identities are not the agreement's ${direction === "receive" ? "guest/host" : "host/guest"} identities; b2b-dr derives them from hostIdentity and guestIdentity`,
        });
      }
    }
    const settingsOf = (d: Direction): Block => {
      const { schemaReferences: _refs, ...rest } = body[`${d}Agreement`]!.protocolSettings;
      void _refs;
      return rest as Block;
    };
    const receive = settingsOf("receive");
    const send = settingsOf("send");
    // A SAS receipt URL is a secret: never written; it maps to a business workflow when one is exported.
    let mdnReceiptWorkflow: string | undefined;
    for (const [d, s] of [
      ["receive", receive],
      ["send", send],
    ] as const) {
      const url = (s.mdnSettings as Record<string, unknown> | undefined)?.receiptDeliveryUrl;
      if (url === undefined || !(isSasUrl(url) || url === REGIONAL_CALLBACK)) continue;
      const raw =
        (
          props.content as Record<
            string,
            Record<string, { protocolSettings?: { mdnSettings?: { receiptDeliveryUrl?: string } } }>
          >
        )?.aS2?.[`${d}Agreement`]?.protocolSettings?.mdnSettings?.receiptDeliveryUrl ?? "";
      const wf = workflows.find(
        (w) => w.accessEndpoint !== undefined && raw.toLowerCase().startsWith(w.accessEndpoint.toLowerCase()),
      );
      if (d === "send" && wf !== undefined) mdnReceiptWorkflow = wf.name;
      else
        losses.push({
          artifact,
          field: `content.aS2.${d}Agreement.protocolSettings.mdnSettings.receiptDeliveryUrl`,
          reason:
            "is a SAS callback URL (a secret, per region); it is not written. Import with --workflows to map it to its business workflow (mdnReceiptWorkflow)",
        });
      delete (s.mdnSettings as Record<string, unknown>).receiptDeliveryUrl;
    }
    const layers = minimalOverrides(protocol, receive, send);
    const entry: Record<string, unknown> = { name: a.name, protocol, host, guest };
    if (protocol !== "AS2") {
      const refs = normalised.schemaReferences;
      if (JSON.stringify(canonical(refs.receive ?? [])) !== JSON.stringify(canonical(refs.send ?? []))) {
        losses.push({
          artifact,
          field: `content.${protocol === "X12" ? "x12" : "edifact"}.sendAgreement.protocolSettings.schemaReferences`,
          reason:
            "differs from the receive side's; the catalog applies one list of schema references to both directions (the receive side's is kept)",
        });
      }
      const list = ((refs.receive ?? refs.send ?? []) as Record<string, unknown>[]).map((r, i) => {
        const parsed = schemaReferenceSchemas[protocol as "X12" | "Edifact"].safeParse(
          Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null && v !== undefined)),
        );
        if (!parsed.success) {
          losses.push({
            artifact,
            field: `content.receiveAgreement.protocolSettings.schemaReferences[${i}]`,
            reason: `cannot be written as a catalog schema reference (${parsed.error.issues[0]?.message})`,
          });
          return undefined;
        }
        if (!schemaNames.has(parsed.data.schemaName))
          losses.push({
            artifact,
            field: `schemaReferences[${i}].schemaName`,
            reason: `names schema ${parsed.data.schemaName}, which is not in the account`,
          });
        return parsed.data;
      });
      const schemas = list.filter((r): r is NonNullable<typeof r> => r !== undefined && schemaNames.has(r.schemaName));
      if (schemas.length === 0) {
        skip("schemaReferences", "has no schema reference the catalog can hold");
        continue;
      }
      entry.schemas = schemas;
    }
    for (const layer of ["settings", "receive", "send"] as const) {
      const checked = checkedLayer(protocol, layers[layer], layer, artifact, losses);
      if (checked !== undefined) entry[layer] = checked;
    }
    const traffic = options.previousTraffic?.get(a.name);
    if (traffic !== undefined && protocol !== "AS2") entry.traffic = traffic;
    if (mdnReceiptWorkflow !== undefined) entry.mdnReceiptWorkflow = mdnReceiptWorkflow;
    const metadata = metadataOf(artifact, props, losses);
    if (metadata !== undefined) entry.metadata = metadata;
    agreements.push(entry);
  }
  if (agreements.some((a) => a.protocol !== "AS2" && a.traffic === undefined)) {
    notes.push(
      "X12/EDIFACT agreements have no traffic.peakMessagesPerMinute (Azure does not know it): the failover bump is bumpMinimum until you add it.",
    );
  }

  for (const p of [...partners, ...agreements]) {
    const problem = nameProblem("artifact", String(p.name));
    if (problem !== undefined) losses.push({ artifact: String(p.name), field: "name", reason: problem });
  }

  const strip = <T extends object>(o: T) => canonicalOrder(o);
  files.set(
    "partners.yaml",
    yamlFile(`Trading partners. ${source} A host partner (host: true) is one that is the host of an agreement.`, {
      partners: exportedPartners.map((p) =>
        strip({ name: p.name, host: p.host, identities: p.identities, metadata: p.metadata }),
      ),
    }),
  );
  files.set(
    "artifacts.yaml",
    yamlFile(`Schemas, maps and certificates. ${source}`, {
      schemas: schemas.map(strip),
      maps: maps.map(strip),
      certificates: certificates.map(strip),
    }),
  );
  files.set(
    "agreements.yaml",
    yamlFile(
      `Agreements as overrides of the documented defaults (model/catalog/defaults.ts): only what differs. ${source}`,
      {
        agreements: agreements.map(strip),
      },
    ),
  );
  const counts = {
    partners: exportedPartners.length,
    schemas: schemas.length,
    maps: maps.length,
    certificates: certificates.length,
    agreements: agreements.length,
    workflows: workflows.length,
  };
  return { files, losses, notes, counts };
}

/** Drops undefined members, keeping the given key order (readable YAML: name first). */
function canonicalOrder<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
