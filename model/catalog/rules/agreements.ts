/**
 * Rules of `agreements.yaml`: names, host and guest parties that exist and fit the protocol, schema
 * references, setting overrides checked against the protocol's schema, control-number bounds, AS2
 * settings that contradict each other, and the MDN receipt workflow.
 */
import type { Problem } from "../../problems";
import { SettingsProblem, controlNumberProblems, directionSettings } from "../agreements";
import type { AgreementSpec, BusinessWorkflow, CertificateArtifact, Partner, SettingsOverride } from "../model";
import { MAX_IDENTITY_LENGTH, QUALIFIERS_BY_PROTOCOL } from "../qualifiers";
import { AgreementsFile, overrideSchema, schemaReferenceSchemas } from "../schema";
import type { YamlSource } from "../yamlFile";
import { Checked, nameProblems } from "./result";

/** What agreements refer to, from the other files of the catalog. */
export interface AgreementContext {
  readonly partners: readonly Partner[];
  /** Declared schema names, valid or not: a schema whose file is broken is reported once, at the schema. */
  readonly declaredSchemas: readonly string[];
  readonly certificates: readonly CertificateArtifact[];
  readonly workflows: readonly BusinessWorkflow[];
}

export function checkAgreements(
  file: AgreementsFile,
  source: YamlSource,
  context: AgreementContext,
): Checked<AgreementSpec[]> {
  const { partners, workflows } = context;
  const problems: Problem[] = nameProblems(file.agreements, "agreement", "agreements", source, source.file);
  const warnings: string[] = [];
  const byName = new Map(partners.map((p) => [p.name, p]));
  const schemaNames = new Set(context.declaredSchemas);
  const certificates = new Map(context.certificates.map((c) => [c.name, c]));
  const out: AgreementSpec[] = [];

  file.agreements.forEach((a, i) => {
    const at = (...rest: PropertyKey[]) => ["agreements", i, ...rest];
    let specOk = true;
    if (a.mdnReceiptWorkflow !== undefined) {
      const wf = workflows.find((w) => w.name === a.mdnReceiptWorkflow);
      if (a.protocol !== "AS2") {
        problems.push(
          source.problem(
            at("mdnReceiptWorkflow"),
            a.mdnReceiptWorkflow,
            "is set on a non-AS2 agreement; only AS2 has MDNs",
            "remove mdnReceiptWorkflow",
          ),
        );
      } else if (wf === undefined || wf.requestTrigger === undefined) {
        problems.push(
          source.problem(
            at("mdnReceiptWorkflow"),
            a.mdnReceiptWorkflow,
            wf === undefined
              ? "names a workflow that is not in workflows.yaml"
              : "names a workflow without a Request trigger, which has no callback URL",
            `use one of: ${
              workflows
                .filter((w) => w.requestTrigger)
                .map((w) => w.name)
                .join(", ") || "(no workflow with a Request trigger)"
            }`,
          ),
        );
      } else if (a.send !== undefined && JSON.stringify(a.send).includes("receiptDeliveryUrl")) {
        problems.push(
          source.problem(
            at("mdnReceiptWorkflow"),
            a.mdnReceiptWorkflow,
            "and send.mdnSettings.receiptDeliveryUrl are both set",
            "keep one: mdnReceiptWorkflow (regional, secret) or a fixed receiptDeliveryUrl",
          ),
        );
      }
    }

    for (const side of ["host", "guest"] as const) {
      const party = a[side];
      const partner = byName.get(party.partner);
      if (partner === undefined) {
        problems.push(
          source.problem(
            at(side, "partner"),
            party.partner,
            "names a partner that is not in partners.yaml",
            `use one of: ${partners.map((p) => p.name).join(", ")}`,
          ),
        );
        continue;
      }
      if (side === "host" && !partner.host) {
        problems.push(
          source.problem(
            at(side, "partner"),
            party.partner,
            "is not a host partner",
            "set host: true on your own organisation's partner in partners.yaml, or swap host and guest",
          ),
        );
      }
      if (side === "guest" && partner.host) {
        problems.push(
          source.problem(
            at(side, "partner"),
            party.partner,
            "is a host partner; the guest is the trading partner",
            "name a partner without host: true as the guest",
          ),
        );
      }
      if (!partner.identities.some((id) => id.qualifier === party.qualifier && id.value === party.value)) {
        problems.push(
          source.problem(
            at(side),
            `${party.qualifier}:${party.value}`,
            `is not an identity of partner ${partner.name}`,
            `use one of: ${partner.identities.map((id) => `${id.qualifier}:${id.value}`).join(", ")}`,
          ),
        );
      }
      const allowed = QUALIFIERS_BY_PROTOCOL[a.protocol];
      if (!allowed.includes(party.qualifier)) {
        problems.push(
          source.problem(
            at(side, "qualifier"),
            party.qualifier,
            `is not a ${a.protocol} identity qualifier`,
            `use one of: ${allowed.join(", ")}`,
          ),
        );
      }
      if (party.value.length > MAX_IDENTITY_LENGTH[a.protocol]) {
        problems.push(
          source.problem(
            at(side, "value"),
            party.value,
            `is ${party.value.length} characters; ${a.protocol} envelopes carry at most ${MAX_IDENTITY_LENGTH[a.protocol]}`,
            "use a shorter identity",
          ),
        );
      }
    }

    const schemaReferences: Record<string, string>[] = [];
    if (a.protocol === "AS2") {
      if (a.schemas !== undefined)
        problems.push(
          source.problem(
            at("schemas"),
            a.schemas,
            "is set on an AS2 agreement, which has no schema references",
            "remove schemas",
          ),
        );
    } else if (a.schemas === undefined || a.schemas.length === 0) {
      problems.push(
        source.problem(
          at("schemas"),
          a.schemas,
          `is required for ${a.protocol}: at least one schema reference`,
          'list the message types, e.g. - { messageId: "850", schemaVersion: "00401", schemaName: X12_00401_850 }',
        ),
      );
    } else {
      a.schemas.forEach((ref, j) => {
        const checked = source.check(schemaReferenceSchemas[a.protocol as "X12" | "Edifact"], ref, at("schemas", j));
        problems.push(...checked.problems);
        if (checked.data === undefined) return void (specOk = false);
        if (!schemaNames.has(checked.data.schemaName)) {
          problems.push(
            source.problem(
              at("schemas", j, "schemaName"),
              checked.data.schemaName,
              "names a schema that is not in artifacts.yaml",
              `add it under schemas: in artifacts.yaml, or use one of: ${[...schemaNames].join(", ") || "(none)"}`,
            ),
          );
        }
        schemaReferences.push(checked.data as Record<string, string>);
      });
    }

    const overrides: Record<"settings" | "receive" | "send", SettingsOverride | undefined> = {
      settings: undefined,
      receive: undefined,
      send: undefined,
    };
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
      ...(a.traffic?.missingControlNumbers ? { missingControlNumbers: a.traffic.missingControlNumbers } : {}),
      mdnReceiptWorkflow: a.mdnReceiptWorkflow,
    };
    const overridePath = (direction: "receive" | "send", settingsPath: string) => {
      const [block, field] = settingsPath.split(".") as [string, string];
      const inDirection = overrides[direction]?.[block]?.[field] !== undefined;
      return at(inDirection ? direction : "settings", ...settingsPath.split("."));
    };
    for (const p of [...controlNumberProblems(spec), ...as2Problems(spec, certificates)]) {
      problems.push(
        source.problem(overridePath(p.direction, p.path), p.value, `(${p.direction} side) ${p.message}`, p.fix),
      );
    }
    if (a.protocol !== "AS2") {
      const v = directionSettings(
        spec as AgreementSpec & { protocol: "X12" | "Edifact" },
        "receive",
      ).validationSettings;
      const off = (
        [
          "checkDuplicateInterchangeControlNumber",
          "checkDuplicateGroupControlNumber",
          "checkDuplicateTransactionSetControlNumber",
        ] as const
      ).filter((k) => !v[k]);
      if (off.length > 0) {
        warnings.push(
          `agreements.yaml: agreement ${a.name} turns off ${off.join(", ")} on the receive side; inbound duplicates after a failover will not be caught (DR prerequisite).`,
        );
      }
    }
    out.push(spec);
  });
  return { value: out, problems, warnings };
}

/** AS2 settings that contradict each other or name certificates the catalog does not have. */
function as2Problems(spec: AgreementSpec, certificates: ReadonlyMap<string, CertificateArtifact>): SettingsProblem[] {
  if (spec.protocol !== "AS2") return [];
  const out: SettingsProblem[] = [];
  for (const direction of ["receive", "send"] as const) {
    const s = directionSettings(spec as AgreementSpec & { protocol: "AS2" }, direction);
    const mdn = s.mdnSettings as typeof s.mdnSettings & { receiptDeliveryUrl?: string };
    const security = s.securitySettings as typeof s.securitySettings & {
      signingCertificateName?: string;
      encryptionCertificateName?: string;
    };
    if (!mdn.needMDN && (mdn.signMDN || mdn.sendMDNAsynchronously)) {
      out.push({
        direction,
        path: mdn.signMDN ? "mdnSettings.signMDN" : "mdnSettings.sendMDNAsynchronously",
        value: true,
        message: "asks for a signed or asynchronous MDN while needMDN is false",
        fix: "set mdnSettings.needMDN: true, or turn signMDN and sendMDNAsynchronously off",
      });
    }
    if (
      direction === "send" &&
      mdn.sendMDNAsynchronously &&
      !mdn.receiptDeliveryUrl &&
      spec.mdnReceiptWorkflow === undefined
    ) {
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
      const cert =
        security.signingCertificateName === undefined ? undefined : certificates.get(security.signingCertificateName);
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
      const cert =
        security.encryptionCertificateName === undefined
          ? undefined
          : certificates.get(security.encryptionCertificateName);
      if (cert === undefined || cert.publicCertificate === undefined) {
        out.push({
          direction,
          path: "securitySettings.encryptionCertificateName",
          value: security.encryptionCertificateName,
          message:
            "encryption is on (validationSettings.encryptMessage) but no catalog certificate with a public certificate is named to encrypt with",
          fix: "set securitySettings.encryptionCertificateName to the partner's certificate (with publicCertificate), or turn encryptMessage off",
        });
      }
    }
  }
  return out;
}
