/**
 * A realistic live integration account, written as facts for the import tests: five partners, X12,
 * EDIFACT and AS2 agreements with complete content as Azure returns it (the AS2 one modelled on
 * Microsoft's published REST example IntegrationAccountAgreements_CreateOrUpdate, 2019-05-01, with
 * its spelling `signOutboundMdnIfOptional`), schemas, maps, certificates and linked workflows.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

const SAMPLE = path.resolve(__dirname, "..", "..", "catalog");
const read = (rel: string) => fs.readFileSync(path.join(SAMPLE, rel), "utf8");
const der64 = (rel: string) =>
  new crypto.X509Certificate(fs.readFileSync(path.join(SAMPLE, rel))).raw.toString("base64");

export const SUBSCRIPTION = "6c1f0a4e-3b2d-4e5f-9a8b-7c6d5e4f3a2b";
export const RESOURCE_GROUP = "rg-edi-prod";
export const ACCOUNT = "contoso-b2b";
export const ACCOUNT_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Logic/integrationAccounts/${ACCOUNT}`;
export const VAULT = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-keys-prod/providers/Microsoft.KeyVault/vaults/kv-contoso-edi`;
export const WORKFLOW_ENDPOINT =
  "https://prod-27.westeurope.logic.azure.com:443/workflows/5b0c3a9e8d7f4a61b2c3d4e5f6a7b8c9";

export interface FixtureArtifact {
  name: string;
  properties: Record<string, unknown>;
  /** Schemas and maps: the content behind the content link. */
  content?: string;
}

export interface FixtureWorkflow {
  name: string;
  properties: Record<string, unknown>;
}

export interface FixtureAccount {
  subscriptionId: string;
  resourceGroupName: string;
  name: string;
  location: string;
  sku: string;
  tags: Record<string, string>;
  partners: FixtureArtifact[];
  schemas: FixtureArtifact[];
  maps: FixtureArtifact[];
  certificates: FixtureArtifact[];
  agreements: FixtureArtifact[];
  workflows: FixtureWorkflow[];
}

const times = { createdTime: "2021-03-04T10:11:12.1234567Z", changedTime: "2025-06-07T08:09:10.7654321Z" };
const id = (qualifier: string, value: string) => ({ qualifier, value });

function partner(
  name: string,
  identities: { qualifier: string; value: string }[],
  metadata: Record<string, string> = {},
): FixtureArtifact {
  return {
    name,
    properties: { partnerType: "B2B", content: { b2b: { businessIdentities: identities } }, ...times, metadata },
  };
}

/** The validation settings the portal gives a new X12 or EDIFACT agreement (the same for both). */
const PORTAL_VALIDATION_SETTINGS = {
  validateCharacterSet: true,
  checkDuplicateInterchangeControlNumber: false,
  interchangeControlNumberValidityDays: 30,
  checkDuplicateGroupControlNumber: false,
  checkDuplicateTransactionSetControlNumber: false,
  validateEDITypes: true,
  validateXSDTypes: false,
  allowLeadingAndTrailingSpacesAndZeroes: false,
  trimLeadingAndTrailingSpacesAndZeroes: false,
  trailingSeparatorPolicy: "NotAllowed",
};

/** The operator's edits on top of the portal's settings, block by block. */
function applyEdits(
  base: Record<string, Record<string, unknown>>,
  edits: Record<string, Record<string, unknown>>,
): void {
  for (const [block, fields] of Object.entries(edits)) base[block] = { ...base[block], ...fields };
}

/** X12 settings of one direction as the portal creates them, then edited by the operator. */
function x12Settings(edits: Record<string, Record<string, unknown>>, schemaReferences: unknown[]) {
  const base: Record<string, Record<string, unknown>> = {
    validationSettings: { ...PORTAL_VALIDATION_SETTINGS },
    framingSettings: {
      dataElementSeparator: 42,
      componentSeparator: 58,
      replaceSeparatorsInPayload: false,
      replaceCharacter: 36,
      segmentTerminator: 126,
      characterSet: "UTF8",
      segmentTerminatorSuffix: "None",
    },
    envelopeSettings: {
      controlStandardsId: 85,
      useControlStandardsIdAsRepetitionCharacter: false,
      senderApplicationId: "",
      receiverApplicationId: "",
      controlVersionNumber: "00401",
      interchangeControlNumberLowerBound: 1,
      interchangeControlNumberUpperBound: 999999999,
      rolloverInterchangeControlNumber: true,
      enableDefaultGroupHeaders: true,
      groupControlNumberLowerBound: 1,
      groupControlNumberUpperBound: 999999999,
      rolloverGroupControlNumber: true,
      groupHeaderAgencyCode: "X",
      groupHeaderVersion: "00401",
      transactionSetControlNumberLowerBound: 1,
      transactionSetControlNumberUpperBound: 999999999,
      rolloverTransactionSetControlNumber: true,
      overwriteExistingTransactionSetControlNumber: true,
      groupHeaderDateFormat: "CCYYMMDD",
      groupHeaderTimeFormat: "HHMM",
      usageIndicator: "Test",
    },
    acknowledgementSettings: {
      needTechnicalAcknowledgement: false,
      batchTechnicalAcknowledgements: false,
      needFunctionalAcknowledgement: false,
      batchFunctionalAcknowledgements: false,
      needImplementationAcknowledgement: false,
      batchImplementationAcknowledgements: false,
      needLoopForValidMessages: false,
      sendSynchronousAcknowledgement: false,
      acknowledgementControlNumberLowerBound: 1,
      acknowledgementControlNumberUpperBound: 999999999,
      rolloverAcknowledgementControlNumber: true,
    },
    messageFilter: { messageFilterType: "Exclude" },
    securitySettings: { authorizationQualifier: "00", securityQualifier: "00" },
    processingSettings: {
      maskSecurityInfo: true,
      convertImpliedDecimal: false,
      preserveInterchange: false,
      suspendInterchangeOnError: false,
      createEmptyXmlTagsForTrailingSeparators: true,
      useDotAsDecimalSeparator: false,
    },
  };
  applyEdits(base, edits);
  return {
    ...base,
    envelopeOverrides: [],
    validationOverrides: [],
    messageFilterList: [],
    x12DelimiterOverrides: [],
    schemaReferences,
  };
}

function edifactSettings(edits: Record<string, Record<string, unknown>>, schemaReferences: unknown[]) {
  const base: Record<string, Record<string, unknown>> = {
    validationSettings: { ...PORTAL_VALIDATION_SETTINGS },
    framingSettings: {
      serviceCodeListDirectoryVersion: "",
      characterEncoding: "",
      protocolVersion: 1,
      dataElementSeparator: 43,
      componentSeparator: 58,
      segmentTerminator: 39,
      releaseIndicator: 63,
      repetitionSeparator: 42,
      characterSet: "UNOB",
      decimalPointIndicator: "Comma",
      segmentTerminatorSuffix: "None",
    },
    envelopeSettings: {
      applyDelimiterStringAdvice: false,
      createGroupingSegments: false,
      enableDefaultGroupHeaders: true,
      interchangeControlNumberLowerBound: 1,
      interchangeControlNumberUpperBound: 99999999,
      rolloverInterchangeControlNumber: true,
      groupControlNumberLowerBound: 1,
      groupControlNumberUpperBound: 99999999,
      rolloverGroupControlNumber: true,
      overwriteExistingTransactionSetControlNumber: true,
      transactionSetControlNumberLowerBound: 1,
      transactionSetControlNumberUpperBound: 99999999,
      rolloverTransactionSetControlNumber: true,
      isTestInterchange: false,
    },
    acknowledgementSettings: {
      needTechnicalAcknowledgement: false,
      batchTechnicalAcknowledgements: false,
      needFunctionalAcknowledgement: false,
      batchFunctionalAcknowledgements: false,
      needLoopForValidMessages: false,
      sendSynchronousAcknowledgement: false,
      acknowledgementControlNumberLowerBound: 1,
      acknowledgementControlNumberUpperBound: 99999999,
      rolloverAcknowledgementControlNumber: true,
    },
    messageFilter: { messageFilterType: "Exclude" },
    processingSettings: {
      maskSecurityInfo: true,
      preserveInterchange: false,
      suspendInterchangeOnError: false,
      createEmptyXmlTagsForTrailingSeparators: true,
      useDotAsDecimalSeparator: false,
    },
  };
  applyEdits(base, edits);
  return {
    ...base,
    envelopeOverrides: [],
    messageFilterList: [],
    validationOverrides: [],
    edifactDelimiterOverrides: [],
    schemaReferences,
  };
}

/** AS2 settings of one direction, with the values of Microsoft's published example. */
function as2Settings(edits: Record<string, Record<string, unknown>>) {
  const connection = {
    ignoreCertificateNameMismatch: true,
    supportHttpStatusCodeContinue: true,
    keepHttpConnectionAlive: true,
    unfoldHttpHeaders: true,
  };
  const base: Record<string, Record<string, unknown>> = {
    messageConnectionSettings: connection,
    acknowledgementConnectionSettings: connection,
    mdnSettings: {
      needMDN: true,
      signMDN: true,
      sendMDNAsynchronously: true,
      receiptDeliveryUrl: "http://tempuri.org",
      dispositionNotificationTo: "http://tempuri.org",
      signOutboundMdnIfOptional: true,
      mdnText: "Sample",
      sendInboundMdnToMessageBox: true,
      micHashingAlgorithm: "SHA1",
    },
    securitySettings: {
      overrideGroupSigningCertificate: false,
      enableNRRForInboundEncodedMessages: true,
      enableNRRForInboundDecodedMessages: true,
      enableNRRForOutboundMDN: true,
      enableNRRForOutboundEncodedMessages: true,
      enableNRRForOutboundDecodedMessages: true,
      enableNRRForInboundMDN: true,
      signingCertificateName: "contoso-signing",
    },
    validationSettings: {
      overrideMessageProperties: true,
      encryptMessage: false,
      signMessage: false,
      compressMessage: true,
      checkDuplicateMessage: true,
      interchangeDuplicatesValidityDays: 100,
      checkCertificateRevocationListOnSend: true,
      checkCertificateRevocationListOnReceive: true,
      encryptionAlgorithm: "AES128",
    },
    envelopeSettings: {
      messageContentType: "text/plain",
      transmitFileNameInMimeHeader: true,
      fileNameTemplate: "Test",
      suspendMessageOnFileNameGenerationError: true,
      autogenerateFileName: true,
    },
    errorSettings: { suspendDuplicateMessage: true, resendIfMDNNotReceived: true },
  };
  applyEdits(base, edits);
  return base;
}

function agreement(
  name: string,
  agreementType: "X12" | "Edifact" | "AS2",
  host: [string, { qualifier: string; value: string }],
  guest: [string, { qualifier: string; value: string }],
  receive: unknown,
  send: unknown,
  metadata: Record<string, string> = {},
): FixtureArtifact {
  const key = { X12: "x12", Edifact: "edifact", AS2: "aS2" }[agreementType];
  return {
    name,
    properties: {
      hostPartner: host[0],
      guestPartner: guest[0],
      hostIdentity: host[1],
      guestIdentity: guest[1],
      agreementType,
      content: {
        [key]: {
          receiveAgreement: {
            protocolSettings: receive,
            senderBusinessIdentity: guest[1],
            receiverBusinessIdentity: host[1],
          },
          sendAgreement: {
            protocolSettings: send,
            senderBusinessIdentity: host[1],
            receiverBusinessIdentity: guest[1],
          },
        },
      },
      ...times,
      metadata,
    },
  };
}

const X12_REFS = [
  { messageId: "850", schemaVersion: "00401", schemaName: "X12_00401_850" },
  { messageId: "810", schemaVersion: "00401", schemaName: "X12_00401_810" },
];
const DUPLICATE_CHECKS = {
  checkDuplicateInterchangeControlNumber: true,
  checkDuplicateGroupControlNumber: true,
  checkDuplicateTransactionSetControlNumber: true,
};

/** The account: a fresh copy each call, so a test may edit it. */
export function realisticAccount(): FixtureAccount {
  const contoso = { zz: id("ZZ", "CONTOSO"), gln: id("14", "5790000000001"), as2: id("AS2Identity", "contoso-as2") };
  const workflowDefinition = JSON.parse(
    read("workflows/as2-receive.json").split("['x12']").join("['x12_1']"),
  ) as Record<string, unknown>;
  return {
    subscriptionId: SUBSCRIPTION,
    resourceGroupName: RESOURCE_GROUP,
    name: ACCOUNT,
    location: "westeurope",
    sku: "Standard",
    tags: { costCenter: "edi" },
    partners: [
      partner("Contoso", [contoso.zz, contoso.gln, contoso.as2], { owner: "integration-team@contoso.example" }),
      partner("Fabrikam", [id("ZZ", "FABRIKAM"), id("AS2Identity", "fabrikam-as2")], {
        contact: "edi@fabrikam.example",
      }),
      partner("Northwind", [id("ZZZ", "NORTHWIND")]),
      partner("Tailspin", [id("01", "123456789"), id("AS2Identity", "tailspin-as2")]),
      partner("Woodgrove", [id("12", "5551234567")], { region: "us" }),
    ],
    schemas: [
      {
        name: "X12_00401_850",
        properties: {
          schemaType: "Xml",
          targetNamespace: "http://schemas.microsoft.com/BizTalk/EDI/X12/2006",
          documentName: "X12_00401_850",
          contentType: "application/xml",
          ...times,
          metadata: {},
        },
        content: read("schemas/X12_00401_850.xsd"),
      },
      {
        name: "X12_00401_810",
        properties: {
          schemaType: "Xml",
          targetNamespace: "http://schemas.microsoft.com/BizTalk/EDI/X12/2006",
          documentName: "X12_00401_810",
          contentType: "application/xml",
          ...times,
          metadata: {},
        },
        content: read("schemas/X12_00401_810.xsd"),
      },
      {
        name: "EFACT_D96A_ORDERS",
        properties: {
          schemaType: "Xml",
          targetNamespace: "http://schemas.microsoft.com/BizTalk/EDI/EDIFACT/2006",
          documentName: "EFACT_D96A_ORDERS",
          ...times,
          metadata: { standard: "EDIFACT D96A" },
        },
        content: read("schemas/EFACT_D96A_ORDERS.xsd"),
      },
    ],
    maps: [
      {
        name: "X12_850_to_Order",
        properties: { mapType: "Xslt", contentType: "application/xml", ...times, metadata: {} },
        content: read("maps/X12_850_to_Order.xslt"),
      },
      {
        name: "Order_to_Json",
        properties: { mapType: "Liquid", contentType: "text/plain", ...times, metadata: {} },
        content: read("maps/Order_to_Json.liquid"),
      },
    ],
    certificates: [
      {
        name: "contoso-signing",
        properties: {
          publicCertificate: der64("certificates/contoso-signing.cer"),
          key: {
            keyVault: { id: VAULT, name: "kv-contoso-edi", type: "Microsoft.KeyVault/vaults" },
            keyName: "contoso-as2-signing",
            keyVersion: "8f1a2b3c4d5e6f708192a3b4c5d6e7f8",
          },
          ...times,
          metadata: {},
        },
      },
      {
        name: "fabrikam-as2",
        properties: {
          publicCertificate: der64("certificates/fabrikam-as2.pem"),
          ...times,
          metadata: { expires: "see certificate" },
        },
      },
    ],
    agreements: [
      agreement(
        "Contoso-Fabrikam-X12",
        "X12",
        ["Contoso", contoso.zz],
        ["Fabrikam", id("ZZ", "FABRIKAM")],
        x12Settings(
          { validationSettings: DUPLICATE_CHECKS, envelopeSettings: { usageIndicator: "Production" } },
          X12_REFS,
        ),
        x12Settings(
          {
            envelopeSettings: { usageIndicator: "Production", interchangeControlNumberLowerBound: 5000 },
            acknowledgementSettings: { needTechnicalAcknowledgement: true, needFunctionalAcknowledgement: true },
          },
          X12_REFS,
        ),
        { ticket: "EDI-1042" },
      ),
      agreement(
        "Contoso-Woodgrove-X12",
        "X12",
        ["Contoso", contoso.zz],
        ["Woodgrove", id("12", "5551234567")],
        x12Settings(
          {
            validationSettings: { ...DUPLICATE_CHECKS, interchangeControlNumberValidityDays: 60 },
            framingSettings: { segmentTerminator: 10, segmentTerminatorSuffix: "None", dataElementSeparator: 124 },
          },
          [X12_REFS[0]],
        ),
        x12Settings(
          {
            framingSettings: { segmentTerminator: 10, dataElementSeparator: 124 },
            envelopeSettings: {
              controlVersionNumber: "00501",
              groupHeaderVersion: "005010",
              senderApplicationId: "CONTOSOAP",
            },
          },
          [X12_REFS[0]],
        ),
      ),
      agreement(
        "Contoso-Northwind-EDIFACT",
        "Edifact",
        ["Contoso", contoso.gln],
        ["Northwind", id("ZZZ", "NORTHWIND")],
        edifactSettings({ validationSettings: DUPLICATE_CHECKS }, [
          { messageId: "ORDERS", messageVersion: "D", messageRelease: "96A", schemaName: "EFACT_D96A_ORDERS" },
        ]),
        edifactSettings(
          {
            envelopeSettings: {
              interchangeControlNumberPrefix: "CT",
              groupControlNumberPrefix: "",
              applicationReferenceId: "ORDERS",
            },
            acknowledgementSettings: { needTechnicalAcknowledgement: true },
          },
          [{ messageId: "ORDERS", messageVersion: "D", messageRelease: "96A", schemaName: "EFACT_D96A_ORDERS" }],
        ),
      ),
      agreement(
        "Contoso-Fabrikam-AS2",
        "AS2",
        ["Contoso", contoso.as2],
        ["Fabrikam", id("AS2Identity", "fabrikam-as2")],
        as2Settings({}),
        as2Settings({}),
      ),
      agreement(
        "Contoso-Tailspin-AS2",
        "AS2",
        ["Contoso", contoso.as2],
        ["Tailspin", id("AS2Identity", "tailspin-as2")],
        as2Settings({
          mdnSettings: { sendMDNAsynchronously: false, receiptDeliveryUrl: null },
          validationSettings: { signMessage: true, encryptionAlgorithm: "AES256" },
          securitySettings: { signingCertificateName: "fabrikam-as2" },
        }),
        as2Settings({
          mdnSettings: { sendMDNAsynchronously: false, receiptDeliveryUrl: null, micHashingAlgorithm: "SHA2256" },
          validationSettings: { signMessage: true, encryptMessage: true, encryptionAlgorithm: "AES256" },
          securitySettings: { encryptionCertificateName: "fabrikam-as2" },
        }),
      ),
    ],
    workflows: [
      {
        name: "AS2-Receive",
        properties: {
          state: "Enabled",
          accessEndpoint: WORKFLOW_ENDPOINT,
          integrationAccount: { id: ACCOUNT_ID, name: ACCOUNT, type: "Microsoft.Logic/integrationAccounts" },
          definition: workflowDefinition,
          parameters: {
            $connections: {
              value: {
                as2: {
                  connectionId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Web/connections/as2`,
                  connectionName: "as2",
                  id: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Web/locations/westeurope/managedApis/as2`,
                },
                x12_1: {
                  connectionId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Web/connections/x12-1`,
                  connectionName: "x12-1",
                  id: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Web/locations/westeurope/managedApis/x12`,
                },
              },
            },
          },
        },
      },
      {
        name: "Unrelated-Timer",
        properties: { state: "Enabled", definition: { $schema: "x", triggers: {}, actions: {} }, parameters: {} },
      },
      {
        name: "logic-b2bdr-prod-westeurope-x12-replication",
        properties: {
          state: "Disabled",
          integrationAccount: { id: ACCOUNT_ID },
          definition: { $schema: "x", triggers: {}, actions: {} },
          parameters: {},
        },
      },
    ],
  };
}
