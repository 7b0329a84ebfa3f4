/**
 * Checks of the files a catalog points at: XSD schemas, XSLT and Liquid maps, public certificates.
 * Each check returns what the resource needs (content, type, ...) or a message and a fix.
 */
import * as crypto from "crypto";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { Liquid } from "liquidjs";

export type FileCheck<T> = { ok: true; value: T } | { ok: false; message: string; fix: string };

const XSD_NS = "http://www.w3.org/2001/XMLSchema";
const XSL_NS = "http://www.w3.org/1999/XSL/Transform";

interface XmlRoot {
  readonly localName: string;
  readonly namespace: string | undefined;
  readonly attributes: Readonly<Record<string, string>>;
}

function xmlRoot(text: string): FileCheck<XmlRoot> {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    return {
      ok: false,
      message: `is not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`,
      fix: "fix the XML at that line",
    };
  }
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    ignoreDeclaration: true,
    ignorePiTags: true,
  }).parse(text) as Record<string, unknown>;
  const name = Object.keys(parsed).find((k) => !k.startsWith("#") && !k.startsWith("?"));
  if (name === undefined) return { ok: false, message: "has no root element", fix: "add the root element" };
  const element = parsed[name];
  const attributes: Record<string, string> = {};
  if (element !== null && typeof element === "object") {
    for (const [k, v] of Object.entries(element)) if (typeof v === "string") attributes[k] = v;
  }
  const [prefix, localName] = name.includes(":") ? (name.split(":", 2) as [string, string]) : [undefined, name];
  const namespace = attributes[prefix === undefined ? "xmlns" : `xmlns:${prefix}`];
  return { ok: true, value: { localName, namespace, attributes } };
}

export interface SchemaFile {
  readonly targetNamespace: string | undefined;
}

/** An XML Schema (XSD): well-formed XML whose root is `xs:schema`. */
export function checkXsd(text: string): FileCheck<SchemaFile> {
  const root = xmlRoot(text);
  if (!root.ok) return root;
  if (root.value.localName !== "schema" || root.value.namespace !== XSD_NS) {
    return {
      ok: false,
      message: `is XML but not an XML Schema: its root is <${root.value.localName}> in namespace ${root.value.namespace ?? "(none)"}`,
      fix: `give an XSD whose root element is <xs:schema xmlns:xs="${XSD_NS}">`,
    };
  }
  return { ok: true, value: { targetNamespace: root.value.attributes.targetNamespace } };
}

export type MapType = "Xslt" | "Xslt20" | "Xslt30" | "Liquid";

export interface MapFile {
  readonly mapType: MapType;
  readonly contentType: string;
}

const XSLT_VERSIONS: Readonly<Record<string, MapType>> = { "1.0": "Xslt", "2.0": "Xslt20", "3.0": "Xslt30" };

/** An XSLT stylesheet (well-formed, root `xsl:stylesheet`/`xsl:transform`) or a Liquid template. */
export function checkMap(fileName: string, text: string): FileCheck<MapFile> {
  if (fileName.toLowerCase().endsWith(".liquid")) {
    try {
      new Liquid().parse(text);
    } catch (e) {
      const message = (e as Error).message.split("\n")[0] ?? String(e);
      return {
        ok: false,
        message: `is not a well-formed Liquid template: ${message}`,
        fix: "close every {% tag %} and {{ output }}",
      };
    }
    return { ok: true, value: { mapType: "Liquid", contentType: "text/plain" } };
  }
  const root = xmlRoot(text);
  if (!root.ok) return root;
  const { localName, namespace, attributes } = root.value;
  if (!(localName === "stylesheet" || localName === "transform") || namespace !== XSL_NS) {
    return {
      ok: false,
      message: `is XML but not an XSLT stylesheet: its root is <${localName}>`,
      fix: `give an XSLT whose root is <xsl:stylesheet xmlns:xsl="${XSL_NS}" version="1.0">, or a .liquid template`,
    };
  }
  const mapType = XSLT_VERSIONS[attributes.version ?? ""];
  if (mapType === undefined) {
    return {
      ok: false,
      message: `has XSLT version ${JSON.stringify(attributes.version)}`,
      fix: 'set version="1.0", "2.0" or "3.0"',
    };
  }
  return { ok: true, value: { mapType, contentType: "application/xml" } };
}

export interface CertificateFile {
  /** Base64 of the DER encoding, as ARM's `publicCertificate` expects. */
  readonly base64: string;
  readonly subject: string;
  /** ISO date-time after which the certificate is no longer valid. */
  readonly notAfter: string;
}

/** A public X.509 certificate, PEM or DER; a file holding a private key is refused. */
export function checkCertificate(bytes: Buffer): FileCheck<CertificateFile> {
  const text = bytes.toString("latin1");
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    return {
      ok: false,
      message: "contains a private key",
      fix: "remove the private key from the repository (rotate it: it is compromised) and reference it in Key Vault with privateKey",
    };
  }
  try {
    const cert = new crypto.X509Certificate(bytes);
    return {
      ok: true,
      value: {
        base64: cert.raw.toString("base64"),
        subject: cert.subject.replace(/\n/g, ", "),
        notAfter: new Date(cert.validTo).toISOString(),
      },
    };
  } catch (e) {
    return {
      ok: false,
      message: `is not an X.509 certificate (${(e as Error).message})`,
      fix: "export the partner's public certificate as .cer (DER) or .pem",
    };
  }
}

const KEY_VAULT_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.KeyVault\/vaults\/[a-zA-Z0-9-]{3,24}$/i;

export function keyVaultIdProblem(id: string): string | undefined {
  return KEY_VAULT_ID.test(id)
    ? undefined
    : "is not a Key Vault resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<name>)";
}

export interface WorkflowFile {
  readonly definition: Record<string, unknown>;
  readonly requestTrigger: string | undefined;
  /** `$connections` keys the definition references. */
  readonly connectionKeys: readonly string[];
}

const CONNECTION_REF = /@parameters\('\$connections'\)\['([^']+)'\]/g;

/** A Logic Apps workflow definition: JSON with `$schema`, `triggers` and `actions`, no embedded SAS URL. */
export function checkWorkflowDefinition(text: string): FileCheck<WorkflowFile> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      message: `is not valid JSON: ${(e as Error).message}`,
      fix: "fix the JSON (export the definition from the portal's code view)",
    };
  }
  const d = (parsed as { definition?: unknown })?.definition ?? parsed;
  if (d === null || typeof d !== "object" || Array.isArray(d)) {
    return { ok: false, message: "is not a JSON object", fix: "give the workflow definition object" };
  }
  const def = d as Record<string, unknown>;
  const missing = ["$schema", "triggers", "actions"].filter((k) => def[k] === undefined);
  if (missing.length > 0) {
    return {
      ok: false,
      message: `is not a workflow definition: it lacks ${missing.join(", ")}`,
      fix: "give the definition with $schema, triggers and actions (Azure refuses an empty definition)",
    };
  }
  if (/sig=[^"&\s]{8,}/i.test(text)) {
    return {
      ok: false,
      message: "contains what looks like a SAS signature (sig=...): a secret",
      fix: "remove the URL; pass secrets as workflow parameters, never inside the definition",
    };
  }
  const triggers = def.triggers as Record<string, { type?: string }>;
  const requestTrigger = Object.entries(triggers).find(([, t]) => t?.type === "Request")?.[0];
  const connectionKeys = [...new Set([...text.matchAll(CONNECTION_REF)].map((m) => m[1] ?? ""))].sort();
  const params = def.parameters as Record<string, unknown> | undefined;
  if (connectionKeys.length > 0 && params?.$connections === undefined) {
    return {
      ok: false,
      message: "references $connections but does not declare it under parameters",
      fix: 'declare "parameters": { "$connections": { "type": "Object", "defaultValue": {} } }',
    };
  }
  return { ok: true, value: { definition: def, requestTrigger, connectionKeys } };
}
