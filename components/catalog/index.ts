/**
 * Loads and validates the trading-partner catalog. Every problem in every file is collected and
 * reported at once (`InputError`); nothing is returned from an invalid catalog, so nothing can be
 * registered from one.
 */
import * as fs from "fs";
import * as path from "path";
import { canonical } from "../json";
import { InputError, Problem } from "../problems";
import { nameProblem } from "../naming";
import { SettingsProblem, controlNumberProblems, directionSettings } from "./agreements";
import { checkCertificate, checkMap, checkWorkflowDefinition, checkXsd, keyVaultIdProblem } from "./files";
import type {
  AgreementSpec,
  BusinessWorkflow,
  Catalog,
  CertificateArtifact,
  MapArtifact,
  Partner,
  Protocol,
  SchemaArtifact,
  SettingsOverride,
} from "./model";
import { ALL_QUALIFIERS, MAX_IDENTITY_LENGTH, QUALIFIERS_BY_PROTOCOL } from "./qualifiers";
import {
  AgreementsFile,
  ArtifactsFile,
  PROTOCOLS,
  PartnersFile,
  WorkflowsFile,
  agreementsFileSchema,
  artifactsFileSchema,
  overrideSchema,
  partnersFileSchema,
  schemaReferenceSchemas,
  workflowsFileSchema,
} from "./schema";
import { YamlSource } from "./yamlFile";
import { INBOUND_FILE, InboundFile, NO_INBOUND, checkInbound, inboundFileSchema } from "./inbound";

export * from "./model";
export { buildAgreementContent, generatedControlNumbers } from "./agreements";
export * from "./inbound";

/** Protocols the catalog's agreements use, in the order X12, EDIFACT, AS2. */
export function protocolsInUse(catalog: Pick<Catalog, "agreements">): Protocol[] {
  return PROTOCOLS.filter((p) => catalog.agreements.some((a) => a.protocol === p));
}

export const CATALOG_FILES = {
  partners: "partners.yaml",
  artifacts: "artifacts.yaml",
  agreements: "agreements.yaml",
  workflows: "workflows.yaml",
  inbound: INBOUND_FILE,
} as const;

/** Name of the runbook's own marker session in each integration account (never an agreement name). */
export const RUNBOOK_SESSION_PREFIX = "b2bdr-runbook";

/** A certificate expiring within this many days draws a warning. */
export const CERTIFICATE_WARNING_DAYS = 30;

export interface LoadOptions {
  /** Directory file names in messages are relative to. Default: the current directory. */
  readonly displayRoot?: string;
}

/** Reads, validates and returns the catalog in `dir`; throws `InputError` listing every problem. */
export function loadCatalog(dir: string, options: LoadOptions = {}): Catalog {
  const root = path.resolve(dir);
  const display = (p: string) => path.relative(options.displayRoot ?? process.cwd(), p) || ".";
  const problems: Problem[] = [];
  const warnings: string[] = [];

  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    throw new InputError([
      {
        file: display(root),
        path: "(directory)",
        message: "is not a catalog directory: it does not exist",
        fix: "set b2b-dr:catalogPath (or --catalog) to the directory holding partners.yaml and agreements.yaml",
      },
    ]);
  }

  const read = <T>(name: string, schema: Parameters<YamlSource["check"]>[0], optional: boolean) => {
    const abs = path.join(root, name);
    if (optional && !fs.existsSync(abs)) return { source: undefined, data: schema.parse({}) as T };
    const source = YamlSource.read(abs, display(abs));
    if (Array.isArray(source)) {
      problems.push(...source);
      return { source: undefined, data: undefined };
    }
    const checked = source.check(schema, source.value());
    problems.push(...checked.problems);
    return { source, data: checked.data as T | undefined };
  };

  const partnersFile = read<PartnersFile>(CATALOG_FILES.partners, partnersFileSchema, false);
  const artifactsFile = read<ArtifactsFile>(CATALOG_FILES.artifacts, artifactsFileSchema, true);
  const agreementsFile = read<AgreementsFile>(CATALOG_FILES.agreements, agreementsFileSchema, false);
  const workflowsFile = read<WorkflowsFile>(CATALOG_FILES.workflows, workflowsFileSchema, true);
  const workflows = workflowsFile.data ? checkWorkflows(workflowsFile.data, workflowsFile.source, root, display, problems) : undefined;
  const inboundFile = read<InboundFile>(CATALOG_FILES.inbound, inboundFileSchema, true);
  const inbound = inboundFile.data && workflows ? checkInbound(inboundFile.data, inboundFile.source, workflows, problems) : NO_INBOUND;

  const partners = partnersFile.data && partnersFile.source ? checkPartners(partnersFile.data, partnersFile.source, problems) : undefined;
  const artifacts = artifactsFile.data ? checkArtifacts(artifactsFile.data, artifactsFile.source, root, display, problems, warnings) : undefined;
  if (partners && artifacts && workflows && agreementsFile.data && agreementsFile.source) {
    const agreements = checkAgreements(agreementsFile.data, agreementsFile.source, partners, artifacts, workflows, problems, warnings);
    const { schemas, maps, certificates } = artifacts;
    if (problems.length === 0) return { dir: root, partners, schemas, maps, certificates, agreements, workflows, inbound, warnings };
  }
  throw new InputError(problems);
}

function checkNames(
  items: readonly { name: string }[],
  kind: string,
  listPath: string,
  source: YamlSource | undefined,
  problems: Problem[],
): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const p = [listPath, i, "name"];
    const bad = nameProblem("artifact", item.name);
    if (bad !== undefined) {
      problems.push(locate(source, p, item.name, `${kind} name ${bad}`, "rename it: 1-80 letters, digits, '-', '_', '.', '(' or ')'"));
    }
    const key = item.name.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(
        locate(source, p, item.name, `duplicates the ${kind} name at ${listPath}[${first}] (Azure names are case-insensitive)`, `give each ${kind} a unique name`),
      );
    } else seen.set(key, i);
  });
}

function locate(source: YamlSource | undefined, p: readonly PropertyKey[], value: unknown, message: string, fix: string): Problem {
  if (source) return source.problem(p, value, message, fix);
  return { file: CATALOG_FILES.artifacts, path: p.join("."), value, message, fix };
}

function checkPartners(file: PartnersFile, source: YamlSource, problems: Problem[]): Partner[] {
  checkNames(file.partners, "partner", "partners", source, problems);
  const owners = new Map<string, string>();
  file.partners.forEach((partner, i) => {
    partner.identities.forEach((id, j) => {
      const p = ["partners", i, "identities", j];
      if (!ALL_QUALIFIERS.has(id.qualifier)) {
        problems.push(
          source.problem([...p, "qualifier"], id.qualifier, "is not a known business-identity qualifier", "use an X12 qualifier (e.g. ZZ, 01, 14), an EDIFACT one (e.g. 14, ZZZ) or AS2Identity"),
        );
      }
      const key = `${id.qualifier}:${id.value}`;
      const owner = owners.get(key);
      if (owner !== undefined && owner !== partner.name) {
        problems.push(
          source.problem(p, key, `is also an identity of partner ${owner}; an identity must point at one partner`, "remove the duplicate identity from one of the partners"),
        );
      }
      owners.set(key, partner.name);
    });
  });
  return file.partners.map((p) => ({ name: p.name, host: p.host, identities: p.identities, metadata: p.metadata }));
}

interface Artifacts {
  readonly declaredSchemas: readonly string[];
  readonly schemas: SchemaArtifact[];
  readonly maps: MapArtifact[];
  readonly certificates: CertificateArtifact[];
}

function readRelative(root: string, file: string): Buffer | undefined {
  try {
    return fs.readFileSync(path.resolve(root, file));
  } catch {
    return undefined;
  }
}

function checkArtifacts(
  file: ArtifactsFile,
  source: YamlSource | undefined,
  root: string,
  display: (p: string) => string,
  problems: Problem[],
  warnings: string[],
): Artifacts {
  checkNames(file.schemas, "schema", "schemas", source, problems);
  checkNames(file.maps, "map", "maps", source, problems);
  checkNames(file.certificates, "certificate", "certificates", source, problems);
  const missing = (p: PropertyKey[], rel: string) =>
    locate(source, p, rel, `names a file that does not exist (${display(path.resolve(root, rel))})`, "fix the path (relative to the catalog directory) or add the file");

  const schemas: SchemaArtifact[] = [];
  file.schemas.forEach((s, i) => {
    const bytes = readRelative(root, s.file);
    if (bytes === undefined) return void problems.push(missing(["schemas", i, "file"], s.file));
    const content = bytes.toString("utf8");
    const check = checkXsd(content);
    if (!check.ok) return void problems.push(locate(source, ["schemas", i, "file"], s.file, `${display(path.resolve(root, s.file))} ${check.message}`, check.fix));
    schemas.push({ name: s.name, file: s.file, content, targetNamespace: check.value.targetNamespace, metadata: s.metadata });
  });

  const maps: MapArtifact[] = [];
  file.maps.forEach((m, i) => {
    const bytes = readRelative(root, m.file);
    if (bytes === undefined) return void problems.push(missing(["maps", i, "file"], m.file));
    const content = bytes.toString("utf8");
    const check = checkMap(m.file, content);
    if (!check.ok) return void problems.push(locate(source, ["maps", i, "file"], m.file, `${display(path.resolve(root, m.file))} ${check.message}`, check.fix));
    if (m.type !== undefined && (m.type === "Liquid") !== (check.value.mapType === "Liquid")) {
      return void problems.push(
        locate(source, ["maps", i, "type"], m.type, `contradicts the file, which is ${check.value.mapType === "Liquid" ? "a Liquid template" : "an XSLT stylesheet"}`, "remove type (it is derived from the file) or point file at a matching map"),
      );
    }
    maps.push({ name: m.name, file: m.file, mapType: m.type ?? check.value.mapType, content, contentType: check.value.contentType, metadata: m.metadata });
  });

  const certificates: CertificateArtifact[] = [];
  file.certificates.forEach((c, i) => {
    const p = ["certificates", i];
    if (c.publicCertificate === undefined && c.privateKey === undefined) {
      return void problems.push(locate(source, p, c.name, "has neither publicCertificate nor privateKey", "give the public certificate file, a Key Vault privateKey, or both"));
    }
    let publicCertificate: string | undefined;
    let notAfter: string | undefined;
    if (c.publicCertificate !== undefined) {
      const bytes = readRelative(root, c.publicCertificate);
      if (bytes === undefined) return void problems.push(missing([...p, "publicCertificate"], c.publicCertificate));
      const check = checkCertificate(bytes);
      if (!check.ok) return void problems.push(locate(source, [...p, "publicCertificate"], c.publicCertificate, check.message, check.fix));
      publicCertificate = check.value.base64;
      notAfter = check.value.notAfter;
    }
    for (const role of ["primary", "secondary"] as const) {
      const id = c.privateKey?.keyVault[role];
      const bad = id === undefined ? undefined : keyVaultIdProblem(id);
      if (bad !== undefined) problems.push(locate(source, [...p, "privateKey", "keyVault", role], id, bad, "copy the vault's resource id from the Azure portal (Properties → Resource ID)"));
    }
    certificates.push({
      name: c.name,
      publicCertificate,
      notAfter,
      privateKey: c.privateKey && { keyName: c.privateKey.keyName, keyVersion: c.privateKey.keyVersion, keyVault: c.privateKey.keyVault },
      metadata: c.metadata,
    });
    if (notAfter !== undefined && Date.parse(notAfter) < Date.now() + CERTIFICATE_WARNING_DAYS * 86_400_000) {
      warnings.push(`${CATALOG_FILES.artifacts}: certificate ${c.name} expires on ${notAfter}; renew it with the partner before it breaks AS2 traffic.`);
    }
  });
  return { declaredSchemas: file.schemas.map((s) => s.name), schemas, maps, certificates };
}

function checkWorkflows(
  file: WorkflowsFile,
  source: YamlSource | undefined,
  root: string,
  display: (p: string) => string,
  problems: Problem[],
): BusinessWorkflow[] {
  const out: BusinessWorkflow[] = [];
  const seen = new Set<string>();
  file.workflows.forEach((w, i) => {
    const at = (...rest: PropertyKey[]) => ["workflows", i, ...rest];
    if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(w.name)) {
      problems.push(locate(source, at("name"), w.name, "is not a workflow short name", "use 1-40 lower-case letters, digits or '-' (it becomes part of logic-b2bdr-<env>-<region>-<name>)"));
    } else if (seen.has(w.name) || /-replication$/.test(w.name)) {
      problems.push(locate(source, at("name"), w.name, seen.has(w.name) ? "duplicates another workflow name" : "ends in -replication, which b2b-dr reserves for its replication workflows", "choose another name"));
    }
    seen.add(w.name);
    const bytes = readRelative(root, w.file);
    if (bytes === undefined) {
      problems.push(locate(source, at("file"), w.file, `names a file that does not exist (${display(path.resolve(root, w.file))})`, "fix the path (relative to the catalog directory) or add the file"));
      return;
    }
    const check = checkWorkflowDefinition(bytes.toString("utf8"));
    if (!check.ok) return void problems.push(locate(source, at("file"), w.file, `${display(path.resolve(root, w.file))} ${check.message}`, check.fix));
    const declared = new Set<string>(w.connections);
    const undeclared = check.value.connectionKeys.filter((k) => !declared.has(k));
    const unused = w.connections.filter((c) => !check.value.connectionKeys.includes(c));
    if (undeclared.length > 0 || unused.length > 0) {
      problems.push(
        locate(source, at("connections"), w.connections, `does not match the definition, which references $connections ${JSON.stringify(check.value.connectionKeys)}`, `list exactly the connections the definition uses (${check.value.connectionKeys.join(", ") || "none"})`),
      );
      return;
    }
    out.push({ name: w.name, file: w.file, definition: canonical(check.value.definition), connections: w.connections, requestTrigger: check.value.requestTrigger });
  });
  return out;
}

function checkAgreements(
  file: AgreementsFile,
  source: YamlSource,
  partners: readonly Partner[],
  artifacts: Artifacts,
  workflows: readonly BusinessWorkflow[],
  problems: Problem[],
  warnings: string[],
): AgreementSpec[] {
  checkNames(file.agreements, "agreement", "agreements", source, problems);
  const byName = new Map(partners.map((p) => [p.name, p]));
  // Declared names, valid or not: a schema whose file is broken is reported once, at the schema.
  const schemaNames = new Set(artifacts.declaredSchemas);
  const certificates = new Map(artifacts.certificates.map((c) => [c.name, c]));
  const out: AgreementSpec[] = [];

  file.agreements.forEach((a, i) => {
    const at = (...rest: PropertyKey[]) => ["agreements", i, ...rest];
    let specOk = true;
    if (a.name.toLowerCase().startsWith(RUNBOOK_SESSION_PREFIX)) {
      problems.push(source.problem(at("name"), a.name, `starts with ${RUNBOOK_SESSION_PREFIX}, the prefix of the runbook's own sessions`, "choose another agreement name"));
    }
    if (a.mdnReceiptWorkflow !== undefined) {
      const wf = workflows.find((w) => w.name === a.mdnReceiptWorkflow);
      if (a.protocol !== "AS2") {
        problems.push(source.problem(at("mdnReceiptWorkflow"), a.mdnReceiptWorkflow, "is set on a non-AS2 agreement; only AS2 has MDNs", "remove mdnReceiptWorkflow"));
      } else if (wf === undefined || wf.requestTrigger === undefined) {
        problems.push(
          source.problem(at("mdnReceiptWorkflow"), a.mdnReceiptWorkflow, wf === undefined ? "names a workflow that is not in workflows.yaml" : "names a workflow without a Request trigger, which has no callback URL", `use one of: ${workflows.filter((w) => w.requestTrigger).map((w) => w.name).join(", ") || "(no workflow with a Request trigger)"}`),
        );
      } else if (a.send !== undefined && JSON.stringify(a.send).includes("receiptDeliveryUrl")) {
        problems.push(source.problem(at("mdnReceiptWorkflow"), a.mdnReceiptWorkflow, "and send.mdnSettings.receiptDeliveryUrl are both set", "keep one: mdnReceiptWorkflow (regional, secret) or a fixed receiptDeliveryUrl"));
      }
    }

    for (const side of ["host", "guest"] as const) {
      const party = a[side];
      const partner = byName.get(party.partner);
      if (partner === undefined) {
        problems.push(source.problem(at(side, "partner"), party.partner, "names a partner that is not in partners.yaml", `use one of: ${partners.map((p) => p.name).join(", ")}`));
        continue;
      }
      if (side === "host" && !partner.host) {
        problems.push(source.problem(at(side, "partner"), party.partner, "is not a host partner", "set host: true on your own organisation's partner in partners.yaml, or swap host and guest"));
      }
      if (side === "guest" && partner.host) {
        problems.push(source.problem(at(side, "partner"), party.partner, "is a host partner; the guest is the trading partner", "name a partner without host: true as the guest"));
      }
      if (!partner.identities.some((id) => id.qualifier === party.qualifier && id.value === party.value)) {
        problems.push(
          source.problem(at(side), `${party.qualifier}:${party.value}`, `is not an identity of partner ${partner.name}`, `use one of: ${partner.identities.map((id) => `${id.qualifier}:${id.value}`).join(", ")}`),
        );
      }
      const allowed = QUALIFIERS_BY_PROTOCOL[a.protocol];
      if (!allowed.includes(party.qualifier)) {
        problems.push(source.problem(at(side, "qualifier"), party.qualifier, `is not a ${a.protocol} identity qualifier`, `use one of: ${allowed.join(", ")}`));
      }
      if (party.value.length > MAX_IDENTITY_LENGTH[a.protocol]) {
        problems.push(
          source.problem(at(side, "value"), party.value, `is ${party.value.length} characters; ${a.protocol} envelopes carry at most ${MAX_IDENTITY_LENGTH[a.protocol]}`, "use a shorter identity"),
        );
      }
    }

    const schemaReferences: Record<string, string>[] = [];
    if (a.protocol === "AS2") {
      if (a.schemas !== undefined) problems.push(source.problem(at("schemas"), a.schemas, "is set on an AS2 agreement, which has no schema references", "remove schemas"));
    } else if (a.schemas === undefined || a.schemas.length === 0) {
      problems.push(source.problem(at("schemas"), a.schemas, `is required for ${a.protocol}: at least one schema reference`, "list the message types, e.g. - { messageId: \"850\", schemaVersion: \"00401\", schemaName: X12_00401_850 }"));
    } else {
      a.schemas.forEach((ref, j) => {
        const checked = source.check(schemaReferenceSchemas[a.protocol as "X12" | "Edifact"], ref, at("schemas", j));
        problems.push(...checked.problems);
        if (checked.data === undefined) return void (specOk = false);
        if (!schemaNames.has(checked.data.schemaName)) {
          problems.push(
            source.problem(at("schemas", j, "schemaName"), checked.data.schemaName, "names a schema that is not in artifacts.yaml", `add it under schemas: in artifacts.yaml, or use one of: ${[...schemaNames].join(", ") || "(none)"}`),
          );
        }
        schemaReferences.push(checked.data as Record<string, string>);
      });
    }

    const overrides: Record<"settings" | "receive" | "send", SettingsOverride | undefined> = { settings: undefined, receive: undefined, send: undefined };
    for (const key of ["settings", "receive", "send"] as const) {
      if (a[key] === undefined) continue;
      const checked = source.check(overrideSchema[a.protocol], a[key], at(key));
      problems.push(...checked.problems);
      if (checked.data === undefined) specOk = false;
      overrides[key] = checked.data as SettingsOverride | undefined;
    }
    // Bounds and contradictions need parsed settings; party problems above do not stop them.
    if (!specOk) return;

    const spec: AgreementSpec = {
      name: a.name,
      protocol: a.protocol,
      host: { partner: a.host.partner, identity: { qualifier: a.host.qualifier, value: a.host.value } },
      guest: { partner: a.guest.partner, identity: { qualifier: a.guest.qualifier, value: a.guest.value } },
      schemaReferences,
      overrides,
      metadata: a.metadata,
      peakMessagesPerMinute: a.traffic?.peakMessagesPerMinute,
      mdnReceiptWorkflow: a.mdnReceiptWorkflow,
    };
    const overridePath = (direction: "receive" | "send", settingsPath: string) => {
      const [block, field] = settingsPath.split(".") as [string, string];
      const inDirection = overrides[direction]?.[block]?.[field] !== undefined;
      return at(inDirection ? direction : "settings", ...settingsPath.split("."));
    };
    for (const p of [...controlNumberProblems(spec), ...as2Problems(spec, certificates)]) {
      problems.push(source.problem(overridePath(p.direction, p.path), p.value, `(${p.direction} side) ${p.message}`, p.fix));
    }
    if (a.protocol !== "AS2") {
      const v = directionSettings(spec as AgreementSpec & { protocol: "X12" | "Edifact" }, "receive").validationSettings;
      const off = (["checkDuplicateInterchangeControlNumber", "checkDuplicateGroupControlNumber", "checkDuplicateTransactionSetControlNumber"] as const).filter((k) => !v[k]);
      if (off.length > 0) {
        warnings.push(`agreements.yaml: agreement ${a.name} turns off ${off.join(", ")} on the receive side; inbound duplicates after a failover will not be caught (DR prerequisite).`);
      }
    }
    out.push(spec);
  });
  return out;
}

/** AS2 settings that contradict each other or name certificates the catalog does not have. */
function as2Problems(spec: AgreementSpec, certificates: ReadonlyMap<string, CertificateArtifact>): SettingsProblem[] {
  if (spec.protocol !== "AS2") return [];
  const out: SettingsProblem[] = [];
  for (const direction of ["receive", "send"] as const) {
    const s = directionSettings(spec as AgreementSpec & { protocol: "AS2" }, direction);
    const mdn = s.mdnSettings as typeof s.mdnSettings & { receiptDeliveryUrl?: string };
    const security = s.securitySettings as typeof s.securitySettings & { signingCertificateName?: string; encryptionCertificateName?: string };
    if (!mdn.needMDN && (mdn.signMDN || mdn.sendMDNAsynchronously)) {
      out.push({
        direction,
        path: mdn.signMDN ? "mdnSettings.signMDN" : "mdnSettings.sendMDNAsynchronously",
        value: true,
        message: "asks for a signed or asynchronous MDN while needMDN is false",
        fix: "set mdnSettings.needMDN: true, or turn signMDN and sendMDNAsynchronously off",
      });
    }
    if (direction === "send" && mdn.sendMDNAsynchronously && !mdn.receiptDeliveryUrl && spec.mdnReceiptWorkflow === undefined) {
      out.push({
        direction,
        path: "mdnSettings.sendMDNAsynchronously",
        value: true,
        message: "asks for an asynchronous MDN but gives no receiptDeliveryUrl to send it to",
        fix: "set mdnReceiptWorkflow (or mdnSettings.receiptDeliveryUrl), or turn sendMDNAsynchronously off",
      });
    }
    const signs = s.validationSettings.signMessage || mdn.signMDN;
    if (signs) {
      const cert = security.signingCertificateName === undefined ? undefined : certificates.get(security.signingCertificateName);
      if (cert === undefined) {
        out.push({
          direction,
          path: "securitySettings.signingCertificateName",
          value: security.signingCertificateName,
          message: `signing is on (${s.validationSettings.signMessage ? "validationSettings.signMessage" : "mdnSettings.signMDN"}) but no certificate of the catalog is named to sign with`,
          fix: `set securitySettings.signingCertificateName to one of: ${[...certificates.keys()].join(", ") || "(no certificates in artifacts.yaml)"}, or turn signing off`,
        });
      }
    }
    if (s.validationSettings.encryptMessage) {
      const cert = security.encryptionCertificateName === undefined ? undefined : certificates.get(security.encryptionCertificateName);
      if (cert === undefined || cert.publicCertificate === undefined) {
        out.push({
          direction,
          path: "securitySettings.encryptionCertificateName",
          value: security.encryptionCertificateName,
          message: "encryption is on (validationSettings.encryptMessage) but no catalog certificate with a public certificate is named to encrypt with",
          fix: "set securitySettings.encryptionCertificateName to the partner's certificate (with publicCertificate), or turn encryptMessage off",
        });
      }
    }
  }
  return out;
}
